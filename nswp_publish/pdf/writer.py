"""Writing PDFs with WeasyPrint: variants, reproducible output and a fetcher that stays home.

One `FontConfiguration` and one image cache serve every document a process
writes: loading fonts is the slowest part of a small document's build. The image
cache also keeps each PNG's PDF stream, made once per build (`image_streams`).
"""
import hashlib
import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..content.markup import NOTE_ID_PREFIX
from ..errors import ResourceError
from ..output import write_atomic
from .libraries import import_weasyprint
from .structure_repair import repair
from .image_streams import ConvertedSources, ImageCache
from .pages import page_starts

#: `--pdf` choices -> WeasyPrint variant. PDF/UA-1 by default: tagged and
#: accessible; PDF/X-4 for the press; PDF/A-2u for archives (part 2 admits the
#: OpenType CJK fonts and transparency that part 1 forbids; level U keeps every
#: glyph mapped to Unicode, so archived Chinese stays searchable).
PDF_VARIANTS = {
    'accessible': 'pdf/ua-1',
    'print': 'pdf/x-4',
    'archive': 'pdf/a-2u',
}
#: The press's CMYK characterisation, from Debian's libgs-common (build.py installs it):
#: PDF/X needs an output intent, which WeasyPrint takes from a `device-cmyk` profile.
CMYK_PROFILE = Path('/usr/share/color/icc/ghostscript/default_cmyk.icc')
#: Extra CSS for the press: 3 mm bleed, crop marks and the output intent.
PRESS_CSS = f'''
@page {{ bleed: 3mm; marks: crop; }}
@color-profile device-cmyk {{ src: url("{CMYK_PROFILE.as_uri()}");
                              components: cyan, magenta, yellow, black; }}
'''

LOGGER = logging.getLogger('nswp_publish')


#: What the fetcher names a converted PNG's response: not `file:`, so that WeasyPrint
#: takes the bytes given, not the file at the path (`image_streams.ConvertedSources`).
CONVERTED_PREFIX = 'converted+'


def _make_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):
        """Fetches `data:` URIs and files inside the allowed folders, nothing else.

        WeasyPrint's timeout does not cover `file:` URLs, so a path such as
        /dev/urandom must never be opened: only regular files inside the
        allowed folders are. Any failure stops the rendering (`fail_on_errors`): a
        missing or refused resource is an error, not a silently blank space. A PNG that
        WeasyPrint would convert on opening comes converted, once per build
        (`image_streams.ConvertedSources`).
        """

        def __init__(self, allowed_dirs, converted_sources=None):
            super().__init__(timeout=5, allowed_protocols={'file', 'data'},
                             fail_on_errors=True)
            self.allowed_dirs = [Path(folder).resolve() for folder in allowed_dirs]
            self.converted_sources = converted_sources

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == 'data':
                return super().fetch(url, headers)
            if scheme != 'file':
                raise ValueError(f'refused to fetch {url}: only files in the project\'s '
                              'templates/assets folder and data: URIs are allowed')
            path = Path(unquote(urlsplit(url).path)).resolve()
            inside = any(folder == path or folder in path.parents
                         for folder in self.allowed_dirs)
            if not inside or not path.is_file():
                raise ValueError(f'refused to fetch {url}: it is not a file inside '
                              f'{", ".join(str(d) for d in self.allowed_dirs)}')
            if self.converted_sources is not None and path.suffix.lower() == '.png':
                converted = self.converted_sources.converted(path)
                if converted is not None:
                    return URLFetcherResponse(CONVERTED_PREFIX + url, converted,
                                              headers={'Content-Type': 'image/png'})
            return super().fetch(url, headers)

    return ProjectFetcher


class PdfWriter:
    """Lays out HTML and writes PDF bytes; keep one per process."""

    @classmethod
    def for_project(cls, project, image_folder=None):
        """A writer that may read the shared assets, each publication's own folder (its
        assets, and the images its content names, checked by `images`) and the press's
        colour profile, nothing else. `image_folder`: the build's folder of image streams
        shared between processes (`image_streams.build_folder`)."""
        return cls([project.templates_dir / 'assets',
                    *(path.parent for path in project.content_dir.glob('*/publication.yaml')),
                    CMYK_PROFILE.parent], image_folder)

    def __init__(self, allowed_dirs, image_folder=None):
        weasyprint = import_weasyprint()
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import FatalURLFetchingError
        self.weasyprint = weasyprint
        self.fatal_fetch_error = FatalURLFetchingError
        self.font_config = FontConfiguration()
        self.image_cache = ImageCache(image_folder)
        self.fetcher = _make_fetcher_class()(allowed_dirs, ConvertedSources(image_folder))
        self.base_url = Path(allowed_dirs[0]).resolve().as_uri() + '/'

    def write_file(self, path, html, variant='accessible', source=None):
        """Lay out HTML and write it as the PDF file `path`, whole or not at all. The file's
        name seeds the PDF's identifier, so that a rebuild gives the same bytes. Returns
        where each page starts (`pages.PageStart`), for the EPUB edition's page breaks."""
        pdf, starts = self.write_with_pages(html, variant, Path(path).name, source)
        write_atomic(path, pdf)
        return starts

    def page_starts(self, html, source=None):
        """Where each page of the (accessible) PDF of this HTML starts, without writing it."""
        document, tree = self._layout(html, [], {}, source, PDF_VARIANTS['accessible'])
        return page_starts(document, tree)

    def write(self, html, variant='accessible', identifier='', source=None):
        """The PDF bytes of an HTML document (a string), for one of `PDF_VARIANTS`."""
        return self.write_with_pages(html, variant, identifier, source)[0]

    def write_with_pages(self, html, variant='accessible', identifier='', source=None):
        """(The PDF bytes of an HTML document, where each of its pages starts)."""
        pdf, starts = self.lay_out_with_pages(html, variant, identifier, source)
        # WeasyPrint's tags leave footnotes, header scopes and decorative images to us.
        return repair(pdf, note_prefix=NOTE_ID_PREFIX), starts

    def lay_out(self, html, variant='accessible', identifier='', source=None):
        """WeasyPrint's PDF of an HTML document, before its structure is repaired."""
        return self.lay_out_with_pages(html, variant, identifier, source)[0]

    def lay_out_with_pages(self, html, variant='accessible', identifier='', source=None):
        """(WeasyPrint's PDF, before its structure is repaired; where each page starts)."""
        stylesheets = []
        color_profiles = {}     # filled by @color-profile rules, read when writing the PDF
        if variant == 'print':
            if not CMYK_PROFILE.is_file():
                raise ResourceError('the CMYK profile for PDF/X is missing', CMYK_PROFILE,
                                    hint='run: apt-get install libgs-common')
            stylesheets.append(self.weasyprint.CSS(
                string=PRESS_CSS, font_config=self.font_config, url_fetcher=self.fetcher,
                color_profiles=color_profiles))
        identifier = hashlib.md5(identifier.encode(), usedforsecurity=False).hexdigest()
        options = {'stylesheets': stylesheets, 'cache': self.image_cache,
                   'pdf_variant': PDF_VARIANTS[variant], 'pdf_tags': True,
                   'pdf_identifier': identifier.encode()}
        document, tree = self._layout(html, stylesheets, color_profiles, source,
                                      options['pdf_variant'], options)
        try:
            pdf = document.write_pdf(**options)
        except self.fatal_fetch_error as error:
            raise ResourceError(str(error.__cause__ or error), source,
                                hint='use only files in templates/assets') from None
        return pdf, page_starts(document, tree)

    def _layout(self, html, stylesheets, color_profiles, source, pdf_variant, options=None):
        """The laid-out WeasyPrint `Document` and the root of its HTML tree (what
        `HTML.write_pdf` does before writing, kept so that the pages can be read)."""
        document = self.weasyprint.HTML(string=html, base_url=self.base_url,
                                        url_fetcher=self.fetcher)
        options = options or {'stylesheets': stylesheets, 'cache': self.image_cache,
                              'pdf_variant': pdf_variant, 'pdf_tags': True}
        try:
            laid_out = document.render(font_config=self.font_config,
                                       color_profiles=color_profiles, **options)
        except self.fatal_fetch_error as error:
            raise ResourceError(str(error.__cause__ or error), source,
                                hint='use only files in templates/assets') from None
        return laid_out, document.etree_element
