"""HTML as the templates write it, made XHTML as EPUB requires: parsed, walked, serialised.

EPUB content documents must be well-formed XML (`<img/>` closed, no `&nbsp;`), which the
shared templates do not write and should not have to. The rendered page is parsed as a
browser parses it (tinyhtml5, the HTML5 parser WeasyPrint itself uses) into an ElementTree
and written back as XML by `serialise`, which also gives every element an `epub:type`
matching its ARIA role (reading systems read the first, assistive technology the second,
and DAISY Ace requires both to agree).
"""
from xml.sax.saxutils import escape, quoteattr

import tinyhtml5

XHTML = 'http://www.w3.org/1999/xhtml'
SVG = 'http://www.w3.org/2000/svg'
XLINK = 'http://www.w3.org/1999/xlink'
OPS = 'http://www.idpf.org/2007/ops'
EPUB_TYPE = 'epub:type'
XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'
#: ARIA roles (DPUB-ARIA) and the EPUB structural semantics that say the same.
ROLE_TYPES = {
    'doc-noteref': 'noteref', 'doc-footnote': 'footnote', 'doc-backlink': 'backlink',
    'doc-pagebreak': 'pagebreak', 'doc-toc': 'toc', 'doc-pagelist': 'page-list',
    'doc-chapter': 'chapter', 'doc-endnotes': 'endnotes',
}
#: Elements that never have content: written `<br/>`.
VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source',
        'track', 'wbr'}
#: Elements in which a `<span>` (a page break) may not stand.
NO_PHRASING = {'ol', 'ul', 'dl', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'colgroup', 'select',
               'optgroup', 'hgroup', 'svg', 'math', 'picture', 'img', 'br', 'hr'}


def parse(html):
    """The root `html` element of an HTML document, elements in the XHTML namespace."""
    return tinyhtml5.parse(html)


def tag(name, namespace=XHTML):
    return f'{{{namespace}}}{name}'


def local(element):
    """An element's name without its namespace: 'p', 'svg'."""
    return element.tag.rpartition('}')[2] if isinstance(element.tag, str) else ''


def classes(element):
    return (element.get('class') or '').split()


def text_of(element):
    """All the text inside an element, white space as written."""
    return ''.join(element.itertext())


def serialise(root):
    """The XHTML 5 document of `root` (an `html` element) as UTF-8 bytes."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n']
    _write(root, parts, None, root=True)
    parts.append('\n')
    return ''.join(parts).encode('utf-8')


def _write(element, parts, parent_namespace, root=False):
    namespace, _, name = element.tag[1:].partition('}') if element.tag[0] == '{' \
        else (XHTML, '', element.tag)
    attributes = []
    if namespace != parent_namespace:
        attributes.append(('xmlns', namespace))
    if root:
        attributes.append(('xmlns:epub', OPS))
    if namespace == SVG and parent_namespace != SVG and any(
            key.startswith(f'{{{XLINK}}}') for node in element.iter() for key in node.attrib):
        attributes.append(('xmlns:xlink', XLINK))
    role = element.get('role')
    for key, value in element.attrib.items():
        if key == XML_LANG:
            key = 'xml:lang'
        elif key.startswith(f'{{{XLINK}}}'):
            key = 'xlink:' + key.rpartition('}')[2]
        elif key.startswith('{'):
            continue
        attributes.append((key, value))
    if namespace == XHTML and role in ROLE_TYPES and EPUB_TYPE not in element.attrib:
        attributes.append((EPUB_TYPE, ROLE_TYPES[role]))
    opening = name + ''.join(f' {key}={quoteattr(value)}' for key, value in attributes)
    empty = not element.text and not len(element)
    if empty and (namespace != XHTML or name in VOID):
        parts.append(f'<{opening}/>')
    else:
        parts.append(f'<{opening}>')
        if element.text:
            parts.append(escape(element.text))
        for child in element:
            if isinstance(child.tag, str):
                _write(child, parts, namespace)
            if child.tail:
                parts.append(escape(child.tail))
        parts.append(f'</{name}>')


def parent_map(root):
    return {child: parent for parent in root.iter() for child in parent}
