"""What ties the language versions together for search engines and link previews.

Every page of the site has a canonical URL and lists each language version of itself as an
hreflang alternate (itself included, as search engines ask), with `x-default` for a reader
whose language is not offered: the root page that offers the languages, or the source
language's version of a publication. `sitemap.xml` says the same, for every page, with
`xhtml:link` alternates. Open Graph and schema.org (JSON-LD) describe each publication from
its `publication.yaml`, in the page's language. All addresses are absolute, made from the one
base URL in `site.yaml`.
"""
import json
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from babel.core import get_global

from ..content.model import YearMonth

X_DEFAULT = 'x-default'
SITEMAP = 'sitemap.xml'


@dataclass(frozen=True)
class Page:
    """One page of the site: its path in output/site/ (the URL below the base: a folder's
    page as the folder, `fr/`), and its language versions {hreflang: path}, `x-default`
    among them."""

    path: str
    alternates: dict


def url_path(path):
    """The URL path of a file of the site: `fr/index.html` is served, and linked, as `fr/`."""
    if path == 'index.html':
        return ''
    return path[:-len('index.html')] if path.endswith('/index.html') else path


def alternate_links(config, page):
    """[(hreflang, absolute URL)] of a page's language versions, in the declared order,
    x-default last."""
    return [(code, config.url(url_path(path))) for code, path in page.alternates.items()]


def og_locale(code):
    """A language code as Open Graph writes its locale, language_TERRITORY (fr -> fr_FR),
    from CLDR's likely subtags: Open Graph knows no bare language."""
    likely = get_global('likely_subtags').get(code.replace('-', '_'), '')
    parts = likely.split('_')
    territory = next((part for part in parts[1:] if part.isupper() or part.isdigit()), None)
    return f'{parts[0]}_{territory}' if territory else code.replace('-', '_')


def iso_month(value):
    """A content date (`YearMonth`) as ISO 8601 writes a month: 2015-10."""
    if isinstance(value, YearMonth):
        return f'{value.year:04d}-{value.month:02d}'
    return str(value)


def json_ld(data):
    """JSON-LD for a `<script type="application/ld+json">`: compact, and unable to close
    the script element whatever the text in it ("</" is written "<\\/")."""
    text = json.dumps(data, ensure_ascii=False, separators=(',', ':'))
    return text.replace('</', '<\\/')


def organisation(config):
    if not config.publisher_name:
        return None
    return {'@type': 'Organization', 'name': config.publisher_name, 'url': config.publisher_url}


def publication_json_ld(config, page, title, headline, description, language, meta,
                        cover_url, downloads, source_url):
    """schema.org's description of one edition's web page: a `Report` in one language,
    with its downloads as encodings and its tie to the source language's version
    (`translationOfWork`, or `workTranslation` from the source)."""
    canonical = config.url(url_path(page.path))
    data = {'@context': 'https://schema.org', '@type': 'Report', '@id': canonical,
            'url': canonical, 'name': title, 'headline': headline,
            'description': description, 'inLanguage': language,
            'datePublished': iso_month(meta['date'])}
    if meta['subtitle']:
        data['alternativeHeadline'] = str(meta['subtitle'])
    if meta['author']:
        publisher = config.publisher_name
        data['author'] = {'@type': 'Organization' if str(meta['author']) == publisher
                          else 'Person', 'name': str(meta['author'])}
    if organisation(config):
        data['publisher'] = organisation(config)
    if meta['keywords']:
        data['keywords'] = [str(keyword) for keyword in meta['keywords']]
    if cover_url:
        data['image'] = cover_url
    if downloads:
        data['encoding'] = [{'@type': 'MediaObject', 'contentUrl': url,
                             'encodingFormat': download.media_type,
                             'contentSize': f'{download.size} B'}
                            for download, url in downloads]
    others = [config.url(url_path(path)) for code, path in page.alternates.items()
              if code != X_DEFAULT and path != page.path]
    if source_url and source_url != canonical:
        data['translationOfWork'] = {'@id': source_url}
    elif others:
        data['workTranslation'] = [{'@id': url} for url in others]
    return json_ld(data)


def library_json_ld(config, page, name, description, language, entries):
    """schema.org's description of a language's library page: a `CollectionPage` whose
    main entity lists its publications' pages in order."""
    canonical = config.url(url_path(page.path))
    data = {'@context': 'https://schema.org', '@type': 'CollectionPage', '@id': canonical,
            'url': canonical, 'name': name, 'description': description,
            'inLanguage': language,
            'isPartOf': {'@type': 'WebSite', 'name': name, 'url': config.url()},
            'mainEntity': {'@type': 'ItemList', 'itemListElement': [
                {'@type': 'ListItem', 'position': position, 'url': url, 'name': title}
                for position, (title, url) in enumerate(entries, 1)]}}
    if organisation(config):
        data['publisher'] = organisation(config)
    return json_ld(data)


def sitemap_xml(config, pages):
    """The sitemap: every page with its language versions as `xhtml:link` alternates
    (sitemaps.org, with Google's hreflang extension), in a stable order."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for page in pages:
        lines.append('  <url>')
        lines.append(f'    <loc>{_text(config.url(url_path(page.path)))}</loc>')
        for code, url in alternate_links(config, page):
            lines.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(code)} '
                         f'href={quoteattr(url)}/>')
        lines.append('  </url>')
    lines.append('</urlset>')
    return '\n'.join(lines) + '\n'


def _text(value):
    return value.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
