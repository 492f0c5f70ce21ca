"""The web library, `python3 build.py site`: every publication, in every language, as one
static folder, `output/site/`, that the web team uploads as it is.

    output/site/index.html          the languages, each named in its own language
    output/site/sitemap.xml         every page with its language versions; robots.txt names it
    output/site/<lang>/index.html   that language's library: an entry per publication
    output/site/<lang>/*.html       the publications' web pages, with the site's metadata
    output/site/<lang>/*.pdf, .epub the downloads, as the build made them
    output/site/<lang>/covers/      the covers, drawn from each PDF's first page
    output/site/<lang>/pagefind/    that language's search index

The PDFs (and whatever else the build downloads, EPUB included once it makes them) are
brought up to date first by the ordinary incremental build; the library then lists what is
in `output/<lang>/`. Each language's folder is a part of the site made from its own inputs:
a part whose inputs did not change is carried over from the published site as it is
(`publish.Staging.carry_over`), so a changed catalog rewrites its language's pages and
search index only. The new site is built beside the old one and swapped in whole.
"""
import functools
import hashlib
import json
import logging
from dataclasses import dataclass, field

from markupsafe import Markup

from ..build.incremental import hash_catalogs, hash_files, plan, source_files, tool_digest
from ..build.parallel import build_jobs
from ..build.pipeline import Builder, interface_catalog
from ..choices import FORMATS
from ..content.load import load_publications
from ..errors import SiteError
from ..i18n.catalog import INTERFACE_DOMAIN, po_path
from ..i18n.translate import format_value
from ..output import write_atomic
from ..project import BuildRequest
from ..render import media
from ..render.renderer import Renderer
from . import metadata
from .config import read_site_config
from .library import check_summary, file_size, library_entries
from .metadata import X_DEFAULT, Page, alternate_links, og_locale, url_path
from .publish import SITE, SiteManifest, Staging, link_or_copy
from .search import BUNDLE, index_language
from .thumbnails import write_cover

LOGGER = logging.getLogger('nswp_publish')
#: The site's own files at its root, rebuilt together as the part `ROOT_PART`.
ROOT_FILES = ('index.html', 'sitemap.xml', 'robots.txt')
ROOT_PART = '/'
COVERS = 'covers'
#: What the build makes that a reader downloads: every format but the web page, which the
#: site renders itself (with its canonical address and metadata).
DOWNLOAD_FORMATS = tuple(fmt for fmt in FORMATS if fmt != 'html')


@dataclass
class SiteReport:
    """What `build_site` did: which parts it rebuilt or kept, the files the build (re)made
    first, and the pages each language's search index holds."""

    folder: object
    rebuilt: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    built: list = field(default_factory=list)           # build.pipeline.Result of downloads
    indexed: dict = field(default_factory=dict)         # language -> pages in its index


def build_site(project, workers=None, progress=None, force=False, pdf_variant='accessible'):
    """Build `output/site/`; returns a `SiteReport`. Raises a `PublishError` before anything
    is replaced: the settings, each publication's summary, a download that failed.
    `pdf_variant`: the kind of PDF the downloads are brought up to date as."""
    config = read_site_config(project.site_file)
    publications = load_publications(project)
    for publication in publications:
        check_summary(publication)
    report = SiteReport(project.output_dir / SITE)
    report.built = update_downloads(project, workers, progress, pdf_variant)
    failed = [result for result in report.built if result.status == 'failed']
    if failed:
        raise SiteError(f'the site needs its downloads, and one failed: {failed[0].error}',
                        hint='fix it and run python3 build.py site again; the previous site '
                             'is in place')
    site = SiteBuilder(project, config, publications)
    manifest = SiteManifest(project.output_dir)
    digests = site.digests()
    with Staging(project.output_dir) as staging:
        for part, digest in digests.items():
            if not force and manifest.is_current(part, digest) and site.carry_over(staging, part):
                report.unchanged.append(part)
                continue
            if part == ROOT_PART:
                site.write_root(staging.folder)
            else:
                site.write_language(staging.folder, part)
                report.indexed[part] = index_language(staging.folder / part)
            report.rebuilt.append(part)
        staging.publish()
    manifest.save(digests)
    return report


def update_downloads(project, workers=None, progress=None, pdf_variant='accessible'):
    """The incremental build of every download, as `python3 build.py --pdf KIND` would make
    it; returns the `Result` of each file it (re)made."""
    request = BuildRequest(formats=DOWNLOAD_FORMATS, pdf_variant=pdf_variant)
    planned = plan(project, request)
    if planned is None:
        return Builder(project).build(request)
    todo, _, build_manifest = planned
    results = []
    if todo:
        built = build_jobs(project, request, todo, workers, progress)
        build_manifest.record_results(built)
        results = [built[job] for job in todo]
    build_manifest.save()
    return results


class SiteBuilder:
    """Renders the site's pages into a staging folder; one per `build_site`."""

    def __init__(self, project, config, publications):
        self.project = project
        self.config = config
        self.publications = publications
        self.builder = Builder(project)
        languages = project.languages
        #: The languages the library is in: each that some publication ships in, declared order.
        self.codes = [code for code in languages.codes
                      if any(code in publication.languages for publication in publications)]
        if not self.codes:
            raise SiteError('no publication to list in the library', project.content_dir,
                            hint='create one: python3 build.py new SLUG --title "Title"')
        self.renderer = Renderer([project.templates_dir], languages)
        # Read once: every page of the library carries it inline.
        self.stylesheet = (project.templates_dir / 'site' / 'site.css').read_text('utf-8')
        self._interfaces = {}
        self._documents = {}

    # -- what each part is made from -------------------------------------------------

    def digests(self):
        """{part: digest} of each language's folder and of the root files."""
        project = self.project
        common = [tool_digest(),
                  hash_files(source_files(project.templates_dir), project.root),
                  hash_files(source_files(project.locales_dir, 'languages.toml'), project.root),
                  hash_files([project.site_file], project.root),
                  {publication.slug: hash_files(source_files(publication.folder), project.root)
                   for publication in self.publications}]
        digests = {}
        for code in self.codes:
            catalogs = [po_path(project.locales_dir, code, domain)
                        for domain in (INTERFACE_DOMAIN,
                                       *(publication.domain for publication in self.publications))]
            downloads = sorted(path for publication in self.publications
                               for edition in publication.editions for fmt in DOWNLOAD_FORMATS
                               if (path := project.output_path(publication, code, edition, fmt))
                               .is_file())
            digests[code] = _digest(common, code, hash_catalogs(
                [path for path in catalogs if path.is_file()], project.root),
                hash_files(downloads, project.output_dir))
        # The root page names each language in its own words: every interface catalog.
        interfaces = [path for code in self.codes
                      if (path := po_path(project.locales_dir, code, INTERFACE_DOMAIN)).is_file()]
        digests[ROOT_PART] = _digest(common, self.codes,
                                     hash_catalogs(interfaces, project.root))
        return digests

    def carry_over(self, staging, part):
        if part == ROOT_PART:
            return all([staging.carry_over(name) for name in ROOT_FILES])
        return staging.carry_over(part)

    # -- pages ---------------------------------------------------------------------

    def interface(self, code):
        if code not in self._interfaces:
            self._interfaces[code] = interface_catalog(self.project,
                                                       self.project.languages[code])
        return self._interfaces[code]

    def value(self, code):
        """How a number or date is written in one language: its locale's separators and the
        digits of its declared numbering system, as in its PDFs and web pages."""
        return functools.partial(format_value, locale=code,
                                 numbering=self.project.languages[code].numbering)

    def words(self, code):
        """{'site_name', 'description', 'count'} in one language (templates/site/words.html,
        where extraction finds them), as plain text."""
        count = sum(code in publication.languages for publication in self.publications)
        data = json.loads(self.renderer.render(
            'site/words.html', self.interface(code), count=count,
            value=self.value(code)))
        return {key: Markup(value).unescape() for key, value in data.items()}

    def document(self, publication, code):
        """The publication's web document in one language, translated once per build."""
        key = (publication.slug, code)
        if key not in self._documents:
            documents, _, _ = self.builder.translate(publication, code, ('web',))
            self._documents[key] = documents['web']
        return self._documents[key]

    def library_page(self):
        """The `Page` of every library and of the root: each other's language versions."""
        alternates = {code: f'{code}/index.html' for code in self.codes}
        alternates[X_DEFAULT] = 'index.html'
        return alternates

    def publication_page(self, publication, code, edition):
        """The `Page` of one edition's web page: its versions in the publication's languages,
        x-default the source language's (or the first the publication ships in)."""
        def path(language):
            return f'{language}/{self.page_name(publication, language, edition)}'
        alternates = {language: path(language) for language in self.codes
                      if language in publication.languages}
        source = self.project.languages.source.code
        alternates[X_DEFAULT] = path(source if source in publication.languages
                                     else next(iter(alternates)))
        return Page(path(code), alternates)

    def page_name(self, publication, code, edition):
        return self.project.output_path(publication, code, edition, 'html').name

    def head(self, page, code, image=None, json_ld=''):
        """What every page's head says of its address and language versions."""
        locales = [og_locale(other) for other in page.alternates
                   if other not in (X_DEFAULT, code)]
        return {'canonical': self.config.url(url_path(page.path)),
                'alternates': alternate_links(self.config, page),
                'og_locale': og_locale(code), 'og_alternates': locales,
                'image': image, 'json_ld': json_ld}

    def render(self, template, code, **context):
        languages = self.project.languages
        publisher = None
        if self.config.publisher_name:
            publisher = {'name': self.config.publisher_name, 'url': self.config.publisher_url,
                         'lang': languages.source.code}
        return self.renderer.render(
            template, self.interface(code), lang=code, direction=languages[code].direction,
            stylesheet=self.stylesheet,
            fonts={other: languages[other].fonts for other in self.codes},
            publisher=publisher, value=self.value(code), **context)

    def switcher(self, prefix):
        return [(code, self.project.languages[code].name, f'{prefix}{code}/')
                for code in self.codes]

    def write_root(self, folder):
        """The root page (in the source language, x-default of the libraries), the sitemap
        and robots.txt."""
        source = self.project.languages.source.code
        code = source if source in self.codes else self.codes[0]
        page = Page('index.html', self.library_page())
        choices = []
        for other in self.codes:
            choices.append({'code': other, 'name': self.project.languages[other].name,
                            'direction': self.project.languages[other].direction,
                            'href': f'{other}/',
                            'tagline': self.words(other)['count']})
        words = self.words(code)
        site_name, description = words['site_name'], words['description']
        json_ld = metadata.json_ld({
            '@context': 'https://schema.org', '@type': 'WebSite', '@id': self.config.url(),
            'url': self.config.url(), 'name': site_name, 'description': description,
            'inLanguage': list(self.codes)})
        html = self.render('site/root.html', code, title=site_name, description=description,
                           site_name=site_name, page=self.head(page, code, json_ld=json_ld),
                           home='./', switcher=None, choices=choices)
        write_atomic(folder / 'index.html', html)
        pages = [page, *(Page(f'{other}/index.html', page.alternates) for other in self.codes)]
        pages += [self.publication_page(publication, other, edition)
                  for publication in self.publications for edition in publication.editions
                  for other in self.codes if other in publication.languages]
        write_atomic(folder / 'sitemap.xml', metadata.sitemap_xml(self.config, pages))
        write_atomic(folder / 'robots.txt', 'User-agent: *\nAllow: /\n'
                                            f'Sitemap: {self.config.url(metadata.SITEMAP)}\n')

    def write_language(self, folder, code):
        """One language's folder: its publications' pages, downloads and covers, then its
        library page."""
        target = folder / code
        words = self.words(code)
        site_name, description = words['site_name'], words['description']
        entries = library_entries(self.project, self.publications, code, self.document)
        cards = []
        for entry in entries:
            publication, document = entry.publication, entry.document
            meta = document['meta']
            cover = None
            if entry.cover:
                cover = write_cover(entry.cover.pdf.source, target / COVERS,
                                    entry.cover.pdf.source.stem, prefix=f'{COVERS}/')
            editions = []
            for edition in entry.editions:
                downloads = []
                for download in edition.downloads:
                    media_copy = target / download.name
                    _link(download.source, media_copy)
                    downloads.append({'href': download.name, 'type': download.media_type,
                                      'fmt': download.fmt, 'kind': download.kind,
                                      'size': file_size(download.size, code,
                                                        self.project.languages[code].numbering),
                                      'download': download})
                editions.append({'name': edition.name, 'label': edition.label.html,
                                 'href': edition.page, 'downloads': downloads})
                self.write_publication_page(target, publication, document, code, edition,
                                            downloads, cover)
            # The texts' HTML without the message anchors of the publication's own pages.
            cards.append({'slug': entry.slug, 'title': meta['title'].html,
                          'plain_title': meta['title'].plain,
                          'subtitle': meta['subtitle'] and meta['subtitle'].html,
                          'author': meta['author'] and meta['author'].html,
                          'summary': meta['summary'].html, 'href': editions[0]['href'],
                          'date': self.value(code)(publication.meta['date']),
                          'datetime': metadata.iso_month(publication.meta['date']),
                          'editions': editions, 'cover': _cover_card(cover)})
        page = Page(f'{code}/index.html', self.library_page())
        json_ld = metadata.library_json_ld(
            self.config, page, site_name, description, code,
            [(card['plain_title'], self.config.url(f'{code}/{card["href"]}')) for card in cards])
        html = self.render('site/library.html', code, title=site_name, description=description,
                           site_name=site_name, page=self.head(page, code, json_ld=json_ld),
                           home='../', switcher=self.switcher('../'), entries=cards,
                           search={'bundle': f'{BUNDLE}/'})
        write_atomic(target / 'index.html', html)

    def write_publication_page(self, target, publication, document, code, edition, downloads,
                               cover):
        """One edition's web page, as the build renders it, with what the site adds to its
        head (address, versions, Open Graph, schema.org) and the way back to the library."""
        meta = document['meta']
        page = self.publication_page(publication, code, edition.name)
        image = None
        if cover:
            name, width, height = cover.largest
            image = {'url': self.config.url(f'{code}/{name}'), 'width': width, 'height': height,
                     'thumbnail': cover.files[min(cover.files)]}
        title = f'{meta["title"].plain} – {edition.label.plain}'
        description = meta['summary'].plain
        source = page.alternates[X_DEFAULT]
        json_ld = metadata.publication_json_ld(
            self.config, page, meta['title'].plain, title, description, code, {
                'date': publication.meta['date'],
                'subtitle': meta['subtitle'] and meta['subtitle'].plain,
                'author': meta['author'] and meta['author'].plain,
                'keywords': [keyword.plain for keyword in meta['keywords'] or ()]},
            image and image['url'],
            [(item['download'], self.config.url(f'{code}/{item["href"]}')) for item in downloads],
            self.config.url(url_path(source)))
        site = dict(self.head(page, code, image, json_ld), title=title, description=description,
                    published=metadata.iso_month(publication.meta['date']),
                    keywords=[keyword.plain for keyword in meta['keywords'] or ()],
                    library='index.html')
        html = self.builder.render_html(publication, code, edition.name, 'web', document,
                                        self.interface(code), site=site)
        media.write_web_files([publication.meta, publication.chapters], code, target)
        write_atomic(target / edition.page, html)


def _cover_card(cover):
    if cover is None:
        return None
    width = min(cover.files)
    return {'src': cover.files[width], 'srcset': cover.srcset(), 'width': width,
            'height': cover.heights[width]}


def _link(source, target):
    """A download, linked (or copied) from output/<lang>/ into the new site."""
    target.parent.mkdir(parents=True, exist_ok=True)
    link_or_copy(source, target)


def _digest(*parts):
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
