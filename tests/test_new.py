"""`build.py new`: a skeleton a non-programmer can follow, whose placeholders say what to
write, whose catalogs hold only what it declares, and which builds at once."""

import pytest
import yaml

from nswp_publish.cli import main as cli
from nswp_publish.i18n.catalog import po_path, pot_path, read_catalog
from nswp_publish.project import Project

from conftest import copy_languages, copy_project

SLUG = 'briefing-note-2027'
TITLE = 'Sex work and "the law": a note on Côte d\'Ivoire'


@pytest.fixture
def created(tmp_path, monkeypatch, capsys):
    root = tmp_path / 'project'
    copy_project(root, ('templates', 'locales'))
    (root / 'content').mkdir()
    monkeypatch.setattr(cli, 'ROOT', root)
    monkeypatch.chdir(root)                 # where people run it: paths print relative
    assert cli.main(['new', SLUG, '--title', TITLE]) == 0
    return Project(root), capsys.readouterr().out


def test_skeleton_has_marked_placeholders_not_copies_of_the_title(created):
    project, output = created
    folder = project.content_dir / SLUG
    meta = yaml.safe_load((folder / 'publication.yaml').read_text())
    assert meta['title'] == TITLE                      # quotes, colon and accents survive
    assert meta['short_title'] == 'Short title here'
    assert 'subtitle' not in meta                      # optional: offered as a comment only
    assert list(meta['editions']) == ['summary']
    chapter = (folder / 'introduction.yaml').read_text()
    assert TITLE not in chapter and 'Sex work' not in chapter
    assert yaml.safe_load(chapter)['blocks'][0] == {'p': 'Write your first paragraph here.'}
    # Every key is explained where it is written.
    assert (folder / 'publication.yaml').read_text().count('\n#') >= 8
    assert f'Next: replace the placeholder text in content/{SLUG}/publication.yaml' in output
    assert f'python3 build.py --pub {SLUG}' in output


def test_catalogs_hold_only_the_declared_editions(created):
    project, _ = created
    messages = {str(m.id) for m in read_catalog(pot_path(project.locales_dir, SLUG)) if m.id}
    assert {'Summary', 'Short title here', TITLE, 'Write your first paragraph here.',
            "Write the footnote's text here."} <= messages
    assert not [m for m in messages if 'Full report' in m or 'report' in m.lower()]
    for language in ('fr', 'es', 'ru', 'zh'):
        catalog = read_catalog(po_path(project.locales_dir, language, SLUG), language, SLUG)
        assert {str(m.id) for m in catalog if m.id} == messages


def test_skeleton_builds_at_once(created, capsys):
    project, _ = created
    assert cli.main(['--pub', SLUG, '--format', 'html', '--lang', 'en']) == 0
    html = (project.output_dir / 'en' / f'nswp-{SLUG}-summary-en.html').read_text()
    for text in ('Write your first paragraph here.', 'Short title here',
                 "Write the footnote&#39;s text here.", '<strong>Bold words</strong>'):
        assert text in html, text
    assert 'Full report' not in html


@pytest.mark.parametrize('title', ['Two\nlines', '\t'])
def test_title_must_be_one_line(title, tmp_path, monkeypatch, capsys):
    (tmp_path / 'content').mkdir()
    copy_languages(tmp_path)
    monkeypatch.setattr(cli, 'ROOT', tmp_path)
    assert cli.main(['new', SLUG, '--title', title]) == 1
    error = capsys.readouterr().err
    assert error.count('\n') == 1 and ('one line' in error or 'cannot be empty' in error)
    assert not (tmp_path / 'content' / SLUG).exists()
