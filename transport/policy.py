"""
The home-to-school transport policy as it applies to a DOWIMM placement:
straight-line distances on the British National Grid, and which option the
policy points to, cheapest first, with the reason in words.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from transport.models import Postcode, TransportRequest, normalise_postcode

METRES_PER_MILE = Decimal("1609.344")
# A bus pass is the option while a suitable route stops within this walk.
MAX_WALK_TO_STOP_MILES = Decimal("1.5")

Arrangement = TransportRequest.Arrangement


def grid_reference(postcode):
    """(easting, northing) of a postcode in the directory, or None."""
    found = (
        Postcode.objects.filter(postcode=normalise_postcode(postcode))
        .values_list("easting", "northing")
        .first()
    )
    return found


def straight_line_miles(a, b):
    """Miles between two (easting, northing) points, to 2 places; None if unknown."""
    if a is None or b is None or None in (*a, *b):
        return None
    metres = Decimal(math.hypot(a[0] - b[0], a[1] - b[1]))
    return (metres / METRES_PER_MILE).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class PolicyAdvice:
    arrangement: str
    reason: str

    @property
    def label(self):
        return Arrangement(self.arrangement).label


def policy_advice(*, suitable_route, walk_to_stop_miles):
    """What the policy points to, or None until the route is known."""
    if suitable_route is None:
        return None
    if suitable_route and walk_to_stop_miles is None:
        return None
    if suitable_route and walk_to_stop_miles <= MAX_WALK_TO_STOP_MILES:
        return PolicyAdvice(
            Arrangement.BUS_PASS,
            f"A suitable public route has a stop {walk_to_stop_miles} miles' walk "
            f"from home, within the policy's {MAX_WALK_TO_STOP_MILES} miles.",
        )
    if suitable_route:
        return PolicyAdvice(
            Arrangement.BESPOKE,
            f"The nearest stop on a suitable public route is {walk_to_stop_miles} "
            f"miles' walk from home, beyond the policy's {MAX_WALK_TO_STOP_MILES} "
            "miles, so bespoke transport from a boarding point.",
        )
    return PolicyAdvice(
        Arrangement.BESPOKE,
        "No suitable public route serves the school, so bespoke transport "
        "from a boarding point.",
    )


def needs_exception(arrangement, advice):
    """Whether `arrangement` goes beyond what the policy points to."""
    if arrangement == Arrangement.BEYOND_POLICY:
        return True
    order = list(Arrangement.values)
    return (
        advice is not None
        and bool(arrangement)
        and order.index(arrangement) > order.index(advice.arrangement)
    )


def request_advice(request):
    return policy_advice(
        suitable_route=request.suitable_route,
        walk_to_stop_miles=request.walk_to_stop_miles,
    )
