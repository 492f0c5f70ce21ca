"""`build.py import`: Word documents nobody here wrote, read into publications.

pandoc's own test documents (tests/data/docx/pandoc, with pandoc's expected ASTs) and
documents LibreOffice wrote (tests/data/docx/libreoffice); tests/data/docx/README.md says
where each comes from. What is read is checked against what the document holds; what is
written is loaded and built by the project itself; every refused input is one line and
leaves nothing behind.
"""
import importlib.util
import json
import re
import zipfile

import pytest
import yaml
from pypdf import PdfReader

from nswp_publish.cli import main as cli
from nswp_publish.content import markup
from nswp_publish.errors import DocumentError
from nswp_publish.wordimport.reading import read_docx

from conftest import LANGUAGES, ROOT, squeeze

DATA = ROOT / 'tests' / 'data' / 'docx'
PANDOC, LO, REFUSED = DATA / 'pandoc', DATA / 'libreoffice', DATA / 'refused'


def make_fixtures():
    spec = importlib.util.spec_from_file_location('make_fixtures', DATA / 'make_fixtures.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def native_texts(name):
    """The words of each Str run of pandoc's expected AST (a .native file), in order."""
    return ' '.join(re.findall(r'Str "((?:[^"\\]|\\.)*)"', (PANDOC / name).read_text()))


def blocks_of(doc, kind):
    found = []

    def visit(value):
        if isinstance(value, dict):
            if kind in value:
                found.append(value[kind])
            for item in value.values():
                visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)
    visit([chapter.blocks for chapter in doc.chapters])
    return found


def plain(text):
    return ' '.join(markup.render_plain(text).split())


@pytest.fixture
def project(empty_project):
    return empty_project


# -- reading: pandoc's documents --------------------------------------------------------

def test_nested_lists_keep_their_depth():
    doc = read_docx(PANDOC / 'lists.docx')
    lists = blocks_of(doc, 'bullets') + blocks_of(doc, 'numbered')
    nested = [item for found in lists for item in (found['items'] if isinstance(found, dict)
                                                   else found) if isinstance(item, dict)]
    assert nested, 'the nested lists are items with a list inside'
    depth = max(_depth(found) for found in lists)
    assert depth == 3                                       # pandoc's lists.native: 3 deep


def _depth(items):
    items = items['items'] if isinstance(items, dict) else items
    inner = [item.get('bullets', item.get('numbered')) for item in items
             if isinstance(item, dict)]
    return 1 + max((_depth(found) for found in inner), default=0)


def test_a_numbered_list_that_continues_keeps_its_number():
    doc = read_docx(PANDOC / 'lists_continuing.docx')
    starts = [found['start'] for found in blocks_of(doc, 'numbered') if isinstance(found, dict)]
    assert starts == [4]                # lists_continuing.native: OrderedList (4, ...)


def test_header_rows_and_merged_cells():
    doc = read_docx(PANDOC / 'table_header_rowspan.docx')
    tables = blocks_of(doc, 'table')
    assert any(isinstance(t['header'][0], list) and len(t['header']) == 2 for t in tables)
    cells = [cell for t in tables for row in t['rows'] + (
        t['header'] if isinstance(t['header'][0], list) else [t['header']]) for cell in row]
    assert any(isinstance(c, dict) and c.get('rowspan', 1) > 1 for c in cells)
    assert any(isinstance(c, dict) and c.get('colspan', 1) > 1 for c in cells)


def test_footnotes_and_endnotes():
    doc = read_docx(PANDOC / 'notes.docx')
    assert len(doc.footnotes) == 2
    text = ' '.join(plain(t) for t in doc.footnotes.values())
    assert 'My note.' in text and 'This is an endnote' in text      # notes.native
    assert any('became footnotes' in str(w) for w in doc.warnings)
    cited = ''.join(b for b in blocks_of(doc, 'p') if isinstance(b, str))
    assert all(f'[^{ident}]' in cited for ident in doc.footnotes)


def test_block_quotes():
    doc = read_docx(PANDOC / 'block_quotes.docx')
    assert len(blocks_of(doc, 'quote')) >= 2


def test_picture_with_its_alt_text():
    doc = read_docx(PANDOC / 'image.docx')
    (image,) = doc.images
    assert image.alt and image.data[:4] in (b'\x89PNG', b'\xff\xd8\xff\xe0', b'\xff\xd8\xff\xe1')
    assert blocks_of(doc, 'image')[0]['alt'] == image.alt


def test_bold_italic_superscript_subscript():
    doc = read_docx(PANDOC / 'inline_formatting.docx')
    text = ' '.join(b for b in blocks_of(doc, 'p') if isinstance(b, str))
    assert '**' in text and '*' in text.replace('**', '') and '^' in text and '~' in text
    assert any('underline' in str(w) for w in doc.warnings)     # no markup for it: said
    assert squeeze(' '.join(plain(t) for t in blocks_of(doc, 'p'))) == \
        squeeze(native_texts('inline_formatting.native'))


def test_bold_from_a_character_style_is_kept():
    doc = read_docx(PANDOC / 'char_styles.docx')
    assert any('**' in b or '*' in b for b in blocks_of(doc, 'p') if isinstance(b, str))


def test_links():
    doc = read_docx(PANDOC / 'links.docx')
    text = ' '.join(b for b in blocks_of(doc, 'p') if isinstance(b, str))
    assert re.search(r'\]\(https?://', text)


def test_title_author_from_paragraphs_and_properties():
    doc = read_docx(PANDOC / 'metadata.docx')
    assert doc.metadata['title'] and doc.metadata['author']
    props = read_docx(PANDOC / 'golden__document-properties.docx')
    assert props.metadata['subtitle']


def test_a_mapped_paragraph_style_becomes_a_box():
    """custom-style-with-styles.native: "My Block Style" (based on Block Text) holds one
    paragraph; mapped, it is a box of that kind (matched whatever the case)."""
    doc = read_docx(PANDOC / 'custom-style-reference.docx',
                    styles_to_kinds={'my block style': 'aside'})
    (box,) = blocks_of(doc, 'box')
    assert box['kind'] == 'aside' and doc.box_kinds == {'aside': 'My Block Style'}
    assert plain(box['blocks'][0]['quote']['text']) == \
        'Here is a styled paragraph that inherits from Block Text.'
    assert not blocks_of(read_docx(PANDOC / 'custom-style-reference.docx'), 'box')


def test_tracked_changes_are_refused_unless_decided():
    with pytest.raises(DocumentError) as error:
        read_docx(PANDOC / 'track_changes_insertion.docx')
    assert 'tracked change' in str(error.value) and '--changes accept' in str(error.value)
    accepted = read_docx(PANDOC / 'track_changes_insertion.docx', changes='accept')
    rejected = read_docx(PANDOC / 'track_changes_insertion.docx', changes='reject')
    words = lambda doc: squeeze(' '.join(plain(t) for t in blocks_of(doc, 'p')))   # noqa: E731
    assert words(accepted) == squeeze(native_texts('track_changes_insertion_accept.native'))
    assert words(rejected) == squeeze(native_texts('track_changes_insertion_reject.native'))


def test_comments_are_warnings_with_author_and_anchor():
    doc = read_docx(PANDOC / 'comments.docx')
    comments = [str(w) for w in doc.warnings if w.kind == 'comment']
    assert len(comments) == len(doc.comments) >= 2
    assert all(re.search(r'comment by [^:]+ on “[^”]+”: \S', c) for c in comments)


@pytest.mark.parametrize('name', sorted(p.name for p in PANDOC.glob('*.docx')))
def test_every_pandoc_document_imports_and_loads(name, tmp_path):
    from nswp_publish.wordimport.reimport import import_into
    try:
        doc = read_docx(PANDOC / name, changes='accept')
    except DocumentError as error:
        assert 'no text to import' in str(error)
        return
    import_into(doc, tmp_path / 'content' / 'imported', LANGUAGES)   # loads it, or raises
    assert (tmp_path / 'content' / 'imported' / 'publication.yaml').exists()


# -- a document LibreOffice wrote, through the command --------------------------------

def test_libreoffice_document_imports_builds_at_once_in_every_language(project, capsys):
    assert cli.main(['import', str(LO / 'lo-rich.docx'), '--pub', 'rich',
                     '--style', 'Case study=case-study']) == 0
    out = capsys.readouterr().err
    assert re.search(r'WARNING: lo-rich\.docx: paragraph \d+ \(after heading .Findings.*'
                     r'“Sidebar note” is not in word_styles', out)
    folder = project / 'content' / 'rich'
    meta = yaml.safe_load((folder / 'publication.yaml').read_text())
    assert meta['title'] == 'Listening to members' and meta['word_styles'] == {
        'Case study': 'case-study'}
    assert meta['languages'] == list(LANGUAGES)
    findings = yaml.safe_load((folder / 'findings.yaml').read_text())
    box = next(b['box'] for b in findings['blocks'] if 'box' in b)
    assert box['kind'] == 'case-study' and box['title'] == 'Consulting members beyond the review'
    intro = (folder / 'introduction.yaml').read_text()
    assert 'H~2~O and 10^3^' in intro and '{text: "Members", colspan: 2}' in intro
    for language in LANGUAGES:
        assert (project / 'locales' / language / 'LC_MESSAGES' / 'rich.po').exists() \
            or language == 'en'
    assert cli.main(['--pub', 'rich', '--format', 'html']) == 0
    assert cli.main(['--pub', 'rich', '--format', 'pdf', '--lang', 'en']) == 0
    text = squeeze(''.join(page.extract_text() for page in PdfReader(
        project / 'output' / 'en' / 'nswp-rich-summary-en.pdf').pages))
    assert squeeze('The Consensus Statement was produced after an 18-month consultation.') in text
    state = json.loads((folder / 'import-state.json').read_text())
    assert state['source'] == 'lo-rich.docx' and 'findings.yaml' in state['files']


def test_a_picture_without_alt_text_imports_and_the_build_names_it(project, tmp_path, capsys):
    source = tmp_path / 'no-alt.docx'
    with zipfile.ZipFile(LO / 'lo-rich.docx') as original, \
            zipfile.ZipFile(source, 'w', zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == 'word/document.xml':
                data = re.sub(rb' descr="[^"]*"', b'', data)
            copy.writestr(info, data)
    assert cli.main(['import', str(source), '--pub', 'no-alt']) == 0
    out = capsys.readouterr().err
    assert re.search(r'WARNING: no-alt\.docx: paragraph \d+ \(after heading .Findings.\): the '
                     r'picture picture-\w+\.png has no alt text', out)
    assert re.search(r'catalogs were not updated: content/no-alt/findings\.yaml:\d+: image: '
                     'alt text is missing', out)
    assert (project / 'content' / 'no-alt' / 'findings.yaml').exists()
    assert cli.main(['--pub', 'no-alt', '--format', 'html', '--lang', 'en']) == 1
    error = capsys.readouterr().err
    assert re.search(r'content/no-alt/findings\.yaml:\d+: image: alt text is missing', error)


# -- refused inputs: one line, nothing written ------------------------------------------

@pytest.fixture(scope='module')
def bombs(tmp_path_factory):
    return make_fixtures().make_bombs(LO / 'lo-rich.docx', tmp_path_factory.mktemp('bombs'))


@pytest.mark.parametrize('source, expected', [
    (REFUSED / 'pdf-renamed.docx', 'is a PDF, not a Word document'),
    (REFUSED / 'word97-renamed.docx', 'old Word 97-2003 .doc'),
    (LO / 'lo-rich.doc', 'old Word 97-2003 .doc'),
    (REFUSED / 'truncated.docx', 'damaged'),
    ('zip-bomb.docx', 'unpacks to 300 MB, more than 200 MB'),
    ('zip-bomb-lying.docx', 'more than its parts declare'),
    (REFUSED / 'macro.docx', 'contains macros'),
    (LO / 'lo-rich-lo.docm', 'contains macros'),
    (REFUSED / 'external-image.docx', 'linked to an outside address '
                                      '(https://tracker.example.org/pixel.png)'),
    (LO / 'lo-changes.docx', 'tracked changes (first: insertion by Editor One'),
])
def test_refused_inputs_are_one_line_and_write_nothing(project, bombs, capsys, source,
                                                       expected):
    if isinstance(source, str):
        source = next(path for path in bombs if path.name == source)
    assert cli.main(['import', str(source), '--pub', 'refused']) == 1
    captured = capsys.readouterr()
    error = captured.err.strip()
    assert '\n' not in error and error.startswith(f'error: {source}: ') and expected in error
    assert error.endswith(')') and re.search(r' \((in Word|open it|save|import|accept|make)', error)
    assert not (project / 'content' / 'refused').exists()
    assert list((project / 'content').iterdir()) == []


def test_a_failed_reimport_leaves_the_publication_as_it_was(project, capsys):
    assert cli.main(['import', str(LO / 'lo-rich.docx'), '--pub', 'rich']) == 0
    folder = project / 'content' / 'rich'
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    for source in (REFUSED / 'truncated.docx', LO / 'lo-changes.docx'):
        assert cli.main(['import', str(source), '--pub', 'rich']) == 1
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in (project / 'content').iterdir()) == ['rich']


def test_comments_alone_do_not_refuse_and_are_listed(project, capsys):
    assert cli.main(['import', str(LO / 'lo-comment.docx'), '--pub', 'commented']) == 0
    out = capsys.readouterr().err
    assert re.search(r'WARNING: lo-comment\.docx: paragraph \d+ .*comment by Reviewer Four '
                     r'on “[^”]+”: ', out)


def test_tracked_changes_decided_on_the_command_line(project, capsys):
    assert cli.main(['import', str(LO / 'lo-changes.docx'), '--pub', 'changed',
                     '--changes', 'reject']) == 0
    out = capsys.readouterr().err
    assert 'tracked changes were rejected' in out and 'comment by Reviewer Three' in out
