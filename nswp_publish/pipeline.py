"""The build: load content -> translate -> render HTML -> write PDF, for each output asked for.

Functions here return data (what was written, what failed); `cli` prints it.
"""
import datetime
import functools
import logging
import re
from html import unescape
from dataclasses import dataclass
from pathlib import Path

from . import content
from .catalog import SOURCE_LANGUAGE, MessageCatalog, gnu_translations, po_path, read_catalog
from .errors import CatalogError, PublishError, display_path
from .extract import INTERFACE_DOMAIN
from .output import write_atomic
from .render import Renderer, figures_and_tables, language_names
from .fonts import check_coverage
from .translate import Text, Translator, format_value

LOGGER = logging.getLogger('nswp_publish')
FORMATS = ('pdf', 'html')
#: Which rendering of the content each format uses.
MEDIUM = {'pdf': 'print', 'html': 'web'}


@dataclass(frozen=True)
class Project:
    """Where a project's folders are; tests point one at a temporary copy."""

    root: Path
    output_root: Path | None = None

    @property
    def content_dir(self):
        return self.root / 'content'

    @property
    def locales_dir(self):
        return self.root / 'locales'

    @property
    def templates_dir(self):
        return self.root / 'templates'

    @property
    def output_dir(self):
        return self.output_root or self.root / 'output'

    def publications(self, slugs=None):
        """Load the publications named by `slugs` (all when None), in slug order."""
        folders = content.find_publications(self.content_dir)
        known = {folder.name: folder for folder in folders}
        for slug in slugs or ():
            if slug not in known:
                raise PublishError(f'unknown publication "{slug}"', self.content_dir,
                                   hint=f'expected one of: {", ".join(known) or "none"}')
        return [content.load_publication(known[slug]) for slug in (slugs or known)]

    def output_path(self, publication, language, edition, fmt):
        name = f'{publication.output_name}-{edition}-{language}.{fmt}'
        return self.output_dir / language / name


@dataclass
class Result:
    """What happened to one output file."""

    path: Path
    language: str
    edition: str
    fmt: str
    status: str                 # 'written' or 'failed'
    error: str | None = None
    warnings: int = 0


@dataclass(frozen=True)
class BuildRequest:
    """What to build: the command line's choices."""

    languages: tuple = content.LANGUAGES
    editions: tuple = content.EDITIONS
    formats: tuple = FORMATS
    pdf_variant: str = 'accessible'
    strict: bool = False
    publications: tuple = ()


def interface_catalog(project, language):
    """The shared interface translations (template text) of one language."""
    if language == SOURCE_LANGUAGE:
        return gnu_translations(None, INTERFACE_DOMAIN)
    path = po_path(project.locales_dir, language, INTERFACE_DOMAIN)
    return gnu_translations(read_catalog(path, language, INTERFACE_DOMAIN), INTERFACE_DOMAIN)


def publication_date(publication):
    """A fixed creation date for the PDF metadata, so rebuilds are byte-identical."""
    date = publication.meta['date'].as_date()
    return datetime.datetime(date.year, date.month, date.day,
                             tzinfo=datetime.timezone.utc).isoformat().replace('+00:00', 'Z')


def check_glyphs(document, html, language, edition):
    """Refuse to lay out text the language's fonts cannot show: messages first, to name them."""
    texts = [(text.plain, f'{display_path(text.where[0])}:{text.where[1]}')
             for text in iter_texts(document)]
    check_coverage(texts, language)
    visible = unescape(re.sub(r'<style>.*?</style>|<[^>]+>', ' ', html, flags=re.S))
    check_coverage([(visible, f'templates/{edition}.html')], language)


def iter_texts(tree):
    """The translated `Text` leaves of a document tree."""
    if isinstance(tree, Text):
        yield tree
    elif isinstance(tree, dict):
        for value in tree.values():
            yield from iter_texts(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from iter_texts(value)


class Builder:
    """Builds outputs; holds what is worth keeping between documents (templates, fonts)."""

    def __init__(self, project):
        self.project = project
        self._renderers = {}
        self._pdf_writer = None

    def renderer(self, publication):
        """The Jinja environment of one publication: its own templates first, then the shared."""
        if publication.slug not in self._renderers:
            folders = [publication.templates_dir] if publication.templates_dir else []
            self._renderers[publication.slug] = Renderer([*folders, self.project.templates_dir])
        return self._renderers[publication.slug]

    @property
    def pdf_writer(self):
        if self._pdf_writer is None:
            from .pdf import PdfWriter
            from .pdf import CMYK_PROFILE
            # Shared assets, each publication's own assets, and the press's colour profile.
            self._pdf_writer = PdfWriter([self.project.templates_dir / 'assets',
                                          *self.project.content_dir.glob('*/assets'),
                                          CMYK_PROFILE.parent])
        return self._pdf_writer

    def translate(self, publication, language, media, strict=False):
        """Translate a publication once per medium; returns ({medium: document}, interface, fallbacks)."""
        catalog = MessageCatalog.load(self.project.locales_dir, language, publication.domain)
        interface = interface_catalog(self.project, language)
        translators = {medium: Translator(publication, catalog, medium) for medium in media}
        documents = {medium: translator.translate_publication()
                     for medium, translator in translators.items()}
        # Every medium meets the same messages: report the fallbacks once.
        fallbacks = next(iter(translators.values())).report_fallbacks() if translators else 0
        if strict and fallbacks:
            raise CatalogError(f'{fallbacks} messages are untranslated or fuzzy',
                               catalog.path, hint='translate them, or build without --strict')
        return documents, interface, fallbacks

    def render_html(self, publication, language, edition, medium, document, interface):
        """The HTML of one edition in one language, for the 'print' or 'web' medium."""
        return self.renderer(publication).render(
            f'{edition}.html', interface, pub=document, lang=language, edition=edition,
            medium=medium, stylesheet=self.stylesheet(publication),
            created=publication_date(publication),
            language_names=language_names(publication.languages),
            value=functools.partial(format_value, locale=language),
            figures_and_tables=figures_and_tables(document['chapters'], edition),
            alternates=[(code, f'../{code}/{publication.output_name}-{edition}-{code}.html')
                        for code in publication.languages])

    def stylesheet(self, publication):
        """The shared stylesheet, then the publication's own (colours, cover), if any."""
        sheets = [self.project.templates_dir / 'assets' / 'report.css']
        if publication.stylesheet:
            sheets.append(publication.stylesheet)
        return '\n'.join(sheet.read_text('utf-8') for sheet in sheets)

    def build(self, request):
        """Build every output the request names; returns one `Result` per file."""
        results = []
        for publication in self.project.publications(request.publications or None):
            editions = [e for e in request.editions if e in publication.editions]
            for language in request.languages:
                if language in publication.languages and editions:
                    results.extend(self.build_language(publication, language, editions, request))
        return results

    def build_language(self, publication, language, editions, request):
        """Build the requested editions and formats of one publication in one language."""
        outputs = [(edition, fmt, self.project.output_path(publication, language, edition, fmt))
                   for edition in editions for fmt in request.formats]
        try:
            documents, interface, fallbacks = self.translate(
                publication, language, {MEDIUM[fmt] for fmt in request.formats}, request.strict)
        except PublishError as error:
            return [Result(path, language, edition, fmt, 'failed', str(error))
                    for edition, fmt, path in outputs]
        results = []
        for edition, fmt, path in outputs:
            medium = MEDIUM[fmt]
            try:
                html = self.render_html(publication, language, edition, medium,
                                        documents[medium], interface)
                if fmt == 'pdf':
                    check_glyphs(documents[medium], html, language, edition)
                    data = self.pdf_writer.write(html, request.pdf_variant,
                                                 identifier=path.name, source=publication.folder)
                else:
                    data = html.encode('utf-8')
                write_atomic(path, data)
                results.append(Result(path, language, edition, fmt, 'written',
                                      warnings=fallbacks))
            except PublishError as error:
                results.append(Result(path, language, edition, fmt, 'failed', str(error)))
        return results
