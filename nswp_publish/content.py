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
from .choices import EDITIONS, LANGUAGES
from .errors import ContentError
from .yamlfile import LineDict, LineList, line_of, read_yaml

SLUG = re.compile(r'[a-z0-9]+(-[a-z0-9]+)*\Z')
YEAR_MONTH = re.compile(r'(\d{4})-(\d{2})\Z')


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
    acronyms: list        # [{'acronym': str, 'expansion': Message}]
    publications: list    # [{'id', 'title', 'author', 'year'}]

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
                                   self.acronyms, self.publications]))

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
# optional keys written as '?key'. BLOCKS is a list of blocks.

TEXT, NAME, INT, BLOCKS, YEAR_MONTH_SPEC = 'text', 'name', 'int', 'blocks', 'year-month'
#: A table cell: a number or percentage (formatted per language), or text.
CELL = 'cell'

BLOCK_TYPES = {
    'p': TEXT,
    'heading': TEXT,
    'bullets': [TEXT],
    'numbered': [TEXT],
    'quote': {'text': TEXT, '?attribution': TEXT},
    'perspective': {'title': TEXT, 'blocks': BLOCKS},
    'case_study': {'title': TEXT, 'blocks': BLOCKS},
    'figure': {'figure': NAME, 'caption': TEXT, 'labels': [TEXT]},
    'methods': [{'title': TEXT, 'text': TEXT}],
    'regional_support': [{'region': TEXT, 'text': TEXT}],
    'participation': {'caption': TEXT, 'table_caption': TEXT, 'groups_caption': TEXT,
                      'groups': {'*': TEXT}},
    'executive_summary': {'findings_title': TEXT, 'recommendations_title': TEXT},
    'regional_table': {'caption': TEXT},
    'crossref_table': {'caption': TEXT},
    'table': {'caption': TEXT, 'header': [TEXT], 'rows': [[CELL]]},
}
#: Where a chapter stands in the full edition: before the contents' main matter, in it, or after.
PARTS = ('front', 'main', 'annex')
#: Keys a block may have besides its type.
BLOCK_OPTIONS = ('id', 'editions')

FILE_SCHEMAS = {
    'publication': {
        'slug': NAME, 'title': TEXT, 'subtitle': TEXT, 'short_title': TEXT,
        'label': {'summary': TEXT, 'full': TEXT}, 'author': TEXT, 'author_role': TEXT,
        'date': YEAR_MONTH_SPEC, '?keywords': [TEXT], 'editions': [NAME],
        'languages': [NAME], 'chapters': [NAME], 'footnotes': NAME, 'acronyms': NAME,
        'publications': NAME, '?output_name': NAME,
        '?back_page': {'title': TEXT, 'blocks': BLOCKS},
        '?stylesheet': NAME, '?templates': NAME,
    },
    'chapter': {
        'chapter': NAME, 'title': TEXT, '?editions': [NAME], '?part': NAME, 'blocks': BLOCKS,
        '?findings': [{'headline': TEXT, 'blocks': BLOCKS}],
        '?recommendations': [{'?headline': TEXT, 'text': TEXT, '?questions': [TEXT],
                              '?answers': [INT]}],
    },
    'footnotes': {'footnotes': {'*': TEXT}},
    'acronyms': {'acronyms': {'*': TEXT}},
    'publications': {'publications': [
        {'id': NAME, 'title': TEXT, 'author': TEXT, 'year': INT}]},
}

TEXT_KEYS = {'text', 'context', 'note', 'data'}


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
        content = self.read(spec, value[kind], f'{where}.{kind}', value.line_of(kind))
        editions = None
        if 'editions' in value:
            editions = self.read([NAME], value['editions'], f'{where}.editions',
                                 value.line_of('editions'))
            for edition in editions:
                if edition not in EDITIONS:
                    self.fail(f'{where}.editions: unknown edition "{edition}"', None,
                              hint=f'expected some of: {", ".join(EDITIONS)}',
                              parent_line=value.line_of('editions'))
        node = {'type': kind, 'id': str(value['id']) if 'id' in value else None,
                'editions': editions}
        if spec == TEXT:
            node['text'] = content
        elif isinstance(spec, list):
            node['items'] = content
        else:
            node.update(content)
        return node

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
            '"acronyms" or "publications" key', path, line_of(raw, 1),
            hint='see content/README.md')
    if expected_role and role != expected_role:
        raise ContentError(f'expected a {expected_role} file, found a {role} file', path, 1)
    tree = _Reader(path).read(FILE_SCHEMAS[role], raw, role, 1)
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
    for key, allowed in (('editions', EDITIONS), ('languages', LANGUAGES)):
        for value in meta[key]:
            if value not in allowed:
                raise ContentError(f'unknown {key[:-1]} "{value}"', meta_path, key_lines[key],
                                   hint=f'expected some of: {", ".join(allowed)}')
    meta['output_name'] = meta['output_name'] or f'nswp-{meta["slug"]}'

    for key in ('stylesheet', 'templates'):
        if meta[key] and not (folder / meta[key]).exists():
            raise ContentError(f'{key} "{meta[key]}" does not exist in {folder.name}/',
                               meta_path, key_lines[key], hint='create it or fix the name')

    def part(name, role, key):
        path = folder / name
        if not path.exists():
            raise ContentError(f'file "{name}" does not exist', meta_path, key_lines[key],
                               hint=f'create it in {folder} or fix the name')
        return load_file(path, role)[1]

    chapters = [part(name, 'chapter', 'chapters') for name in meta['chapters']]
    footnote_texts = part(meta['footnotes'], 'footnotes', 'footnotes')['footnotes']
    acronyms = [{'acronym': key, 'expansion': value}
                for key, value in sorted(
                    part(meta['acronyms'], 'acronyms', 'acronyms')['acronyms'].items(),
                    key=lambda item: item[0].lower())]
    publications = part(meta['publications'], 'publications', 'publications')['publications']
    footnotes = _number_footnotes(chapters, footnote_texts, folder / meta['footnotes'])
    _check_unique_chapters(chapters)
    _check_chapter_options(chapters)
    _link_recommendations(chapters)
    return Publication(meta['slug'], folder, meta, chapters, footnotes, acronyms, publications)


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


def _check_chapter_options(chapters):
    for chapter in chapters:
        where = chapter['title']
        for edition in chapter['editions'] or ():
            if edition not in EDITIONS:
                raise ContentError(f'chapter "{chapter["chapter"]}": unknown edition "{edition}"',
                                   where.path, 1, hint=f'expected some of: {", ".join(EDITIONS)}')
        chapter['part'] = chapter['part'] or 'main'
        if chapter['part'] not in PARTS:
            raise ContentError(f'chapter "{chapter["chapter"]}": unknown part "{chapter["part"]}"',
                               where.path, 1, hint=f'expected one of: {", ".join(PARTS)}')


def _link_recommendations(chapters):
    """Check each recommendation's `answers` and give each finding the recommendations answering it."""
    findings = [finding for chapter in chapters for finding in chapter['findings'] or ()]
    for finding in findings:
        finding['answered_by'] = []
    for chapter in chapters:
        for number, recommendation in enumerate(chapter['recommendations'] or (), 1):
            recommendation['answers'] = sorted(recommendation['answers'] or [])
            for answered in recommendation['answers']:
                if not 1 <= answered <= len(findings):
                    text = recommendation['text']
                    raise ContentError(
                        f'recommendation {number} answers finding {answered}, but there are '
                        f'{len(findings)} findings', text.path, text.line,
                        hint='fix the numbers in "answers"')
                findings[answered - 1]['answered_by'].append(number)


def find_publications(content_root):
    """Folders under `content/` that hold a publication, sorted by slug."""
    return sorted(path.parent for path in Path(content_root).glob('*/publication.yaml'))
