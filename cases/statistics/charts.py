"""Charts as server-rendered SVG: the same drawing on the page, in print and in the PDF
report (WeasyPrint draws SVG), no script and nothing fetched.

Each chart is drawn from the cells of a partition: a hidden cell gets no bar (its mark,
"<5" or "—", stands in its place), and the scale comes from the shown cells only, so the
drawing never says more than the table beside it. The SVG is decorative for assistive
technology (aria-hidden): the numbers are in the table under each chart.

Drawn in a 360-unit-wide box, a phone's width: the chart scales with its column, and
its text stays readable at 375 px.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 360
FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"
COLORS = ("#1f5fa8", "#c0392b", "#1e8449", "#b9770e", "#6c3483", "#117a65", "#5d6d7e")
MUTED = "#5d6d7e"
LABEL_WIDTH = 118
ROW = 26


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _svg(height: int, body: str) -> str:
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" aria-hidden="true" focusable="false" '
        f'font-family="{FONT}" font-size="12" xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def _short(label: str, limit: int = 9) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bars(cells, *, color: str = COLORS[0], value=lambda c: c.n, text=None) -> str:
    """Horizontal bars, one per cell, labelled; hidden cells show their mark."""
    cells = list(cells)
    if not cells:
        return ""
    shown = [value(c) for c in cells if c.shown]
    top = max([v for v in shown if v] or [1])
    width = WIDTH - LABEL_WIDTH - 52
    parts = []
    for i, cell in enumerate(cells):
        y = i * ROW
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 17}" text-anchor="end">{escape(_short(cell.label))}</text>'
        )
        if cell.shown:
            length = max(1, round(width * value(cell) / top)) if value(cell) else 0
            shown_text = text(cell) if text else _number(value(cell))
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 5}" width="{length}" height="{ROW - 9}" rx="2" fill="{color}"/>'
                f'<text x="{LABEL_WIDTH + length + 4}" y="{y + 17}">{escape(shown_text)}</text>'
            )
        else:
            parts.append(
                f'<text x="{LABEL_WIDTH + 4}" y="{y + 17}" fill="{MUTED}">{escape(cell.mark)}</text>'
            )
    return _svg(len(cells) * ROW + 2, "".join(parts))


def columns(cells, *, color: str = COLORS[0]) -> str:
    """Vertical bars for months; labels every few months so that they do not collide."""
    cells = list(cells)
    if not cells:
        return ""
    height, base, top_margin = 170, 140, 16
    shown = [c.n for c in cells if c.shown]
    top = max([v for v in shown if v] or [1])
    step = WIDTH / len(cells)
    every = max(1, round(len(cells) / 6))
    parts = [f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#d5dbdb"/>']
    for i, cell in enumerate(cells):
        x = i * step
        bar = max(2.0, step * 0.7)
        if cell.shown:
            h = (base - top_margin) * cell.n / top
            parts.append(
                f'<rect x="{x + (step - bar) / 2:.1f}" y="{base - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{color}"/>'
            )
            if len(cells) <= 13:
                parts.append(
                    f'<text x="{x + step / 2:.1f}" y="{base - h - 3:.1f}" text-anchor="middle" font-size="10">{cell.n}</text>'
                )
        else:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{base - 4}" text-anchor="middle" font-size="10" fill="{MUTED}">{escape(cell.mark)}</text>'
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{base + 16}" text-anchor="middle" font-size="10">{escape(cell.label[2:])}</text>'
            )
    return _svg(height, "".join(parts))


def pairs(rows) -> str:
    """Two bars per row (claimed, recovered): rows are (label, a, b) with None for hidden."""
    rows = list(rows)
    if not rows:
        return ""
    values = [v for _l, a, b in rows for v in (a, b) if v]
    top = max(values or [1])
    width = WIDTH - LABEL_WIDTH - 70
    parts = []
    for i, (label, a, b) in enumerate(rows):
        y = i * (ROW + 8)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 17}" text-anchor="end">{escape(_short(label))}</text>'
        )
        for j, (v, color) in enumerate(((a, COLORS[0]), (b, COLORS[2]))):
            yy = y + 3 + j * 13
            if v is None:
                parts.append(
                    f'<text x="{LABEL_WIDTH + 4}" y="{yy + 10}" font-size="10" fill="{MUTED}">—</text>'
                )
                continue
            length = max(1, round(width * float(v) / float(top))) if v else 0
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{yy}" width="{length}" height="11" fill="{color}"/>'
                f'<text x="{LABEL_WIDTH + length + 4}" y="{yy + 10}" font-size="10">{v:,.0f}</text>'
            )
    return _svg(len(rows) * (ROW + 8) + 2, "".join(parts))


def stacked(cells) -> str:
    """One 100% bar split into the cells (deadlines met, missed, waived); only when every
    cell is shown, since a split reveals each share."""
    cells = list(cells)
    total = sum(c.n for c in cells)
    if not total or not all(c.shown for c in cells):
        return ""
    x, parts = 0.0, []
    for cell, color in zip(cells, (COLORS[2], COLORS[1], MUTED), strict=False):
        w = WIDTH * cell.n / total
        if w:
            parts.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="18" fill="{color}"/>')
        x += w
    return _svg(20, "".join(parts))
