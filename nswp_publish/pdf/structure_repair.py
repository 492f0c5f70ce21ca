"""Repairing the structure tree WeasyPrint 70 writes, for screen readers (pikepdf).

WeasyPrint tags each HTML element it knows and every line of text, but leaves out what
`repair` adds. Each repair is a part of its own below: the footnotes, the table headers,
the decorative images, the folding of meaningless inline elements, and the two indexes
(parent tree, ID tree) rebuilt after them. `structure` reads and checks the result.

The repair runs once per PDF, in the process that laid it out, and must cost little
beside the layout (under 5% of it: `benchmarks/bench_build.py` measures it). Every call
into pikepdf crosses into C++ and wraps a new Python object, so each element's type and
kids are read once per walk and handed on, rather than asked for again by each part.
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
        # One walk serves the three repairs before folding (none moves what another
        # looks for), one the two indexes after it; neither reads an element twice.
        elements = tree.walk()
        _Footnotes(tree).make_notes(note_prefix, elements)
        scope_headers(elements)
        _Decorations(tree).to_artifacts(elements)
        folder = _Folder(tree)
        for element in tree.top():
            folder.fold(element, tree.kind(element), inside_block=False)
        elements = tree.walk()
        rebuild_parent_tree(tree, elements)
        rebuild_id_tree(tree, elements)
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


class _StructTree:
    """The tree under the Document element, as the parts below read and change it.

    What a walk reads of each element (its type, its kids) is kept, by the id of the
    element's Python object (kept alive with it), and every change of kids goes through
    `set_kids`: a part that meets the same object again reads nothing from the PDF. An
    element met through another object (pikepdf makes one per access) is read from the
    PDF, which is always right, only slower.
    """

    def __init__(self, pdf):
        self.pdf = pdf
        self.root = pdf.Root.StructTreeRoot
        self.document = kids_of(self.root)[0]
        self.read = {}      # id(element) -> (element, kind, kids, whether K was an array)

    def kind(self, element):
        entry = self.read.get(id(element))
        return entry[1] if entry is not None and entry[0] is element else element_type(element)

    def kids(self, element):
        entry = self.read.get(id(element))
        return entry[2] if entry is not None and entry[0] is element else kids_of(element)

    def set_kids(self, element, kids):
        """Give `element` these kids, unless they are the ones it has (as an array)."""
        entry = self.read.get(id(element))
        if entry is not None and entry[0] is element and entry[3] and \
                len(entry[2]) == len(kids) and all(a is b for a, b in zip(entry[2], kids)):
            return
        element.K = Array(kids)
        self.read[id(element)] = (element, self.kind(element), kids, True)

    def top(self):
        return [kid for kid in self.kids(self.document) if is_element(kid)]

    def walk(self):
        """[(element, parent, its type, its kids)] of every structure element, in reading
        order."""
        found = []
        stack = [(self.document, None)]
        while stack:
            element, parent = stack.pop()
            entry = self.read.get(id(element))
            if entry is None or entry[0] is not element:
                k = element.get('/K')
                is_array = isinstance(k, Array)
                kids = list(k) if is_array else [] if k is None else [k]
                entry = self.read[id(element)] = (element, element_type(element), kids, is_array)
            kids = entry[2]
            found.append((element, parent, entry[1], kids))
            stack.extend((kid, element) for kid in reversed(kids) if is_element(kid))
        return found

    def remove(self, element, parent):
        self.set_kids(parent, [kid for kid in self.kids(parent) if not _same(kid, element)])


def _same(a, b):
    return a is not None and b is not None and a.objgen == b.objgen


_OWN_MEANING = frozenset(OWN_MEANING)


def _own_meaning(element):
    return not _OWN_MEANING.isdisjoint(element.keys())


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
        """{page objgen: [(link element, its parent, destination name)]} of the links
        to a note, in reading order."""
        calls = {}
        for element, parent, kind, kids in elements:
            if kind != 'Link':
                continue
            for kid in kids:
                if isinstance(kid, Dictionary) and kid.get('/Type') == '/OBJR':
                    name = kid.Obj.get('/Dest')
                    if isinstance(name, String) and str(name).startswith(prefix):
                        page = self.destination_page(str(name))
                        if page is not None:
                            calls.setdefault(page.objgen, []).append((element, parent, str(name)))
        return calls

    def make_notes(self, prefix, elements):
        calls = self.calls(prefix, elements)
        tree = self.tree
        for area in tree.top():
            spans = [kid for kid in kids_of(area) if is_element(kid)]
            if element_type(area) != 'NonStruct' or not spans or \
                    any(element_type(span) != 'Span' for span in spans):
                continue
            page = spans[0].get('/Pg')
            page_calls = calls.get(page.objgen, []) if page is not None else []
            if len(page_calls) != len(spans):
                continue        # not a footnote area, or one we cannot match: left as it is
            for span, (link, parent, name) in zip(spans, page_calls):
                span.S = Name.Note
                span.ID = String(name)
                siblings = list(tree.kids(parent))
                index = next(i for i, kid in enumerate(siblings) if _same(kid, link))
                siblings.insert(index + 1, span)
                tree.set_kids(parent, siblings)
                span.P = parent
            tree.remove(area, tree.document)


def scope_headers(elements):
    """Each TH gets `/Scope`: `Column` in a header row or a row of headers only, `Row`
    otherwise."""
    for row, section, kind, kids in elements:
        if kind != 'TR':
            continue
        cells = [(cell, element_type(cell)) for cell in kids if is_element(cell)]
        all_headers = all(cell_kind == 'TH' for _, cell_kind in cells)
        for cell, cell_kind in cells:
            if cell_kind != 'TH':
                continue
            scope = 'Column' if element_type(section) == 'THead' or all_headers else 'Row'
            attributes = cell.get('/A')
            if not isinstance(attributes, Dictionary):
                attributes = cell.A = Dictionary(O=Name.Table)
            attributes.Scope = Name('/' + scope)


class _Decorations:
    """A Figure without alternative text -> its content an Artifact, the element gone."""

    def __init__(self, tree):
        self.tree = tree

    def to_artifacts(self, elements):
        decorative = [(element, parent, kids) for element, parent, kind, kids in elements
                      if kind == 'Figure' and not str(element.get('/Alt', ''))]
        for element, parent, kids in decorative:
            marks = [kid for kid in kids if isinstance(kid, int)]
            page = element.get('/Pg')
            if page is None or not marks or any(is_element(kid) for kid in kids):
                continue
            if self.mark_as_artifact(pikepdf.Page(page), set(marks)):
                self.tree.remove(element, parent)

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

    def __init__(self, tree):
        self.tree = tree

    def fold(self, element, kind, inside_block):
        """Fold `element`'s subtree; returns its new kids.

        An image inline in a figure sits on a line of its own, whose white space WeasyPrint
        tags as a Span beside the Figure: that goes into the Figure, which a reader meets by
        its alternative text.
        """
        tree = self.tree
        inside_block = inside_block or kind in TEXT_BLOCKS or kind == 'Link'
        kids = tree.kids(element)
        if not inside_block:
            typed = [(kid, tree.kind(kid)) for kid in kids if is_element(kid)]
            figures = [kid for kid, kid_kind in typed if kid_kind == 'Figure']
            if len(figures) == 1 and all(
                    kid_kind in MEANINGLESS and not _own_meaning(kid)
                    and not any(is_element(grandchild) for grandchild in tree.kids(kid))
                    for kid, kid_kind in typed if kid is not figures[0]
                    and not _same(kid, figures[0])):
                kids = self.move_into_figure(element, kids, figures[0])
        new_kids = []
        page = None
        for kid in kids:
            if not is_element(kid):
                new_kids.append(kid)
                continue
            kid_kind = tree.kind(kid)
            grandchildren = self.fold(kid, kid_kind, inside_block)
            if kid_kind in MEANINGLESS and not grandchildren:
                continue        # left empty (a footnote's place in the line, a decoration)
            if inside_block and kid_kind in MEANINGLESS and not _own_meaning(kid):
                if page is None:
                    page = (element.get('/Pg'),)
                new_kids.extend(self.adopt(element, page[0], kid, grandchildren))
            else:
                new_kids.append(kid)
        tree.set_kids(element, new_kids)
        return new_kids

    def move_into_figure(self, element, kids, figure):
        """The meaningless siblings' content into the figure; returns `element`'s kids
        left."""
        tree = self.tree
        left = []
        for kid in kids:
            if is_element(kid) and not _same(kid, figure):
                tree.set_kids(figure, [*tree.kids(figure), *self.adopt(
                    figure, figure.get('/Pg'), kid, tree.kids(kid))])
            else:
                left.append(kid)
        tree.set_kids(element, left)
        return left

    @staticmethod
    def adopt(element, page, kid, grandchildren):
        """The kids of `kid`, made kids of `element` whose page is `page` (marked content
        keeps its own page)."""
        adopted = []
        kid_page = None
        for grandchild in grandchildren:
            if isinstance(grandchild, int):
                if kid_page is None:
                    kid_page = (kid.get('/Pg'),)
                if not _same(kid_page[0], page):
                    grandchild = Dictionary(Type=Name.MCR, Pg=kid.Pg, MCID=grandchild)
            elif is_element(grandchild):
                grandchild.P = element
            adopted.append(grandchild)
        return adopted


def rebuild_parent_tree(tree, elements):
    """Map each marked content and annotation back to the element that now holds it."""
    marks = {}          # page objgen -> {mcid: element}
    annotations = {}    # struct parent key -> element
    for element, _, _, kids in elements:
        if element is tree.document:
            continue
        page = element.get('/Pg')
        for kid in kids:
            if isinstance(kid, int):
                if page is not None:
                    marks.setdefault(page.objgen, {})[int(kid)] = element
            elif isinstance(kid, Dictionary):
                kid_type = kid.get('/Type')
                if kid_type == '/MCR':
                    marks.setdefault(kid.Pg.objgen, {})[int(kid.MCID)] = element
                elif kid_type == '/OBJR' and '/StructParent' in kid.Obj:
                    annotations[int(kid.Obj.StructParent)] = element
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
    ids = {str(element.ID): element for element, _, _, _ in elements if '/ID' in element}
    if ids:
        names = Array()
        for key in sorted(ids):
            names.extend([String(key), ids[key]])
        tree.root.IDTree = tree.pdf.make_indirect(Dictionary(Names=names))
