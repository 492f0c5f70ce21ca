"""A catalog GNU msgfmt refuses is refused by the build and `check` too, at the same line,
and the outputs built before stay as they were."""
import shutil
import subprocess

import pytest

from nswp_publish.cli import main as cli
from nswp_publish.i18n.catalog import po_path, read_catalog
from nswp_publish.errors import CatalogError
from nswp_publish.build.pipeline import Builder
from nswp_publish.project import BuildRequest

from nswp_publish.i18n.workflow import update_all

from conftest import set_translations

MSGFMT = shutil.which('msgfmt')

DUPLICATE = '\nmsgid "Introduction"\nmsgstr "Encore"\n'
TWIN_IN_CONTEXT = '\nmsgctxt "other"\nmsgid "Introduction"\nmsgstr "Encore"\n'

#: (name, domain, damage, the line's marker, what the error says)
CASES = [
    ('unterminated string', 'brief',
     lambda t: t.replace('msgid "T"\nmsgstr "Titre"', 'msgid "T"\nmsgstr "unterminated\nmsgstr "Titre"'),
     'msgstr "unterminated', 'not terminated'),
    ('unescaped quote', 'brief',
     lambda t: t.replace('msgstr "Intro"', 'msgstr "Intro "en bref" duction"'),
     'en bref', 'double quote inside a string is not escaped'),
    ('invalid escape', 'brief',
     lambda t: t.replace('msgstr "Intro"', 'msgstr "Intro\\q"'), 'Intro\\q', 'invalid escape'),
    ('msgstr without msgid', 'brief',
     lambda t: t.replace('msgid "T"\nmsgstr "Titre"\n', 'msgid "T"\nmsgstr "Titre"\nmsgstr "orphan"\n'),
     'orphan', 'msgstr without msgid'),
    ('msgid without msgstr', 'brief',
     lambda t: t.replace('msgid "T"\nmsgstr "Titre"\n', 'msgid "Lost"\nmsgid "T"\nmsgstr "Titre"\n'),
     'msgid "T"', 'msgid without msgstr'),
    ('duplicate msgid', 'brief', lambda t: t + DUPLICATE, 'msgid "Introduction"',
     'duplicate message'),
    ('too few plural forms', 'messages',
     lambda t: t.replace('msgstr[1] "%(num)s organisations (fr)"\n', '', 1),
     'msgid "%(num)s organisation"', '1 plural form where the header says nplurals=2'),
    ('too many plural forms', 'messages',
     lambda t: t.replace('msgstr[1] "%(num)s organisations (fr)"\n',
                         'msgstr[1] "%(num)s organisations (fr)"\nmsgstr[2] "x"\n', 1),
     'msgid "%(num)s organisation"', '3 plural forms where the header says nplurals=2'),
    ('charset not UTF-8', 'brief', lambda t: t.replace('charset=utf-8', 'charset=ISO-8859-1'),
     'charset=', 'not UTF-8'),
    ('a line that is not PO', 'brief', lambda t: t.replace('msgid "T"\n', 'msgid "T"\nmsgsrt "x"\n'),
     'msgsrt', 'not a PO keyword'),
]


def translated_project(project):
    # A template with a plural, so that the interface catalog has one to damage.
    blocks = project.templates_dir / 'blocks'
    blocks.mkdir(exist_ok=True)
    (blocks / 'count.html').write_text(
        "{{ ngettext('%(num)s organisation', '%(num)s organisations', 2, num=2) }}\n")
    update_all(project)
    set_translations(project, 'fr', 'brief', {
        'T': 'Titre', 'Introduction': 'Intro',
        'NSWP has {members} **members** in {regions} regions.':
            'Le NSWP compte {members} **membres** dans {regions} régions.',
        'See the [website](https://nswp.org)[^site].': 'Voir le [site](https://nswp.org)[^site].',
        'NSWP website.': 'Site du NSWP.'})
    path = po_path(project.locales_dir, 'fr', 'messages')
    catalog = read_catalog(path, 'fr', 'messages')
    for message in catalog:
        if isinstance(message.id, tuple):
            # Translated, so no longer a suggestion: `update` may have offered another plural
            # message of the templates (the library's "%(num)s publication") as a fuzzy match.
            message.string = tuple(f'{form} (fr)' for form in message.id)
            message.flags.discard('fuzzy')
            message.previous_id = []
    from nswp_publish.i18n.catalog import catalog_bytes
    text = catalog_bytes(catalog).decode()
    if 'msgid_plural' not in text:        # a plural message, as a publication's template has
        text += ('\n#, python-format\nmsgid "%(num)s organisation"\n'
                 'msgid_plural "%(num)s organisations"\n'
                 'msgstr[0] "%(num)s organisation (fr)"\nmsgstr[1] "%(num)s organisations (fr)"\n')
    path.write_text(text)
    return project


@pytest.mark.parametrize('name, domain, damage, marker, fragment', CASES,
                         ids=[case[0] for case in CASES])
def test_a_catalog_msgfmt_refuses_fails_the_build_and_check_at_its_line(
        project, capsys, monkeypatch, name, domain, damage, marker, fragment):
    translated_project(project)
    builder = Builder(project)
    request = BuildRequest(languages=('fr',), formats=('html',))
    [before] = builder.build(request)
    assert before.status == 'written'
    built = before.path.read_bytes()

    path = po_path(project.locales_dir, 'fr', domain)
    text = path.read_text()
    damaged = damage(text)
    assert damaged != text, name
    path.write_text(damaged)
    line = [number for number, row in enumerate(damaged.split('\n'), 1) if marker in row][-1]

    with pytest.raises(CatalogError) as error:
        read_catalog(path, 'fr', domain)
    assert error.value.line == line and fragment in error.value.message
    assert str(error.value).startswith(f'{path}:{line}: ') and str(error.value).endswith(')')

    [after] = Builder(project).build(request)
    assert after.status == 'failed' and f'{domain}.po:{line}: ' in after.error
    assert after.path.read_bytes() == built            # the previous output stays in place

    monkeypatch.setattr(cli, 'ROOT', project.root)
    monkeypatch.chdir(project.root)
    assert cli.main(['check', '--lang', 'fr']) == 1
    assert f'locales/fr/LC_MESSAGES/{domain}.po:{line}: ' in capsys.readouterr().err

    # GNU msgfmt agrees that the file is broken (it reads other charsets; we want UTF-8 only).
    if MSGFMT and name != 'charset not UTF-8':
        result = subprocess.run(['msgfmt', '--check', '-o', '/dev/null', str(path)],
                                capture_output=True, text=True)
        assert result.returncode != 0, result.stderr


def test_the_same_msgid_in_another_context_is_no_duplicate(project):
    translated_project(project)
    path = po_path(project.locales_dir, 'fr', 'brief')
    path.write_text(path.read_text() + TWIN_IN_CONTEXT)
    assert read_catalog(path, 'fr', 'brief').get('Introduction', context='other').string == 'Encore'


def test_escapes_msgfmt_accepts_are_accepted(project):
    translated_project(project)
    path = po_path(project.locales_dir, 'fr', 'brief')
    path.write_text(path.read_text().replace('msgstr "Intro"', 'msgstr "In\\"tro\\\\ \\t"\n"duction"'))
    assert read_catalog(path, 'fr', 'brief').get('Introduction').string == 'In"tro\\ \tduction'


def test_a_byte_order_mark_and_windows_line_ends_are_accepted(project):
    translated_project(project)
    path = po_path(project.locales_dir, 'fr', 'brief')
    path.write_bytes(b'\xef\xbb\xbf' + path.read_bytes().replace(b'\n', b'\r\n'))
    assert read_catalog(path, 'fr', 'brief').get('Introduction').string == 'Intro'


#: Strings that msgfmt concatenates: several on one line, with or without white space between
#: them, after a keyword, on continuation lines, in a plural and in an obsolete entry.
ADJACENT = '''
msgid "Intro" "duction"
msgstr "In" "tro"

msgid "T"
msgstr ""
"Ti" "t"	"r"
"e"

#, python-format
msgid "%(num)s organisation"
msgid_plural "%(num)s " "organisations"
msgstr[0] "%(num)s organisation" " (fr)"
msgstr[1] "%(num)s ""organisations (fr)"

#~ msgid "Old" " text"
#~ msgstr "Vieux" " texte"
'''


def test_several_strings_on_one_line_are_one_string_as_for_gnu_msgfmt(project, tmp_path):
    header = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
              '"Language: fr\\n"\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n')
    path = tmp_path / 'adjacent.po'
    path.write_text(header + ADJACENT)
    catalog = read_catalog(path, 'fr', 'adjacent')
    read = {message.id: message.string for message in catalog if message.id}
    assert read == {'Introduction': 'Intro', 'T': 'Titre',
                    ('%(num)s organisation', '%(num)s organisations'):
                        ('%(num)s organisation (fr)', '%(num)s organisations (fr)')}
    assert catalog.get('T').lineno == 10                  # lines keep their numbers
    assert catalog.obsolete['Old text'].string == 'Vieux texte'
    if not MSGFMT:
        pytest.skip('needs GNU gettext (python3 build.py installs it)')
    # GNU msgfmt reads the same messages: compiled and read back with msgunfmt.
    mo = tmp_path / 'adjacent.mo'
    subprocess.run(['msgfmt', '--check', '-o', str(mo), str(path)], check=True)
    back = tmp_path / 'back.po'
    subprocess.run(['msgunfmt', '-o', str(back), str(mo)], check=True)
    assert {message.id: message.string
            for message in read_catalog(back, 'fr', 'back') if message.id} == read
