"""The structure tree of a tagged PDF: what WeasyPrint 70 writes, repaired, then checked.

WeasyPrint tags each HTML element it knows and every line of text, but a screen reader
needs more than it writes (see `repair`). We post-process its PDF with pikepdf rather
than patch WeasyPrint: its tagging code is private, while the structure tree is a
documented part of PDF (ISO 32000-1, section 14.7-14.8; PDF/UA-1).

`problems` checks a built PDF the way a screen reader meets it; `release` reports it per
language and the tests run it on every PDF they build.
"""
import io
import os
import re
from collections import Counter
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, String

#: Elements that hold text as a reader meets it: a paragraph, heading, list label or body,
#: table cell, caption, note, link or figure. Text whose nearest such ancestor is missing
#: (under Span, NonStruct, Div, Sect, Part, Art or the Document only) is read as loose runs.
TEXT_BLOCKS = {'P', 'H', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'LI', 'Lbl', 'LBody', 'TH', 'TD',
               'Caption', 'Note', 'Figure', 'Formula', 'TOCI', 'Quote', 'Code'}
#: Inline elements with no meaning of their own, which WeasyPrint writes for every line of
#: text (`Span`) and for `em`, `strong`, `sup`... (`NonStruct`).
MEANINGLESS = {'Span', 'NonStruct'}
#: Keys that give a structure element a meaning of its own: one that has any is kept.
OWN_MEANING = ('/A', '/Alt', '/ActualText', '/E', '/Lang', '/ID', '/C', '/T')
HEADING = re.compile(r'H([1-6])$')


def _type(element):
    return str(element.get('/S', ''))[1:]


def _is_element(kid):
    return isinstance(kid, Dictionary) and '/S' in kid


def _kids(element):
    """The kids of a structure element as a list (K may be one object or an array)."""
    kids = element.get('/K')
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _same(a, b):
    return a is not None and b is not None and a.objgen == b.objgen


# -- repairing WeasyPrint's tree ---------------------------------------------------------

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
        root = pdf.Root.get('/StructTreeRoot')
        if root is None:
            return pdf_bytes
        tree = _Tree(pdf)
        # One walk serves the three repairs before folding (none moves what another
        # looks for), one the two trees after it: each walk reads thousands of objects.
        elements = list(tree.walk())
        tree.make_notes(note_prefix, elements)
        tree.scope_headers(elements)
        tree.decorations_to_artifacts(elements)
        for element in tree.top:
            tree.fold(element, inside_block=False)
        elements = list(tree.walk())
        tree.rebuild_parent_tree(elements)
        tree.rebuild_id_tree(elements)
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


class _Tree:
    def __init__(self, pdf):
        self.pdf = pdf
        self.root = pdf.Root.StructTreeRoot
        self.document = _kids(self.root)[0]
        self.pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}

    @property
    def top(self):
        return [kid for kid in _kids(self.document) if _is_element(kid)]

    def walk(self):
        """(element, parent) of every structure element, in reading order."""
        stack = [(self.document, None)]
        while stack:
            element, parent = stack.pop()
            yield element, parent
            stack.extend((kid, element) for kid in reversed(_kids(element)) if _is_element(kid))

    # Footnotes -------------------------------------------------------------------------

    def destination_page(self, name):
        names = self.pdf.Root.get('/Names', {}).get('/Dests')
        if names is None:
            return None
        tree = pikepdf.NameTree(names)
        destination = tree.get(name) if name in tree else None
        if isinstance(destination, Dictionary):
            destination = destination.get('/D')
        return destination[0] if isinstance(destination, Array) else None

    def make_notes(self, prefix, elements):
        """Each footnote Span of a page's footnote area -> Note, after its calling Link."""
        calls = {}          # page objgen -> [(link element, its parent, destination name)]
        for element, parent in elements:
            if _type(element) != 'Link':
                continue
            for kid in _kids(element):
                if isinstance(kid, Dictionary) and kid.get('/Type') == '/OBJR':
                    name = kid.Obj.get('/Dest')
                    if isinstance(name, String) and str(name).startswith(prefix):
                        page = self.destination_page(str(name))
                        if page is not None:
                            calls.setdefault(page.objgen, []).append((element, parent, str(name)))
        for area in self.top:
            spans = [kid for kid in _kids(area) if _is_element(kid)]
            if _type(area) != 'NonStruct' or not spans or \
                    any(_type(span) != 'Span' for span in spans):
                continue
            page = spans[0].get('/Pg')
            page_calls = calls.get(page.objgen, []) if page is not None else []
            if len(page_calls) != len(spans):
                continue        # not a footnote area, or one we cannot match: left as it is
            for span, (link, parent, name) in zip(spans, page_calls):
                span.S = Name.Note
                span.ID = String(name)
                siblings = _kids(parent)
                index = next(i for i, kid in enumerate(siblings) if _same(kid, link))
                siblings.insert(index + 1, span)
                parent.K = Array(siblings)
                span.P = parent
            self.remove(area, self.document)

    def remove(self, element, parent):
        parent.K = Array([kid for kid in _kids(parent) if not _same(kid, element)])

    # Tables ----------------------------------------------------------------------------

    def scope_headers(self, elements):
        for row, section in ((element, parent) for element, parent in elements
                             if _type(element) == 'TR'):
            cells = [kid for kid in _kids(row) if _is_element(kid)]
            all_headers = all(_type(cell) == 'TH' for cell in cells)
            for cell in cells:
                if _type(cell) != 'TH':
                    continue
                scope = 'Column' if _type(section) == 'THead' or all_headers else 'Row'
                attributes = cell.get('/A')
                if not isinstance(attributes, Dictionary):
                    attributes = cell.A = Dictionary(O=Name.Table)
                attributes.Scope = Name('/' + scope)

    # Decorative images -----------------------------------------------------------------

    def decorations_to_artifacts(self, elements):
        decorative = [(element, parent) for element, parent in elements
                      if _type(element) == 'Figure' and not str(element.get('/Alt', ''))]
        for element, parent in decorative:
            marks = [kid for kid in _kids(element) if isinstance(kid, int)]
            page = element.get('/Pg')
            if page is None or not marks or \
                    any(_is_element(kid) for kid in _kids(element)):
                continue
            if self.mark_as_artifact(pikepdf.Page(page), set(marks)):
                self.remove(element, parent)

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
        page.obj.Contents = self.pdf.make_stream(pikepdf.unparse_content_stream(rewritten))
        return True

    # Folding meaningless inline elements ------------------------------------------------

    def fold(self, element, inside_block):
        """Fold Span/NonStruct kids without meaning of their own into their block parent.

        An image inline in a figure sits on a line of its own, whose white space WeasyPrint
        tags as a Span beside the Figure: that goes into the Figure, which a reader meets by
        its alternative text.
        """
        inside_block = inside_block or _type(element) in TEXT_BLOCKS or _type(element) == 'Link'
        if not inside_block:
            figures = [kid for kid in _kids(element) if _is_element(kid) and _type(kid) == 'Figure']
            if len(figures) == 1 and all(
                    _type(kid) in MEANINGLESS and not any(key in kid for key in OWN_MEANING)
                    and not any(_is_element(grandchild) for grandchild in _kids(kid))
                    for kid in _kids(element) if _is_element(kid) and kid is not figures[0]
                    and not _same(kid, figures[0])):
                self.move_into_figure(element, figures[0])
        kids = []
        for kid in _kids(element):
            if not _is_element(kid):
                kids.append(kid)
                continue
            self.fold(kid, inside_block)
            if _type(kid) in MEANINGLESS and not _kids(kid):
                continue        # left empty (a footnote's place in the line, a decoration)
            if inside_block and _type(kid) in MEANINGLESS and \
                    not any(key in kid for key in OWN_MEANING):
                kids.extend(self.adopt(element, kid))
            else:
                kids.append(kid)
        element.K = Array(kids)

    def move_into_figure(self, element, figure):
        kids = []
        for kid in _kids(element):
            if _is_element(kid) and not _same(kid, figure):
                figure.K = Array([*_kids(figure), *self.adopt(figure, kid)])
            else:
                kids.append(kid)
        element.K = Array(kids)

    def adopt(self, element, kid):
        """The kids of `kid`, made kids of `element` (marked content keeps its page)."""
        adopted = []
        for grandchild in _kids(kid):
            if isinstance(grandchild, int) and not _same(kid.get('/Pg'), element.get('/Pg')):
                grandchild = Dictionary(Type=Name.MCR, Pg=kid.Pg, MCID=grandchild)
            elif _is_element(grandchild):
                grandchild.P = element
            adopted.append(grandchild)
        return adopted

    # Parent tree and ID tree ------------------------------------------------------------

    def rebuild_parent_tree(self, elements):
        """Map each marked content and annotation back to the element that now holds it."""
        marks = {}          # page objgen -> {mcid: element}
        annotations = {}    # struct parent key -> element
        for element, _ in elements:
            if element is self.document:
                continue
            page = element.get('/Pg')
            for kid in _kids(element):
                if isinstance(kid, int) and page is not None:
                    marks.setdefault(page.objgen, {})[int(kid)] = element
                elif isinstance(kid, Dictionary) and kid.get('/Type') == '/MCR':
                    marks.setdefault(kid.Pg.objgen, {})[int(kid.MCID)] = element
                elif isinstance(kid, Dictionary) and kid.get('/Type') == '/OBJR':
                    if '/StructParent' in kid.Obj:
                        annotations[int(kid.Obj.StructParent)] = element
        # Built as a Python list and converted once: growing a pikepdf Array item by item
        # took most of the repair's time.
        nums = []
        for page in self.pdf.pages:
            if '/StructParents' not in page.obj:
                continue
            on_page = marks.get(page.obj.objgen, {})
            size = max(on_page, default=-1) + 1
            nums += [int(page.obj.StructParents),
                     Array([on_page.get(mcid, None) for mcid in range(size)])]
        for key in sorted(annotations):
            nums += [key, annotations[key]]
        self.root.ParentTree = self.pdf.make_indirect(Dictionary(Nums=Array(nums)))

    def rebuild_id_tree(self, elements):
        ids = {str(element.ID): element for element, _ in elements if '/ID' in element}
        if ids:
            names = Array()
            for key in sorted(ids):
                names.extend([String(key), ids[key]])
            self.root.IDTree = self.pdf.make_indirect(Dictionary(Names=names))


# -- checking ------------------------------------------------------------------------

@dataclass
class Structure:
    """What a reader of the PDF meets, read from its structure tree."""

    counts: Counter = field(default_factory=Counter)
    headings: list = field(default_factory=list)      # levels in reading order
    loose_text: list = field(default_factory=list)    # paths of text outside any block
    figures: list = field(default_factory=list)       # /Alt of each Figure ('' if none)
    notes: list = field(default_factory=list)         # (ID, called by a Link just before it)
    header_scopes: list = field(default_factory=list) # /Scope of each TH ('' if none)
    order: list = field(default_factory=list)         # (page, mcid) of text outside notes
    language: str = ''
    title: str = ''
    display_title: bool = False
    marked: bool = False


def read_structure(path):
    """The `Structure` of a PDF file."""
    with pikepdf.open(path) as pdf:
        structure = Structure()
        structure.language = str(pdf.Root.get('/Lang', ''))
        structure.title = str(pdf.docinfo.get('/Title', ''))
        preferences = pdf.Root.get('/ViewerPreferences', {})
        structure.display_title = bool(preferences.get('/DisplayDocTitle', False))
        structure.marked = bool(pdf.Root.get('/MarkInfo', {}).get('/Marked', False))
        root = pdf.Root.get('/StructTreeRoot')
        if root is None:
            return structure
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, 1)}
        _read(root, [], structure, pages)
        return structure


def _read(element, path, structure, pages):
    kind = _type(element) if element.get('/Type') != '/StructTreeRoot' else ''
    if kind:
        path = [*path, kind]
        structure.counts[kind] += 1
        if match := HEADING.match(kind):
            structure.headings.append(int(match.group(1)))
        elif kind == 'Figure':
            structure.figures.append(str(element.get('/Alt', '')))
        elif kind == 'TH':
            attributes = element.get('/A')
            structure.header_scopes.append(str(attributes.get('/Scope', ''))[1:]
                                           if isinstance(attributes, Dictionary) else '')
    previous = None
    for kid in _kids(element):
        if _is_element(kid):
            if _type(kid) == 'Note':
                structure.notes.append((str(kid.get('/ID', '')), _calls(previous, kid)))
            _read(kid, path, structure, pages)
            previous = kid
            continue
        if isinstance(kid, int):
            page, mcid = element.get('/Pg'), kid
        elif isinstance(kid, Dictionary) and kid.get('/Type') == '/MCR':
            page, mcid = kid.Pg, int(kid.MCID)
        else:
            continue
        if kind and not TEXT_BLOCKS.intersection(path) and 'Link' not in path:
            structure.loose_text.append('/'.join(path))
        if not {'Note', 'Lbl', 'Figure', 'Caption'}.intersection(path) and page is not None:
            structure.order.append((pages.get(page.objgen), mcid))


def _calls(link, note):
    """Whether `link` is a Link whose annotation goes to the note's ID."""
    if link is None or _type(link) != 'Link' or '/ID' not in note:
        return False
    return any(isinstance(kid, Dictionary) and kid.get('/Type') == '/OBJR'
               and str(kid.Obj.get('/Dest', '')) == str(note.ID) for kid in _kids(link))


def problems(path, language, notes=None):
    """What a screen reader would miss in a PDF: one line per problem, none if it is right.

    `notes`: how many footnotes the document cites, if known.
    """
    structure = read_structure(path)
    found = []
    if not structure.marked or not structure.counts:
        return ['not a tagged PDF (no structure tree)']
    if structure.language != language:
        found.append(f'document language is "{structure.language}", not "{language}"')
    if not structure.title or not structure.display_title:
        found.append('the title bar does not show the document title (Title, DisplayDocTitle)')
    if structure.loose_text:
        found.append(f'{len(structure.loose_text)} pieces of text are outside any paragraph, '
                     f'heading, list, table or note, e.g. {Counter(structure.loose_text).most_common(1)[0][0]}')
    if structure.counts['P'] == 0:
        found.append('no paragraph is tagged P')
    previous = 0
    for level in structure.headings:
        if level > previous + 1:
            found.append(f'heading levels jump from H{previous} to H{level}')
            break
        previous = level
    unscoped = structure.header_scopes.count('')
    if unscoped:
        found.append(f'{unscoped} table header cells (TH) have no /Scope')
    missing_alt = sum(1 for alt in structure.figures if not alt.strip())
    if missing_alt:
        found.append(f'{missing_alt} figures have no alternative text (/Alt)')
    # WeasyPrint draws each page's text in the order of the document: the tree must meet it
    # in the same order (notes aside, which follow their call, not the foot of the page,
    # list labels and images, which WeasyPrint draws after the text, and figure captions,
    # which a figure floated into the margin has drawn before the text of its page).
    drawn = {}
    for page, mcid in structure.order:
        if mcid < drawn.get(page, -1):
            found.append(f'page {page}: the structure tree does not read in the order of the text')
            break
        drawn[page] = mcid
    unlinked = [note_id or '(no ID)' for note_id, called in structure.notes if not called]
    if unlinked:
        found.append(f'notes not linked from their reference: {", ".join(unlinked)}')
    if notes is not None and len(structure.notes) != notes:
        found.append(f'{len(structure.notes)} notes tagged Note, but {notes} footnotes cited')
    return found


def check_file(path, language):
    """`problems` of a built PDF, each naming the file (for `release`)."""
    shown = os.path.relpath(path)
    return [f'{shown}: {problem}' for problem in problems(path, language)]
