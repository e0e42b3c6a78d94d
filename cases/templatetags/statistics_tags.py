"""Template helpers for the statistics pages: charts from partitions, cell values with
their marks, amounts and shares."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from cases.statistics import charts

register = template.Library()


@register.filter
def figure(cell) -> str:
    """A count as shown: the number, or "<5" / "—" when it is hidden."""
    if cell is None:
        return ""
    return cell.mark if cell.hidden else str(cell.n)


@register.filter
def money(value) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}"


@register.filter
def amount(cell, field: str) -> str:
    """An amount of a cell, hidden with its count."""
    if cell is None or cell.hidden:
        return "—"
    return money(getattr(cell, field))


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.0f}%"


@register.filter
def signed(value) -> str:
    if value is None:
        return "—"
    return f"{value:+d}%"


@register.simple_tag
def bar_chart(partition, field="n", color=None):
    if field == "n":
        return charts.bars(partition.cells, color=color or charts.COLORS[0])
    return charts.bars(
        partition.cells,
        color=color or charts.COLORS[2],
        value=lambda c: int(getattr(c, field)),
        text=lambda c: money(getattr(c, field)),
    )


@register.simple_tag
def cell_bar_chart(cells, color=None):
    return charts.bars(cells, color=color or charts.COLORS[3])


@register.simple_tag
def column_chart(partition):
    return charts.columns(partition.cells)


@register.simple_tag
def stacked_chart(partition):
    return charts.stacked(partition.cells)


@register.simple_tag
def claimed_recovered_chart(partition):
    rows = [
        (c.label, None if c.hidden else c.claimed, None if c.hidden else c.recovered)
        for c in partition.cells
        if c.hidden or c.n
    ]
    return charts.pairs(rows)


@register.simple_tag
def stats_url(name, params=None, **extra):
    """A statistics URL with the scope and period parameters carried over."""
    query = {**(params or {}), **{k: v for k, v in extra.items() if v}}
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


@register.filter
def merge(a, b) -> dict:
    return {**(a or {}), **(b or {})}


@register.filter
def get_item(sequence, index):
    try:
        return sequence[index]
    except (IndexError, KeyError, TypeError):
        return None
