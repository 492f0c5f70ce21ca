"""The catalogs as GNU gettext, Poedit and Weblate see them: true format flags, real headers,
and a round trip through msgcat and msgmerge that loses nothing."""
import os
import re
import shutil
import subprocess

import pytest

from nswp_publish.i18n.catalog import po_path, pot_path, read_catalog
from nswp_publish.project import Project
from nswp_publish.i18n.workflow import domains, update_all

from conftest import PROJECT_LANGUAGES, ROOT, SLUG, set_translations, copy_project

PROJECT = Project(ROOT)
CATALOGS = sorted((ROOT / 'locales').glob('*/LC_MESSAGES/*.po'))
needs_gettext = pytest.mark.skipif(not shutil.which('msgfmt'),
                                   reason='GNU gettext is not installed (apt-get install gettext)')


def msgfmt(path):
    return subprocess.run(['msgfmt', '--check', '-o', '/dev/null', str(path)],
                          capture_output=True, text=True)


@needs_gettext
@pytest.mark.parametrize('path', CATALOGS, ids=[p.relative_to(ROOT / 'locales').as_posix()
                                                for p in CATALOGS])
def test_msgfmt_check_accepts_every_catalog_without_a_warning(path):
    result = msgfmt(path)
    assert result.returncode == 0 and result.stderr == '', result.stderr


def test_format_flags_say_the_truth():
    """{name} placeholders: python-brace-format; a % in prose: never python-format."""
    for domain, _, template, _ in domains(PROJECT):
        for message in (m for m in template if m.id):
            text = ' '.join(message.id) if isinstance(message.id, tuple) else message.id
            if domain == 'messages':
                assert ('python-format' in message.flags) == ('%(' in text), text
                continue
            assert 'python-format' not in message.flags, text
            assert ('python-brace-format' in message.flags) == bool(re.search(r'\{\w+\}', text))
            assert ('no-python-format' in message.flags) == ('%' in text)
    committed = (ROOT / 'locales' / 'ru' / 'LC_MESSAGES' / f'{SLUG}.po').read_text()
    entry = committed[committed.index('#, no-python-format'):][:400]
    assert '25% of' in entry.replace('"\n"', '')


@needs_gettext
def test_update_corrects_the_flags_of_an_existing_catalog(project):
    chapter = project.content_dir / 'brief' / 'intro.yaml'
    chapter.write_text(chapter.read_text() + '  - p: "A survey at which 25% of participants spoke."\n')
    update_all(project)
    path = set_translations(project, 'fr', 'brief', {
        'A survey at which 25% of participants spoke.': 'Une enquête où 25 pour cent des participants ont parlé.'})
    # The flag Babel used to add, as the committed catalogs had it.
    path.write_text(path.read_text().replace(
        'msgid "A survey at which 25%', '#, python-format\nmsgid "A survey at which 25%'))
    assert msgfmt(path).returncode != 0
    update_all(project)
    text = path.read_text()
    assert '#, no-python-format\nmsgid "A survey at which 25%' in text
    assert '#, python-brace-format\nmsgid "NSWP has {members}' in text
    assert msgfmt(path).returncode == 0, msgfmt(path).stderr


@needs_gettext
def test_msgfmt_checks_placeholders_for_the_translator(project):
    path = set_translations(project, 'fr', 'brief', {
        'NSWP has {members} **members** in {regions} regions.':
            'Le NSWP compte {membres} **membres** dans {regions} régions.'})
    assert 'members' in msgfmt(path).stderr


@needs_gettext
def test_new_catalogs_have_real_headers(project):
    for domain in ('brief', 'messages'):
        path = po_path(project.locales_dir, 'fr', domain)
        text = path.read_text()
        assert '"Language: fr\\n"' in text and '"Language-Team: French\\n"' in text
        for default in ('YEAR-MO-DA', 'FULL NAME', 'EMAIL@ADDRESS', 'LL@li.org'):
            assert default not in text.split('\n\n')[0].split('msgstr')[1]
        assert msgfmt(path).stderr == ''


def test_update_keeps_what_a_translators_tool_wrote_in_the_header(project):
    path = po_path(project.locales_dir, 'fr', 'brief')
    text = re.sub(r'"PO-Revision-Date: .*\\n"', r'"PO-Revision-Date: 2027-02-03 14:05+0100\\n"',
                  path.read_text())
    text = re.sub(r'"Last-Translator: .*\\n"', r'"Last-Translator: Anne Martin <anne@example.org>\\n"',
                  text)
    text = text.replace('"Language-Team: French\\n"', '"Language-Team: Équipe FR <fr@example.org>\\n"')
    path.write_text(text)
    chapter = project.content_dir / 'brief' / 'intro.yaml'
    chapter.write_text(chapter.read_text() + '  - p: "A new paragraph."\n')
    assert dict(update_all(project))[path] == 'updated'
    header = path.read_text().split('\n\n')[0]
    assert '"PO-Revision-Date: 2027-02-03 14:05+0100\\n"' in header
    assert '"Last-Translator: Anne Martin <anne@example.org>\\n"' in header
    assert '"Language-Team: Équipe FR <fr@example.org>\\n"' in header
    assert 'msgid "A new paragraph."' in path.read_text()


def unwrapped(text):
    """A PO file with its line wrapping undone: strings and reference lists joined."""
    rows = []
    for row in text.split('\n'):
        if row.startswith('"') and rows and rows[-1].endswith('"'):
            rows[-1] = rows[-1][:-1] + row[1:]
        elif row.startswith('#: ') and rows and rows[-1].startswith('#: '):
            rows[-1] += ' ' + row[3:]
        elif row.startswith('#~ "') and rows and rows[-1].endswith('"'):
            rows[-1] = rows[-1][:-1] + row[4:]
        else:
            rows.append(row)
    return '\n'.join(rows)


@pytest.fixture
def copy_of_the_project(tmp_path):
    root = tmp_path / 'project'
    copy_project(root)
    return Project(root, tmp_path / 'output')


@needs_gettext
def test_msgcat_rewrapped_catalogs_survive_update_unchanged_but_for_wrapping(copy_of_the_project):
    project = copy_of_the_project
    paths = sorted(project.locales_dir.glob('*/LC_MESSAGES/*.po'))
    before = {path: path.read_text() for path in paths}
    for path in paths:            # as Poedit saves: wrapped at 79 columns by GNU gettext
        subprocess.run(['msgcat', '--width=79', '-o', str(path), str(path)], check=True)
    assert any(path.read_text() != before[path] for path in paths)
    update_all(project)
    for path in paths:
        assert unwrapped(path.read_text()) == unwrapped(before[path]), path


@needs_gettext
@pytest.mark.parametrize('path', CATALOGS, ids=[p.relative_to(ROOT / 'locales').as_posix()
                                                for p in CATALOGS])
def test_msgmerge_of_the_pot_loses_no_translation(path, tmp_path):
    language, domain = path.parent.parent.name, path.stem
    merged = tmp_path / path.name
    subprocess.run(['msgmerge', '--quiet', '--previous', '-o', str(merged), str(path),
                    str(pot_path(ROOT / 'locales', domain))], check=True)
    ours = read_catalog(path, language, domain)
    theirs = read_catalog(merged, language, domain)
    for message in (m for m in ours if m.id and not m.fuzzy and m.string):
        after = theirs.get(message.id, context=message.context)
        assert after is not None and not after.fuzzy, message.id
        assert after.string == message.string
        # (GNU msgmerge keeps the flags it knows; Weblate's ignore-<check> ones it drops.)
        assert after.flags == {flag for flag in message.flags if not flag.startswith('ignore-')}
    assert msgfmt(merged).returncode == 0


@needs_gettext
def test_check_command_runs_msgfmt(project, capsys, monkeypatch):
    from nswp_publish.cli import main as cli
    set_translations(project, 'fr', 'brief', {
        'NSWP has {members} **members** in {regions} regions.':
            'Le NSWP compte {membres} **membres** dans {regions} régions.'})
    monkeypatch.setattr(cli, 'ROOT', project.root)
    monkeypatch.chdir(project.root)
    assert cli.main(['check', '--lang', 'fr']) == 1
    output = capsys.readouterr().out
    assert re.search(r'locales/fr/LC_MESSAGES/brief\.po:\d+: \[msgfmt\] .*members', output), output


def test_release_requires_msgfmt(project, monkeypatch):
    from nswp_publish.i18n import checks
    path = po_path(project.locales_dir, 'fr', 'brief')
    monkeypatch.setattr(checks.shutil, 'which', lambda name: None)
    assert checks.msgfmt_problems(path) == []
    [problem] = checks.msgfmt_problems(path, required=True)
    assert 'apt-get install gettext' in str(problem) and str(problem).startswith(
        f'{os.path.relpath(path)}:1: [msgfmt]')


@pytest.mark.parametrize('path', CATALOGS, ids=[p.relative_to(ROOT / 'locales').as_posix()
                                                for p in CATALOGS])
def test_pofilter_finds_nothing_in_any_catalog(path):
    from nswp_publish.i18n.checks import pofilter_problems
    pytest.importorskip('translate')
    assert [str(p) for p in pofilter_problems(path, PROJECT_LANGUAGES[path.parent.parent.name], required=True)] == []


@pytest.mark.parametrize('translation, check', [
    ('Le NSWP compte {membres} **membres** dans {regions} régions.', 'pythonbraceformat'),
    ('Le NSWP compte {members} <b>membres</b> dans {regions} régions.', 'xmltags'),
    ('Le NSWP compte {members} **membres** dans {regions} régions, écrire à a@b.org.', 'emails'),
    ('Le NSWP compte {members} **membres** dans {regions} régions (https://nswp.fr).', 'urls'),
    ('Le NSWP compte {members} **membres** dans {regions} régions.', 'numbers'),
    ('Le NSWP compte {members} **membres** dans {regions} régions à 100 %s.', 'printf'),
])
def test_pofilter_finds_each_kind_of_fault_unless_a_comment_explains_it(project, translation,
                                                                         check):
    from nswp_publish.i18n.checks import pofilter_problems
    pytest.importorskip('translate')
    source = 'NSWP has {members} **members** in {regions} regions.'
    if check == 'numbers':       # numbers of the source missing from the translation
        source = source.replace('regions.', 'regions since 1990.')
        chapter = project.content_dir / 'brief' / 'intro.yaml'
        chapter.write_text(chapter.read_text().replace('regions."\n', 'regions since 1990."\n', 1))
        update_all(project)
    path = set_translations(project, 'fr', 'brief', {source: translation})
    line = read_catalog(path, 'fr', 'brief').get(source).lineno
    found = [(p.line, p.check) for p in pofilter_problems(path, PROJECT_LANGUAGES['fr'])]
    assert (line, f'pofilter-{check}') in found, found
    path.write_text(path.read_text().replace(
        '#, python-brace-format\nmsgid "NSWP has',
        f'# ignore-{check}: checked with the author\n#, python-brace-format\nmsgid "NSWP has', 1))
    # (The entry moved one line down; its twin in msgctxt "repeated" may still be reported.)
    found = [(p.line, p.check) for p in pofilter_problems(path, PROJECT_LANGUAGES['fr'])]
    assert (line + 1, f'pofilter-{check}') not in found, found


@needs_gettext
def test_new_writes_catalogs_msgfmt_accepts_with_real_headers(project):
    from nswp_publish.cli.new import new_publication
    results = dict(new_publication(project, 'briefing-test', 'A briefing'))
    for language in ('fr', 'es', 'ru', 'zh'):
        path = po_path(project.locales_dir, language, 'briefing-test')
        assert results[path] == 'created'
        header = path.read_text().split('\n\n')[0]
        assert f'"Language: {language}\\n"' in header
        assert re.search(r'"Language-Team: (French|Spanish|Russian|Chinese)\\n"', header)
        assert re.search(r'"PO-Revision-Date: \d{4}-\d\d-\d\d \d\d:\d\d[+-]\d{4}\\n"', header)
        assert 'FULL NAME' not in header and 'LL@li.org' not in header
        assert msgfmt(path).returncode == 0 and msgfmt(path).stderr == '', msgfmt(path).stderr


def test_check_command_runs_pofilter(project, capsys, monkeypatch):
    from nswp_publish.cli import main as cli
    pytest.importorskip('translate')
    set_translations(project, 'fr', 'brief', {'NSWP website.': 'Site du NSWP : ecrire a info@nswp.org.'})
    monkeypatch.setattr(cli, 'ROOT', project.root)
    monkeypatch.chdir(project.root)
    assert cli.main(['check', '--lang', 'fr']) == 1
    assert re.search(r'locales/fr/LC_MESSAGES/brief\.po:\d+: \[pofilter-emails\]',
                     capsys.readouterr().out)


def test_release_fails_on_what_pofilter_finds(project):
    """A translation only pofilter questions (an e-mail address the source lacks) fails the
    release gate's `check`, naming the file, line and pofilter's check."""
    from nswp_publish.qa import release
    from test_release import translate_all
    pytest.importorskip('translate')
    translate_all(project, change={'NSWP website.': 'Site du NSWP ; écrire à info@nswp.org.'})
    report = {r.language: r for r in release.run_release(project)['brief']}['fr']
    assert report.results['check'] == release.FAIL
    assert [text for check, text in report.problems if check == 'check'] and all(
        re.search(r'brief\.po:\d+: \[pofilter-emails\]', text)
        for check, text in report.problems if check == 'check'), report.problems
