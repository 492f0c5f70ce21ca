"""The build: load content -> translate -> render HTML -> write PDF, for each output asked for.

Functions here return data (what was written, what failed); `cli.main` prints it.
"""
import dataclasses
import datetime
import functools
import hashlib
import logging
import os

from ..content.load import load_publications
from ..content.model import iter_blocks
from ..epub.package import Metadata, NavWording, book_identifier
from ..epub.writer import Book, epub_bytes, modified_of
from ..errors import CatalogError, ContentError, PublishError, UsageError, display_path
from ..i18n.catalog import (INTERFACE_DOMAIN, InterfaceTranslations, MessageCatalog, po_path,
                            read_catalog)
from ..i18n.translate import Text, Translator, format_value
from ..output import write_atomic
from ..pdf.fonts import check_coverage
from ..project import BuildRequest, Project
from ..render import media
from ..render.language_styles import language_stylesheet
from ..render.renderer import Renderer, visible_text
from ..wording import counted
from .results import Result  # noqa: F401 - where the build's callers find it

__all__ = ['BuildRequest', 'Builder', 'Project', 'Result', 'check_glyphs', 'outputs_of']

LOGGER = logging.getLogger('nswp_publish')
#: Which rendering of the content each format uses.
MEDIUM = {'pdf': 'print', 'html': 'web', 'epub': 'epub'}
#: The template whose `set`s word what an EPUB needs beyond the book (templates/epub/).
EPUB_WORDING = 'epub/wording.html'



def interface_catalog(project, language, read=read_catalog):
    """The shared interface translations (template text) of one `Language`; `read` reads
    its `.po` file (`Builder.read_catalog` keeps what it read)."""
    if language.source:
        return InterfaceTranslations(language.code, domain=INTERFACE_DOMAIN)
    path = po_path(project.locales_dir, language.code, INTERFACE_DOMAIN)
    return InterfaceTranslations(language.code, read(path, language.code, INTERFACE_DOMAIN),
                                 path, INTERFACE_DOMAIN)


def publication_date(publication):
    """A fixed creation date for the PDF metadata, so rebuilds are byte-identical."""
    date = publication.meta['date'].as_date()
    return datetime.datetime(date.year, date.month, date.day,
                             tzinfo=datetime.timezone.utc).isoformat().replace('+00:00', 'Z')


def check_glyphs(document, html, language, edition):
    """Refuse to lay out text the `Language`'s fonts cannot show: messages first, to name
    them."""
    texts = [(text.plain, f'{display_path(text.where[0])}:{text.where[1]}')
             for text in iter_texts(document)]
    check_coverage(texts, language)
    check_coverage([(visible_text(html), f'templates/{edition}.html')], language)


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

    def __init__(self, project, log_warnings=True, pdf_writer=None):
        self.project = project
        self.log_warnings = log_warnings
        self._renderers = {}
        self._pdf_writer = pdf_writer
        self._publications = {}
        self._translations = {}
        self._catalogs = {}         # .po path -> ((inode, size, mtime), language, catalog)
        self._warned = set()
        self._page_starts = {}      # print HTML digest -> its layout's `PageStart`s

    def renderer(self, publication):
        """The Jinja environment of one publication: its own templates first, then the shared."""
        if publication.slug not in self._renderers:
            folders = [publication.templates_dir] if publication.templates_dir else []
            renderer = Renderer([*folders, self.project.templates_dir], self.project.languages)
            check_block_templates(publication, renderer)
            self._renderers[publication.slug] = renderer
        return self._renderers[publication.slug]

    @property
    def pdf_writer(self):
        if self._pdf_writer is None:
            from ..pdf.writer import PdfWriter     # WeasyPrint: only when a PDF is written
            self._pdf_writer = PdfWriter.for_project(self.project)
        return self._pdf_writer

    def read_catalog(self, path, language, domain):
        """A `.po` file read once for all the media and editions this process builds from it
        (and read again once it changed, as in the live preview)."""
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            return read_catalog(path, language, domain)     # which says what to do
        version = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        known = self._catalogs.get(path)
        if known is None or known[0] != version:
            known = self._catalogs[path] = (version, language,
                                            read_catalog(path, language, domain))
        return known[2]

    def translate(self, publication, language, media, strict=False):
        """Translate a publication once per medium: ({medium: document}, interface, warnings).
        `language` is a code the project declares."""
        language = self.project.languages[language]
        catalog = MessageCatalog.load(self.project.locales_dir, language, publication.domain,
                                      self.read_catalog)
        interface = interface_catalog(self.project, language, self.read_catalog)
        translators = {medium: Translator(publication, catalog, language, medium,
                                          self.project.languages.source)
                       for medium in media}
        documents = {medium: translator.translate_publication()
                     for medium, translator in translators.items()}
        # Every medium meets the same messages: report the fallbacks once.
        warnings = next(iter(translators.values())).fallback_warnings() if translators else []
        if strict and warnings:
            raise strict_error(warnings, language)
        if self.log_warnings:
            # Each medium meets the same messages: say each once per build.
            for warning in warnings:
                if warning not in self._warned:
                    self._warned.add(warning)
                    LOGGER.warning('%s', warning)
        return documents, interface, warnings

    def render_html(self, publication, language, edition, medium, document, interface,
                    draft=False, site=None):
        """The HTML of one edition in one language, for the 'print' or 'web' medium.
        `site`: what the web library adds to its copy of a web page (its address, language
        versions and metadata, the way back to the library); None for the page on its own."""
        # Message anchors count places within this document only. (Print footnotes were
        # laid into the text when it was translated; they are not shown again here.)
        document['places'].clear()
        layout = publication.editions[edition]['layout']
        languages = self.project.languages
        return self.renderer(publication).render(
            f'{layout}.html', interface, pub=document, lang=language,
            language=languages[language], edition=edition, layout=layout,
            medium=medium, stylesheet=self.stylesheet(publication, languages[language]),
            created=publication_date(publication),
            language_names={code: languages[code].name for code in publication.languages},
            language_directions={code: languages[code].direction
                                  for code in publication.languages},
            value=functools.partial(format_value, locale=language,
                                    numbering=languages[language].numbering),
            alternates=[(code, f'../{code}/{publication.output_name}-{edition}-{code}.html')
                        for code in publication.languages],
            draft=draft, site=site)

    def stylesheet(self, publication, language):
        """The shared stylesheet, then the publication's own (colours, cover), if any, then
        what the `Language`'s declaration adds (`render.language_styles`)."""
        assets = self.project.templates_dir / 'assets'
        sheets = [assets / 'report.css']
        if publication.stylesheet:
            sheets.append(publication.stylesheet)
        shared = '\n'.join(sheet.read_text('utf-8') for sheet in sheets)
        rtl = (assets / 'rtl.css').read_text('utf-8') if language.rtl else ''
        added = language_stylesheet(language, shared, rtl)
        return f'{shared}\n{added}' if added else shared

    def publication(self, slug):
        """A publication loaded once per build (and shared by the files built from it)."""
        if slug not in self._publications:
            self._publications[slug] = load_publications(self.project, [slug])[0]
        return self._publications[slug]

    @property
    def publications(self):
        """The publications loaded so far (by `build`, or one by one)."""
        return list(self._publications.values())

    def forget_translations(self, languages):
        """Drop the translations into these languages, and their catalogs as read: they
        changed."""
        for key in [key for key in self._translations if key[1] in languages]:
            del self._translations[key]
        self._catalogs = {path: known for path, known in self._catalogs.items()
                          if known[1] not in languages}
        self._warned.clear()

    def build(self, request):
        """Build every output the request names, in this process; one `Result` per file."""
        self._publications = {pub.slug: pub for pub in
                              load_publications(self.project, request.publications or None)}
        check_editions(self._publications.values(), request.editions)
        self._translations.clear()
        self._warned.clear()
        return [self.build_one(publication, language, edition, fmt, request)
                for publication in self._publications.values()
                for language, edition, fmt in outputs_of(publication, request)]

    def build_one(self, publication, language, edition, fmt, request):
        """Build one output file; a user's error becomes a failed `Result`."""
        path = self.project.output_path(publication, language, edition, fmt)
        try:
            if fmt == 'epub':
                book, warnings = self.epub_book(publication, language, edition, request)
                book = dataclasses.replace(book, page_starts=tuple(
                    self.page_starts(book.print_html, publication.folder)))
                write_atomic(path, epub_bytes(book))
                return Result(path, language, edition, fmt, 'written', warnings=warnings)
            html, warnings = self.render_output(publication, language, edition, fmt, request)
            if fmt == 'html':
                # The web copies of its images first: the page never links to a missing file.
                media.write_web_files([publication.meta, publication.chapters], language,
                                      path.parent)
            self.write_output(path, fmt, html, request, publication.folder)
            return Result(path, language, edition, fmt, 'written', warnings=warnings)
        except PublishError as error:
            return Result(path, language, edition, fmt, 'failed', str(error))

    def render_output(self, publication, language, edition, fmt, request, check=True):
        """(HTML, fallback warnings) of one output file; a PDF's glyphs are checked here,
        before any layout, so that a missing character is named, not hunted for."""
        medium = MEDIUM[fmt]
        documents, interface, warnings = self.translated(publication, language, medium, request)
        html = self.render_html(publication, language, edition, medium, documents[medium],
                                interface, request.draft)
        if fmt in ('pdf', 'epub') and check:
            check_glyphs(documents[medium], html, self.project.languages[language], edition)
        # Interface text (templates) shown in English is known once rendered.
        interface_warnings = tuple(interface.missed.values())
        if request.strict and interface_warnings:
            raise strict_error(interface_warnings, language)
        return html, (*warnings, *interface_warnings)

    def write_output(self, path, fmt, html, request, source=None):
        """Write one output file from its HTML: laid out as a PDF, or as it is."""
        if fmt == 'pdf':
            starts = self.pdf_writer.write_file(path, html, request.pdf_variant, source)
            if request.pdf_variant == 'accessible':     # the layout an EPUB's pages follow
                self._page_starts[print_digest(html)] = starts
        else:
            write_atomic(path, html)

    def page_starts(self, print_html, source=None):
        """Where each page of the PDF of this print HTML starts: from the PDF written in
        this build, or laid out (not written) now."""
        key = print_digest(print_html)
        if key not in self._page_starts:
            self._page_starts[key] = self.pdf_writer.page_starts(print_html, source)
        return self._page_starts[key]

    def epub_book(self, publication, language, edition, request):
        """(The `epub.writer.Book` of one edition in one language, without its page starts
        (`page_starts` gives them, from the print HTML it holds); fallback warnings)."""
        html, warnings = self.render_output(publication, language, edition, 'epub', request)
        print_html, _ = self.render_output(publication, language, edition, 'pdf', request,
                                           check=False)
        documents, interface, _ = self.translated(publication, language, 'epub', request)
        wording = self.renderer(publication).wording(EPUB_WORDING, interface,
                                                     language=self.project.languages[language])
        meta = documents['epub']['meta']
        declared = self.project.languages[language]
        date = publication.meta['date'].as_date()
        metadata = Metadata(
            identifier=book_identifier(publication.slug, language, edition),
            title=_plain(meta['title']), subtitle=_plain(meta.get('subtitle')),
            edition=_plain(meta['editions'][edition]['label']), language=declared,
            author=_plain(meta.get('author')), publisher=wording['publisher'],
            date=f'{date.year:04d}-{date.month:02d}', modified=modified_of(date),
            description=_plain(meta.get('subtitle')),
            subjects=tuple(_plain(keyword) for keyword in meta.get('keywords') or ()),
            print_source=self.project.output_path(publication, language, edition, 'pdf').name,
            accessibility_summary=wording['accessibility_summary'],
            certified_by=wording['publisher'])
        contents = interface.gettext('Contents')
        nav = NavWording(contents, wording['pages'], wording['landmarks'], wording['start'])
        images = {copy.name: copy.data for copy in
                  media.web_files([publication.meta, publication.chapters], language)}
        interface_warnings = tuple(warning for warning in interface.missed.values()
                                   if warning not in warnings)
        if request.strict and interface_warnings:
            raise strict_error(interface_warnings, language)
        return Book(html, print_html, (), metadata, nav, images), (*warnings,
                                                                   *interface_warnings)

    def translated(self, publication, language, medium, request):
        """One language for one medium, translated once per build and reused by every file."""
        key = (publication.slug, language, medium)
        if key not in self._translations:
            self._translations[key] = self.translate(publication, language, (medium,),
                                                     request.strict)
        return self._translations[key]


def print_digest(html):
    """The key of a print HTML's layout (its page starts), within one build."""
    return hashlib.sha256(html.encode('utf-8')).hexdigest()


def _plain(text):
    """The plain text of a translated metadata field, or None."""
    return None if text is None else getattr(text, 'plain', None) or str(text)


def strict_error(warnings, language):
    """--strict: each warning names its own file and line, so list them all, one per line."""
    return CatalogError(
        f'--strict: {counted(len(warnings), "translation warning")} in {language} '
        f'(untranslated or fuzzy messages, and problems `check` finds); fix them, or '
        f'build without --strict:\n' + '\n'.join(f'  {warning}' for warning in warnings))


def check_block_templates(publication, renderer):
    """Every `template:` block and `figure:` names a template that exists: said at its
    content line, not as a template error."""
    for block in iter_blocks([publication.chapters, publication.meta]):
        if block['type'] == 'template':
            name, key = f'blocks/{block["name"]}.html', 'name'
        elif block['type'] == 'figure':
            name, key = f'figures/{block["template"]}.html', 'template'
        else:
            continue
        if not renderer.has_template(name):
            folders = ', '.join(display_path(folder) for folder in renderer.template_dirs)
            raise ContentError(f'no template {name} for this block', block['path'],
                               _key_line(block, key), hint=f'create it in one of: {folders}')


def _key_line(block, key):
    """The line of one key of a block, where the reader kept it; else the block's."""
    return (block.get('key_lines') or {}).get(key, block['line'])


def outputs_of(publication, request):
    """(language, edition, format) of each file the request asks of a publication."""
    return [(language, edition, fmt)
            for language in request.languages_of(publication.languages)
            for edition in publication.editions
            if request.editions is None or edition in request.editions
            for fmt in request.formats]


def check_editions(publications, editions):
    """Refuse an edition name that none of the publications asked for declares."""
    declared = list(dict.fromkeys(name for pub in publications for name in pub.editions))
    for edition in editions or ():
        if edition not in declared:
            raise UsageError(f'unknown edition "{edition}"',
                             hint=f'these publications declare: {", ".join(declared)}')
