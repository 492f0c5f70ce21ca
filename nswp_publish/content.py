"""Loading a publication: its YAML files, checked against the schema in content/README.md.

The result is a tree of plain dicts and lists whose translatable leaves are
`Message` objects (English source text plus where it came from). Later stages
never look at YAML again: `extract` collects the messages, `translate` swaps
each for its rendered translation.
"""
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from . import markup
from .choices import LANGUAGES
from .errors import ContentError
from .wording import counted
from .yamlfile import LineDict, LineList, line_of, read_yaml

SLUG = re.compile(r'[a-z0-9]+(-[a-z0-9]+)*\Z')
YEAR_MONTH = re.compile(r'(\d{4})-(\d{2})\Z')
#: The id of a block, section or chapter: what `[see](#id)` links to.
ID = re.compile(r'[A-Za-z][A-Za-z0-9_-]*\Z')
#: Layouts every publication may use (templates/<layout>.html); a publication's own
#: templates folder may add more.
LAYOUTS = ('short', 'report')
#: How the bibliography is ordered: by each language's collation, or as the file lists it.
BIBLIOGRAPHY_ORDERS = ('alphabetical', 'as-listed')


@dataclass(frozen=True)
class Percent:
    """A proportion written as "74%" in content data, formatted per locale."""

    value: Decimal


@dataclass(frozen=True)
class YearMonth:
    """A month written as "2015-10" in content data, formatted per locale."""

    year: int
    month: int

    def as_date(self):
        return datetime.date(self.year, self.month, 1)


class EditionList(list):
    """The `editions:` of a chapter or block, remembering where it was written."""

    def __init__(self, names, path, line):
        super().__init__(names)
        self.path, self.line = path, line


class RefList(list):
    """Ids a template block refers to (`refs:`), remembering where they were written."""

    def __init__(self, ids, path, line):
        super().__init__(ids)
        self.path, self.line = path, line


@dataclass(frozen=True, eq=False)
class Message:
    """One translatable unit: a paragraph, heading, list item, quote, caption or footnote."""

    text: str
    path: Path
    line: int
    context: str | None = None
    note: str | None = None
    data: dict = field(default_factory=dict)

    @property
    def key(self):
        """How a catalog finds its translation: (msgctxt, msgid)."""
        return (self.context, self.text)


@dataclass
class Publication:
    """A loaded publication: metadata, chapters in reading order and back matter."""

    slug: str
    folder: Path
    meta: dict
    chapters: list
    footnotes: dict       # label -> {'number': int, 'text': Message}
    acronyms: list        # [{'acronym': Message, 'expansion': Message}], in file order
    publications: list    # [{'id', 'title', 'author', 'year'}]
    targets: dict = field(default_factory=dict)   # id -> {'number', 'counter', 'path', 'line'}
    glossary: list = field(default_factory=list)  # [{'term': Message, 'definition': Message}]

    @property
    def domain(self):
        """The gettext domain of this publication's catalogs."""
        return self.slug

    @property
    def editions(self):
        return self.meta['editions']

    @property
    def languages(self):
        return self.meta['languages']

    @property
    def output_name(self):
        return self.meta['output_name']

    def messages(self):
        """Every message, in reading order: metadata, chapters, then back matter."""
        return list(iter_messages([self.meta, self.chapters, self.footnotes,
                                   self.acronyms, self.glossary, self.publications]))

    @property
    def stylesheet(self):
        """The publication's own stylesheet (applied after the shared one), if it has one."""
        return self.folder / self.meta['stylesheet'] if self.meta['stylesheet'] else None

    @property
    def templates_dir(self):
        """The publication's own templates (searched before the shared ones), if it has any."""
        return self.folder / self.meta['templates'] if self.meta['templates'] else None


def iter_messages(tree, edition=None):
    """Yield the `Message` leaves of a content tree, depth first, in order.

    With `edition`, blocks limited to other editions are left out.
    """
    if isinstance(tree, Message):
        yield tree
    elif isinstance(tree, dict):
        if edition and tree.get('editions') and edition not in tree['editions']:
            return
        for value in tree.values():
            yield from iter_messages(value, edition)
    elif isinstance(tree, (list, tuple)):
        for value in tree:
            yield from iter_messages(value, edition)


# -- schema -----------------------------------------------------------------
# A spec is TEXT, NAME, INT, [spec] (a list of spec), or {key: spec} with
# optional keys written as '?key' ('*' for any key). BLOCKS is a list of blocks;
# DATA is free-form data for a publication's own templates (see `_Reader.data`).

TEXT, NAME, INT, BLOCKS, YEAR_MONTH_SPEC = 'text', 'name', 'int', 'blocks', 'year-month'
#: A table cell: a number or percentage (formatted per language), or text.
CELL = 'cell'
DATA = 'data'
#: The id of something a cross-reference may point at.
IDENT = 'ident'
#: true or false; one name or a list of names (read as a list); a chart's `data`: the name
#: of a CSV file in the folder or inline rows `[{column: cell}]` (see `media`).
BOOL, NAMES, ROWS = 'bool', 'names', 'rows'

BLOCK_TYPES = {
    'p': TEXT,
    'heading': TEXT,
    'bullets': [TEXT],
    'numbered': [TEXT],
    'quote': {'text': TEXT, '?attribution': TEXT},
    # A framed aside; `kind` is a CSS class and the key of its label in `box_labels`.
    'box': {'kind': NAME, '?title': TEXT, 'blocks': BLOCKS},
    # A numbered section ("Step 3"): numbered in reading order within its counter.
    'section': {'counter': NAME, 'title': TEXT, '?blocks': BLOCKS},
    # A figure drawn by a template of the publication (templates/figures/<template>.html).
    'figure': {'template': NAME, 'caption': TEXT, '?labels': [TEXT]},
    # Inline (header and rows) or from a CSV file in the folder (data); see `media`.
    'table': {'caption': TEXT, '?header': [TEXT], '?rows': [[CELL]], '?data': NAME},
    # A PNG, JPEG or SVG file of the folder; alt text required unless decorative.
    'image': {'src': NAME, '?alt': TEXT, '?caption': TEXT, '?credit': TEXT, '?width': NAME,
              '?decorative': BOOL},
    # A chart drawn from data (`type` is kept as the node's `chart`: `type` names the block).
    'chart': {'type': NAME, 'data': ROWS, 'x': NAME, 'y': NAMES, '?series': {'*': TEXT},
              'caption': TEXT, '?unit': TEXT},
    # Anything else a publication draws with its own template (templates/blocks/<name>.html).
    'template': DATA,
}
#: Where a chapter stands in a report layout: before the contents' main matter, in it, or after.
PARTS = ('front', 'main', 'annex')
#: Keys a block may have besides its type.
BLOCK_OPTIONS = ('id', 'editions')

FILE_SCHEMAS = {
    'publication': {
        'slug': NAME, 'title': TEXT, '?subtitle': TEXT, 'short_title': TEXT,
        '?author': TEXT, '?author_role': TEXT,
        'date': YEAR_MONTH_SPEC, '?keywords': [TEXT],
        'editions': {'*': {'label': TEXT, '?layout': NAME, '?chapters': [NAME]}},
        'languages': [NAME], 'chapters': [NAME], '?footnotes': NAME, '?acronyms': NAME,
        '?glossary': NAME,
        '?publications': NAME, '?output_name': NAME,
        '?back_page': {'title': TEXT, 'blocks': BLOCKS},
        '?stylesheet': NAME, '?templates': NAME, '?bibliography_order': NAME,
        '?box_labels': {'*': TEXT},
        '?logo': {'src': NAME, 'alt': TEXT},
        '?funders': {'?acknowledgement': TEXT, 'names': [{'name': TEXT, '?logo': NAME}]},
        '?cover': {'?colour': NAME, '?image': NAME},
    },
    'chapter': {
        'chapter': NAME, 'title': TEXT, '?editions': [NAME], '?part': NAME, 'blocks': BLOCKS,
    },
    'footnotes': {'footnotes': {'*': TEXT}},
    'acronyms': {'acronyms': {'*': TEXT}},
    'glossary': {'glossary': {'*': TEXT}},
    'publications': {'publications': [
        {'id': NAME, 'title': TEXT, 'author': TEXT, 'year': INT}]},
}

TEXT_KEYS = {'text', 'context', 'note', 'data'}
#: The msgctxt of an acronym in the list of acronyms.
ACRONYM_CONTEXT = 'acronym'
#: The msgctxt of a term of the glossary.
GLOSSARY_CONTEXT = 'glossary term'
#: Keys the loader sets on every block node.
RESERVED_KEYS = {'type', 'id', 'editions', 'line', 'path', 'key_lines', 'number'}


class _Reader:
    """Checks one file's tree against a spec and builds the content tree."""

    def __init__(self, path):
        self.path = path

    def fail(self, message, node, hint=None, parent_line=None):
        raise ContentError(message, self.path, line_of(node, parent_line), hint)

    def read(self, spec, value, where, line):
        if spec == TEXT:
            return self.text(value, where, line)
        if spec == NAME:
            if not isinstance(value, str) or not value.strip():
                self.fail(f'{where}: expected a name, got {_describe(value)}', value,
                          parent_line=line)
            return str(value)
        if spec == CELL:
            if isinstance(value, (int, float)) and not isinstance(value, bool) or (
                    isinstance(value, str) and value.endswith('%')):
                return self.datum(value, where, line)
            return self.text(value, where, line)
        if spec == BOOL:
            if not isinstance(value, bool):
                self.fail(f'{where}: expected true or false, got {_describe(value)}', value,
                          parent_line=line)
            return value
        if spec == NAMES:
            return self.read([NAME] if isinstance(value, list) else NAME, value, where, line)
        if spec == ROWS:
            if isinstance(value, str):
                return self.read(NAME, value, where, line)
            if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
                self.fail(f'{where}: expected a CSV file name or a list of rows '
                          f'({{column: value, ...}}), got {_describe(value)}', value,
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
                self.fail(f'{where}: expected a whole number, got {_describe(value)}', value,
                          parent_line=line)
            return value
        if spec == YEAR_MONTH_SPEC:
            match = YEAR_MONTH.match(str(value)) if isinstance(value, str) else None
            if not match or not 1 <= int(match[2]) <= 12:
                self.fail(f'{where}: expected a month as YYYY-MM, got {_describe(value)}',
                          value, parent_line=line)
            return YearMonth(int(match[1]), int(match[2]))
        if spec == BLOCKS:
            if not isinstance(value, list):
                self.fail(f'{where}: expected a list of blocks, got {_describe(value)}',
                          value, parent_line=line)
            return [self.block(item, f'{where}[{i + 1}]', line_of(value, line))
                    for i, item in enumerate(value)]
        if isinstance(spec, list):
            if not isinstance(value, list):
                self.fail(f'{where}: expected a list, got {_describe(value)}', value,
                          parent_line=line)
            return [self.read(spec[0], item, f'{where}[{i + 1}]', line_of(value, line))
                    for i, item in enumerate(value)]
        return self.mapping(spec, value, where, line)

    def mapping(self, spec, value, where, line):
        if not isinstance(value, dict):
            self.fail(f'{where}: expected a mapping, got {_describe(value)}', value,
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
        if not isinstance(value, dict):
            self.fail(f'{where}: expected a block (a mapping such as "p: ..."), '
                      f'got {_describe(value)}', value, parent_line=line)
        kinds = [key for key in value if key not in BLOCK_OPTIONS]
        if len(kinds) != 1 or kinds[0] not in BLOCK_TYPES:
            # Point at the key that does not belong rather than at the block.
            extra = [key for key in kinds if key not in BLOCK_TYPES] or kinds[1:]
            self.fail(f'{where}: a block needs exactly one of: {", ".join(BLOCK_TYPES)}; '
                      f'found {", ".join(map(str, kinds)) or "none"}', None,
                      parent_line=value.line_of(extra[0]) if extra else value.line)
        kind = kinds[0]
        spec = BLOCK_TYPES[kind]
        if spec == DATA:
            content = self.template_block(value[kind], f'{where}.{kind}', value.line_of(kind))
        else:
            content = self.read(spec, value[kind], f'{where}.{kind}', value.line_of(kind))
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
        node = {'type': kind, 'id': block_id, 'editions': editions,
                'line': value.line_of(kind), 'path': self.path,
                'key_lines': dict(getattr(value[kind], 'key_lines', {}))}
        if kind == 'chart':
            content['chart'] = content.pop('type')
        if spec == TEXT:
            node['text'] = content
        elif isinstance(spec, list):
            node['items'] = content
        else:
            node.update(content)
        if kind in ('table', 'image', 'chart'):
            from . import media
            getattr(media, f'check_{kind}')(node, self.path, node['line'])
        if kind == 'table' and node['data'] is None:
            self.check_table_shape(node, value[kind], where)
        return node

    def check_table_shape(self, node, raw, where):
        """Every row of a table has as many cells as its header: a missing or extra cell
        would shift the columns or print outside them."""
        width = len(node['header'])
        for number, row in enumerate(node['rows'], 1):
            if len(row) != width:
                self.fail(f'{where}.table: row {number} has {counted(len(row), "cell")}, '
                          f'the header has {width}', None,
                          hint='give every row one cell per column',
                          parent_line=line_of(raw['rows'][number - 1], raw.line_of('rows')))

    def template_block(self, value, where, line):
        """A block drawn by the publication's own template: `name`, then any data.

        Strings are messages; numbers are formatted per language; `counter` numbers the
        `items` (each gets the id `<counter>-<n>`); `refs` lists ids the loader checks.
        """
        if not isinstance(value, dict) or not isinstance(value.get('name'), str):
            self.fail(f'{where}: expected a mapping with a "name" (the template in '
                      f'templates/blocks/)', value, parent_line=line)
        result = {'name': value['name'], 'counter': None}
        for key, item in value.items():
            if key == 'name':
                continue
            if key in RESERVED_KEYS:
                self.fail(f'{where}: "{key}" is a reserved key', None,
                          hint='rename it in the block and its template',
                          parent_line=value.line_of(key))
            if key == 'counter':
                result['counter'] = self.read(NAME, item, f'{where}.counter', value.line_of(key))
                continue
            result[key] = self.data(item, f'{where}.{key}', value.line_of(key), key)
        if result['counter'] and not isinstance(result.get('items'), list):
            self.fail(f'{where}: "counter" numbers the "items" list, which is missing', value,
                      parent_line=line)
        return result

    def data(self, value, where, line, key=None):
        if key == 'refs':
            refs = self.read([NAME], value, where, line)
            return RefList(refs, self.path, line_of(value, line))
        if isinstance(value, str):
            return self.text(value, where, line)
        if isinstance(value, bool) or value is None:
            self.fail(f'{where}: expected text, a number, a list or a mapping, got '
                      f'{_describe(value)}', value, parent_line=line)
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
            self.fail(f'{where}: expected text, got {_describe(value)}', value,
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
                      f'got {_describe(value)}', value, parent_line=line)
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


def _describe(value):
    if value is None:
        return 'nothing'
    if isinstance(value, str):
        return f'"{value[:40]}"'
    return {LineDict: 'a mapping', LineList: 'a list', dict: 'a mapping',
            list: 'a list'}.get(type(value), type(value).__name__)


def file_role(tree):
    """Which kind of content file a parsed YAML tree is, from its top-level keys."""
    if isinstance(tree, dict):
        for role, key in (('publication', 'slug'), ('chapter', 'chapter'),
                          ('footnotes', 'footnotes'), ('acronyms', 'acronyms'),
                          ('glossary', 'glossary'),
                          ('publications', 'publications')):
            if key in tree:
                return role
    return None


def load_file(path, expected_role=None):
    """Load one content file on its own: (role, content tree)."""
    path = Path(path)
    return build_tree(read_yaml(path), path, expected_role)


def build_tree(raw, path, expected_role=None):
    """Check a parsed content file against its schema: (role, content tree)."""
    role = file_role(raw)
    if role is None:
        raise ContentError(
            'not a content file: expected a top-level "slug", "chapter", "footnotes", '
            '"acronyms", "glossary" or "publications" key', path, line_of(raw, 1),
            hint='see content/README.md')
    if expected_role and role != expected_role:
        raise ContentError(f'expected a {expected_role} file, found a {role} file', path, 1)
    tree = _Reader(path).read(FILE_SCHEMAS[role], raw, role, 1)
    if role == 'acronyms':
        # The acronym itself is a message too: HIV is VIH in French and ВИЧ in Russian.
        tree['acronyms'] = [
            {'acronym': Message(key, path, raw['acronyms'].line_of(key), ACRONYM_CONTEXT,
                                'An acronym of the list of acronyms: keep it, or give the '
                                'form this language uses.'),
             'expansion': expansion}
            for key, expansion in tree['acronyms'].items()]
    if role == 'glossary':
        tree['glossary'] = [
            {'term': Message(key, path, raw['glossary'].line_of(key), GLOSSARY_CONTEXT,
                             'A term of the glossary, as this language writes it.'),
             'definition': definition}
            for key, definition in tree['glossary'].items()]
    if role == 'publication':
        tree['key_lines'] = raw.key_lines
    return role, tree


def load_publication(folder):
    """Load and cross-check a publication folder (its `publication.yaml` and the files it names)."""
    folder = Path(folder)
    meta_path = folder / 'publication.yaml'
    if not meta_path.exists():
        raise ContentError('publication.yaml is missing', meta_path,
                           hint=f'every folder in {folder.parent} needs one')
    _, meta = load_file(meta_path, 'publication')
    key_lines = meta.pop('key_lines')
    if not SLUG.match(meta['slug']):
        raise ContentError(f'slug "{meta["slug"]}" must be lowercase words joined by "-"',
                           meta_path, key_lines['slug'])
    if meta['slug'] != folder.name:
        raise ContentError(f'slug "{meta["slug"]}" differs from the folder name "{folder.name}"',
                           meta_path, key_lines['slug'], hint='rename one of them')
    for value in meta['languages']:
        if value not in LANGUAGES:
            raise ContentError(f'unknown language "{value}"', meta_path, key_lines['languages'],
                               hint=f'expected some of: {", ".join(LANGUAGES)}')
    meta['output_name'] = meta['output_name'] or f'nswp-{meta["slug"]}'
    meta['bibliography_order'] = meta['bibliography_order'] or 'alphabetical'
    if meta['bibliography_order'] not in BIBLIOGRAPHY_ORDERS:
        raise ContentError(f'unknown bibliography_order "{meta["bibliography_order"]}"',
                           meta_path, key_lines['bibliography_order'],
                           hint=f'expected one of: {", ".join(BIBLIOGRAPHY_ORDERS)}')

    for key in ('stylesheet', 'templates'):
        if meta[key] and not (folder / meta[key]).exists():
            raise ContentError(f'{key} "{meta[key]}" does not exist in {folder.name}/',
                               meta_path, key_lines[key], hint='create it or fix the name')
    _check_editions(meta, folder, meta_path, key_lines)

    def part(name, role, key):
        if name is None:
            return None
        path = folder / name
        if not path.exists():
            raise ContentError(f'file "{name}" does not exist', meta_path, key_lines[key],
                               hint=f'create it in {folder} or fix the name')
        return load_file(path, role)[1]

    chapters = [part(name, 'chapter', 'chapters') for name in meta['chapters']]
    for edition in meta['editions'].values():
        for name in edition['chapters'] or ():
            if name not in meta['chapters']:
                raise ContentError(f'edition chapter "{name}" is not one of "chapters"',
                                   meta_path, key_lines['editions'],
                                   hint='list it under chapters: too, or fix the name')
    for name, chapter in zip(meta['chapters'], chapters):
        chapter['file'] = name
    footnotes_file = part(meta['footnotes'], 'footnotes', 'footnotes')
    footnote_texts = footnotes_file['footnotes'] if footnotes_file else {}
    acronyms_file = part(meta['acronyms'], 'acronyms', 'acronyms')
    acronyms = acronyms_file['acronyms'] if acronyms_file else []
    glossary_file = part(meta['glossary'], 'glossary', 'glossary')
    glossary = glossary_file['glossary'] if glossary_file else []
    publications_file = part(meta['publications'], 'publications', 'publications')
    publications = publications_file['publications'] if publications_file else []
    footnotes = _number_footnotes(chapters, footnote_texts,
                                  folder / (meta['footnotes'] or 'footnotes.yaml'))
    _check_unique_chapters(chapters)
    _check_chapter_options(chapters, meta)
    from . import margin_figures, media   # images, CSV files: checked once the text is read
    media.attach_publication(folder, meta, meta_path, key_lines)
    media.attach(folder, meta['languages'], [meta['back_page'], chapters])
    margin_figures.check_stylesheet(folder / meta['stylesheet'] if meta['stylesheet'] else None,
                                    chapters)
    targets = _number_and_index(chapters, meta)
    _check_references([meta, chapters, footnote_texts], targets)
    return Publication(meta['slug'], folder, meta, chapters, footnotes, acronyms, publications,
                       targets, glossary)


def _check_editions(meta, folder, meta_path, key_lines):
    """Editions are the publication's own: any names, each with a layout that exists."""
    if not meta['editions']:
        raise ContentError('a publication needs at least one edition', meta_path,
                           key_lines['editions'], hint='e.g. editions: {brief: {label: Brief}}')
    own_layouts = folder / meta['templates'] if meta['templates'] else None
    for name, edition in meta['editions'].items():
        if not SLUG.match(name):
            raise ContentError(f'edition name "{name}" must be lowercase words joined by "-"',
                               meta_path, key_lines['editions'])
        edition['name'] = name
        edition['layout'] = edition['layout'] or 'short'
        layout = edition['layout']
        if layout not in LAYOUTS and not (own_layouts and (own_layouts / f'{layout}.html').exists()):
            raise ContentError(f'edition "{name}": unknown layout "{layout}"', meta_path,
                               key_lines['editions'],
                               hint=f'expected one of: {", ".join(LAYOUTS)}, or a {layout}.html '
                                    f'in the publication\'s templates folder')


def _check_edition_names(editions, declared):
    for edition in editions or ():
        if edition not in declared:
            raise ContentError(f'unknown edition "{edition}"', editions.path, editions.line,
                               hint=f'this publication declares: {", ".join(declared)}')


def _number_footnotes(chapters, texts, footnotes_path):
    """Number footnotes in order of first citation, as a printed report does."""
    numbers = {}
    for message in iter_messages(chapters):
        for label in markup.footnote_refs(message.text):
            if label not in texts:
                raise ContentError(f'footnote [^{label}] is not defined', message.path,
                                   message.line, hint=f'add it to {footnotes_path.name}')
            numbers.setdefault(label, len(numbers) + 1)
    for label, message in texts.items():
        if label not in numbers:
            raise ContentError(f'footnote "{label}" is never cited', message.path, message.line,
                               hint=f'cite it as [^{label}] or remove it')
    return {label: {'number': numbers[label], 'label': label, 'text': texts[label]}
            for label in sorted(numbers, key=numbers.get)}


def _check_unique_chapters(chapters):
    seen = {}
    for chapter in chapters:
        name = chapter['chapter']
        if name in seen:
            raise ContentError(f'chapter id "{name}" is used twice', chapter['title'].path, 1)
        seen[name] = chapter


def _check_chapter_options(chapters, meta):
    declared = list(meta['editions'])
    for chapter in chapters:
        where = chapter['title']
        if chapter['editions'] is not None:
            chapter['editions'] = EditionList(chapter['editions'], where.path, 1)
        _check_edition_names(chapter['editions'], declared)
        # An edition that lists its chapters holds only those.
        for name, edition in meta['editions'].items():
            if edition['chapters'] is not None and chapter['file'] not in edition['chapters']:
                chapter['editions'] = EditionList(
                    [e for e in (chapter['editions'] or declared) if e != name], where.path, 1)
        chapter['part'] = chapter['part'] or 'main'
        if chapter['part'] not in PARTS:
            raise ContentError(f'chapter "{chapter["chapter"]}": unknown part "{chapter["part"]}"',
                               where.path, 1, hint=f'expected one of: {", ".join(PARTS)}')
    for block in iter_blocks(chapters):
        _check_edition_names(block['editions'], declared)


def walk(tree):
    """Every mapping and list of a content tree, depth first, in reading order."""
    if isinstance(tree, (dict, list)):
        yield tree
        for value in tree.values() if isinstance(tree, dict) else tree:
            yield from walk(value)


def iter_blocks(tree):
    """Every block of a content tree (chapters, boxes, sections), in reading order."""
    return (node for node in walk(tree)
            if isinstance(node, dict) and 'type' in node and 'path' in node)


def _number_and_index(chapters, meta):
    """Number sections and counted items in reading order; index every id a link may name.

    Returns {id: {'number': int or None, 'counter': name or None, 'path', 'line'}}.
    """
    targets = {}
    counts = {}

    def add(target_id, number, counter, path, line):
        if target_id in targets:
            first = targets[target_id]
            raise ContentError(f'id "{target_id}" is used twice (first at '
                               f'{first["path"].name}:{first["line"]})', path, line,
                               hint='give each block its own id')
        targets[target_id] = {'number': number, 'counter': counter, 'path': path,
                              'line': line}

    for chapter in chapters:
        add(chapter['chapter'], None, None, chapter['title'].path, chapter['title'].line)
        for block in iter_blocks(chapter['blocks']):
            counter = block.get('counter') if block['type'] in ('section', 'template') else None
            if block['type'] == 'section':
                counts[counter] = number = counts.get(counter, 0) + 1
                block['number'] = number
                block['id'] = block['id'] or f'{counter}-{number}'
                add(block['id'], number, counter, block['path'], block['line'])
            elif block['id']:
                add(block['id'], None, None, block['path'], block['line'])
            if block['type'] == 'template' and counter:
                items = []
                for item in block['items']:
                    counts[counter] = number = counts.get(counter, 0) + 1
                    item = item if isinstance(item, dict) else {'text': item}
                    item['number'] = number
                    item['id'] = f'{counter}-{number}'
                    add(item['id'], number, counter, block['path'], block['line'])
                    items.append(item)
                block['items'] = items
    return targets


def _check_references(tree, targets):
    """Links to `#id` in any text, and `refs:` of template blocks, must name a real id."""
    for message in iter_messages(tree):
        for href in markup.signature(message.text).links:
            if href.startswith('#') and href[1:] not in targets:
                raise ContentError(f'link to "{href}", but no block has that id', message.path,
                                   message.line, hint=_known_ids(targets))
    for refs in (node for node in walk(tree) if isinstance(node, RefList)):
        for target in refs:
            if target not in targets:
                raise ContentError(f'refs: "{target}" is not the id of anything', refs.path,
                                   refs.line, hint=_known_ids(targets))


def _known_ids(targets):
    names = list(targets)
    return f'known ids: {", ".join(names[:12])}{", ..." if len(names) > 12 else ""}'




def find_publications(content_root):
    """Folders under `content/` that hold a publication, sorted by slug."""
    return sorted(path.parent for path in Path(content_root).glob('*/publication.yaml'))
