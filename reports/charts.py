"""
Bar charts drawn on the server as SVG: no script, no font, no inline style
(the content security policy forbids it), only presentation attributes.
Each chart sits beside a table of the same numbers, and is drawn from
that table's published rows, so it never shows a figure the table withholds.
"""

from dataclasses import dataclass

from reports.suppression import WITHHELD

WIDTH = 640
LABEL_WIDTH = 210
PLOT_WIDTH = 360
BAR_HEIGHT = 16
GROUP_GAP = 12
LEGEND_HEIGHT = 28
LABEL_CHARACTERS = 28
# GOV.UK blue, green and dark grey: each at least 3:1 against white.
COLOURS = ["#1d70b8", "#00703c", "#505a5f"]


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: float
    value: int
    colour: str
    text_x: float


@dataclass(frozen=True)
class Row:
    label: str
    label_y: float
    bars: list


@dataclass(frozen=True)
class LegendItem:
    name: str
    colour: str
    x: int


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    rows: list
    legend: list
    height: int
    width: int = WIDTH
    label_x: int = LABEL_WIDTH - 8
    bar_height: int = BAR_HEIGHT


@dataclass(frozen=True)
class TableChart:
    """
    How a table is charted: one group of bars for each of its first rows
    (all of them without `most_rows`), one bar for each column named in
    `columns`, a list of (series name, column index).
    """

    id: str
    title: str
    description: str
    columns: list
    most_rows: int | None = None

    def draw(self, rows):
        rows = rows[: self.most_rows]
        if not rows:
            return None
        series = [(name, [row[i] for row in rows]) for name, i in self.columns]
        description = self.description
        if any(WITHHELD in values for _, values in series):
            description += " Figures marked [c] are withheld and have no bar."
        return bar_chart(
            id=self.id,
            title=self.title,
            description=description,
            labels=[row[0] for row in rows],
            series=series,
        )


def bar_chart(*, id, title, description, labels, series):
    """
    A horizontal bar chart with one group of bars per label and one bar per
    series in each group. `series` is a list of (name, values) with one
    value per label; a withheld value has no bar.
    """
    shown = [value for _, values in series for value in values if value is not WITHHELD]
    most = max(shown, default=0) or 1
    group_height = len(series) * BAR_HEIGHT + GROUP_GAP
    rows = []
    for i, label in enumerate(labels):
        top = LEGEND_HEIGHT + i * group_height
        bars = []
        for j, (_, values) in enumerate(series):
            width = 0 if values[i] is WITHHELD else values[i] / most * PLOT_WIDTH
            bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=top + j * BAR_HEIGHT,
                    width=round(width, 1),
                    value=values[i],
                    colour=COLOURS[j % len(COLOURS)],
                    text_x=round(LABEL_WIDTH + width + 4, 1),
                )
            )
        rows.append(
            Row(
                label=_shortened(label),
                label_y=top + len(series) * BAR_HEIGHT / 2 + 5,
                bars=bars,
            )
        )
    legend = [
        LegendItem(name=name, colour=COLOURS[j % len(COLOURS)], x=j * 200)
        for j, (name, _) in enumerate(series)
    ]
    return BarChart(
        id=id,
        title=title,
        description=description,
        rows=rows,
        legend=legend,
        height=LEGEND_HEIGHT + max(len(labels), 1) * group_height,
    )


def _shortened(label):
    label = str(label)
    if len(label) <= LABEL_CHARACTERS:
        return label
    return label[: LABEL_CHARACTERS - 1].rstrip() + "…"
