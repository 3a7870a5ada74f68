"""Transport taken through the services, as the transport officer does it."""

from decimal import Decimal

from transport import services
from transport.models import TransportRequest

ROUTE = {
    "home_to_school_miles": Decimal("2.32"),
    "boarding_point": "",
    "boarding_point_postcode": "",
    "home_to_boarding_point_miles": None,
    "suitable_route": True,
    "walk_to_stop_miles": Decimal("0.40"),
    "arrangement": TransportRequest.Arrangement.BUS_PASS,
    "arrangement_details": "",
    "ends_on": None,
    "continues_after_managed_move": True,
}


def transport_quote(cast, case, on, **route):
    """A bus pass, priced: everything the panel needs to decide."""
    officer = cast.transport
    services.transport_route_record(case_id=case.pk, user=officer, **{**ROUTE, **route})
    services.transport_quote_request(case_id=case.pk, user=officer, requested_on=on)
    return services.transport_quote_record(
        case_id=case.pk,
        user=officer,
        received_on=on,
        supplier="Konectbus",
        daily_cost=Decimal("4.20"),
        total_cost=Decimal("168.00"),
    )


def transport_decide(cast, case, on, *, approve=True, reasons="A bus pass will do"):
    return services.transport_request_decide(
        case_id=case.pk,
        user=cast.transport,
        panel_on=on,
        panel_members="Transport manager\nFAET officer",
        approve=approve,
        conditions="",
        reasons=reasons,
    )


def transport_approve(cast, case, on, **route):
    transport_quote(cast, case, on, **route)
    return transport_decide(cast, case, on)
