from django import template

from cases.rules import can

register = template.Library()


@register.simple_tag
def transport_on_case(case, user):
    """What the case page's transport section shows, and what the user may do."""
    transport = getattr(case, "transport_request", None)
    return {
        "answer": getattr(case, "travel_answer", None),
        "request": transport,
        "plan": getattr(transport, "travel_plan", None) if transport else None,
        "can_answer": can(user, "transport.answer_travel", case)
        and case.state == case.State.PLANNING,
        "can_view": can(user, "transport.view_request", case),
    }
