from django import template
from django.conf import settings

from cases.rules import can
from dowimm.audit.services import retention_date

register = template.Library()


@register.inclusion_tag("audit/_case_records_panel.html", takes_context=True)
def case_records_panel(context):
    user, case = context["request"].user, context["case"]
    return {
        "case": case,
        "kept_until": retention_date(case.pupil),
        "can_see_access": can(user, "audit.view_case_access", case),
        "can_export": can(user, "audit.export_subject_access", case),
        "retention_age": settings.DOWIMM_RETENTION_AGE_YEARS,
    }
