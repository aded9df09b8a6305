"""Charts as SVG drawn by the app: no JavaScript, no CDN, printable on A4 and embeddable in the PDF.

Each function takes labels already in the reader's language and returns SVG text with a title
and a description, so a screen reader and a printed page get the same facts.
"""
from html import escape

BAR_HEIGHT, GAP, LABEL_WIDTH, CHART_WIDTH = 22, 8, 190, 640
COLD, HOT = (244, 241, 236), (122, 16, 34)  # the site's paper white to its deep red


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img"><title>{escape(title)}</title>{"".join(body)}</svg>')


def bars(rows: list[tuple[str, float | None, str]], title: str, maximum: float = 1.0) -> str:
    """Horizontal bars: (label, value or None, the value as text). None draws no bar, only its text."""
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    span = CHART_WIDTH - LABEL_WIDTH - 70
    body = []
    for i, (label, value, text) in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        body.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 16}" text-anchor="end" font-size="13">{escape(label)}</text>')
        width = 0 if value is None or maximum <= 0 else max(0.0, min(value / maximum, 1.0)) * span
        body.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="#7a1022"/>')
        body.append(f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 16}" font-size="13">{escape(text)}</text>')
    return _svg(CHART_WIDTH, height, title, body)


def _shade(value: float, top: float) -> str:
    t = 0.0 if top <= 0 else min(value / top, 1.0)
    r, g, b = (round(c + (h - c) * t) for c, h in zip(COLD, HOT, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap(grid: list[list[float]], weekdays: list[str], title: str, first_hour: int = 7, last_hour: int = 21) -> str:
    """Weekday rows × hour columns, darker = more booked seat-hours; each cell carries its number."""
    cell, left, top = 36, 50, 22
    hours = range(first_hour, last_hour)
    peak = max((v for row in grid for v in row), default=0.0)
    body = [f'<text x="{left + (h - first_hour) * cell + cell / 2}" y="15" text-anchor="middle" '
            f'font-size="11">{h}:00</text>' for h in hours]
    for d, name in enumerate(weekdays):
        y = top + d * cell
        body.append(f'<text x="{left - 6}" y="{y + 22}" text-anchor="end" font-size="13">{escape(name)}</text>')
        for h in hours:
            value = grid[d][h]
            x = left + (h - first_hour) * cell
            colour = _shade(value, peak)
            ink = "#fff" if peak and value / peak > 0.55 else "#111"
            body.append(f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{colour}">'
                        f'<title>{escape(name)} {h}:00 — {value:g}</title></rect>')
            if value:
                body.append(f'<text x="{x + cell / 2 - 1}" y="{y + 22}" text-anchor="middle" font-size="10" '
                            f'fill="{ink}">{value:g}</text>')
    return _svg(left + len(hours) * cell + 4, top + 7 * cell + 4, title, body)
