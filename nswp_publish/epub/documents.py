"""The book's content documents: the rendered page cut into one XHTML file per chapter.

Reading systems load one content document at a time, and their page and chapter
navigation follows the files. The rendered book is cut before each chapter (`section`
with the class `chapter`: chapters, annexes, acronyms, glossary, works cited) and before
the back page; what comes before the first chapter (cover, contents, list of figures) is
the front document. The wrappers around a chapter (`main`, the annexes' `div`) are repeated
in each file it is cut from. Each note goes to the end of the file that cites it, as an
EPUB footnote, and every link to an id in another file is rewritten to name that file.
"""
import copy
from dataclasses import dataclass, field

from . import xhtml
from .xhtml import classes, local, tag

#: Where the book is cut: before an element with one of these classes.
CUT_CLASSES = {'chapter', 'back-page'}
#: The rendered notes (partials/footnotes.html): one aside per note, in this section.
NOTES_CLASS = 'endnotes'


@dataclass
class Document:
    """One content document: its file name, title and `body` element."""

    name: str
    title: str
    body: object
    ids: set = field(default_factory=set)


def split_book(root):
    """[Document] of a rendered book (the root `html` element), in reading order."""
    body = root.find(tag('body'))
    notes_shell, notes = _take_notes(body)
    pieces = []
    _collect(body, (), pieces)
    documents = []
    for ancestors, element in pieces:
        starts = bool(CUT_CLASSES & set(classes(element)))
        if starts or not documents:
            name = element.get('id') if starts and element.get('id') else 'front'
            documents.append(Document(_file_name(name, documents), '', _new_body(body)))
            documents[-1].wrappers = {}
        document = documents[-1]
        wrapped = _wrapped(document, ancestors, element)
        if wrapped is not None:
            document.body.append(wrapped)
    for document in documents:
        del document.wrappers
        document.title = _title(document.body)
    _place_notes(documents, notes_shell, notes)
    for document in documents:
        document.ids = {element.get('id') for element in document.body.iter()
                        if element.get('id')}
    rewrite_links(documents)
    return documents


def _file_name(name, documents):
    taken = {document.name for document in documents}
    candidate, number = f'{name}.xhtml', 1
    while candidate in taken or candidate == 'nav.xhtml':
        number += 1
        candidate = f'{name}-{number}.xhtml'
    return candidate


def _new_body(body):
    new = copy.copy(body)
    new[:] = []
    new.text = new.tail = None
    return new


def _collect(parent, ancestors, pieces):
    """(wrappers, element) of each top-level piece: elements that hold no cut point, and
    the elements cut before; wrappers holding a cut point are opened."""
    for child in parent:
        if not isinstance(child.tag, str):
            continue
        if CUT_CLASSES & set(classes(child)) or not _holds_cut(child):
            pieces.append((ancestors, child))
        else:
            _collect(child, (*ancestors, child), pieces)


def _holds_cut(element):
    return any(CUT_CLASSES & set(classes(node)) for node in element.iter()
               if node is not element and isinstance(node.tag, str))


def _wrapped(document, ancestors, element):
    """`element` inside copies of its wrappers, reusing this document's open copies: the
    new top wrapper to append to the body, or None if it is there already."""
    if not ancestors:
        return element
    key = ancestors[0]
    top = document.wrappers.get(key)
    fresh = top is None
    if fresh:
        top = document.wrappers[key] = _shallow(key)
    inner = top
    for wrapper in ancestors[1:]:
        known = document.wrappers.get(wrapper)
        if known is None:
            known = document.wrappers[wrapper] = _shallow(wrapper)
            inner.append(known)
        inner = known
    inner.append(element)
    return top if fresh else None


def _shallow(element):
    new = copy.copy(element)
    new[:] = []
    new.text = new.tail = None
    return new


def _title(body):
    for element in body.iter():
        if local(element) in ('h1', 'h2'):
            return ' '.join(xhtml.text_of(element).split())
    return ''


def _take_notes(body):
    """Remove the rendered notes section; return (its emptied shell, {id: aside})."""
    for parent in body.iter():
        for child in list(parent):
            if NOTES_CLASS in classes(child):
                parent.remove(child)
                notes = {aside.get('id'): aside for aside in child.iter(tag('aside'))}
                for aside in notes.values():
                    child.remove(aside)
                child.text = None
                for element in child:
                    element.tail = None
                return child, notes
    return None, {}


def _place_notes(documents, shell, notes):
    """Each note at the end of the document that first cites it, in the order cited."""
    placed = set()
    for document in documents:
        cited = []
        for link in document.body.iter(tag('a')):
            target = (link.get('href') or '')[1:]
            if link.get('role') == 'doc-noteref' and target in notes and target not in placed:
                placed.add(target)
                cited.append(notes[target])
        if cited:
            section = copy.deepcopy(shell)
            section.extend(cited)
            document.body.append(section)


def rewrite_links(documents, extra=()):
    """Links to an id of another document name its file. `extra`: more (root, file name)
    whose links are rewritten too (the navigation document)."""
    where = {}
    for document in documents:
        for ident in document.ids:
            where.setdefault(ident, document.name)
    for root, name in [*((document.body, document.name) for document in documents), *extra]:
        for link in root.iter(tag('a')):
            href = link.get('href') or ''
            if href.startswith('#') and where.get(href[1:], name) != name:
                link.set('href', f'{where[href[1:]]}{href}')


def build_page(body, language, stylesheet, title, html_class=None):
    """An `html` element holding `body`, with a head naming its title and stylesheet."""
    html = xhtml.parse('<!DOCTYPE html><html><head></head><body></body></html>')
    html.attrib.clear()
    html.set('lang', language.code)
    html.set(xhtml.XML_LANG, language.code)
    html.set('dir', language.direction)
    if html_class:
        html.set('class', html_class)
    head = html.find(tag('head'))
    meta = head.makeelement(tag('meta'), {'charset': 'utf-8'})
    title_element = head.makeelement(tag('title'), {})
    title_element.text = title
    link = head.makeelement(tag('link'), {'rel': 'stylesheet', 'type': 'text/css',
                                          'href': stylesheet})
    head.extend([meta, title_element, link])
    html.remove(html.find(tag('body')))
    html.append(body)
    return html

