"""Images in the page margin (`width: margin`): which editions have them, and whether a
publication's own stylesheet leaves them their room.

The layout itself is CSS (templates/assets/report.css): an edition with such an image gets
the class `margin-figures` on its page (templates/base.html), which widens the right page
margin by `--margin-column`; each figure floats to the right of the text column and hangs
out of it into that margin by a negative margin of the same width. A publication may set
`--margin-column` and `--margin-figure-gap` in its style.css, or its own `@page` margins,
as long as the right one keeps `var(--page-margin-column)`: otherwise the figures would hang
off the paper. `check_stylesheet` refuses that when the publication is loaded, so the
mistake is a one-line error naming the rule, not a figure cut off in print.
"""
from pathlib import Path

import tinycss2            # WeasyPrint's own CSS parser, installed with it

from ..errors import ContentError
from .model import walk

#: A margin figure is never narrower than this (report.css: `max(30mm, ...)`); a margin
#: column that cannot hold it and the gap makes the figure reach into the text.
MIN_FIGURE_MM = 30
#: report.css's defaults, which a publication's style.css may override.
DEFAULT_GAP_MM = 5
#: Lengths a stylesheet may give in, in millimetres.
UNITS_MM = {'mm': 1, 'cm': 10, 'q': 0.25, 'in': 25.4, 'pt': 25.4 / 72, 'pc': 25.4 / 6,
            'px': 25.4 / 96}
#: The custom property the page's right margin must keep.
PAGE_PROPERTY = '--page-margin-column'


def is_margin_figure(node):
    return isinstance(node, dict) and node.get('type') == 'image' and \
        node.get('width') == 'margin'


def has_margin_figures(chapters, edition=None):
    """Whether an edition (or, without one, any edition) shows an image in the margin.

    Only such an edition gets the wide right margin (the page's `margin-figures` class):
    every other keeps the page it had.
    """
    def shown(node):
        if isinstance(node, list):
            return any(shown(item) for item in node)
        if not isinstance(node, dict) or (edition and node.get('editions') and
                                          edition not in node['editions']):
            return False
        return is_margin_figure(node) or any(shown(value) for value in node.values())
    return shown(chapters)


def check_stylesheet(path, chapters):
    """Refuse a publication stylesheet that leaves its margin figures no room.

    Checked only when some chapter has a margin figure: a right page margin (`margin` or
    `margin-right` in `@page`, `@page :left` or `@page :right`, the pages of the text)
    without `var(--page-margin-column)`, which would put the figures off the paper; and a
    `--margin-column` too narrow for a figure and its gap, which would put them over the
    text. Values the check cannot read (a `calc()`) are left to the layout.
    """
    first = next((node for node in walk(chapters) if is_margin_figure(node)), None)
    if path is None or first is None:
        return
    where = f'first: {Path(str(first.get("path"))).name}:{first.get("line")}'
    rules = tinycss2.parse_stylesheet(path.read_text('utf-8'), skip_comments=True,
                                      skip_whitespace=True)
    declarations = []          # (in an unnamed @page rule?, declaration)
    _collect(rules, declarations)
    values = {}
    for page, declaration in declarations:
        name = declaration.lower_name
        if page and name in ('margin', 'margin-right') and \
                PAGE_PROPERTY not in tinycss2.serialize(declaration.value):
            parts = [token for token in declaration.value
                     if token.type not in ('whitespace', 'comment')]
            right = tinycss2.serialize(parts[1:2] if name == 'margin' and len(parts) > 1
                                       else parts[:1]) or '22mm'
            raise ContentError(
                f'@page sets the right margin without var({PAGE_PROPERTY}), so the images '
                f'in the margin ({where}) would hang off the paper', path,
                declaration.source_line,
                hint=f'write it as calc({right} + var({PAGE_PROPERTY})); see docs/publishing.md')
        if not page and name in ('--margin-column', '--margin-figure-gap'):
            values[name] = (_millimetres(declaration.value), declaration.source_line)
    gap = values.get('--margin-figure-gap', (None,))[0]
    gap = DEFAULT_GAP_MM if gap is None else gap
    column, line = values.get('--margin-column', (None, None))
    if column is not None and column < MIN_FIGURE_MM + gap:
        raise ContentError(
            f'--margin-column: {column:g}mm is too narrow for the images in the margin '
            f'({where}): they would stand in the text', path, line,
            hint=f'make it at least {MIN_FIGURE_MM + gap:g}mm, a {MIN_FIGURE_MM}mm figure '
                 f'and its {gap:g}mm gap, or give the images "width: half"')


def _collect(rules, found, page=False):
    """(in an unnamed @page rule?, declaration) of every declaration, @media included."""
    for rule in rules:
        if rule.type == 'at-rule' and rule.content is not None:
            if rule.lower_at_keyword == 'page':
                prelude = tinycss2.serialize(rule.prelude).strip()
                if prelude not in ('', ':left', ':right'):
                    continue        # a named page (the cover, the back page), the first one
                items = tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                       skip_whitespace=True)
                found.extend((True, item) for item in items if item.type == 'declaration')
            elif rule.lower_at_keyword in ('media', 'supports', 'layer'):
                _collect(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                  skip_whitespace=True), found)
        elif rule.type == 'qualified-rule':
            items = tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                   skip_whitespace=True)
            found.extend((False, item) for item in items if item.type == 'declaration')


def _millimetres(tokens):
    """A declaration's value in millimetres if it is one plain length, else None."""
    tokens = [token for token in tokens if token.type not in ('whitespace', 'comment')]
    if len(tokens) == 1 and tokens[0].type == 'dimension' and \
            tokens[0].lower_unit in UNITS_MM:
        return tokens[0].value * UNITS_MM[tokens[0].lower_unit]
    if len(tokens) == 1 and tokens[0].type == 'number' and tokens[0].value == 0:
        return 0
    return None
