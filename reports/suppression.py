"""
What the reports withhold so that no child can be recognised, decided in
one place for the tables, the charts drawn from them and their CSV files.
The rule is the one the ONS and the DfE publish under:

- primary: a count from 1 to 4 (of pupils, or of their cases, stays or
  extension requests) is withheld. Zero is shown: it tells nothing about
  any child.
- secondary: a withheld count must not come back from a sum. Every sum a
  reader can see or work out from the figures for the same filters is
  noted (a column adding up to a figure shown in another table, a total
  the shares give away), and while any withheld count could still be
  worked out from them, the smallest figure shown beside it in one of its
  sums is withheld too.
- a share or median of a withheld group is withheld with it.

What suppression cannot stop is differencing: a reader who runs the same
report under two filters that differ by one child (one day more, one
school less) may compare the two. Figures are limited to the cases a
person may see anyway and every download is audited (reports.services);
an unrestricted public release would need perturbation as well.
"""

from dataclasses import dataclass
from fractions import Fraction

SMALL_GROUP = 5
IN_CSV = "c"
NOTE = (
    "[c] means withheld to protect confidentiality: a count from 1 to 4 is "
    "withheld so that no child can be recognised, and so is any figure "
    "from which one could be worked out, and the share or median of any "
    "withheld group."
)


class Withheld:
    """A withheld figure: [c] on the page, as the GOV.UK tables show it."""

    def __str__(self):
        return "[c]"

    def __repr__(self):
        return "WITHHELD"


WITHHELD = Withheld()


@dataclass(frozen=True)
class Count:
    """A count in a table until the tally publishes it (or withholds it)."""

    key: object
    n: int


@dataclass(frozen=True)
class Derived:
    """A share or median, shown only when every count it comes from is."""

    value: object
    keys: tuple


def is_small(n):
    return 0 < n < SMALL_GROUP


def most_first(value):
    """
    A sort key for a published count, biggest first. A withheld count goes
    after every count shown but 0, so a row's place tells nothing of it.
    """
    if value is WITHHELD:
        return (1, 0)
    return (0, -value) if value else (2, 0)


class Tally:
    """
    The counts of figures published together and the sums that tie them,
    across tables: a count shown in two tables has one key, and is shown
    or withheld alike in both.
    """

    def __init__(self):
        self.counts = {}
        self.on_the_page = set()
        self.sums = []

    def count(self, key, n):
        if self.counts.setdefault(key, n) != n:
            raise ValueError(f"Two different counts for {key!r}")
        self.on_the_page.add(key)
        return Count(key, n)

    def adds_up(self, parts, to=None):
        """
        Note that `parts` add up to `to`, a count in some table; without
        one, to a total no table shows but a reader can work out (from the
        shares, or from another table), or may: a total is taken as known
        unless it is small. Returns the total.
        """
        if to is None:
            to = Count(("total", len(self.sums)), sum(part.n for part in parts))
            self.counts[to.key] = to.n
        # As an equation, total minus parts is 0; a count on both sides
        # (a column adding up to a figure it is part of) drops out.
        equation = {to.key: 1}
        for part in parts:
            equation[part.key] = equation.get(part.key, 0) - 1
        self.sums.append({key: c for key, c in equation.items() if c})
        return to

    def derived(self, value, *counts):
        return Derived(value, tuple(count.key for count in counts))

    def publish(self, tables):
        """The tables with every count, share and median as it may be shown."""
        withheld = self.withheld()
        for table in tables:
            table.rows = [
                [_published(cell, withheld) for cell in row] for row in table.rows
            ]
            if table.order:
                table.rows.sort(key=table.order)
        return tables

    def withheld(self):
        """
        The keys of the counts to withhold. First the small ones; then, for
        each sum that would give one back, the smallest figure shown in it.
        """
        unknown = {key for key, n in self.counts.items() if is_small(n)}
        while sum_ := self._giving_one_away(unknown):
            unknown.add(self._smallest_shown(sum_, unknown))
        return unknown

    def _giving_one_away(self, unknown):
        """
        A sum that lets a reader work out a withheld count. Mostly a sum
        with one withheld count in it; otherwise one that pins a count down
        together with other sums (two rows and a column, say).
        """
        for members in self.sums:
            alone = unknown.intersection(members)
            if len(alone) == 1 and self._protected(*alone):
                return members
        pinned = [
            key for key in _pinned_down(self.sums, unknown) if self._protected(key)
        ]
        if not pinned:
            return None
        key = next(key for key in self.counts if key in pinned)
        sums = sorted(
            (members for members in self.sums if key in members),
            key=lambda members: len(unknown.intersection(members)),
        )
        # A count pinned down through a chain of sums may be in none with a
        # figure still shown; breaking any link of the chain will do then.
        sums += [members for members in self.sums if unknown.intersection(members)]
        return next(members for members in sums if self._shown_in(members, unknown))

    def _protected(self, key):
        """A total no table shows needs protecting only when it is small."""
        return key in self.on_the_page or is_small(self.counts[key])

    def _shown_in(self, members, unknown):
        return [key for key in members if key not in unknown and self.counts[key]]

    def _smallest_shown(self, members, unknown):
        """
        A total that no table shows is taken only when nothing else is left:
        withholding it withholds the shares that give it away.
        """
        return min(
            self._shown_in(members, unknown),
            key=lambda key: (key not in self.on_the_page, self.counts[key]),
        )


def _published(cell, withheld):
    if isinstance(cell, Count):
        return WITHHELD if cell.key in withheld else cell.n
    if isinstance(cell, Derived):
        return WITHHELD if withheld.intersection(cell.keys) else cell.value
    return cell


def _pinned_down(sums, unknown):
    """
    The unknown counts the sums give exactly. Each sum is an equation in
    the unknowns (the shown figures are constants): the equations are
    reduced so that each leading unknown is left in its own equation only,
    and an unknown is pinned down exactly when an equation holds it alone.
    """
    reduced = {}
    for members in sums:
        equation = {key: c for key, c in members.items() if key in unknown}
        for lead, row in reduced.items():
            _subtract(equation, row, equation.get(lead, 0))
        equation = {key: c for key, c in equation.items() if c}
        if not equation:
            continue
        lead, scale = next(iter(equation.items()))
        equation = {key: Fraction(c, scale) for key, c in equation.items()}
        for row in reduced.values():
            _subtract(row, equation, row.get(lead, 0))
        reduced[lead] = equation
    return {lead for lead, row in reduced.items() if len(row) == 1}


def _subtract(row, other, times):
    if not times:
        return
    for key, c in other.items():
        left = row.get(key, 0) - times * c
        if left:
            row[key] = left
        else:
            row.pop(key, None)
