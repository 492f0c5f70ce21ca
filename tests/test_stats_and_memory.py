"""Percentages computed in one place, one publication at a time, interface text on its own;
and translation memory across publications: `update` suggests, a person confirms."""
from nswp_publish.cli import main as cli
from nswp_publish.qa import release
from nswp_publish.i18n.catalog import po_path, read_catalog
from nswp_publish.i18n.workflow import domains, stats_all, update_all

from conftest import SMALL_CHAPTER, set_translations, write_publication

SHARED = 'See the [website](https://nswp.org)[^site].'


def add_second_publication(project):
    """A second publication, in French too, that repeats a sentence of the first."""
    folder = write_publication(project.content_dir / 'note', 'chapter: intro\ntitle: Introduction\n'
                               'blocks:\n  - p: "Only in the note."\n'
                               f'  - p: "{SHARED}"\n',
                               footnotes='footnotes:\n  site: "NSWP website."\n')
    publication = folder / 'publication.yaml'
    publication.write_text(publication.read_text().replace('languages: [en]',
                                                           'languages: [en, fr]'))


def test_update_suggests_a_translation_from_another_publication(project, capsys, monkeypatch):
    brief = set_translations(project, 'fr', 'brief', {
        SHARED: 'Voir le [site](https://nswp.org)[^site].', 'NSWP website.': 'Site du NSWP.',
        'Introduction': 'Introduction'})
    # Fuzzy translations are not memory: only confirmed ones are suggested.
    brief.write_text(brief.read_text().replace('msgid "Introduction"',
                                               '#, fuzzy\nmsgid "Introduction"'))
    add_second_publication(project)
    update_all(project)
    note = po_path(project.locales_dir, 'fr', 'note')
    catalog = read_catalog(note, 'fr', 'note')
    suggested = catalog.get(SHARED)
    assert suggested.string == 'Voir le [site](https://nswp.org)[^site].' and suggested.fuzzy
    assert suggested.user_comments == ['Suggestion from brief.po']
    assert '# Suggestion from brief.po\n' in note.read_text()
    assert catalog.get('NSWP website.').string == 'Site du NSWP.'
    assert not catalog.get('Only in the note.').string
    assert not catalog.get('Introduction').string          # its source is fuzzy
    stats = {(d, l): s for d, l, s in stats_all(project)}
    assert (stats['note', 'fr'].suggested, stats['note', 'fr'].fuzzy,
            stats['note', 'fr'].translated) == (2, 0, 0)

    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['stats', '--pub', 'note']) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {tuple(row.split()[:2]): row.split() for row in lines}
    assert rows['catalog', 'lang'][2:4] == ['translated', 'suggested']
    assert rows['note', 'fr'][2:4] == ['0', '2']
    assert lines[-1].startswith('messages (interface)')     # on its own line, last

    # The build shows a suggestion in English until someone confirms it, and says so.
    from nswp_publish.project import BuildRequest
    from nswp_publish.build.pipeline import Builder
    results = Builder(project).build(BuildRequest(languages=('fr',), formats=('html',),
                                                  publications=('note',)))
    assert any(f'note.po:{suggested.lineno}: fuzzy message shown in English' in warning
               and 'suggestion from brief.po: review the translation' in warning
               for warning in results[0].warnings), results[0].warnings

    # A translator confirms one: the comment goes at the next update, the count moves.
    note.write_text(note.read_text().replace(
        '#, fuzzy\nmsgid "See the', 'msgid "See the'))
    update_all(project)
    confirmed = read_catalog(note, 'fr', 'note').get(SHARED)
    assert not confirmed.fuzzy and confirmed.user_comments == []
    stats = {(d, l): s for d, l, s in stats_all(project)}
    assert (stats['note', 'fr'].suggested, stats['note', 'fr'].translated) == (1, 1)


def test_stats_and_release_agree_one_publication_at_a_time(project):
    """A publication whose own catalog is untranslated is 0 % even with the interface done."""
    from nswp_publish.i18n.catalog import catalog_bytes
    path = po_path(project.locales_dir, 'fr', 'messages')
    interface = read_catalog(path, 'fr', 'messages')
    for message in interface:
        if message.id:
            message.string = message.id
    path.write_bytes(catalog_bytes(interface))
    stats = {(d, l): s for d, l, s in stats_all(project)}
    assert stats['messages', 'fr'].percent == 100.0 and stats['brief', 'fr'].percent == 0.0
    assert [d for d, l, s in stats_all(project)][-1] == 'messages'   # interface on its own line
    found = domains(project)
    publication = found[1].publication
    assert release.completeness(project, found, publication, 'fr') == (0.0, 100.0)
    set_translations(project, 'fr', 'brief', {'Introduction': 'Introduction', 'T': 'T'})
    stats = {(d, l): s for d, l, s in stats_all(project)}
    percent, _ = release.completeness(project, found, publication, 'fr')
    assert percent == stats['brief', 'fr'].percent and 0 < percent < 100
