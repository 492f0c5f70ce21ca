"""The structure tree of a tagged PDF: what WeasyPrint 70 writes, repaired, then checked.

WeasyPrint tags each HTML element it knows and every line of text, but a screen reader
needs more than it writes: `structure_repair` adds it. We post-process its PDF with pikepdf
rather than patch WeasyPrint: its tagging code is private, while the structure tree is a
documented part of PDF (ISO 32000-1, section 14.7-14.8; PDF/UA-1). This module holds what
both read (the kinds of elements, how to read an element's type and kids).

`problems` checks a built PDF the way a screen reader meets it; `release` reports it per
language and the tests run it on every PDF they build.
"""
import os
import re
from collections import Counter
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary

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


def element_type(element):
    return str(element.get('/S', ''))[1:]


def is_element(kid):
    return isinstance(kid, Dictionary) and '/S' in kid


def kids_of(element):
    """The kids of a structure element as a list (K may be one object or an array)."""
    kids = element.get('/K')
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


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
    kind = element_type(element) if element.get('/Type') != '/StructTreeRoot' else ''
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
    for kid in kids_of(element):
        if is_element(kid):
            if element_type(kid) == 'Note':
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
    if link is None or element_type(link) != 'Link' or '/ID' not in note:
        return False
    return any(isinstance(kid, Dictionary) and kid.get('/Type') == '/OBJR'
               and str(kid.Obj.get('/Dest', '')) == str(note.ID) for kid in kids_of(link))


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
