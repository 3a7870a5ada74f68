"""
What a tally withholds, on tables small enough to work by hand. The
reports' own tables are tested on the county in test_county_figures.
"""

from fractions import Fraction

from reports.figures import Table
from reports.suppression import WITHHELD, Tally, most_first

C = WITHHELD


def published(tally, rows):
    (table,) = tally.publish([Table("t", "T", ["Group", "Pupils"], rows)])
    return table.rows


def test_a_count_under_5_is_withheld_with_the_next_smallest_beside_it():
    tally = Tally()
    a, b, c, d = [
        tally.count(key, n) for key, n in (("a", 3), ("b", 7), ("c", 0), ("d", 12))
    ]
    total = tally.adds_up([a, b, c, d], to=tally.count("all", 22))

    rows = published(tally, [["A", a], ["B", b], ["C", c], ["D", d], ["All", total]])

    # 22 - 12 - 0 would be 10: the 3 and the 7 together, neither alone.
    assert rows == [["A", C], ["B", C], ["C", 0], ["D", 12], ["All", 22]]


def test_two_small_counts_cover_each_other_and_5_or_more_shows_exactly():
    tally = Tally()
    a, b, c, d = [
        tally.count(key, n) for key, n in (("a", 2), ("b", 3), ("c", 5), ("d", 9))
    ]
    total = tally.adds_up([a, b, c, d], to=tally.count("all", 19))

    rows = published(tally, [["A", a], ["B", b], ["C", c], ["D", d], ["All", total]])

    assert rows == [["A", C], ["B", C], ["C", 5], ["D", 9], ["All", 19]]


def test_a_total_no_table_shows_still_gives_a_count_away():
    tally = Tally()
    small, large = tally.count("small", 1), tally.count("large", 8)
    # The shares give the total away: 8 is 89% of 9.
    total = tally.adds_up([small, large])

    rows = published(
        tally,
        [
            ["Small", small, tally.derived("11%", small, total)],
            ["Large", large, tally.derived("89%", large, total)],
        ],
    )

    # The 8 would give the 1 back: both go, and both shares with them.
    assert rows == [["Small", C, C], ["Large", C, C]]


def test_a_share_or_median_of_a_withheld_group_is_withheld():
    tally = Tally()
    few, many = tally.count("few", 2), tally.count("many", 30)

    rows = published(
        tally,
        [
            ["Few", few, tally.derived(4.5, few)],
            ["Many", many, tally.derived(12, many)],
        ],
    )

    assert rows == [["Few", C, C], ["Many", 30, 12]]


def test_a_table_with_its_totals_withholds_what_they_would_give_back():
    # Moves in and out of three schools, with every total:
    #
    #             in   out   total           published
    #   Sewell     3     0       3     ->    [c]    0   [c]
    #   Acle       2     6       8     ->    [c]  [c]   [c]
    #   Bure       9     7      16     ->    [c]  [c]    16
    #   total     14    13      27     ->     14   13    27
    #
    # The 3s and the 2 are small. The 2 alone in Acle's row takes the 6;
    # the 6 alone in the out column takes Bure's 7; the 7 alone in Bure's
    # row takes the 9. Sewell's total would come back as 27 - 8 - 16, so
    # the smaller of those, Acle's 8, goes too.
    tally = Tally()
    grid = {"Sewell": (3, 0), "Acle": (2, 6), "Bure": (9, 7)}
    rows = []
    for school, (moved_in, moved_out) in grid.items():
        cells = [
            tally.count((school, "in"), moved_in),
            tally.count((school, "out"), moved_out),
        ]
        total = tally.adds_up(cells, to=tally.count(school, moved_in + moved_out))
        rows.append([school, *cells, total])
    columns = [
        tally.adds_up([row[i] for row in rows], to=tally.count(name, n))
        for i, name, n in ((1, "in", 14), (2, "out", 13))
    ]
    everything = tally.adds_up(columns, to=tally.count("all", 27))
    tally.adds_up([row[3] for row in rows], to=everything)

    rows = published(tally, [*rows, ["Total", *columns, everything]])

    assert rows == [
        ["Sewell", C, 0, C],
        ["Acle", C, C, C],
        ["Bure", C, C, 16],
        ["Total", 14, 13, 27],
    ]
    sums = [
        ["Sewell", ("Sewell", "in"), ("Sewell", "out")],
        ["Acle", ("Acle", "in"), ("Acle", "out")],
        ["Bure", ("Bure", "in"), ("Bure", "out")],
        ["in", ("Sewell", "in"), ("Acle", "in"), ("Bure", "in")],
        ["out", ("Sewell", "out"), ("Acle", "out"), ("Bure", "out")],
        ["all", "in", "out"],
        ["all", "Sewell", "Acle", "Bure"],
    ]
    assert worked_out(sums, tally.withheld()) == set()


def test_a_count_pinned_down_by_sums_that_each_hold_two_is_protected_too():
    # Three counts published only in pairs: a + b = 9, b + c = 14 and
    # a + c = 11. The 3 is small; alone in 9 it takes the 6, which alone
    # in 14 takes the 8. Each sum now holds two withheld counts, yet
    # (9 - 14 + 11) / 2 gives the 3 back: the smallest figure shown in a
    # sum with it, the 9, goes too.
    tally = Tally()
    a, b, c = tally.count("a", 3), tally.count("b", 6), tally.count("c", 8)
    pairs = [
        tally.adds_up([a, b], to=tally.count("a+b", 9)),
        tally.adds_up([b, c], to=tally.count("b+c", 14)),
        tally.adds_up([a, c], to=tally.count("a+c", 11)),
    ]

    rows = published(tally, [["Counts", a, b, c], ["Pairs", *pairs]])

    assert rows == [["Counts", C, C, C], ["Pairs", C, 14, 11]]
    sums = [["a+b", "a", "b"], ["b+c", "b", "c"], ["a+c", "a", "c"]]
    assert worked_out(sums, tally.withheld()) == set()
    assert worked_out(sums, {"a", "b", "c"}) == {"a", "b", "c"}


def test_withheld_rows_sort_after_shown_ones_and_before_zeros():
    rows = [["A", 0], ["B", 9], ["C", C], ["D", 5]]

    assert sorted(rows, key=lambda row: most_first(row[1])) == [
        ["B", 9],
        ["D", 5],
        ["C", C],
        ["A", 0],
    ]


def worked_out(sums, withheld):
    """
    The withheld cells a reader could work out from the sums, each given as
    [total, *parts] with shown cells known. Worked by rank, not as the tally
    works it: a cell is fixed when "this cell alone" adds no rank.
    """
    unknown = sorted({cell for s in sums for cell in s if cell in withheld}, key=str)
    matrix = []
    for total, *parts in sums:
        row = [0] * len(unknown)
        for cell, sign in [(total, 1), *((part, -1) for part in parts)]:
            if cell in withheld:
                row[unknown.index(cell)] += sign
        matrix.append(row)
    base = rank(matrix)
    return {
        cell
        for i, cell in enumerate(unknown)
        if rank([*matrix, [int(j == i) for j in range(len(unknown))]]) == base
    }


def rank(matrix):
    rows = [[Fraction(x) for x in row] for row in matrix]
    found = 0
    for column in range(len(rows[0]) if rows else 0):
        pivot = next((r for r in range(found, len(rows)) if rows[r][column]), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for r in range(len(rows)):
            if r != found and rows[r][column]:
                times = rows[r][column] / rows[found][column]
                rows[r] = [
                    a - times * b for a, b in zip(rows[r], rows[found], strict=True)
                ]
        found += 1
    return found
