"""Re-importing a new version of a Word document: no translation is lost.

The new versions are LibreOffice's lo-rich.docx (tests/data/docx) edited as an author
edits in Word: a paragraph reworded, two paragraphs swapped, a new section inserted before
them; the edit is made in the document's own XML, so everything else stays as Word wrote it.
"""
import re
import zipfile

import pytest
import yaml

from nswp_publish.cli import main as cli
from nswp_publish.i18n.catalog import po_path, read_catalog
from nswp_publish.project import Project

from conftest import ROOT, set_translations

LO = ROOT / 'tests' / 'data' / 'docx' / 'libreoffice'
PARAGRAPH = re.compile(rb'<w:p[ >].*?</w:p>', re.DOTALL)
RUN_TEXT = re.compile(rb'(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)')

CHANGED_OLD = 'A paragraph in a style that nobody mapped.'
CHANGED_NEW = 'A paragraph in a style that nobody has mapped yet.'
SWAPPED = ('Plain text, ', 'Key words in the ')


def text_of(paragraph):
    return b''.join(m[2] for m in RUN_TEXT.finditer(paragraph)).decode()


def with_text(paragraph, text):
    """The paragraph with its first run holding `text`, its other runs emptied."""
    first = [True]

    def replace(match):
        value = text.encode() if first[0] else b''
        first[0] = False
        return match[1] + value + match[3]
    return RUN_TEXT.sub(replace, paragraph)


def edit_docx(target, reword=None, swap=False, insert=False):
    """lo-rich.docx with its document.xml edited: `reword` {old: new} paragraph texts,
    `swap` the first and third paragraphs of the Introduction, `insert` a Heading 2 and a
    paragraph (copies of the document's own) before them."""
    with zipfile.ZipFile(LO / 'lo-rich.docx') as original:
        xml = original.read('word/document.xml')
        paragraphs = {text_of(p): p for p in PARAGRAPH.findall(xml)}
        for old, new in (reword or {}).items():
            xml = xml.replace(paragraphs[old], with_text(paragraphs[old], new), 1)
        first, third = (next(p for text, p in paragraphs.items() if text.startswith(start))
                        for start in SWAPPED)
        if swap:
            xml = xml.replace(first, b'\0FIRST').replace(third, first).replace(b'\0FIRST',
                                                                                third)
        if insert:
            section = (with_text(paragraphs['Lists'], 'Background')
                       + with_text(paragraphs['The last paragraph.'],
                                   'A new paragraph before the others.'))
            at = min(xml.index(first), xml.index(third))
            xml = xml[:at] + section + xml[at:]
        with zipfile.ZipFile(target, 'w', zipfile.ZIP_DEFLATED) as copy:
            for info in original.infolist():
                copy.writestr(info, xml if info.filename == 'word/document.xml'
                              else original.read(info))
    return target


@pytest.fixture
def imported(empty_project, capsys):
    """lo-rich imported into an empty project, its French catalog all translated."""
    root = empty_project
    assert cli.main(['import', str(LO / 'lo-rich.docx'), '--pub', 'rich',
                     '--style', 'Case study=case-study']) == 0
    project = Project(root)
    catalog = read_catalog(po_path(project.locales_dir, 'fr', 'rich'), 'fr', 'rich')
    french = {m.id: f'FR {m.id}' for m in catalog if m.id}
    set_translations(project, 'fr', 'rich', french)
    capsys.readouterr()
    return project, french


def french_catalog(project):
    catalog = read_catalog(po_path(project.locales_dir, 'fr', 'rich'), 'fr', 'rich')
    return {m.id: m for m in catalog if m.id}


def test_reimport_keeps_every_translation_and_offers_the_changed_one_as_fuzzy(
        imported, tmp_path, capsys):
    project, french = imported
    version2 = edit_docx(tmp_path / 'lo-rich.docx', reword={CHANGED_OLD: CHANGED_NEW},
                         swap=True, insert=True)
    assert cli.main(['import', str(version2), '--pub', 'rich']) == 0
    out = capsys.readouterr().out
    assert 'since the last import: 2 paragraphs added, 1 changed, 0 removed, 0 pictures added' \
        in out
    assert '  added: “Background”' in out and '  added: “A new paragraph before the others.”' \
        in out
    assert f'  changed: “{CHANGED_OLD}”\n      now: “{CHANGED_NEW}”' in out
    intro = yaml.safe_load((project.content_dir / 'rich' / 'introduction.yaml').read_text())
    texts = [b.get('p') or b.get('heading') for b in intro['blocks'][:5]]
    assert texts[:2] == ['Background', 'A new paragraph before the others.']
    assert texts[2].startswith('Key words') and texts[4].startswith('Plain text')
    assert cli.main(['update', '--pub', 'rich', '--lang', 'fr']) == 0
    catalog = french_catalog(project)
    changed = catalog[CHANGED_NEW]
    assert changed.fuzzy and changed.string == f'FR {CHANGED_OLD}'
    assert changed.previous_id == [CHANGED_OLD]
    for text, translation in french.items():
        if text == CHANGED_OLD:
            continue
        assert catalog[text].string == translation and not catalog[text].fuzzy, text
    assert not catalog['Background'].string
    assert cli.main(['--pub', 'rich', '--format', 'html', '--lang', 'fr']) == 0


def test_reimport_of_the_same_document_changes_nothing(imported, capsys):
    project, _ = imported
    folder = project.content_dir / 'rich'
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != 'import-state.json'}
    assert cli.main(['import', str(LO / 'lo-rich.docx'), '--pub', 'rich']) == 0
    out = capsys.readouterr().out
    assert 'unchanged  (all)' in out and '0 paragraphs added, 0 changed, 0 removed' in out
    assert {p.name: p.read_bytes() for p in folder.iterdir()
            if p.name != 'import-state.json'} == before


def test_hand_edits_the_document_did_not_touch_are_kept(imported, tmp_path, capsys):
    project, _ = imported
    folder = project.content_dir / 'rich'
    meta_path, findings = folder / 'publication.yaml', folder / 'findings.yaml'
    meta_path.write_text(meta_path.read_text().replace(
        'short_title:\n  text: "Listening to members"', 'short_title:\n  text: "Members"'
    ).replace('    layout: short\n', '    layout: short\n    chapters: [findings.yaml]\n'))
    findings.write_text(findings.read_text() + '  - box:\n      kind: case-study\n'
                        '      blocks:\n        - p: "Added by hand."\n')
    hand = findings.read_bytes()
    version2 = edit_docx(tmp_path / 'lo-rich.docx', swap=True)      # Introduction only
    assert cli.main(['import', str(version2), '--pub', 'rich']) == 0
    assert re.search(r'kept \(edited by hand\)\s+content/rich/findings\.yaml',
                     capsys.readouterr().out)
    assert findings.read_bytes() == hand
    meta = yaml.safe_load(meta_path.read_text())
    assert meta['short_title'] == {'text': 'Members',
                                   'note': 'Running header of every inside page; keep it short.'}
    assert meta['editions']['summary']['chapters'] == ['findings.yaml']
    assert cli.main(['--pub', 'rich', '--format', 'html', '--lang', 'en']) == 0


def test_a_hand_edit_and_the_documents_change_to_one_file_are_merged(imported, tmp_path,
                                                                      capsys):
    project, french = imported
    folder = project.content_dir / 'rich'
    findings = folder / 'findings.yaml'
    findings.write_text(findings.read_text().replace('The last paragraph.',
                                                     'The last paragraph, edited here.')
                        + '  - box:\n      kind: case-study\n      blocks:\n'
                          '        - p: "Added by hand."\n')
    version2 = edit_docx(tmp_path / 'lo-rich.docx', reword={CHANGED_OLD: CHANGED_NEW})
    assert cli.main(['import', str(version2), '--pub', 'rich']) == 0
    assert re.search(r"merged \(your edits and the document's\)\s+content/rich/findings\.yaml",
                     capsys.readouterr().out)
    text = findings.read_text()
    assert CHANGED_NEW in text and CHANGED_OLD not in text                  # the document's
    assert 'The last paragraph, edited here.' in text and 'Added by hand.' in text   # yours
    catalog = french_catalog(project)
    assert catalog[CHANGED_NEW].fuzzy and catalog[CHANGED_NEW].string == french[CHANGED_OLD]
    assert cli.main(['--pub', 'rich', '--format', 'html', '--lang', 'en']) == 0
    # The next import merges against this document's version: your edits are still yours.
    assert cli.main(['import', str(version2), '--pub', 'rich']) == 0
    assert re.search(r'kept \(edited by hand\)\s+content/rich/findings\.yaml',
                     capsys.readouterr().out)
    assert findings.read_text() == text


def test_a_hand_edit_the_document_also_made_to_the_same_lines_stops_the_import(
        imported, tmp_path, capsys):
    project, _ = imported
    folder = project.content_dir / 'rich'
    findings = folder / 'findings.yaml'
    findings.write_text(findings.read_text().replace(CHANGED_OLD, 'Reworded here instead.'))
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    version2 = edit_docx(tmp_path / 'lo-rich.docx', reword={CHANGED_OLD: CHANGED_NEW})
    assert cli.main(['import', str(version2), '--pub', 'rich']) == 1
    error = capsys.readouterr().err.strip()
    assert '\n' not in error and 'edited by hand since the last import that the document ' \
        'changes too: findings.yaml' in error and '.import-conflicts' in error
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    assert CHANGED_NEW in (folder / '.import-conflicts' / 'findings.yaml').read_text()


def test_the_three_way_merge_takes_each_sides_change_and_refuses_a_clash():
    from nswp_publish.wordimport.reimport import merge_lines
    base = ['a\n', 'b\n', 'c\n', 'd\n', 'e\n']
    assert merge_lines(base, ['a\n', 'b\n', 'c\n', 'd\n', 'E\n'],
                       ['a\n', 'B\n', 'c\n', 'd\n', 'e\n']) == ['a\n', 'B\n', 'c\n', 'd\n', 'E\n']
    assert merge_lines(base, ['a\n', 'b\n', 'c\n', 'new\n', 'd\n', 'e\n'],
                       ['a\n', 'c\n', 'd\n', 'e\n']) == ['a\n', 'c\n', 'new\n', 'd\n', 'e\n']
    assert merge_lines(base, ['a\n', 'X\n', 'c\n', 'd\n', 'e\n'],
                       ['a\n', 'X\n', 'c\n', 'd\n', 'e\n']) == ['a\n', 'X\n', 'c\n', 'd\n', 'e\n']
    assert merge_lines(base, ['a\n', 'X\n', 'c\n', 'd\n', 'e\n'],
                       ['a\n', 'Y\n', 'c\n', 'd\n', 'e\n']) is None          # the same line
    assert merge_lines(base, [*base, 'mine\n'], [*base, 'theirs\n']) is None  # one place


def test_publication_yaml_is_merged_key_by_key(imported, tmp_path, capsys):
    project, _ = imported
    meta_path = project.content_dir / 'rich' / 'publication.yaml'
    meta_path.write_text(meta_path.read_text().replace('label: "Summary"', 'label: "Brief"'))
    retitled = edit_docx(tmp_path / 'lo-rich.docx',
                         reword={'Listening to members': 'Listening to our members'})
    assert cli.main(['import', str(retitled), '--pub', 'rich']) == 0
    meta = yaml.safe_load(meta_path.read_text())
    assert meta['title'] == 'Listening to our members'              # the document's change
    assert meta['editions']['summary']['label'] == 'Brief'           # and the hand edit
    meta_path.write_text(meta_path.read_text().replace('"Listening to our members"',
                                                       '"Listening to members, by hand"', 1))
    again = edit_docx(tmp_path / 'lo-rich-3.docx',
                      reword={'Listening to members': 'Listening to all members'})
    capsys.readouterr()
    assert cli.main(['import', str(again), '--pub', 'rich']) == 1
    assert 'publication.yaml (you and the document both changed title)' in \
        capsys.readouterr().err


def test_the_change_report_names_new_pictures(imported):
    from nswp_publish.content.revisions import read_state
    from nswp_publish.wordimport.reading import read_docx
    from nswp_publish.wordimport.reimport import change_report
    project, _ = imported
    state = read_state(project.content_dir / 'rich')
    doc = read_docx(LO / 'lo-rich.docx', styles_to_kinds={'Case study': 'case-study'})
    assert change_report(doc, state).images_added == []
    (picture,) = state['images']
    report = change_report(doc, {**state, 'images': []})
    assert report.images_added == [picture] and not report.added and not report.changed
