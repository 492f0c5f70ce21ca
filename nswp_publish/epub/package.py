"""The package document (metadata, manifest, spine) and the navigation document.

The metadata come from the publication (title, subtitle, author, date, keywords,
language) and say where the page numbers come from: `dc:source` names the print
edition, the PDF of the same name, as the source of the pagination. The EPUB
Accessibility 1.1 metadata say how the book can be read (`schema:accessMode`, and
`accessModeSufficient`: text alone, every image having its alternative text and every
chart its data table), what helps (`accessibilityFeature`), that nothing flashes or
moves (`accessibilityHazard`), a summary in the book's language, and the conformance
claim (`dcterms:conformsTo` EPUB Accessibility 1.1, WCAG 2.2 AA), which the test suite
checks with EPUBCheck and DAISY Ace; `a11y:certifiedBy` says who makes the claim.

The navigation document holds the contents (the book's own contents list, its links
pointing into the content documents), the page list (each print page number, linked to
its page break) and the landmarks.
"""
import uuid
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from . import xhtml
from .documents import build_page
from .xhtml import tag

#: The conformance claim, in the words EPUB Accessibility 1.1 and DAISY Ace expect.
CONFORMANCE = 'EPUB Accessibility 1.1 - WCAG 2.2 Level AA'
#: Media types of the files a book holds, by extension.
MEDIA_TYPES = {'xhtml': 'application/xhtml+xml', 'css': 'text/css', 'woff': 'font/woff',
               'png': 'image/png', 'jpg': 'image/jpeg', 'svg': 'image/svg+xml'}
NAV_NAME = 'nav.xhtml'


@dataclass(frozen=True)
class Metadata:
    """What the package document says of the book (texts in the book's language)."""

    identifier: str             # urn:uuid:..., the same for every build of this book
    title: str
    subtitle: str | None
    edition: str                # the edition's label ("Summary report")
    language: object            # `languages.Language`
    author: str | None
    publisher: str
    date: str                   # the publication's date as written (YYYY-MM)
    modified: str               # CCYY-MM-DDThh:mm:ssZ, from the date: rebuilds are equal
    description: str | None
    subjects: tuple
    print_source: str           # the print edition the page numbers come from (its file)
    accessibility_summary: str
    certified_by: str


def book_identifier(*names):
    """A stable urn:uuid (UUID 5) for one book: publication, language, edition."""
    return 'urn:uuid:' + str(uuid.uuid5(uuid.NAMESPACE_URL, 'nswp:' + ':'.join(names)))


def accessibility_features(has_images, has_charts, has_pages):
    """The `schema:accessibilityFeature` values of a book with these contents."""
    features = ['structuralNavigation', 'tableOfContents', 'readingOrder', 'ARIA',
                'displayTransformability']
    if has_images or has_charts:
        features.append('alternativeText')
    if has_charts:
        features.append('longDescription')      # each chart's data table
    if has_pages:
        features += ['printPageNumbers', 'pageBreakMarkers']
    return features


def package_document(meta, manifest, spine, features, visual):
    """The package document (bytes). `manifest`: [(file name, properties or None)],
    `spine`: [file name] in reading order, `features`: accessibility features, `visual`:
    whether the book has images or charts (an access mode of its own)."""
    language = meta.language
    items = []
    for number, (name, properties) in enumerate(manifest):
        media = MEDIA_TYPES[name.rsplit('.', 1)[-1]]
        extra = f' properties="{properties}"' if properties else ''
        items.append(f'<item id="{_item_id(name, number)}" href={quoteattr(name)} '
                     f'media-type="{media}"{extra}/>')
    ids = {name: _item_id(name, number) for number, (name, _) in enumerate(manifest)}
    lines = [
        f'<dc:identifier id="pub-id">{escape(meta.identifier)}</dc:identifier>',
        f'<dc:title id="title">{escape(meta.title)}</dc:title>',
        '<meta refines="#title" property="title-type">main</meta>',
    ]
    if meta.subtitle:
        lines += [f'<dc:title id="subtitle">{escape(meta.subtitle)}</dc:title>',
                  '<meta refines="#subtitle" property="title-type">subtitle</meta>']
    lines += [f'<dc:title id="edition">{escape(meta.edition)}</dc:title>',
              '<meta refines="#edition" property="title-type">edition</meta>',
              f'<dc:language>{escape(language.code)}</dc:language>']
    if meta.author:
        lines += [f'<dc:creator id="author">{escape(meta.author)}</dc:creator>',
                  '<meta refines="#author" property="role" scheme="marc:relators">aut</meta>']
    lines += [f'<dc:publisher>{escape(meta.publisher)}</dc:publisher>',
              f'<dc:date>{escape(meta.date)}</dc:date>',
              f'<meta property="dcterms:modified">{meta.modified}</meta>']
    if meta.description:
        lines.append(f'<dc:description>{escape(meta.description)}</dc:description>')
    lines += [f'<dc:subject>{escape(subject)}</dc:subject>' for subject in meta.subjects]
    lines += [f'<dc:source id="print-source">{escape(meta.print_source)}</dc:source>',
              '<meta refines="#print-source" property="source-of">pagination</meta>',
              '<meta property="schema:accessMode">textual</meta>']
    if visual:
        lines += ['<meta property="schema:accessMode">visual</meta>',
                  '<meta property="schema:accessModeSufficient">textual,visual</meta>']
    lines.append('<meta property="schema:accessModeSufficient">textual</meta>')
    lines += [f'<meta property="schema:accessibilityFeature">{feature}</meta>'
              for feature in features]
    lines += ['<meta property="schema:accessibilityHazard">none</meta>',
              f'<meta property="schema:accessibilitySummary">'
              f'{escape(meta.accessibility_summary)}</meta>',
              f'<meta property="dcterms:conformsTo" id="conformance">{CONFORMANCE}</meta>',
              f'<meta property="a11y:certifiedBy" refines="#conformance">'
              f'{escape(meta.certified_by)}</meta>']
    direction = f' page-progression-direction="{language.direction}"'
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
        f'unique-identifier="pub-id" xml:lang="{language.code}" dir="{language.direction}">\n'
        '  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n    '
        + '\n    '.join(lines) +
        '\n  </metadata>\n  <manifest>\n    ' + '\n    '.join(items) +
        f'\n  </manifest>\n  <spine{direction}>\n    '
        + '\n    '.join(f'<itemref idref="{ids[name]}"/>' for name in spine) +
        '\n  </spine>\n</package>\n')
    return text.encode('utf-8')


def _item_id(name, number):
    """A manifest id (an XML name) for a file name."""
    stem = ''.join(char if char.isalnum() or char in '-_' else '-' for char in name)
    return f'item-{stem}' if stem[:1].isalnum() else f'item-{number}'


@dataclass(frozen=True)
class NavWording:
    """The navigation document's headings, in the book's language."""

    contents: str
    pages: str
    landmarks: str
    start: str


def nav_document(language, wording, title, toc, pages, landmarks, stylesheet):
    """The navigation document (an `html` element). `toc`: the book's contents list (an
    `ol` element, its links already naming their files) or None; `pages`: [(label,
    href)]; `landmarks`: [(epub:type, href, label)]."""
    parts = [f'<nav epub:type="toc" role="doc-toc" id="toc" aria-labelledby="toc-title">'
             f'<h1 id="toc-title">{escape(wording.contents)}</h1><ol></ol></nav>']
    if pages:
        parts.append(
            '<nav epub:type="page-list" role="doc-pagelist" id="page-list" '
            f'aria-labelledby="page-list-title" hidden="hidden"><h2 id="page-list-title">'
            f'{escape(wording.pages)}</h2><ol>'
            + ''.join(f'<li><a href={quoteattr(href)}>{escape(label)}</a></li>'
                      for label, href in pages) + '</ol></nav>')
    parts.append(
        '<nav epub:type="landmarks" id="landmarks" aria-labelledby="landmarks-title" '
        f'hidden="hidden"><h2 id="landmarks-title">{escape(wording.landmarks)}</h2><ol>'
        + ''.join(f'<li><a epub:type="{kind}" href={quoteattr(href)}>{escape(label)}</a></li>'
                  for kind, href, label in landmarks) + '</ol></nav>')
    root = xhtml.parse(f'<!DOCTYPE html><html><body>{"".join(parts)}</body></html>')
    body = root.find(tag('body'))
    # tinyhtml5 keeps `epub:type` as a plain attribute name: the serialiser writes it so.
    toc_list = body.find(tag('nav')).find(tag('ol'))
    if toc is not None:
        for item in toc:
            toc_list.append(_nav_item(item))
    return build_page(body, language, stylesheet, title)


def _nav_item(item):
    """A contents entry as the navigation document allows: `li` holding one link and,
    optionally, one `ol` of entries; ids and classes left behind."""
    entry = item.makeelement(tag('li'), {})
    for child in item:
        name = xhtml.local(child)
        if name == 'a':
            link = entry.makeelement(tag('a'), {'href': child.get('href')})
            link.text = ' '.join(xhtml.text_of(child).split())
            entry.append(link)
        elif name == 'ol':
            sub = entry.makeelement(tag('ol'), {})
            sub.extend(_nav_item(grandchild) for grandchild in child
                       if xhtml.local(grandchild) == 'li')
            if len(sub):
                entry.append(sub)
    return entry
