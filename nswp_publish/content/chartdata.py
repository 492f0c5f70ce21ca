"""What a chart's data must be: the kinds of chart, their series, and the checks of values.

Checked when the publication is loaded (a chart block's data, from CSV or inline rows), so
that data a chart cannot show is a one-line error at its content line; `render.charts`
draws from the same series.
"""
from dataclasses import dataclass
from decimal import Decimal

from ..errors import ContentError
from .model import Percent

KINDS = ('bar', 'hbar', 'stacked', 'line', 'donut')


@dataclass(frozen=True)
class Series:
    """One series: its label (translated text) and one value per category (number or Percent)."""

    label: str
    values: tuple


def number_value(value):
    """A chart value as a Decimal: a percentage as its proportion."""
    return value.value if isinstance(value, Percent) else Decimal(value)


def check_data(kind, categories, series, where):
    """Refuse data a chart of `kind` cannot show, as a one-line error at `where`."""
    if not categories:
        raise ContentError('a chart needs at least one row of data', *where)
    if not series:
        raise ContentError('a chart needs at least one column of values ("y")', *where)
    for item in series:
        if len(item.values) != len(categories):
            raise ValueError(f'series "{item.label}" has {len(item.values)} values '
                             f'for {len(categories)} categories')
        for value in item.values:
            if not isinstance(value, (int, Decimal, Percent)) or isinstance(value, bool):
                raise ContentError(f'series "{item.label}": expected numbers, found '
                                   f'"{value}"', *where)
    kinds = {isinstance(value, Percent) for item in series for value in item.values}
    if len(kinds) > 1:
        raise ContentError('a chart cannot mix percentages and plain numbers', *where,
                           hint='write every value as a percentage, or none')
    if kind == 'donut':
        if len(series) != 1:
            raise ContentError(f'a donut chart shows one column of values, not {len(series)}',
                               *where, hint='give "y" one column')
        values = [number_value(value) for value in series[0].values]
        if any(value < 0 for value in values) or not sum(values):
            raise ContentError('a donut chart needs values of zero or more, not all zero',
                               *where)
    if kind == 'stacked' and any(number_value(value) < 0
                                 for item in series for value in item.values):
        raise ContentError('a stacked chart cannot show negative values', *where,
                           hint='use a bar chart')
