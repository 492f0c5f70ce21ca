"""The content model: what a loaded publication is made of, for every later stage.

A publication is a tree of plain dicts and lists (blocks, chapters, metadata) whose
translatable leaves are `Message` objects: English source text and where it came from.
Later stages never look at YAML again: `i18n.extract` collects the messages,
`i18n.translate` swaps each for its rendered translation.
"""
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

SLUG = re.compile(r'[a-z0-9]+(-[a-z0-9]+)*\Z')
YEAR_MONTH = re.compile(r'(\d{4})-(\d{2})\Z')
#: The id of a block, section or chapter: what `[see](#id)` links to.
ID = re.compile(r'[A-Za-z][A-Za-z0-9_-]*\Z')


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
