"""The translator workflow on a small project made in the test: extract, update, stats,
check, fallback, and the errors a broken catalog gives."""
import pytest

from nswp_publish.cli import main as cli
from nswp_publish.i18n.catalog import po_path, read_catalog
from nswp_publish.i18n.checks import check_message
from nswp_publish.errors import CatalogError
from nswp_publish.build.pipeline import Builder
from nswp_publish.project import BuildRequest
from nswp_publish.i18n.workflow import extract_all, stats_all, update_all

from conftest import PROJECT_LANGUAGES, ROOT, set_translations

def test_extract_gives_references_comments_and_context(project):
    pot = (project.locales_dir / 'brief.pot').read_text()
    assert '#: content/brief/intro.yaml:5\n' in pot
    assert 'msgctxt "repeated"' in pot
    assert '#. The same sentence again, to show msgctxt.' in pot
    assert '#. Placeholders: {members} = 237 (a number); {regions} = 5 (a number)' in pot
    assert extract_all(project) == [(project.locales_dir / 'messages.pot', 'unchanged'),
                                    (project.locales_dir / 'brief.pot', 'unchanged')]


def test_pybabel_extract_gives_the_same_messages(project, tmp_path):
    from babel.messages.frontend import CommandLineInterface
    output = tmp_path / 'pybabel.pot'
    CommandLineInterface().run(['pybabel', '-q', 'extract', '-F', str(ROOT / 'babel.cfg'),
                                '-o', str(output), str(project.root / 'content' / 'brief')])
    ours = read_catalog(project.locales_dir / 'brief.pot')
    theirs = read_catalog(output)
    assert {(m.context, m.id) for m in ours if m.id} == {(m.context, m.id) for m in theirs if m.id}


def test_update_marks_a_changed_source_fuzzy_and_the_build_falls_back(project, capture_logs):
    sentence = 'NSWP has {members} **members** in {regions} regions.'
    set_translations(project, 'fr', 'brief', {
        sentence: 'Le NSWP compte {members} **membres** dans {regions} régions.',
        'Introduction': 'Introduction', 'See the [website](https://nswp.org)[^site].':
        'Voir le [site](https://nswp.org)[^site].', 'NSWP website.': 'Site du NSWP.'})
    chapter = project.content_dir / 'brief' / 'intro.yaml'
    chapter.write_text(chapter.read_text().replace(
        'text: "NSWP has {members} **members** in {regions} regions."\n      data',
        'text: "NSWP now has {members} **members** in {regions} regions."\n      data', 1))
    results = dict(update_all(project, languages=['fr']))
    assert results[po_path(project.locales_dir, 'fr', 'brief')] == 'updated'
    catalog = read_catalog(po_path(project.locales_dir, 'fr', 'brief'), 'fr', 'brief')
    changed = catalog.get('NSWP now has {members} **members** in {regions} regions.')
    assert changed.fuzzy
    po_text = po_path(project.locales_dir, 'fr', 'brief').read_text()
    assert f'#| msgid "{sentence}"\nmsgid "NSWP now has' in po_text     # previous msgid kept
    stats = {(d, l): s for d, l, s in stats_all(project)}[('brief', 'fr')]
    assert stats.fuzzy == 1

    builder = Builder(project)
    results = builder.build(BuildRequest(languages=('fr',), formats=('html',)))
    assert [r.status for r in results] == ['written']
    html = results[0].path.read_text()
    assert 'NSWP now has 237 <strong>members</strong> in 5 regions.' in html   # fuzzy: English
    assert 'Le NSWP compte 237 <strong>membres</strong>' in html               # msgctxt twin
    assert 'fuzzy message shown in English' in capture_logs.text
    assert 'content/brief/intro.yaml:5' in capture_logs.text.replace(str(project.root) + '/', '')

    strict = builder.build(BuildRequest(languages=('fr',), formats=('html',), strict=True))
    assert strict[0].status == 'failed' and 'untranslated or fuzzy' in strict[0].error


@pytest.mark.parametrize('source, translation, check', [
    ('In 2013, 41 groups.', 'En 2014, 41 groupes.', 'numbers'),
    ('**NSWP** grew.', 'NSWP a grandi.', 'markup'),
    ('See [site](https://a.org).', 'Voir [site](https://b.org).', 'markup'),
    ('Note[^a].', 'Note.', 'markup'),
    ('{members} members', '{membres} membres', 'markup'),
    ('Hello', 'Bonjour <script>alert(1)</script>', 'unsafe'),
    ('Hello', '<img src=x onerror=alert(1)>', 'unsafe'),
    ('See [site](https://a.org).', 'Voir [site](javascript:alert(1)).', 'unsafe'),
    ('Hello', '   ', 'whitespace'),
    ('Hello', ' Bonjour', 'whitespace'),
    ('Hello world', 'Bonjour  monde', 'whitespace'),
    ('Case study: %(title)s', 'Étude de cas : %(titre)s', 'format'),
])
def test_each_check_finds_its_fault(source, translation, check):
    assert check in [name for name, _ in check_message(source, translation, PROJECT_LANGUAGES['fr'])]


def test_check_is_clean_on_a_good_translation():
    assert check_message('In 2013, **41** groups[^a].', 'En 2013, **41** groupes[^a].', PROJECT_LANGUAGES['fr']) == []
    # Chinese has no italics: dropping *emphasis* for 《》 is fine.
    assert check_message('The *Toolkit* (2014)', '《工具包》（2014）', PROJECT_LANGUAGES['zh']) == []


def test_check_command_reports_file_line_and_exit_status(project, capsys, monkeypatch):
    path = set_translations(project, 'fr', 'brief', {'Introduction': 'Introduction <b>x</b>'})
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['check', '--lang', 'fr']) == 1
    output = capsys.readouterr().out
    line = read_catalog(path, 'fr', 'brief').get('Introduction').lineno
    assert f'locales/fr/LC_MESSAGES/brief.po:{line}: [unsafe]' in output


def test_stats_min_fails_below_threshold(project, capsys, monkeypatch):
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['stats', '--min', '100']) == 1
    assert 'below 100%' in capsys.readouterr().out
    assert cli.main(['stats']) == 0


@pytest.mark.parametrize('damage, marker, fragment', [
    (lambda text: text.replace('msgid "Introduction"', 'this is not PO\nmsgid "Introduction"'),
     'this is not PO', 'PO syntax error'),
    (lambda text: text.replace('msgid "Introduction"', 'msgidx "Introduction"'), 'msgidx',
     'PO syntax error'),
    (lambda text: text.replace('charset=utf-8', 'charset=nonsense-42'), 'charset=', 'not UTF-8'),
    (lambda text: text.replace('charset=utf-8', 'charset=latin-1'), 'charset=', 'not UTF-8'),
])
def test_broken_po_gives_file_line_message(project, damage, marker, fragment):
    path = po_path(project.locales_dir, 'fr', 'brief')
    text = path.read_text()
    damaged = damage(text)
    assert damaged != text
    path.write_text(damaged)
    with pytest.raises(CatalogError) as error:
        read_catalog(path, 'fr', 'brief')
    expected_line = 1 if marker is None else next(
        number for number, row in enumerate(damaged.splitlines(), 1) if marker in row)
    assert error.value.line == expected_line
    assert fragment in error.value.message
    assert str(error.value).startswith(f'{path}:{expected_line}: ') or \
        f'brief.po:{expected_line}: ' in str(error.value)


def test_hostile_translation_is_rendered_as_text(project):
    set_translations(project, 'fr', 'brief', {
        'Introduction': 'Intro <script>alert(1)</script>',
        'See the [website](https://nswp.org)[^site].': 'Voir le [site](https://nswp.org)[^site].'})
    set_translations(project, 'fr', 'messages', {'Contents': '<img src=x onerror=alert(1)>'})
    results = Builder(project).build(BuildRequest(languages=('fr',), formats=('html',)))
    html = results[0].path.read_text()
    assert '<script>alert' not in html and 'Intro &lt;script&gt;alert(1)&lt;/script&gt;' in html


def test_markup_mismatch_fails_the_build_with_po_line(project):
    path = set_translations(project, 'fr', 'brief', {
        'See the [website](https://nswp.org)[^site].': 'Voir le site.'})
    results = Builder(project).build(BuildRequest(languages=('fr',), formats=('html',)))
    line = read_catalog(path, 'fr', 'brief').get('See the [website](https://nswp.org)[^site].').lineno
    assert results[0].status == 'failed'
    assert f'brief.po:{line}: translation of' in results[0].error
    assert 'footnote references: missing `[^site]`' in results[0].error


def test_update_keeps_removed_messages_as_obsolete_and_translator_comments(project):
    path = set_translations(project, 'fr', 'brief', {'NSWP website.': 'Site du NSWP.',
                                                     'Introduction': 'Introduction'})
    path.write_text(path.read_text().replace(
        '#: content/brief/intro.yaml:2', '# Checked with the secretariat.\n#: content/brief/intro.yaml:2'))
    footnotes = project.content_dir / 'brief' / 'footnotes.yaml'
    footnotes.write_text('footnotes:\n  site: "Write to the Secretariat in Edinburgh by post."\n')
    update_all(project, languages=['fr'])
    text = path.read_text()
    assert '#~ msgid "NSWP website."\n#~ msgstr "Site du NSWP."' in text      # obsolete, kept
    assert '# Checked with the secretariat.\n#: content/brief/intro.yaml:2' in text
    catalog = read_catalog(path, 'fr', 'brief')
    assert catalog.locale.language == 'fr' and catalog.plural_forms.startswith('nplurals=2')


def test_update_keeps_the_page_comments_of_languages_not_built(project, capsys, monkeypatch):
    """A fresh clone builds only one language: `update` refreshes that language's page
    comments and keeps the others', and a comment-only change rebuilds nothing."""
    import shutil
    publication = project.content_dir / 'brief' / 'publication.yaml'
    publication.write_text(publication.read_text().replace('[en, fr]', '[en, fr, es]'))
    update_all(project)
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['--lang', 'fr', 'es', '--format', 'pdf']) == 0
    update_all(project)
    fr = po_path(project.locales_dir, 'fr', 'brief')
    es = po_path(project.locales_dir, 'es', 'brief')
    assert fr.read_text().count('#. Where: summary p. 1') >= 5
    fr_before, es_before = fr.read_bytes(), es.read_bytes()
    shutil.rmtree(project.output_dir)
    assert cli.main(['--lang', 'es', '--format', 'pdf']) == 0
    assert all(status == 'unchanged' for _, status in update_all(project))
    assert fr.read_bytes() == fr_before and es.read_bytes() == es_before
    capsys.readouterr()
    assert cli.main(['--lang', 'es', '--format', 'pdf']) == 0
    assert 'written' not in capsys.readouterr().out


def test_page_comments_of_an_edition_not_built_are_kept():
    from nswp_publish.i18n.translate import anchor_key
    from nswp_publish.i18n.workflow import Placement
    key = anchor_key(None, 'A sentence.')
    built = Placement(['summary'], {key: {'summary': {3}}}, {key: f's.html#m-{key}-1'})
    old = ['Note.', 'Where: summary p. 1, full pp. 2, 8', 'Anchor: f.html#m-x-1']
    assert built.comments((None, 'A sentence.'), old) == [
        'Where: summary p. 3, full pp. 2, 8', f'Anchor: s.html#m-{key}-1']
    nothing = Placement([], {}, {})
    assert nothing.comments((None, 'A sentence.'), old) == old[1:]
    gone = Placement(['summary', 'full'], {}, {})
    assert gone.comments((None, 'A sentence.'), old) == []
