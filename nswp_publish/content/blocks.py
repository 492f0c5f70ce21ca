"""The kinds of block a chapter is made of: each kind's schema and how it is read, together.

A block is a mapping with one key naming its kind (`p: ...`, `image: {...}`) and the
options every block may have (`id`, `editions`). Each kind below says what its value is
(`spec`, in the schema language of `schema`), and may say how the value becomes the node's
fields (`fields`), what else it must satisfy once read (`check`) and which files it names,
checked once the whole publication is read (`attach`). `BLOCK_KINDS` registers each kind
in one line, as Docutils registers a directive: a new kind is a class here, its line in
the registry, and its template `templates/partials/<name>.html` (docs/publishing.md).
"""
from decimal import Decimal

from ..errors import ContentError
from ..wording import counted
from . import chartdata, datafiles, images
from .model import Percent
from .schema import (BLOCKS, BOOL, HEADER_ROWS, LIST_ITEMS, NAME, NAMES, RESERVED_KEYS, ROWS,
                     TABLE_CELL, TEXT)
from .yamlfile import line_of


class BlockKind:
    """A kind of block: its name in YAML and the spec of its value.

    The value becomes the node's fields: a text is `text`, a list `items`, a mapping its
    own keys. Subclasses refine what they need of `fields`, `check` and `attach`.
    """

    def __init__(self, name, spec):
        self.name = name
        self.spec = spec

    def fields(self, reader, value, where, line):
        """The node's fields from the block's value, checked against `spec`."""
        content = reader.read(self.spec, value, where, line)
        if self.spec == TEXT:
            return {'text': content}
        if isinstance(self.spec, list):
            return {'items': content}
        return content

    def check(self, node, reader, value, where):
        """Rules of the kind beyond its spec, once the block is read."""

    def attach(self, node, folder, languages):
        """Check the files the block names, once the whole publication is read."""


def field_line(node, key, default=None):
    """The line of a block's field: a message knows its own; the reader kept the others'."""
    value = node.get(key)
    return (getattr(value, 'line', None) or (node.get('key_lines') or {}).get(key)
            or default or node.get('line'))


class ListKind(BlockKind):
    """A bulleted or numbered list: `items`, each a Message or an item with a list inside it
    (`{'text', 'list'}`), and `start` (a numbered list may start at another number)."""

    def fields(self, reader, value, where, line):
        content = reader.list_value(self.name, value, where, line)
        return {'items': content['items'], 'start': content['start']}


class Table(BlockKind):
    """Written inline (`header` and `rows`) or read from a CSV file of the folder (`data`).

    Once read, `header` is a list of header rows and `rows` the body's rows, each a list of
    cells `{'cell', 'colspan', 'rowspan', 'column'}` (`column`: the first column the cell
    covers, counted from 0, as the cells that rows above span leave it)."""

    def check(self, node, reader, value, where):
        inline = node.get('header') is not None or node.get('rows') is not None
        if inline == (node.get('data') is not None):
            raise ContentError('table: give either "header" and "rows", or "data: file.csv"',
                               node['path'], node['line'])
        if not inline:
            return
        if node.get('header') is None or node.get('rows') is None:
            raise ContentError('table: an inline table needs both "header" and "rows"',
                               node['path'], node['line'])
        # A missing or extra cell would shift the columns or print outside them.
        # `value` (the YAML as read) gives the lines; without it, the block's line.
        header_line = value.line_of('header') if value is not None else node['line']
        rows_line = value.line_of('rows') if value is not None else node['line']
        width = sum(cell['colspan'] for cell in node['header'][0]) if node['header'] else 0
        place_cells(node['header'], width, 'header row', reader, header_line,
                    [line_of(row, header_line) for row in _rows_of(value['header'])]
                    if value is not None else [])
        place_cells(node['rows'], width, 'row', reader, rows_line,
                    [line_of(row, rows_line) for row in value['rows']]
                    if value is not None else [])

    def attach(self, node, folder, languages):
        if node.get('data') is not None:
            table = datafiles.read_csv(folder, node['data'],
                                       (node['path'], field_line(node, 'data')))
            node['header'] = [[_plain_cell(text, column)
                               for column, text in enumerate(table.header)]]
            node['rows'] = [[_plain_cell(row.cells[name], column)
                             for column, name in enumerate(table.columns)]
                            for row in table.rows]


def _rows_of(header):
    return header if header and all(isinstance(row, list) for row in header) else [header]


def _plain_cell(value, column):
    return {'cell': value, 'colspan': 1, 'rowspan': 1, 'column': column}


def place_cells(rows, width, what, reader, line, lines):
    """Give each cell its `column`, and refuse rows whose cells, with those that rows above
    span into them, do not fill the table's `width` columns exactly, or a cell that spans
    past the last row of its part (header or body)."""
    covered = {}                    # column -> rows below this one it still covers
    for number, row in enumerate(rows, 1):
        where = lines[number - 1] if number <= len(lines) else line
        taken, below, column = set(covered), {}, 0
        for cell in row:
            while column in taken:
                column += 1
            cell['column'] = column
            for spanned in range(column, column + cell['colspan']):
                if spanned in taken:
                    reader.fail(f'{what} {number}: a cell spans into a cell that a row above '
                                'spans down', None, hint='make the spans meet, not overlap',
                                parent_line=where or line)
                taken.add(spanned)
                if cell['rowspan'] > 1:
                    below[spanned] = cell['rowspan'] - 1
            column += cell['colspan']
        if len(taken) != width or max(taken, default=-1) >= width:
            reader.fail(f'{what} {number} has {counted(len(taken), "cell")}, the header has '
                        f'{width}', None,
                        hint='give every row one cell per column (a cell with "colspan: 2" '
                             'counts as two, one a row above spans down as one)',
                        parent_line=where or line)
        covered = {c: left - 1 for c, left in covered.items() if left > 1}
        covered.update(below)
    if covered:
        reader.fail(f'a cell spans more {what}s than there are', None,
                    hint='lower its rowspan', parent_line=lines[-1] if lines else line)


#: How wide an image is set: the text's width, half of it, or in the margin.
IMAGE_WIDTHS = ('full', 'half', 'margin')


class Image(BlockKind):
    """A PNG, JPEG or SVG file of the folder; alt text required unless decorative."""

    def check(self, node, reader, value, where):
        path, line = node['path'], node['line']
        node['width'] = node.get('width') or 'full'
        if node['width'] not in IMAGE_WIDTHS:
            raise ContentError(f'image: unknown width "{node["width"]}"', path, line,
                               hint=f'expected one of: {", ".join(IMAGE_WIDTHS)}')
        node['decorative'] = bool(node.get('decorative'))
        alt = node.get('alt')
        if node['decorative']:
            if alt is not None:
                raise ContentError('image: a decorative image has no alt text', path,
                                   field_line(node, 'alt'),
                                   hint='remove "alt", or "decorative: true" if the picture '
                                        'tells something')
        elif alt is None or not alt.text.strip():
            raise ContentError('image: alt text is missing or empty' if alt is None
                               else 'image: alt text is empty', path, field_line(node, 'alt'),
                               hint='say in a sentence what the picture shows (it is read '
                                    'aloud and translated), or add "decorative: true"')

    def attach(self, node, folder, languages):
        node['files'] = images.image_files(folder, node['src'], languages,
                                           (node['path'], field_line(node, 'src')))


class Chart(BlockKind):
    """A chart drawn from data: a CSV file of the folder or inline rows.

    Its `type:` is kept as the node's `chart` (`type` names the block's kind).
    """

    def fields(self, reader, value, where, line):
        content = super().fields(reader, value, where, line)
        content['chart'] = content.pop('type')
        return content

    def check(self, node, reader, value, where):
        if node['chart'] not in chartdata.KINDS:
            raise ContentError(f'chart: unknown type "{node["chart"]}"', node['path'],
                               node['line'], hint=f'expected one of: {", ".join(chartdata.KINDS)}')

    def attach(self, node, folder, languages):
        path, line = node['path'], node['line']
        data = node['data']
        if isinstance(data, str):
            table = datafiles.read_csv(folder, data, (path, field_line(node, 'data')))
        else:
            table = datafiles.inline_table(data, path, field_line(node, 'data'))
            node['data'] = None        # its messages now live in the categories and labels
        y = node['y'] if isinstance(node['y'], list) else [node['y']]
        node['y'] = y
        table.check_columns([node['x']], (path, field_line(node, 'x')), 'chart column')
        table.check_columns(y, (path, field_line(node, 'y')), 'chart column')
        for name in node.get('series') or {}:
            if name not in y:
                raise ContentError(f'chart: series "{name}" is not one of the "y" columns',
                                   path, field_line(node, 'series'),
                                   hint=f'"y" names: {", ".join(y)}')
        headers = dict(zip(table.columns, table.header))
        labels = node.get('series') or {}
        node['categories'] = [_category(value) for value in table.values(node['x'])]
        node['category_label'] = headers[node['x']]
        node['series_data'] = [{'label': labels.get(column) or headers[column],
                                'values': table.numbers(column)} for column in y]
        chartdata.check_data(node['chart'], node['categories'],
                             [chartdata.Series(item['label'].text, item['values'])
                              for item in node['series_data']], (path, line))


def _category(value):
    """A category as shown: text is a message; a number (a year) is shown as written."""
    if value is None:
        return ''
    if isinstance(value, Percent):
        return value
    if isinstance(value, (int, Decimal)):
        return str(value)
    return value


class TemplateBlock(BlockKind):
    """Anything else, drawn by the publication's own template (templates/blocks/<name>.html):
    `name`, then any data.

    Strings are messages; numbers are formatted per language; `counter` numbers the
    `items` (each gets the id `<counter>-<n>`); `refs` lists ids the loader checks.
    """

    def fields(self, reader, value, where, line):
        if not isinstance(value, dict) or not isinstance(value.get('name'), str):
            reader.fail(f'{where}: expected a mapping with a "name" (the template in '
                        f'templates/blocks/)', value, parent_line=line)
        result = {'name': value['name'], 'counter': None}
        for key, item in value.items():
            if key == 'name':
                continue
            if key in RESERVED_KEYS:
                reader.fail(f'{where}: "{key}" is a reserved key', None,
                            hint='rename it in the block and its template',
                            parent_line=value.line_of(key))
            if key == 'counter':
                result['counter'] = reader.read(NAME, item, f'{where}.counter',
                                                value.line_of(key))
            else:
                result[key] = reader.data(item, f'{where}.{key}', value.line_of(key), key)
        if result['counter'] and not isinstance(result.get('items'), list):
            reader.fail(f'{where}: "counter" numbers the "items" list, which is missing',
                        value, parent_line=line)
        return result


#: Every kind of block, by its name in YAML: one line each.
BLOCK_KINDS = {kind.name: kind for kind in (
    BlockKind('p', TEXT),
    BlockKind('heading', TEXT),
    # Items are Text, or an item with a list nested inside (`{text: ..., bullets: [...]}`).
    ListKind('bullets', LIST_ITEMS),
    ListKind('numbered', LIST_ITEMS),
    BlockKind('quote', {'text': TEXT, '?attribution': TEXT}),
    # A framed aside; `kind` is a CSS class and the key of its label in `box_labels`.
    BlockKind('box', {'kind': NAME, '?title': TEXT, 'blocks': BLOCKS}),
    # A numbered section ("Step 3"): numbered in reading order within its counter.
    BlockKind('section', {'counter': NAME, 'title': TEXT, '?blocks': BLOCKS}),
    # A figure drawn by a template of the publication (templates/figures/<template>.html).
    BlockKind('figure', {'template': NAME, 'caption': TEXT, '?labels': [TEXT]}),
    # Several header rows, and cells that span columns or rows, as Word's tables have.
    Table('table', {'caption': TEXT, '?header': HEADER_ROWS, '?rows': [[TABLE_CELL]],
                    '?data': NAME}),
    Image('image', {'src': NAME, '?alt': TEXT, '?caption': TEXT, '?credit': TEXT,
                    '?width': NAME, '?decorative': BOOL}),
    Chart('chart', {'type': NAME, 'data': ROWS, 'x': NAME, 'y': NAMES,
                    '?series': {'*': TEXT}, 'caption': TEXT, '?unit': TEXT}),
    TemplateBlock('template', None),
)}
