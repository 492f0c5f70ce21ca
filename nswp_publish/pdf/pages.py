"""Where each printed page begins, read off WeasyPrint's laid-out document.

The EPUB edition marks the print edition's page breaks so that a citation "p. 7" can be
found in it. The PDF's named destinations only say on which page each element starts;
a page usually begins in the middle of a paragraph, so the layout itself is read: the
first text drawn on the page, in the main flow (running heads, footnotes and hidden text
aside), and the element it continues. The answer is plain data (`PageStart`), computed
once per layout, in the process that laid the document out: the PDF and the EPUB of an
edition share one layout.
"""
from typing import NamedTuple

#: An element id the page map may name: any, but a message span's (`m-<key>-<n>`) is the
#: one a page that starts inside a paragraph is located in.
MESSAGE_PREFIX = 'm-'


class PageStart(NamedTuple):
    """Where page `number` starts: at the start of the element with id `anchor`, or, when
    `text` is given, inside that element (a message span the page continues), before the
    first line of the page, whose text is `text`. Page 1 starts with the document
    (`anchor` None)."""

    number: int
    anchor: str | None
    text: str | None = None


def page_starts(document, root):
    """[PageStart] of each page of a WeasyPrint `Document` laid out from the HTML tree whose
    root element is `root` (`weasyprint.HTML(...).etree_element`). A page on which no
    element starts and none is continued (a page of a table's numbers, say) is left out."""
    from weasyprint.formatting_structure import boxes
    order = {element: index for index, element in enumerate(root.iter())}
    parents = {child: parent for parent in root.iter() for child in parent}
    seen = set()
    starts = [PageStart(1, None)]
    for number, page in enumerate(document.pages, 1):
        first, line_of_first, new = None, None, []
        for box, line in _flow(page._page_box, boxes):
            element = box.element
            if element is None or not hasattr(element, 'get'):
                continue
            if element not in seen:
                seen.add(element)
                if element.get('id'):
                    new.append(element)
            if first is None and _is_content(box, boxes):
                first, line_of_first = box, line
        if number == 1:
            continue
        start = None
        if first is not None:
            message = _message_of(first.element, parents)
            if message is not None and message not in new:
                text = ''.join(text_box.text for text_box, _ in _flow(line_of_first, boxes)
                               if isinstance(text_box, boxes.TextBox)
                               and _message_of(text_box.element, parents) is message)
                if text.strip():
                    start = PageStart(number, message.get('id'), text)
        if start is None and new:
            start = PageStart(number, min(new, key=order.__getitem__).get('id'))
        if start is not None:
            starts.append(start)
    return starts


def _flow(box, boxes, line=None):
    """(box, its line box) of the main flow under `box`, in drawing order: margin boxes
    (running heads, page numbers), the footnote area and invisible boxes left out."""
    if isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox)):
        return
    if box.style['visibility'] != 'visible' or '::' in (box.element_tag or ''):
        return                      # hidden text, list markers, generated leaders
    if isinstance(box, boxes.LineBox):
        line = box
    yield box, line
    for child in getattr(box, 'children', ()):
        yield from _flow(child, boxes, line)


def _is_content(box, boxes):
    return ((isinstance(box, boxes.TextBox) and box.text.strip())
            or isinstance(box, boxes.ReplacedBox))


def _message_of(element, parents):
    """The message span (`m-...` id) that holds `element`, or None."""
    while element is not None:
        if (element.get('id') or '').startswith(MESSAGE_PREFIX):
            return element
        element = parents.get(element)
    return None
