"""What `reading.read_docx` gives back: plain data in the content schema, and what a person
should know about it (warnings at their place in the document)."""
from dataclasses import dataclass, field
from pathlib import Path

#: What `--changes` may say of tracked changes.
CHANGE_MODES = ('accept', 'reject')


@dataclass
class ImportWarning:
    """Something the content schema cannot say, or a person should check, at its place
    ("paragraph 12 (after heading 'Findings')")."""

    place: str
    message: str
    kind: str = 'structure'

    def __str__(self):
        return f'{self.place}: {self.message}' if self.place else self.message


@dataclass
class ImportedImage:
    name: str               # file name in the publication folder
    data: bytes
    alt: str
    caption: str | None
    place: str


@dataclass
class Chapter:
    id: str
    title: str
    blocks: list

    @property
    def file_name(self):
        return f'{self.id}.yaml'


@dataclass
class ImportedDocument:
    """A Word document read into the content schema, ready for `reimport.import_into`."""

    source: Path
    source_sha256: str
    metadata: dict          # title, subtitle, author, keywords, date ('YYYY-MM')
    chapters: list          # [Chapter]
    footnotes: dict         # id -> Text, in order of first citation
    images: list            # [ImportedImage]
    warnings: list          # [ImportWarning], in document order, then grouped ones
    comments: list = field(default_factory=list)   # [{'author', 'text', 'anchor', 'place'}]
    changes: list = field(default_factory=list)    # [{'kind', 'author', 'place', 'text'}]
    box_kinds: dict = field(default_factory=dict)  # kind -> the Word style it came from
    styles_to_kinds: dict = field(default_factory=dict)
    pandoc_version: str = ''
