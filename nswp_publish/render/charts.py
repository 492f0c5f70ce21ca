"""Charts drawn as SVG from data: bar, hbar, stacked, line and donut.

The chart is generated here rather than by a plotting library so that it holds
nothing but what the content gives it: categories and series labels arrive
translated, and every number on it (axis ticks, value labels, a donut's shares)
is formatted by Babel for the language, so a French axis reads `1 234,5`. The
text is set in the language's own fonts, named on the `<svg>` because
WeasyPrint's SVG text does not inherit the stylesheet's `:lang()` rules; long
labels wrap (CJK anywhere, other scripts at spaces).

The SVG is an image to assistive technology (`role="img"` labelled by its
`<title>`), and a picture's numbers must also be reachable as text: they come back
as a table (`Chart.table`) for the web page to show beside it, and, given the
language's `Wording`, as sentences (`describe`) that become the `<title>` of the
print SVG, which WeasyPrint writes as the PDF Figure's alternative text.
Colours: every mark has at least 4.5:1 contrast with white (so white value
labels inside stacked segments read too), and all text is near-black.
Output is deterministic: the same input gives the same bytes.
"""
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

import arabic_reshaper
from babel.lists import format_list
from bidi import get_display
from babel.numbers import UnsupportedNumberingSystemError, format_decimal, format_percent
from markupsafe import Markup, escape

from ..content.chartdata import KINDS, Series, check_data, number_value
from ..content.model import Percent
from ..errors import ContentError
from ..i18n.cldr import in_digits, with_percent_sign

#: Series colours in order, each with >= 4.5:1 contrast against white (tests check it),
#: neighbours far apart in hue and lightness.
PALETTE = ('#c8102e', '#1f4e79', '#b35900', '#00796b', '#6a3d9a', '#4d4d4d', '#ad1457',
           '#2e6b30')
INK = '#222222'            # text: 15.9:1 on white
MUTED = '#555555'          # axis line and tick labels: 7.5:1
GRID = '#d9d9d9'           # grid lines: decoration, not information
WIDTH = 640                # the drawing's width in CSS pixels (A4 text block: ~643)
FONT_SIZE = 12
VALUE_SIZE = 11
LINE_HEIGHT = 15
MARKERS = ('circle', 'square', 'diamond', 'triangle')


@dataclass(frozen=True)
class Chart:
    """A drawn chart: the SVG markup and its data as a table of formatted strings."""

    svg: Markup
    width: int
    height: int
    table: dict        # {'header': [str], 'rows': [[str]], 'numeric': [bool]}
    ident: str         # the id prefix of its elements, unique in the page


@dataclass(frozen=True)
class Wording:
    """How one language words a chart's numbers as sentences: three translated patterns,
    each a function of plain texts returning plain text. They come from the template's
    interface messages, so that translators word them, not this module."""

    row: Callable       # (category, its values) -> "Africa: 12."
    note: Callable      # (value, what qualifies it) -> "12 (2014)", "41 (35.2%)"
    titled: Callable    # (chart's name, its sentences) -> "Members by region. Africa: 12. ..."


def describe(kind, table, title, unit, language, wording):
    """The chart as text: its name (and unit), then one sentence per category with its
    values as the table gives them (formatted for the language; a donut's share beside
    each value, a series' label beside each of its values)."""
    header, sentences = table['header'], []
    for label, *cells in table['rows']:
        if kind == 'donut':
            value = wording.note(cells[0], cells[1])
        elif len(cells) == 1:
            value = cells[0]
        else:
            value = format_list([wording.note(cell, series) for cell, series
                                 in zip(cells, header[1:])], locale=language.code)
        sentences.append(wording.row(label, value))
    name = wording.note(title, unit) if unit else title
    return wording.titled(name, language.sentence_space.join(sentences))


def draw(kind, categories, series, language, title, unit=None, *, ident='chart',
         category_label='', where=(None, None), wording=None, visual_order=False):
    """Draw a chart; `ident` makes its element ids unique in the page.

    `where` is the (path, line) of the chart in the content, for errors about
    data a chart cannot show (a donut of negative numbers, say). With a `Wording`, the
    SVG's `<title>` is the chart described in full (`describe`): for print, where the
    title is all a screen reader meets of the chart. `visual_order`, for WeasyPrint (the PDF),
    gives right-to-left labels in the order and the joined letter forms they are seen in:
    WeasyPrint 70 sets SVG text one letter at a time, left to right, without shaping.
    """
    if kind not in KINDS:
        raise ContentError(f'unknown chart type "{kind}"', *where,
                           hint=f'expected one of: {", ".join(KINDS)}')
    categories = [str(category) for category in categories]
    series = [Series(str(item.label), tuple(item.values)) for item in series]
    check_data(kind, categories, series, where)
    numbers = _Numbers(language, any(isinstance(value, Percent)
                                     for item in series for value in item.values))
    table = _table(kind, categories, series, numbers, category_label)
    if wording is not None:
        title = describe(kind, table, str(title), unit, language, wording)
    drawing = _Drawing(language, title, ident, kind, visual_order)
    if kind == 'donut':
        _donut(drawing, categories, series[0], numbers, unit)
    elif kind == 'hbar':
        _hbar(drawing, categories, series, numbers, unit)
    else:
        _columns(drawing, kind, categories, series, numbers, unit)
    return Chart(drawing.markup(), WIDTH, drawing.height, table, ident)


class _Numbers:
    """Formats the chart's values and axis ticks for one language, in its digits."""

    def __init__(self, language, percent):
        self.locale = language.code
        self.numbering = language.numbering
        self.percent = percent

    def _format(self, function, number, **options):
        try:
            text = function(number, locale=self.locale, numbering_system=self.numbering,
                            **options)
        except UnsupportedNumberingSystemError:
            text = function(number, locale=self.locale, **options)
        else:
            if function is format_percent:
                text = with_percent_sign(text, self.locale, self.numbering)
        return in_digits(text, self.numbering)

    def value(self, value):
        if isinstance(value, Percent):
            return self._format(format_percent, value.value, decimal_quantization=False)
        return self._format(format_decimal, value)

    def tick(self, number):
        """An axis tick: a proportion on a percentage axis, else a plain number."""
        if self.percent:
            return self._format(format_percent, number, decimal_quantization=False)
        return self._format(format_decimal, number)

    def share(self, proportion):
        """A donut slice's share of the whole, to one decimal of a percent."""
        return self._format(format_percent, proportion.quantize(Decimal('0.001')),
                            decimal_quantization=False)


def _table(kind, categories, series, numbers, category_label):
    header = [category_label] + [item.label for item in series]
    rows = [[category] + [numbers.value(item.values[index]) for item in series]
            for index, category in enumerate(categories)]
    numeric = [False] + [True] * len(series)
    if kind == 'donut':
        values = [number_value(value) for value in series[0].values]
        total = sum(values)
        header.append('%')       # a symbol every language reads: no English word
        for row, value in zip(rows, values):
            row.append(numbers.share(value / total))
        numeric.append(True)
    return {'header': header, 'rows': rows, 'numeric': numeric}


# -- drawing -----------------------------------------------------------------

def _n(number):
    """A coordinate with at most two decimals, written the same way every time."""
    text = f'{float(number):.2f}'.rstrip('0').rstrip('.')
    return '0' if text == '-0' else text


def text_width(text, size=FONT_SIZE):
    """An estimate of a text's width in pixels: CJK characters an em, others about half."""
    width = 0.0
    for char in str(text):
        if ord(char) >= 0x2E80:
            width += 1.0
        elif char in ' \u00a0\u202f.,:;!|\'':
            width += 0.3
        elif char.isupper() or char in 'mwMW%':
            width += 0.68
        else:
            width += 0.56
    return width * size


def wrap_label(text, width, language):
    """Break a short label into lines of at most `width` units for SVG text.

    In a language whose lines break anywhere (CJK) a character of those scripts counts two
    units and may break anywhere, but never before the marks its declaration says no line
    begins with (`no_break_before`: closing punctuation, which then hangs past the width);
    other languages break at spaces.
    """
    text = str(text)
    if language.breaks_anywhere:
        keep_with = language.typography.no_break_before
        lines, line, used = [], '', 0
        for char in text:
            size = 2 if ord(char) > 0x2E80 else 1
            if used + size > width and line and char not in keep_with:
                lines.append(line.strip())
                line, used = '', 0
            line += char
            used += size
        return [*lines, line.strip()] if line.strip() else lines
    lines, line = [], ''
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f'{line} {word}' if line else word
    return [*lines, line] if line else lines


def wrap(text, width, language, size=FONT_SIZE):
    """Lines of `text` that fit `width` pixels (see `wrap_label` for the rules)."""
    # wrap_label counts a CJK character as two units, any other as one: a unit is half an
    # em in CJK text (as `text_width` counts it), about 0.56 em in other scripts.
    units = max(4, int(width / (size * (0.5 if language.breaks_anywhere else 0.56))))
    return wrap_label(text, units, language) or ['']


class _Drawing:
    """Collects SVG elements; knows the language (fonts) and the element ids."""

    def __init__(self, language, title, ident, kind, visual_order=False):
        self.language = language
        self.title = str(title)
        self.ident = ident
        self.kind = kind
        self.parts = []
        self.height = 0
        # Right to left: the chart is drawn as for left to right, then mirrored, so that the
        # category axis, the bars and the legend read from the right; each text's base
        # direction is rtl, so that its anchor (start, middle, end) mirrors with it.
        self.mirror = language.rtl
        self.visual_order = visual_order and language.rtl

    def add(self, markup):
        self.parts.append(markup)

    def _x(self, x, width=0):
        """An x coordinate (of a box `width` wide), mirrored in right-to-left charts."""
        return WIDTH - x - width if self.mirror else x

    def text(self, x, y, text, anchor='start', size=FONT_SIZE, fill=INK, weight=None):
        """A line of text whose vertical middle is at `y`."""
        bold = f' font-weight="{weight}"' if weight else ''
        direction = ' direction="rtl"' if self.mirror else ''
        if self.visual_order:
            text = visual_order(text)
        self.add(f'<text x="{_n(self._x(x))}" y="{_n(y + size * 0.35)}" font-size="{size}" '
                 f'text-anchor="{anchor}"{direction} fill="{fill}"{bold}>{escape(text)}</text>')

    def lines(self, x, y, lines, anchor='start', size=FONT_SIZE, centre=True):
        """Several lines; with `centre`, `y` is the middle of the block, else its first line."""
        top = y - (len(lines) - 1) * LINE_HEIGHT / 2 if centre else y
        for index, line in enumerate(lines):
            self.text(x, top + index * LINE_HEIGHT, line, anchor, size)

    def rect(self, x, y, width, height, fill, stroke=None):
        edge = f' stroke="{stroke}" stroke-width="1"' if stroke else ''
        self.add(f'<rect x="{_n(self._x(x, max(width, 0)))}" y="{_n(y)}" width="{_n(max(width, 0))}" '
                 f'height="{_n(max(height, 0))}" fill="{fill}"{edge}/>')

    def line(self, x1, y1, x2, y2, stroke, width=1):
        self.add(f'<line x1="{_n(self._x(x1))}" y1="{_n(y1)}" x2="{_n(self._x(x2))}" y2="{_n(y2)}" '
                 f'stroke="{stroke}" stroke-width="{width}"/>')

    def marker(self, shape, x, y, fill, size=4.5):
        if shape == 'circle':
            self.add(f'<circle cx="{_n(self._x(x))}" cy="{_n(y)}" r="{_n(size)}" fill="{fill}"/>')
        elif shape == 'square':
            self.rect(x - size, y - size, size * 2, size * 2, fill)
        elif shape == 'diamond':
            points = [(x, y - size * 1.3), (x + size * 1.3, y), (x, y + size * 1.3),
                      (x - size * 1.3, y)]
            self.polygon(points, fill)
        else:
            points = [(x, y - size * 1.3), (x + size * 1.2, y + size), (x - size * 1.2, y + size)]
            self.polygon(points, fill)

    def polygon(self, points, fill):
        coordinates = ' '.join(f'{_n(self._x(px))},{_n(py)}' for px, py in points)
        self.add(f'<polygon points="{coordinates}" fill="{fill}"/>')

    def legend(self, y, items, width=WIDTH, left=0):
        """Swatches and labels flowing in rows from `y`; returns the y below the legend."""
        x, row_top = left, y
        for index, label in enumerate(items):
            lines = wrap(label, width - 22, self.language)
            item_width = 18 + max(text_width(line) for line in lines) + 18
            if x > left and x + item_width > left + width:
                x, row_top = left, row_top + LINE_HEIGHT + 6
            self.legend_swatch(x, row_top, index)
            self.lines(x + 18, row_top + 6, lines, centre=False)
            x += item_width
            if len(lines) > 1:
                x, row_top = left, row_top + len(lines) * LINE_HEIGHT + 6
        return row_top + LINE_HEIGHT + 8 if x > left else row_top + 2

    def legend_swatch(self, x, y, index):
        if self.kind == 'line':
            colour = PALETTE[index % len(PALETTE)]
            self.line(x, y + 6, x + 14, y + 6, colour, 2.5)
            self.marker(MARKERS[index % len(MARKERS)], x + 7, y + 6, colour, 3.5)
        else:
            self.rect(x, y, 12, 12, PALETTE[index % len(PALETTE)])

    def markup(self):
        family = ", ".join(self.language.fonts.sans_stack)
        title_id = f'{self.ident}-title'
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{self.kind}" '
                f'viewBox="0 0 {WIDTH} {_n(self.height)}" width="{WIDTH}" '
                f'height="{_n(self.height)}" role="img" aria-labelledby="{title_id}" '
                f'font-family="{escape(family)}" lang="{escape(self.language.code)}">'
                f'<title id="{title_id}">{escape(self.title)}</title>')
        return Markup(head + ''.join(self.parts) + '</svg>')


_BIDI_MARKS = dict.fromkeys(map(ord, '\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e'
                                  '\u2066\u2067\u2068\u2069'))
_RESHAPER = arabic_reshaper.ArabicReshaper(configuration={'delete_harakat': True})


def visual_order(text):
    """Right-to-left text as it is seen, left to right, in presentation forms: Arabic letters
    joined (arabic_reshaper, its vowel marks dropped, as a letter-by-letter renderer would
    show them on dotted circles), then reordered by the Unicode bidi algorithm (python-bidi),
    the base direction right to left. For WeasyPrint's SVG text only: browsers shape it."""
    seen = get_display(_RESHAPER.reshape(text), base_dir='R')
    # Bidi marks (CLDR puts one after Arabic's percent sign) have done their work once the
    # text is in visual order; left in, a font without a glyph for them would show a box.
    return seen.translate(_BIDI_MARKS)


def _ticks(low, high, count=5):
    """Round axis ticks covering [low, high] (both include zero): steps of 1, 2, 2.5 or 5 x 10^k."""
    low, high = Decimal(low), Decimal(high)
    if low == high:
        high = low + 1
    raw = (high - low) / count
    power = Decimal(10) ** math.floor(math.log10(raw))
    step = next(power * factor for factor in (Decimal(1), Decimal(2), Decimal('2.5'),
                                               Decimal(5), Decimal(10))
                if power * factor >= raw)
    first = (low / step).to_integral_value(rounding='ROUND_FLOOR') * step
    last = (high / step).to_integral_value(rounding='ROUND_CEILING') * step
    ticks, tick = [], first
    while tick <= last:
        # 10, not 1E+1: whole ticks as integers, others without trailing zeros.
        ticks.append(tick.quantize(Decimal(1)) if tick == tick.to_integral_value()
                     else tick.normalize())
        tick += step
    return ticks


def _value_range(series, stacked=False):
    if stacked:
        totals = [sum(number_value(item.values[index]) for item in series)
                  for index in range(len(series[0].values))]
        return Decimal(0), max(totals)
    values = [number_value(value) for item in series for value in item.values]
    return min([Decimal(0), *values]), max([Decimal(0), *values])


def _columns(drawing, kind, categories, series, numbers, unit):
    """Vertical bars (grouped or stacked) or lines over categories."""
    top = drawing.legend(6, [item.label for item in series])   # the series' names, as text
    low, high = _value_range(series, stacked=kind == 'stacked')
    ticks = _ticks(low, high)
    tick_labels = [numbers.tick(tick) for tick in ticks]
    left = max(text_width(label, VALUE_SIZE) for label in tick_labels) + 14
    if unit:
        unit_lines = wrap(unit, WIDTH - 10, drawing.language)
        drawing.lines(4, top + 6, unit_lines, centre=False, size=FONT_SIZE)
        top += len(unit_lines) * LINE_HEIGHT + 4
    plot_top = top + 10          # room for value labels above the highest bar
    plot_height = 220
    right = WIDTH - 8
    slot = (right - left) / len(categories)
    label_lines = [wrap(category, slot - 6, drawing.language) for category in categories]
    bottom = plot_top + plot_height
    scale_low, scale_high = ticks[0], ticks[-1]

    def y_of(value):
        return bottom - float((Decimal(value) - scale_low) / (scale_high - scale_low)) * plot_height

    for tick, label in zip(ticks, tick_labels):
        y = y_of(tick)
        drawing.line(left, y, right, y, GRID)
        drawing.text(left - 6, y, label, 'end', VALUE_SIZE, MUTED)
    zero = y_of(0)
    show_values = len(series) == 1 or kind == 'stacked' or (
        kind == 'bar' and slot * 0.8 / len(series) >= max(
            text_width(numbers.value(value), VALUE_SIZE)
            for item in series for value in item.values))
    for index, category in enumerate(categories):
        centre = left + slot * (index + 0.5)
        if kind == 'bar':
            group = slot * 0.8 if len(series) > 1 else min(slot * 0.6, 90)
            bar = group / len(series)
            for number, item in enumerate(series):
                value = number_value(item.values[index])
                x = centre - group / 2 + number * bar
                y = y_of(value)
                drawing.rect(x, min(y, zero), bar - (1 if len(series) > 1 else 0),
                             abs(zero - y), PALETTE[number % len(PALETTE)])
                if show_values:
                    label_y = y - 8 if value >= 0 else y + 8
                    drawing.text(x + bar / 2, label_y, numbers.value(item.values[index]),
                                 'middle', VALUE_SIZE)
        elif kind == 'stacked':
            width = min(slot * 0.6, 90)
            base = Decimal(0)
            for number, item in enumerate(series):
                value = number_value(item.values[index])
                y_low, y_high = y_of(base), y_of(base + value)
                drawing.rect(centre - width / 2, y_high, width, y_low - y_high,
                             PALETTE[number % len(PALETTE)], stroke='#ffffff')
                label = numbers.value(item.values[index])
                if value and y_low - y_high >= VALUE_SIZE + 4 and text_width(
                        label, VALUE_SIZE) <= width - 4:
                    drawing.text(centre, (y_low + y_high) / 2, label, 'middle', VALUE_SIZE,
                                 '#ffffff')
                base += value
            total = Percent(base) if numbers.percent else base
            drawing.text(centre, y_of(base) - 8, numbers.value(total), 'middle', VALUE_SIZE,
                         weight='bold')
        drawing.lines(centre, bottom + 14, label_lines[index], 'middle', centre=False)
    if kind == 'line':
        for number, item in enumerate(series):
            colour = PALETTE[number % len(PALETTE)]
            points = [(left + slot * (index + 0.5), y_of(number_value(value)))
                      for index, value in enumerate(item.values)]
            path = ' '.join(f'{_n(x)},{_n(y)}' for x, y in points)
            drawing.add(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                        f'stroke-width="2.5" stroke-linejoin="round"/>')
            for index, ((x, y), value) in enumerate(zip(points, item.values)):
                drawing.marker(MARKERS[number % len(MARKERS)], x, y, colour)
                if len(series) == 1:
                    # Above the point, unless the line comes down to it from both sides
                    # (a valley): there the label would sit on the line.
                    neighbours = [points[i][1] for i in (index - 1, index + 1)
                                  if 0 <= i < len(points)]
                    valley = neighbours and all(other < y for other in neighbours)
                    drawing.text(x, y + 15 if valley else y - 13, numbers.value(value),
                                 'middle', VALUE_SIZE)
    drawing.line(left, zero, right, zero, MUTED)
    drawing.height = bottom + 14 + max(len(lines) for lines in label_lines) * LINE_HEIGHT


def _hbar(drawing, categories, series, numbers, unit):
    """Horizontal bars: long category labels read on the left, values after each bar."""
    top = drawing.legend(6, [item.label for item in series])   # the series' names, as text
    low, high = _value_range(series)
    ticks = _ticks(low, high)
    tick_labels = [numbers.tick(tick) for tick in ticks]
    label_width = min(WIDTH * 0.34, max(text_width(category) for category in categories))
    label_lines = [wrap(category, label_width, drawing.language) for category in categories]
    label_width = max(text_width(line) for lines in label_lines for line in lines)
    left = label_width + 14
    value_labels = [numbers.value(value) for item in series for value in item.values]
    right = WIDTH - max(text_width(label, VALUE_SIZE) for label in value_labels) - 12
    bar = 18 if len(series) == 1 else 12
    row_heights = [max(len(lines) * LINE_HEIGHT, bar * len(series)) + 12 for lines in label_lines]
    scale_low, scale_high = ticks[0], ticks[-1]

    def x_of(value):
        return left + float((Decimal(value) - scale_low) / (scale_high - scale_low)) * (right - left)

    plot_top = top
    plot_bottom = plot_top + sum(row_heights)
    for tick in ticks:
        drawing.line(x_of(tick), plot_top, x_of(tick), plot_bottom, GRID)
    zero = x_of(0)
    y = plot_top
    for index, (lines, height) in enumerate(zip(label_lines, row_heights)):
        middle = y + height / 2
        drawing.lines(left - 8, middle, lines, 'end')
        group_top = middle - bar * len(series) / 2
        for number, item in enumerate(series):
            value = number_value(item.values[index])
            x = x_of(value)
            bar_top = group_top + number * bar
            drawing.rect(min(x, zero), bar_top, abs(x - zero), bar - (1 if len(series) > 1 else 0),
                         PALETTE[number % len(PALETTE)])
            label = numbers.value(item.values[index])
            if value >= 0:
                drawing.text(x + 5, bar_top + bar / 2, label, 'start', VALUE_SIZE)
            else:
                drawing.text(x - 5, bar_top + bar / 2, label, 'end', VALUE_SIZE)
        y += height
    drawing.line(zero, plot_top, zero, plot_bottom, MUTED)
    for tick, label in zip(ticks, tick_labels):
        drawing.text(x_of(tick), plot_bottom + 12, label, 'middle', VALUE_SIZE, MUTED)
    bottom = plot_bottom + 24
    if unit:
        unit_lines = wrap(unit, right - left, drawing.language)
        drawing.lines((left + right) / 2, bottom + 4, unit_lines, 'middle', centre=False)
        bottom += len(unit_lines) * LINE_HEIGHT + 4
    drawing.height = bottom


def _donut(drawing, categories, series, numbers, unit):
    """A ring of slices, each category's share; the legend gives value and share as text."""
    values = [number_value(value) for value in series.values]
    total = sum(values)
    radius, hole = 105, 62
    cx, cy = radius + 8, radius + 8
    angle = -math.pi / 2           # start at twelve o'clock, go clockwise
    for index, value in enumerate(values):
        if not value:
            continue
        sweep = float(value / total) * 2 * math.pi
        colour = PALETTE[index % len(PALETTE)]
        if sweep >= 2 * math.pi - 1e-9:
            drawing.add(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n((radius + hole) / 2)}" '
                        f'fill="none" stroke="{colour}" stroke-width="{_n(radius - hole)}"/>')
        else:
            drawing.add(f'<path d="{_slice(cx, cy, radius, hole, angle, angle + sweep)}" '
                        f'fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>')
        angle += sweep
    centre_total = Percent(total) if numbers.percent else total
    drawing.text(cx, cy - (8 if unit else 0), numbers.value(centre_total), 'middle', 16,
                 weight='bold')
    if unit:
        unit_lines = wrap(unit, hole * 1.6, drawing.language, VALUE_SIZE)
        drawing.lines(cx, cy + 12, unit_lines[:2], 'middle', VALUE_SIZE, centre=False)
    left = cx + radius + 30
    width = WIDTH - left - 4
    y = 12
    for index, (category, value) in enumerate(zip(categories, series.values)):
        share = numbers.share(number_value(value) / total)
        lines = wrap(category, width - 20, drawing.language)
        drawing.rect(left, y - 6, 12, 12, PALETTE[index % len(PALETTE)])
        drawing.lines(left + 18, y, lines, centre=False)
        detail_y = y + len(lines) * LINE_HEIGHT
        drawing.text(left + 18, detail_y, f'{numbers.value(value)} · {share}', size=VALUE_SIZE,
                     fill=MUTED)
        y = detail_y + LINE_HEIGHT + 8
    drawing.height = max(cy + radius + 8, y)


def _slice(cx, cy, outer, inner, start, end):
    """The path of a ring segment from angle `start` to `end` (radians, clockwise)."""
    large = 1 if end - start > math.pi else 0

    def point(radius, angle):
        return f'{_n(cx + radius * math.cos(angle))} {_n(cy + radius * math.sin(angle))}'

    return (f'M {point(outer, start)} A {_n(outer)} {_n(outer)} 0 {large} 1 {point(outer, end)} '
            f'L {point(inner, end)} A {_n(inner)} {_n(inner)} 0 {large} 0 {point(inner, start)} Z')
