"""The library: which publications each language lists, and what each entry links to.

An entry is read from what the build made, not from what it was asked to make: a PDF or EPUB
is linked only if its file is in the output folder, with its real size, and a PDF is named by
the kind the file declares (PDF/UA, PDF/X or PDF/A in its metadata), so the library never
promises a file or a variant it does not have. The entry's text (title, summary, edition
labels, date) is the publication's own, translated through its catalog like any message.
"""
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from babel.units import format_unit

from ..errors import ContentError
from ..i18n.cldr import in_digits

#: The files an edition may be downloaded as, in the order the library offers them, and the
#: media type each is served as. A format the build does not make is never found.
DOWNLOAD_FORMATS = {'pdf': 'application/pdf', 'epub': 'application/epub+zip'}
#: What each PDF kind declares in its XMP metadata (or, for PDF/X, its document info).
_PDF_KIND_MARKS = (
    ('accessible', '{http://www.aiim.org/pdfua/ns/id/}part'),
    ('archive', '{http://www.aiim.org/pdfa/ns/id/}part'),
    ('print', '{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion'),
)


@dataclass(frozen=True)
class Download:
    """One file an edition can be downloaded as, copied beside the pages of its language."""

    fmt: str                # 'pdf' or 'epub'
    kind: str | None        # a PDF's kind (`choices.PDF_KINDS`), as the file declares it
    source: Path            # the built file, in output/<lang>/
    size: int               # in bytes

    @property
    def name(self):
        return self.source.name

    @property
    def media_type(self):
        return DOWNLOAD_FORMATS[self.fmt]


@dataclass
class EditionEntry:
    """One edition of an entry: its label, its web page and its downloads."""

    name: str
    label: object           # the translated `Text` of its label
    page: str               # the web page's file name, beside the library page
    downloads: list = field(default_factory=list)

    @property
    def pdf(self):
        """The PDF its cover is drawn from, if one was built."""
        return next((download for download in self.downloads if download.fmt == 'pdf'), None)


@dataclass
class Entry:
    """One publication in one language's library."""

    publication: object     # `content.model.Publication`
    document: dict          # its translated web document (`Translator.translate_publication`)
    editions: list

    @property
    def slug(self):
        return self.publication.slug

    @property
    def cover(self):
        """The edition whose PDF's first page is the entry's cover: the first that has one."""
        return next((edition for edition in self.editions if edition.pdf), None)


def check_summary(publication):
    """The library shows each publication's summary: one missing is a one-line error at the
    publication's title, saying what to add."""
    if publication.meta['summary'] is None:
        title = publication.meta['title']
        raise ContentError(
            'no summary: the web library lists each publication with a one-paragraph summary',
            title.path, title.line,
            hint='add summary: with one paragraph in English, under the title; it is '
                 'translated in the catalogs like the title')


def pdf_kind(path):
    """The kind of PDF a file is ('accessible', 'print', 'archive'), from its own metadata;
    None for a PDF that declares none of them."""
    with pikepdf.open(path) as pdf:
        with pdf.open_metadata() as metadata:
            declared = set(metadata)
        if '/GTS_PDFXVersion' in pdf.docinfo:
            declared.add(_PDF_KIND_MARKS[2][1])
    return next((kind for kind, mark in _PDF_KIND_MARKS if mark in declared), None)


def downloads_of(project, publication, language, edition):
    """The files of one edition in one language that the build made, in the library's order."""
    found = []
    for fmt in DOWNLOAD_FORMATS:
        path = project.output_path(publication, language, edition, fmt)
        if path.is_file():
            found.append(Download(fmt, pdf_kind(path) if fmt == 'pdf' else None, path,
                                  path.stat().st_size))
    return found


def library_entries(project, publications, language, translate):
    """The entries of one language's library, newest first (then by slug, so the order is
    stable): each publication that ships in `language`. `translate(publication, language)`
    gives its translated web document."""
    entries = []
    for publication in publications:
        if language not in publication.languages:
            continue
        document = translate(publication, language)
        editions = [EditionEntry(name, document['meta']['editions'][name]['label'],
                                 project.output_path(publication, language, name, 'html').name,
                                 downloads_of(project, publication, language, name))
                    for name in publication.editions]
        entries.append(Entry(publication, document, editions))
    date = lambda entry: entry.publication.meta['date']     # noqa: E731
    entries.sort(key=lambda entry: entry.slug)
    entries.sort(key=lambda entry: (date(entry).year, date(entry).month), reverse=True)
    return entries


def file_size(size, locale, numbering='latn'):
    """A file's size as the locale writes it: "1.2 MB", "1,2 Mo", "340 кБ", "١٫٢ م.ب" (decimal
    units, as operating systems show downloads), in the digits of `numbering` (Babel gives
    its separators, not its digits)."""
    if size < 1000 * 1000:
        text = format_unit(max(1, round(size / 1000)), 'digital-kilobyte', 'short',
                           format='#,##0', locale=locale, numbering_system=numbering)
    else:
        text = format_unit(round(size / 1000 / 1000, 1), 'digital-megabyte', 'short',
                           format='#,##0.0', locale=locale, numbering_system=numbering)
    return in_digits(text, numbering)
