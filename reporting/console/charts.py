"""Bar charts drawn on the server as SVG: one mark per row of the figure, no script, nothing
fetched from elsewhere. Each chart is shown beside the table of its numbers."""

from dataclasses import dataclass

WIDTH, BAR, GAP, LABEL = 640, 22, 6, 200


@dataclass
class Bar:
    label: str
    value: int | None
    x: int
    y: int
    width: int
    parts: list  # stacked: [(name, value, x, width)]


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    height: int
    width: int = WIDTH
    label_width: int = LABEL


def bar_chart(title: str, rows: list[tuple[str, list[tuple[str, int]]]]) -> Chart:
    """Horizontal bars, one per (label, [(part name, value), ...]); several parts stack."""
    top = max((sum(v or 0 for _, v in parts) for _, parts in rows), default=0) or 1
    scale = (WIDTH - LABEL - 80) / top
    bars = []
    for n, (label, parts) in enumerate(rows):
        x, pieces = LABEL, []
        for name, value in parts:
            width = round((value or 0) * scale)  # None: no data (a gap), no bar
            pieces.append((name, value, x, width))
            x += width
        known = [v for _, v in parts if v is not None]
        total = sum(known) if known else None
        bars.append(Bar(label, total, LABEL, n * (BAR + GAP), x - LABEL, pieces))
    return Chart(title, bars, height=max(len(rows), 1) * (BAR + GAP))
