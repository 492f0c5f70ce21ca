"""One EPUB file from the rendered book, the print edition's page starts and the metadata.

`epub_bytes` does the whole of it, in memory (the build writes the result with
`output.write_atomic`, so a failed or interrupted build keeps the previous file): the
rendered page cut into content documents (`documents`), the print page breaks marked in
them (`pagebreaks`), the stylesheet taken out of the page into its own file with the
subset fonts' @font-face rules before it (`fonts`), the navigation and package documents
(`package`), and the container (`archive`).
"""
import datetime
from dataclasses import dataclass

import tinycss2

from ..errors import ResourceError
from . import archive, documents, fonts, package, pagebreaks, xhtml
from .xhtml import SVG, classes, local, tag

STYLESHEET = 'css/book.css'
#: Where the book's contents list is in the rendered page (partials/toc.html).
TOC_CLASS = 'toc'


@dataclass(frozen=True)
class Book:
    """Everything an EPUB is made of, as data."""

    html: str                   # the book rendered for the 'epub' medium
    print_html: str             # the same edition rendered for print, whose layout...
    page_starts: tuple          # ...starts each page where these say (`pdf.pages.PageStart`)
    metadata: package.Metadata
    wording: package.NavWording
    images: dict                # {file name in images/: bytes} of the web copies it shows


def epub_bytes(book):
    """The EPUB file of a `Book`, as bytes: the same bytes for the same book."""
    language = book.metadata.language
    root = xhtml.parse(book.html)
    head = root.find(tag('head'))
    style = head.find(tag('style')) if head is not None else None
    css = style.text if style is not None and style.text else ''
    html_class = root.get('class')
    parts = documents.split_book(root)
    pairs = pagebreaks.counterparts(pagebreaks.message_places(book.print_html),
                                    pagebreaks.message_places(book.html))
    pages = pagebreaks.mark_pages(parts, book.page_starts, pairs, language)
    shown = _images_shown(parts)
    missing = sorted(shown - set(book.images))
    if missing:
        raise ResourceError(f'the EPUB shows an image the build did not hand it: {missing[0]}',
                            hint='report it: every image of the web edition is in the EPUB')

    title = book.metadata.title
    pages_xhtml = {}
    for part in parts:
        page = documents.build_page(part.body, language, STYLESHEET,
                                    part.title or title, html_class)
        pages_xhtml[part.name] = page
    toc, toc_file = _contents(parts)
    first_text = next((part.name for part in parts if part.name != parts[0].name),
                      parts[0].name)
    landmarks = []
    if toc_file:
        landmarks.append(('toc', f'{toc_file}#{toc[1]}', book.wording.contents))
    landmarks.append(('bodymatter', first_text, book.wording.start))
    nav = package.nav_document(language, book.wording, title,
                               toc[0] if toc else None,
                               [(label, f'{name}#{ident}') for label, name, ident in pages],
                               landmarks, STYLESHEET)
    serialised = {name: xhtml.serialise(page) for name, page in pages_xhtml.items()}
    serialised[package.NAV_NAME] = xhtml.serialise(nav)

    text = ''.join(''.join(_visible_text(page)) for page in [*pages_xhtml.values(), nav])
    embedded = fonts.embed(language, text)
    files = {package.NAV_NAME: serialised[package.NAV_NAME]}
    files.update((name, serialised[name]) for name in pages_xhtml)
    files[STYLESHEET] = (fonts.font_face_css(embedded) + screen_css(css)).encode('utf-8')
    files.update((f'fonts/{font.name}', font.data) for font in embedded)
    files.update((f'images/{name}', book.images[name]) for name in sorted(shown))
    manifest = [(package.NAV_NAME, 'nav')]
    manifest += [(name, 'svg' if _has_svg(pages_xhtml[name]) else None) for name in pages_xhtml]
    manifest += [(name, None) for name in files if name not in dict(manifest)]
    charts = any(_has_svg(page) for page in pages_xhtml.values())
    features = package.accessibility_features(bool(shown), charts, bool(pages))
    files['package.opf'] = package.package_document(
        book.metadata, manifest, list(pages_xhtml), features, visual=bool(shown) or charts)
    date = datetime.date.fromisoformat(book.metadata.modified[:10])
    return archive.ocf_bytes(files, date)


def modified_of(date):
    """`dcterms:modified` of a publication dated `date` (a `datetime.date`)."""
    return f'{date.isoformat()}T00:00:00Z'


def screen_css(css):
    """The book's styles less what is only for the printed page (`@page` and its margin
    boxes, `@media print`): reading systems lay out a screen, and EPUB's CSS profile has
    no margin boxes."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True)
    kept = [rule for rule in rules if not (
        rule.type == 'at-rule' and (rule.lower_at_keyword == 'page' or (
            rule.lower_at_keyword == 'media'
            and tinycss2.serialize(rule.prelude).strip().lower() == 'print')))]
    return tinycss2.serialize(kept).strip() + '\n'


def _contents(parts):
    """((the book's contents list, the id of its nav), the file it is in), links in it
    naming their files; ((None, None), None) if the book has none."""
    for part in parts:
        for element in part.body.iter(tag('nav')):
            if TOC_CLASS in classes(element):
                listing = element.find(tag('ol'))
                for link in listing.iter(tag('a')):
                    href = link.get('href') or ''
                    if href.startswith('#'):
                        link.set('href', f'{part.name}{href}')
                return (listing, element.get('id')), part.name
    return (None, None), None


def _images_shown(parts):
    return {img.get('src').removeprefix('images/') for part in parts
            for img in part.body.iter(tag('img'))}


def _has_svg(page):
    return page.find(f'.//{{{SVG}}}svg') is not None


def _visible_text(element):
    """The text a reader sees (and the fonts must draw) in a page: not its head's."""
    if local(element) in ('head', 'style', 'script', 'title'):
        return
    if element.text:
        yield element.text
    for child in element:
        if isinstance(child.tag, str):
            yield from _visible_text(child)
        if child.tail:
            yield child.tail
