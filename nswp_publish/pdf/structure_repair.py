"""Repairing the structure tree WeasyPrint 70 writes, for screen readers (pikepdf).

WeasyPrint tags each HTML element it knows and every line of text, but leaves out what
`repair` adds. Each repair is a part of its own below: the footnotes, the table headers,
the decorative images, the folding of meaningless inline elements, and the two indexes
(parent tree, ID tree) rebuilt after them. `structure` reads and checks the result.

The repair runs once per PDF, in the process that laid it out, and must cost little
beside the layout (under 5% of it: `benchmarks/bench_build.py` measures it). Every call
into pikepdf crosses into C++ and wraps a new Python object, so the tree is read once into
`_Element`s, the parts change those, and only the kids that changed are written back.
"""
import io

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .structure import MEANINGLESS, OWN_MEANING, TEXT_BLOCKS, element_type, is_element, kids_of


def repair(pdf_bytes, note_prefix):
    """The PDF with its structure tree repaired for screen readers; the same bytes for the
    same input (the document identifier WeasyPrint wrote is kept).

    - Footnotes become `Note` elements with an `/ID`, placed right after the `Link` that
      calls them (WeasyPrint leaves them as a `Span` in the page's footnote area). Notes are
      found by the names of the links' destinations: ids starting with `note_prefix`.
    - Table header cells get `/Scope` (WeasyPrint issue #2508): `Column` in a header row
      or a row of headers only, `Row` otherwise.
    - A `Figure` without alternative text (an image with `alt=""`) is decoration: its
      content becomes an `Artifact` and the element leaves the tree.
    - The `Span` and `NonStruct` WeasyPrint writes for each line of text and for `<span>`,
      `<em>`... inside a paragraph, heading, cell or link are folded into it, so a reader
      meets `P` with its text rather than runs of `Span`.
    - The parent tree (content -> element) and the ID tree are rebuilt to match.
    """
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        if pdf.Root.get('/StructTreeRoot') is None:
            return pdf_bytes
        tree = _StructTree(pdf)
        # The three repairs before folding share one reading (none moves what another
        # looks for); the two indexes read the tree as folding left it.
        elements = tree.elements()
        _Footnotes(tree).make_notes(note_prefix, elements)
        scope_headers(elements)
        _Decorations(tree).to_artifacts(elements)
        folder = _Folder()
        for element in tree.top():
            folder.fold(element, inside_block=False)
        tree.write_kids()
        elements = tree.elements()
        rebuild_parent_tree(tree, elements)
        rebuild_id_tree(tree, elements)
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


class _Element:
    """A structure element as the repair reads and changes it: its PDF object, its type,
    its parent and its kids (elements as `_Element`, marked content and object references
    as pikepdf read them)."""

    __slots__ = ('obj', 'kind', 'parent', 'kids', 'read_as_array', 'changed', '_page')

    def __init__(self, obj, kind, parent, kids, read_as_array):
        self.obj = obj
        self.kind = kind
        self.parent = parent
        self.kids = kids
        self.read_as_array = read_as_array
        self.changed = False
        self._page = _UNREAD

    @property
    def page(self):
        """The element's `/Pg` (or None), read once."""
        if self._page is _UNREAD:
            self._page = self.obj.get('/Pg')
        return self._page

    def own_meaning(self):
        return not _OWN_MEANING.isdisjoint(self.obj.keys())

    def element_kids(self):
        return [kid for kid in self.kids if type(kid) is _Element]

    def set_kids(self, kids, same=False):
        """Give the element these kids; `same` says they are the very ones it has. They are
        written to the PDF by `_StructTree.write_kids`, unless they are the ones it had as
        an array."""
        unchanged = self.read_as_array and (same or (
            len(kids) == len(self.kids) and all(a is b for a, b in zip(kids, self.kids))))
        self.changed = self.changed or not unchanged
        self.kids = kids

    def remove(self, kid):
        self.set_kids([other for other in self.kids if other is not kid])


_UNREAD = object()


def _read_element(obj, parent):
    k = obj.get('/K')
    is_array = isinstance(k, Array)
    kids = list(k) if is_array else [] if k is None else [k]
    return _Element(obj, element_type(obj), parent, kids, is_array)


class _StructTree:
    """The tree under the Document element, read once into `_Element`s."""

    def __init__(self, pdf):
        self.pdf = pdf
        self.root = pdf.Root.StructTreeRoot
        self.document = self._read(kids_of(self.root)[0])

    def _read(self, document):
        """The Document element with every element under it read: each object's type and
        kids, once."""
        top = _read_element(document, None)
        self.everything = [top]
        stack = [top]
        while stack:
            element = stack.pop()
            kids = element.kids
            for index, kid in enumerate(kids):
                # Most kids are marked content (an int): asking pikepdf costs ten times more.
                if type(kid) is not int and is_element(kid):
                    kids[index] = kid = _read_element(kid, element)
                    self.everything.append(kid)
                    stack.append(kid)
        return top

    def elements(self):
        """[element] of every structure element under the Document, itself first, in
        reading order."""
        found = []
        stack = [self.document]
        while stack:
            element = stack.pop()
            found.append(element)
            stack.extend(kid for kid in reversed(element.kids) if type(kid) is _Element)
        return found

    def top(self):
        return self.document.element_kids()

    def write_kids(self):
        """Write to the PDF the kids of each element that changed."""
        for element in self.everything:
            if element.changed:
                element.obj.K = Array([kid.obj if type(kid) is _Element else kid
                                       for kid in element.kids])


def _same(a, b):
    return a is not None and b is not None and a.objgen == b.objgen


_OWN_MEANING = frozenset(OWN_MEANING)


class _Footnotes:
    """Each footnote Span of a page's footnote area -> a Note, right after its calling
    Link."""

    def __init__(self, tree):
        self.tree = tree
        names = tree.pdf.Root.get('/Names', {}).get('/Dests')
        self.destinations = pikepdf.NameTree(names) if names is not None else None

    def destination_page(self, name):
        if self.destinations is None or name not in self.destinations:
            return None
        destination = self.destinations.get(name)
        if isinstance(destination, Dictionary):
            destination = destination.get('/D')
        return destination[0] if isinstance(destination, Array) else None

    def calls(self, prefix, elements):
        """{page objgen: [(link element, destination name)]} of the links to a note, in
        reading order."""
        calls = {}
        for element in elements:
            if element.kind != 'Link':
                continue
            for kid in element.kids:
                if type(kid) is not int and type(kid) is not _Element and \
                        isinstance(kid, Dictionary) and kid.get('/Type') == '/OBJR':
                    name = kid.Obj.get('/Dest')
                    if isinstance(name, String) and str(name).startswith(prefix):
                        page = self.destination_page(str(name))
                        if page is not None:
                            calls.setdefault(page.objgen, []).append((element, str(name)))
        return calls

    def make_notes(self, prefix, elements):
        calls = self.calls(prefix, elements)
        tree = self.tree
        for area in tree.top():
            spans = area.element_kids()
            if area.kind != 'NonStruct' or not spans or \
                    any(span.kind != 'Span' for span in spans):
                continue
            page = spans[0].page
            page_calls = calls.get(page.objgen, []) if page is not None else []
            if len(page_calls) != len(spans):
                continue        # not a footnote area, or one we cannot match: left as it is
            for span, (link, name) in zip(spans, page_calls):
                span.obj.S = Name.Note
                span.obj.ID = String(name)
                span.kind = 'Note'
                parent = link.parent
                siblings = list(parent.kids)
                index = next(i for i, kid in enumerate(siblings) if kid is link)
                siblings.insert(index + 1, span)
                parent.set_kids(siblings)
                span.obj.P = parent.obj
                span.parent = parent
            tree.document.remove(area)


def scope_headers(elements):
    """Each TH gets `/Scope`: `Column` in a header row or a row of headers only, `Row`
    otherwise."""
    for row in elements:
        if row.kind != 'TR':
            continue
        cells = row.element_kids()
        all_headers = all(cell.kind == 'TH' for cell in cells)
        for cell in cells:
            if cell.kind != 'TH':
                continue
            scope = 'Column' if row.parent.kind == 'THead' or all_headers else 'Row'
            attributes = cell.obj.get('/A')
            if not isinstance(attributes, Dictionary):
                attributes = cell.obj.A = Dictionary(O=Name.Table)
            attributes.Scope = Name('/' + scope)


class _Decorations:
    """A Figure without alternative text -> its content an Artifact, the element gone."""

    def __init__(self, tree):
        self.tree = tree

    def to_artifacts(self, elements):
        decorative = [element for element in elements
                      if element.kind == 'Figure' and not str(element.obj.get('/Alt', ''))]
        for element in decorative:
            marks = [kid for kid in element.kids if type(kid) is int]
            page = element.page
            if page is None or not marks or element.element_kids():
                continue
            if self.mark_as_artifact(pikepdf.Page(page), set(marks)):
                element.parent.remove(element)

    def mark_as_artifact(self, page, mcids):
        """Turn the marked content `mcids` of a page's content into Artifact sections."""
        instructions = pikepdf.parse_content_stream(page)
        changed = 0
        rewritten = []
        for operands, operator in instructions:
            if str(operator) == 'BDC' and len(operands) == 2 and \
                    isinstance(operands[1], Dictionary) and \
                    int(operands[1].get('/MCID', -1)) in mcids:
                rewritten.append(pikepdf.ContentStreamInstruction(
                    [Name.Artifact], pikepdf.Operator('BMC')))
                changed += 1
            else:
                rewritten.append(pikepdf.ContentStreamInstruction(operands, operator))
        if changed != len(mcids):
            return False
        page.obj.Contents = self.tree.pdf.make_stream(pikepdf.unparse_content_stream(rewritten))
        return True


class _Folder:
    """Folds Span/NonStruct kids without meaning of their own into their block parent."""

    def fold(self, element, inside_block):
        """Fold `element`'s subtree; returns its new kids.

        An image inline in a figure sits on a line of its own, whose white space WeasyPrint
        tags as a Span beside the Figure: that goes into the Figure, which a reader meets by
        its alternative text.
        """
        kind = element.kind
        inside_block = inside_block or kind in TEXT_BLOCKS or kind == 'Link'
        kids = element.kids
        if not inside_block:
            typed = element.element_kids()
            figures = [kid for kid in typed if kid.kind == 'Figure']
            if len(figures) == 1 and all(
                    kid.kind in MEANINGLESS and not kid.own_meaning()
                    and not kid.element_kids()
                    for kid in typed if kid is not figures[0]):
                kids = self.move_into_figure(element, kids, figures[0])
        new_kids = []
        changed = False
        for kid in kids:
            if type(kid) is not _Element:
                new_kids.append(kid)
                continue
            grandchildren = self.fold(kid, inside_block)
            if kid.kind in MEANINGLESS and not grandchildren:
                changed = True  # left empty (a footnote's place in the line, a decoration)
                continue
            if inside_block and kid.kind in MEANINGLESS and not kid.own_meaning():
                new_kids.extend(self.adopt(element, kid, grandchildren))
                changed = True
            else:
                new_kids.append(kid)
        element.set_kids(new_kids, same=not changed)
        return new_kids

    def move_into_figure(self, element, kids, figure):
        """The meaningless siblings' content into the figure; returns `element`'s kids
        left."""
        left = []
        for kid in kids:
            if type(kid) is _Element and kid is not figure:
                figure.set_kids([*figure.kids, *self.adopt(figure, kid, kid.kids)])
            else:
                left.append(kid)
        element.set_kids(left)
        return left

    @staticmethod
    def adopt(element, kid, grandchildren):
        """The kids of `kid`, made kids of `element` (marked content keeps its own page)."""
        adopted = []
        same_page = None
        for grandchild in grandchildren:
            if type(grandchild) is int:
                if same_page is None:
                    same_page = _same(kid.page, element.page)
                if not same_page:
                    grandchild = Dictionary(Type=Name.MCR, Pg=kid.obj.Pg, MCID=grandchild)
            elif type(grandchild) is _Element:
                grandchild.obj.P = element.obj
                grandchild.parent = element
            adopted.append(grandchild)
        return adopted


def rebuild_parent_tree(tree, elements):
    """Map each marked content and annotation back to the element that now holds it."""
    marks = {}          # page objgen -> {mcid: element}
    annotations = {}    # struct parent key -> element
    for element in elements:
        if element is tree.document:
            continue
        obj = element.obj
        page = element.page
        on_page = marks.setdefault(page.objgen, {}) if page is not None else None
        for kid in element.kids:
            kid_type = type(kid)
            if kid_type is int:
                if on_page is not None:
                    on_page[kid] = obj
            elif kid_type is not _Element and isinstance(kid, Dictionary):
                kid_type = kid.get('/Type')
                if kid_type == '/MCR':
                    marks.setdefault(kid.Pg.objgen, {})[int(kid.MCID)] = obj
                elif kid_type == '/OBJR' and '/StructParent' in kid.Obj:
                    annotations[int(kid.Obj.StructParent)] = obj
    # Built as a Python list and converted once: growing a pikepdf Array item by item
    # took most of the repair's time.
    nums = []
    for page in tree.pdf.pages:
        if '/StructParents' not in page.obj:
            continue
        on_page = marks.get(page.obj.objgen, {})
        size = max(on_page, default=-1) + 1
        nums += [int(page.obj.StructParents),
                 Array([on_page.get(mcid, None) for mcid in range(size)])]
    for key in sorted(annotations):
        nums += [key, annotations[key]]
    tree.root.ParentTree = tree.pdf.make_indirect(Dictionary(Nums=Array(nums)))


def rebuild_id_tree(tree, elements):
    ids = {str(element.obj.ID): element.obj for element in elements if '/ID' in element.obj}
    if ids:
        names = Array()
        for key in sorted(ids):
            names.extend([String(key), ids[key]])
        tree.root.IDTree = tree.pdf.make_indirect(Dictionary(Names=names))
