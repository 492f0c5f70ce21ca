"""The print edition's page breaks, marked in the EPUB where each printed page begins.

A reader citing "p. 7" of the PDF finds p. 7 in the EPUB: each page start the layout
reports (`pdf.pages.PageStart`: the element the page starts with, or the message it
continues and the text of its first line) becomes an EPUB page break, a
`<span role="doc-pagebreak">`, at that place in the EPUB's text, inside a paragraph when
the page starts inside one (before the word the page starts in).

The print and the EPUB rendering come from the same templates but do not show the same
things (print has running heads, the EPUB a contents list in a short edition, notes at the
end), so a message's n-th place in one is not its n-th in the other. The two documents'
sequences of messages are aligned (difflib), which pairs each printed message place with
the EPUB's; other ids (chapters, sections, figures) are the same in both.
"""
import difflib
import re

from . import xhtml
from .xhtml import NO_PHRASING, local, tag

MESSAGE_ID = re.compile(r'\bid="(m-([0-9a-f]+)-\d+)"')
#: The id of page `n`'s break.
PAGE_ID = 'page-{}'


def message_places(html):
    """[(id, key)] of every message place of a rendered HTML document, in document order."""
    return [(match[1], match[2]) for match in MESSAGE_ID.finditer(html)]


def counterparts(print_places, epub_places):
    """{print id: EPUB id} of the message places the two renderings share."""
    matcher = difflib.SequenceMatcher(None, [key for _, key in print_places],
                                      [key for _, key in epub_places], autojunk=False)
    pairs = {}
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            pairs[print_places[block.a + offset][0]] = epub_places[block.b + offset][0]
    return pairs


def mark_pages(documents, starts, pairs, language):
    """Insert a page break for each `PageStart` into the `documents` (`documents.Document`,
    in reading order); returns [(page label, file name, id)] in reading order, each page
    once, in increasing order."""
    where = {}
    for document in documents:
        for element in document.body.iter():
            if isinstance(element.tag, str) and element.get('id'):
                where.setdefault(element.get('id'), (document, element))
    parents = _parents(documents)
    placed = []
    for start in starts:
        label = str(start.number)
        if start.anchor is None:
            target = _first_container(documents[0].body)
            if target is not None:
                placed.append((label, documents[0], _insert_first(target, label)))
            continue
        ident = pairs.get(start.anchor, start.anchor)
        if ident not in where:
            continue
        document, element = where[ident]
        marker = None
        if start.text:
            marker = _insert_in_text(element, start.text, label, language)
        if marker is None:
            marker = _insert_at_start(element, label, parents)
        if marker is not None:
            placed.append((label, document, marker))
    return _in_order(documents, placed)


def page_break(parent, label):
    return parent.makeelement(tag('span'), {
        'id': PAGE_ID.format(label), 'role': 'doc-pagebreak', 'aria-label': label})


def _insert_first(element, label):
    marker = page_break(element, label)
    marker.tail = element.text
    element.text = None
    element.insert(0, marker)
    return marker


def _first_container(element):
    """`element`, or its first descendant, in which a page break may stand first (a
    table's first cell, a list's first item); None for an image."""
    for node in element.iter():
        if not isinstance(node.tag, str) or not node.tag.startswith(f'{{{xhtml.XHTML}}}'):
            return None                 # SVG: not inside it
        if local(node) not in NO_PHRASING:
            return node
        if local(node) in ('img', 'br', 'hr'):
            return None
    return None


def _insert_at_start(element, label, parents):
    """A page break first in `element`, or just before it (an image, a chart)."""
    target = _first_container(element)
    if target is not None:
        return _insert_first(target, label)
    parent = parents.get(element)
    if parent is None or local(parent) in NO_PHRASING:
        return None
    marker = page_break(parent, label)
    parent.insert(list(parent).index(element), marker)
    return marker


def _skeleton(text):
    return ''.join(char for char in text if not char.isspace() and char not in '\u00ad')


def _insert_in_text(element, line, label, language):
    """A page break inside `element` before the text `line` (the first line of a page,
    as laid out: hyphenated, white space collapsed); None if the line is not found."""
    wanted = _skeleton(line).rstrip('\u2010-')[:40]
    if not wanted:
        return None
    # The element's text as (node, attribute, text) pieces: .text of an element, .tail of
    # a child; note references count (the layout drew their numbers too).
    pieces = []
    _text_pieces(element, pieces)
    flat, index = [], []
    for number, (_, _, text) in enumerate(pieces):
        for position, char in enumerate(text):
            if not char.isspace() and char != '\u00ad':
                flat.append(char)
                index.append((number, position))
    found = ''.join(flat).find(wanted)
    if found <= 0:
        return None
    number, position = index[found]
    owner, attribute, text = pieces[number]
    if not language.breaks_anywhere:
        # Before the word the page starts in ("Evalu-|ation": before "Evaluation").
        while position > 0 and not text[position - 1].isspace():
            position -= 1
    marker = page_break(owner if attribute == 'text' else owner[0], label)
    if attribute == 'text':
        marker.tail = text[position:]
        owner.text = text[:position]
        owner.insert(0, marker)
    else:
        parent, child = owner
        marker.tail = text[position:]
        child.tail = text[:position]
        parent.insert(list(parent).index(child) + 1, marker)
    return marker


def _text_pieces(element, pieces):
    if element.text:
        pieces.append((element, 'text', element.text))
    for child in element:
        if isinstance(child.tag, str):
            _text_pieces(child, pieces)
        if child.tail:
            pieces.append(((element, child), 'tail', child.tail))


def _in_order(documents, placed):
    """The breaks in reading order, each page once and in increasing order: a break found
    before a lower page's is moved to just before that one's (floats and notes can lay
    text out of the order it is read in)."""
    markers = {id(marker): (label, document, marker) for label, document, marker in placed}
    sequence = [markers[id(node)] for document in documents for node in document.body.iter()
                if id(node) in markers]
    result = []
    for label, document, marker in sequence:
        later = [entry for entry in result if int(entry[0]) > int(label)]
        if later:
            _move_before(marker, later[0][2], documents)
            result.insert(result.index(later[0]), (label, later[0][1], marker))
        elif any(int(entry[0]) == int(label) for entry in result):
            _remove(marker, documents)
        else:
            result.append((label, document, marker))
    return [(label, document.name, marker.get('id')) for label, document, marker in result]


def _parents(documents):
    return {child: parent for document in documents for parent in document.body.iter()
            for child in parent}


def _remove(marker, documents):
    parent = _parents(documents)[marker]
    siblings = list(parent)
    position = siblings.index(marker)
    if marker.tail:
        if position == 0:
            parent.text = (parent.text or '') + marker.tail
        else:
            previous = siblings[position - 1]
            previous.tail = (previous.tail or '') + marker.tail
    parent.remove(marker)


def _move_before(marker, other, documents):
    _remove(marker, documents)
    parent = _parents(documents)[other]
    marker.tail = None
    parent.insert(list(parent).index(other), marker)
