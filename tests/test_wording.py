"""Words for the people reading the output: right plurals, markup named as it is typed."""
import pytest

from nswp_publish.cli import main as cli
from nswp_publish.content import markup
from nswp_publish.i18n.catalog import read_catalog
from nswp_publish.wording import counted, did_you_mean

from conftest import set_translations

SOURCE = 'NSWP has {members} **members** in *five* regions, [see](https://nswp.org)[^site].'


@pytest.mark.parametrize('count, text', [(0, '0 errors'), (1, '1 error'), (2, '2 errors')])
def test_counted(count, text):
    assert counted(count, 'error') == text
    assert counted(count, 'table row', 'table rows').endswith('row' if count == 1 else 'rows')


def test_suggestions():
    assert did_you_mean('biuld', ('build', 'stats')) == 'did you mean: build?'
    assert did_you_mean('stat', ('build', 'stats')) == 'did you mean: stats?'
    assert did_you_mean('zzz', ('build', 'stats')) == ''


@pytest.mark.parametrize('translation, italics, expected', [
    ('NSWP a {members} membres dans *cinq* régions, [voir](https://nswp.org)[^site].', True,
     ['`**bold**` markup: 0 instead of 1']),
    ('NSWP a {members} **membres** dans cinq régions, [voir](https://nswp.org)[^site].', True,
     ['`*italic*` markup: 0 instead of 1']),
    ('NSWP 有 {members} **成员**，五个区域，[见](https://nswp.org)[^site]。', False, []),
    ('NSWP a {membres} **membres** dans *cinq* régions, voir[^note].', True,
     ['links: missing `(https://nswp.org)`',
      'footnote references: missing `[^site]`; unexpected `[^note]`',
      'placeholders: missing `{members}`; unexpected `{membres}`']),
])
def test_markup_differences_read_as_the_translator_types_them(translation, italics, expected):
    assert markup.signature(SOURCE).differences(markup.signature(translation), italics) == expected


def test_check_counts_one_error_in_the_singular(project, capsys, monkeypatch):
    source = 'See the [website](https://nswp.org)[^site].'
    path = set_translations(project, 'fr', 'brief',
                            {source: 'Voir le **[site](https://nswp.org)**[^site].'})
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['check', '--lang', 'fr']) == 1
    output = capsys.readouterr().out.splitlines()
    line = read_catalog(path, 'fr', 'brief').get(source).lineno
    assert output[0].endswith(
        f'locales/fr/LC_MESSAGES/brief.po:{line}: [markup] `**bold**` markup: 1 instead of 0')
    assert output[1:] == ['1 error, 0 warnings']
