"""The schema language of content files, and the reader that checks a file against it.

A spec is TEXT, NAME, INT, [spec] (a list of spec), or {key: spec} with optional keys
written as '?key' ('*' for any key). BLOCKS is a list of blocks, each read by its kind
(`blocks`); DATA is free-form data for a publication's own templates (`Reader.data`);
LIST_ITEMS the items of a list, each with its own list inside if it has one; TABLE_CELL
and HEADER_ROWS a table's cells, which may span columns and rows.
Every value read keeps its file and line, so every error names them.
"""
from decimal import Decimal

from . import markup
from ..errors import ContentError
from .model import ID, YEAR_MONTH, EditionList, Message, Percent, RefList, YearMonth
from .yamlfile import LineDict, LineList, line_of

TEXT, NAME, INT, BLOCKS, YEAR_MONTH_SPEC = 'text', 'name', 'int', 'blocks', 'year-month'
#: A table cell: a number or percentage (formatted per language), or text.
CELL = 'cell'
DATA = 'data'
#: true or false; one name or a list of names (read as a list); a chart's `data`: the name
#: of a CSV file in the folder or inline rows `[{column: cell}]`.
BOOL, NAMES, ROWS = 'bool', 'names', 'rows'
#: A list's items: Text, or Text with a list nested in it (`{text: ..., bullets: [...]}`).
LIST_ITEMS = 'list-items'
#: The kinds of list, as block names and as the key of a list nested in an item.
LIST_KINDS = ('bullets', 'numbered')
#: A table's cell (a CELL, or `{text: ..., colspan: 2}`, `{value: 12, rowspan: 2}`), and its
#: header: one row of header cells, or a list of rows.
TABLE_CELL, HEADER_ROWS = 'table-cell', 'header-rows'
SPAN_KEYS = ('colspan', 'rowspan')
#: Keys a block may have besides its kind.
BLOCK_OPTIONS = ('id', 'editions')
TEXT_KEYS = {'text', 'context', 'note', 'data'}
#: Keys the loader sets on every block node.
RESERVED_KEYS = {'type', 'id', 'editions', 'line', 'path', 'key_lines', 'number'}


class Reader:
    """Checks one file's tree against a spec and builds the content tree.

    `kinds` are the block kinds it knows, {name: `blocks.BlockKind`}: a block is read by
    its kind, which may use this reader's methods for its parts.
    """

    def __init__(self, path, kinds):
        self.path = path
        self.kinds = kinds

    def fail(self, message, node, hint=None, parent_line=None):
        raise ContentError(message, self.path, line_of(node, parent_line), hint)

    def read(self, spec, value, where, line):
        if spec == TEXT:
            return self.text(value, where, line)
        if spec == NAME:
            if not isinstance(value, str) or not value.strip():
                self.fail(f'{where}: expected a name, got {describe(value)}', value,
                          parent_line=line)
            return str(value)
        if spec == CELL:
            if isinstance(value, (int, float)) and not isinstance(value, bool) or (
                    isinstance(value, str) and value.endswith('%')):
                return self.datum(value, where, line)
            return self.text(value, where, line)
        if spec == BOOL:
            if not isinstance(value, bool):
                self.fail(f'{where}: expected true or false, got {describe(value)}', value,
                          parent_line=line)
            return value
        if spec == NAMES:
            return self.read([NAME] if isinstance(value, list) else NAME, value, where, line)
        if spec == ROWS:
            if isinstance(value, str):
                return self.read(NAME, value, where, line)
            if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
                self.fail(f'{where}: expected a CSV file name or a list of rows '
                          f'({{column: value, ...}}), got {describe(value)}', value,
                          parent_line=line)
            rows = []
            for i, row in enumerate(value):
                cells = LineDict({str(key): self.read(CELL, cell, f'{where}[{i + 1}].{key}',
                                                      row.line_of(key))
                                  for key, cell in row.items()})
                cells.line = line_of(row, line)
                rows.append(cells)
            return rows
        if spec == INT:
            if not isinstance(value, int) or isinstance(value, bool):
                self.fail(f'{where}: expected a whole number, got {describe(value)}', value,
                          parent_line=line)
            return value
        if spec == YEAR_MONTH_SPEC:
            match = YEAR_MONTH.match(str(value)) if isinstance(value, str) else None
            if not match or not 1 <= int(match[2]) <= 12:
                self.fail(f'{where}: expected a month as YYYY-MM, got {describe(value)}',
                          value, parent_line=line)
            return YearMonth(int(match[1]), int(match[2]))
        if spec == LIST_ITEMS:
            return self.list_items(value, where, line)
        if spec == TABLE_CELL:
            return self.table_cell(value, where, line, CELL)
        if spec == HEADER_ROWS:
            if not isinstance(value, list):
                self.fail(f'{where}: expected a list of header cells, or a list of header '
                          f'rows, got {describe(value)}', value, parent_line=line)
            rows = value if value and all(isinstance(row, list) for row in value) else [value]
            if any(isinstance(cell, list) for row in rows for cell in row):
                self.fail(f'{where}: write one header row as a list of cells, or several as a '
                          'list of rows (each a list of cells), not both', value,
                          parent_line=line)
            return [[self.table_cell(cell, f'{where}[{r + 1}][{c + 1}]' if len(rows) > 1
                                     else f'{where}[{c + 1}]', line_of(row, line_of(value, line)),
                                     TEXT)
                     for c, cell in enumerate(row)] for r, row in enumerate(rows)]
        if spec == BLOCKS:
            if not isinstance(value, list):
                self.fail(f'{where}: expected a list of blocks, got {describe(value)}',
                          value, parent_line=line)
            return [self.block(item, f'{where}[{i + 1}]', line_of(value, line))
                    for i, item in enumerate(value)]
        if isinstance(spec, list):
            if not isinstance(value, list):
                self.fail(f'{where}: expected a list, got {describe(value)}', value,
                          parent_line=line)
            return [self.read(spec[0], item, f'{where}[{i + 1}]', line_of(value, line))
                    for i, item in enumerate(value)]
        return self.mapping(spec, value, where, line)

    def mapping(self, spec, value, where, line):
        if not isinstance(value, dict):
            self.fail(f'{where}: expected a mapping, got {describe(value)}', value,
                      parent_line=line)
        if '*' in spec:
            return {str(key): self.read(spec['*'], item, f'{where}.{key}', value.line_of(key))
                    for key, item in value.items()}
        known = {key.lstrip('?'): key.startswith('?') for key in spec}
        for key in value:
            if key not in known:
                self.fail(f'{where}: unknown field "{key}"', None,
                          hint=f'expected one of: {", ".join(known)}',
                          parent_line=value.line_of(key))
        result = {}
        for key, optional in known.items():
            if key not in value:
                if not optional:
                    self.fail(f'{where}: missing required field "{key}"', value,
                              parent_line=line)
                result[key] = None
                continue
            child_spec = spec[f'?{key}' if optional else key]
            result[key] = self.read(child_spec, value[key], f'{where}.{key}',
                                    value.line_of(key))
        return result

    def block(self, value, where, line):
        """One block: exactly one registered kind, and the options every block may have."""
        if not isinstance(value, dict):
            self.fail(f'{where}: expected a block (a mapping such as "p: ..."), '
                      f'got {describe(value)}', value, parent_line=line)
        kinds = [key for key in value if key not in BLOCK_OPTIONS]
        if len(kinds) != 1 or kinds[0] not in self.kinds:
            # Point at the key that does not belong rather than at the block.
            extra = [key for key in kinds if key not in self.kinds] or kinds[1:]
            self.fail(f'{where}: a block needs exactly one of: {", ".join(self.kinds)}; '
                      f'found {", ".join(map(str, kinds)) or "none"}', None,
                      parent_line=value.line_of(extra[0]) if extra else value.line)
        name = kinds[0]
        kind = self.kinds[name]
        editions = None
        if 'editions' in value:
            # Checked against the publication's declared editions once all files are read.
            editions = EditionList(self.read([NAME], value['editions'], f'{where}.editions',
                                             value.line_of('editions')),
                                   self.path, value.line_of('editions'))
        block_id = None
        if 'id' in value:
            block_id = str(value['id'])
            if not ID.match(block_id):
                self.fail(f'{where}.id: "{block_id}" is not a usable id', None,
                          hint='use letters, digits and "-", starting with a letter',
                          parent_line=value.line_of('id'))
        node = {'type': name, 'id': block_id, 'editions': editions,
                'line': value.line_of(name), 'path': self.path,
                'key_lines': dict(getattr(value[name], 'key_lines', {}))}
        node.update(kind.fields(self, value[name], f'{where}.{name}', value.line_of(name)))
        kind.check(node, self, value[name], f'{where}.{name}')
        return node

    def list_items(self, value, where, line):
        """A list's items: each a Message, or {'text': Message, 'list': {'type', 'items',
        'start'}} for an item with a list inside it (nested to any depth)."""
        if not isinstance(value, list):
            self.fail(f'{where}: expected a list of items, got {describe(value)}', value,
                      parent_line=line)
        items = []
        for i, item in enumerate(value):
            item_where, item_line = f'{where}[{i + 1}]', line_of(value, line)
            nested = [key for key in LIST_KINDS if isinstance(item, dict) and key in item]
            if not nested:
                items.append(self.text(item, item_where, item_line))
                continue
            if len(nested) > 1:
                self.fail(f'{item_where}: an item holds one list: "bullets" or "numbered", '
                          'not both', None, parent_line=item.line_of(nested[1]))
            kind = nested[0]
            text = LineDict({key: part for key, part in item.items() if key != kind})
            text.line, text.key_lines = item.line, {key: item.line_of(key) for key in text}
            items.append({'text': self.text(text, item_where, item_line),
                          'list': self.list_value(kind, item[kind], f'{item_where}.{kind}',
                                                  item.line_of(kind))})
        return items

    def list_value(self, kind, value, where, line):
        """A list: its items, and the number it starts at (numbered lists, `{start: 3,
        items: [...]}`: a list Word continues after a paragraph)."""
        start = None
        if kind == 'numbered' and isinstance(value, dict):
            content = self.mapping({'start': INT, 'items': LIST_ITEMS}, value, where, line)
            start, value, line = content['start'], value['items'], value.line_of('items')
            if start < 0:
                self.fail(f'{where}.start: a list starts at 0 or more, not {start}', None,
                          parent_line=line)
            return {'type': kind, 'items': content['items'], 'start': start}
        return {'type': kind, 'items': self.list_items(value, where, line), 'start': start}

    def table_cell(self, value, where, line, spec):
        """{'cell': value, 'colspan': n, 'rowspan': m}: a CELL (a TEXT in a header), or a
        mapping that spans several columns or rows (`{text: ..., colspan: 2}`, or
        `{value: 12, rowspan: 2}` for a number)."""
        if isinstance(value, dict) and (set(value) & {*SPAN_KEYS, 'value'}):
            known = TEXT_KEYS | {*SPAN_KEYS, 'value'}
            for key in value:
                if key not in known:
                    self.fail(f'{where}: unknown field "{key}" in a cell', None,
                              hint=f'expected one of: {", ".join(sorted(known))}',
                              parent_line=value.line_of(key))
            spans = {}
            for key in SPAN_KEYS:
                spans[key] = 1
                if key in value:
                    spans[key] = self.read(INT, value[key], f'{where}.{key}', value.line_of(key))
                    if spans[key] < 1:
                        self.fail(f'{where}.{key}: a cell spans 1 or more, not {spans[key]}',
                                  None, parent_line=value.line_of(key))
            if 'value' in value:
                if set(value) & TEXT_KEYS:
                    self.fail(f'{where}: a cell has a "value" (a number) or a "text", not both',
                              None, parent_line=value.line_of('value'))
                cell = self.read(spec, value['value'], f'{where}.value', value.line_of('value'))
            else:
                text = LineDict({key: part for key, part in value.items() if key in TEXT_KEYS})
                text.line = value.line
                text.key_lines = {key: value.line_of(key) for key in text}
                cell = self.text(text, where, line)
            return {'cell': cell, **spans}
        return {'cell': self.read(spec, value, where, line), 'colspan': 1, 'rowspan': 1}

    def data(self, value, where, line, key=None):
        if key == 'refs':
            refs = self.read([NAME], value, where, line)
            return RefList(refs, self.path, line_of(value, line))
        if isinstance(value, str):
            return self.text(value, where, line)
        if isinstance(value, bool) or value is None:
            self.fail(f'{where}: expected text, a number, a list or a mapping, got '
                      f'{describe(value)}', value, parent_line=line)
        if isinstance(value, (int, float)):
            return self.datum(value, where, line)
        if isinstance(value, list):
            return [self.data(item, f'{where}[{i + 1}]', line_of(value, line))
                    for i, item in enumerate(value)]
        if 'text' in value and set(value) <= TEXT_KEYS:
            return self.text(value, where, line)
        return {str(k): self.data(item, f'{where}.{k}', value.line_of(k), str(k))
                for k, item in value.items()}

    def text(self, value, where, line):
        if isinstance(value, str):
            return Message(str(value), self.path, line_of(value, line))
        if not isinstance(value, dict):
            self.fail(f'{where}: expected text, got {describe(value)}', value,
                      parent_line=line)
        for key in value:
            if key not in TEXT_KEYS:
                self.fail(f'{where}: unknown field "{key}" in text', None,
                          hint=f'expected one of: {", ".join(sorted(TEXT_KEYS))}',
                          parent_line=value.line_of(key))
        if not isinstance(value.get('text'), str):
            self.fail(f'{where}: a text mapping needs a "text" string', value,
                      parent_line=line)
        for key in ('context', 'note'):
            if key in value and not isinstance(value[key], str):
                self.fail(f'{where}.{key}: expected a string', value[key],
                          parent_line=value.line_of(key))
        data = {}
        for name, item in (value.get('data') or {}).items():
            data[str(name)] = self.datum(item, f'{where}.data.{name}',
                                         value['data'].line_of(name))
        message = Message(str(value['text']), self.path, line_of(value['text'], line),
                          value.get('context'), value.get('note'), data)
        for name in markup.signature(message.text).placeholders:
            if name not in data:
                self.fail(f'{where}: placeholder {{{name}}} has no value in "data"',
                          value['text'], parent_line=line,
                          hint=f'add data: {{{name}: ...}} or remove the placeholder')
        return message

    def datum(self, value, where, line):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(f'{where}: expected a number, a percentage or YYYY-MM, '
                      f'got {describe(value)}', value, parent_line=line)
        if isinstance(value, (int, float)):
            return Decimal(str(value)) if isinstance(value, float) else value
        if value.endswith('%'):
            try:
                return Percent(Decimal(value[:-1].strip()) / 100)
            except ArithmeticError:
                pass
        elif YEAR_MONTH.match(value):
            return YearMonth(int(value[:4]), int(value[5:]))
        self.fail(f'{where}: expected a number, a percentage or YYYY-MM, got "{value}"',
                  value, parent_line=line)


def describe(value):
    if value is None:
        return 'nothing'
    if isinstance(value, str):
        return f'"{value[:40]}"'
    return {LineDict: 'a mapping', LineList: 'a list', dict: 'a mapping',
            list: 'a list'}.get(type(value), type(value).__name__)

