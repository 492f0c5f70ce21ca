"""The build speaks to translators: every problem `check` finds in a translation in use is a
warning naming the language, the .po file and line, and the content line; --strict lists them."""
import re

from nswp_publish.cli import main as cli
from nswp_publish.i18n.catalog import po_path, read_catalog
from nswp_publish.build.pipeline import Builder
from nswp_publish.project import BuildRequest
from nswp_publish.i18n.workflow import update_all

from conftest import set_translations

SENTENCE = 'NSWP has {members} **members** in {regions} regions.'
FRENCH = {
    'T': 'T', 'S': 'S', 'Summary': 'Résumé', 'A': 'A', 'R': 'R',
    'Introduction': 'Introduction',
    SENTENCE: 'Le NSWP compte {members} **membres** dans {regions} régions.',
    'See the [website](https://nswp.org)[^site].': 'Voir le [site](https://nswp.org)[^site].',
    'NSWP website.': 'Site du NSWP.'}


def translate_interface(project, language, leave_out=()):
    """Stand-in translations of the shared interface catalog, but for `leave_out`."""
    from nswp_publish.i18n.catalog import catalog_bytes
    path = po_path(project.locales_dir, language, 'messages')
    catalog = read_catalog(path, language, 'messages')
    for message in catalog:
        if message.id and message.id not in leave_out:
            message.string = (tuple(f'{form} ({language})' for form in message.id)
                              if isinstance(message.id, tuple) else f'{message.id} ({language})')
    path.write_bytes(catalog_bytes(catalog))
    return path


def build(project, strict=False, languages=('fr',)):
    return Builder(project).build(BuildRequest(languages=languages, formats=('html',),
                                               strict=strict))


def add_paragraph(project, text):
    chapter = project.content_dir / 'brief' / 'intro.yaml'
    chapter.write_text(chapter.read_text() + f'  - p: "{text}"\n')
    return len(chapter.read_text().splitlines())


def test_a_changed_number_is_a_warning_with_language_po_line_and_content_line(project):
    translate_interface(project, 'fr')
    content_line = add_paragraph(project, 'In 2015, 186 people took part.')
    update_all(project)
    path = set_translations(project, 'fr', 'brief', {
        **FRENCH, 'In 2015, 186 people took part.': 'En 2015, 168 personnes ont participé.'})
    po_line = read_catalog(path, 'fr', 'brief').get('In 2015, 186 people took part.').lineno
    [result] = build(project)
    assert result.status == 'written'
    [warning] = result.warnings
    assert warning.startswith(f'fr: {path}:{po_line}: [numbers] numbers differ') or \
        warning.startswith(f'fr: locales/fr/LC_MESSAGES/brief.po:{po_line}: [numbers]')
    assert f'content/brief/intro.yaml:{content_line};' in warning
    assert '"In 2015, 186 people took part."' in warning

    [strict] = build(project, strict=True)
    assert strict.status == 'failed'
    assert '1 translation warning in fr' in strict.error
    assert strict.error.splitlines()[1].strip() == warning


def test_a_translator_comment_explains_a_difference_away(project):
    translate_interface(project, 'fr')
    add_paragraph(project, 'In 2015, 186 people took part.')
    update_all(project)
    path = set_translations(project, 'fr', 'brief', {
        **FRENCH, 'In 2015, 186 people took part.': 'En 2015, cent quatre-vingt-six personnes.'})
    assert 'numbers' in build(project)[0].warnings[0]
    path.write_text(path.read_text().replace(
        'msgid "In 2015, 186', '# ignore-numbers: the number is spelt out in French\nmsgid "In 2015, 186'))
    [result] = build(project, strict=True)
    assert result.status == 'written' and result.warnings == ()


def test_whitespace_and_unsafe_links_are_warnings_too(project):
    translate_interface(project, 'fr')
    set_translations(project, 'fr', 'brief', {**FRENCH, 'Introduction': 'Introduction  générale'})
    [result] = build(project)
    assert [re.search(r'\[(\w+)\]', w).group(1) for w in result.warnings] == ['whitespace']


def test_each_language_gets_its_own_warnings(project, capture_logs):
    publication = project.content_dir / 'brief' / 'publication.yaml'
    publication.write_text(publication.read_text().replace('[en, fr]', '[en, fr, es]'))
    update_all(project)
    for language in ('fr', 'es'):
        translate_interface(project, language)
    results = build(project, languages=('fr', 'es'))
    by_language = {result.language: result.warnings for result in results}
    entries = len(by_language['es'])
    # One warning per catalog entry (the sentence and its msgctxt twin are two), per language.
    assert entries == len(by_language['fr']) >= 8
    assert len({re.search(r'brief\.po:(\d+): ', w).group(1) for w in by_language['es']}) == entries
    assert all(w.startswith('es: ') and 'locales/es/LC_MESSAGES/brief.po:' in w
               and 'untranslated message shown in English' in w and '; translate it)' in w
               for w in by_language['es'])
    [strict_fr, strict_es] = build(project, strict=True, languages=('fr', 'es'))
    assert len(strict_es.error.splitlines()) == entries + 1
    assert strict_es.error.splitlines()[1:] == [f'  {w}' for w in by_language['es']]


def test_an_outdated_catalog_says_to_run_update(project):
    translate_interface(project, 'fr')
    set_translations(project, 'fr', 'brief', FRENCH)
    add_paragraph(project, 'A paragraph written after the last update.')
    [result] = build(project)
    [warning] = result.warnings
    assert warning.startswith('fr: ') and 'brief.po: message not in the catalog' in warning
    assert 'run `python3 build.py update`' in warning and 'fuzzy' in warning

    update_all(project)
    [warning] = build(project)[0].warnings
    assert 'untranslated message shown in English' in warning


def test_a_fuzzy_message_says_what_to_do(project):
    translate_interface(project, 'fr')
    set_translations(project, 'fr', 'brief', FRENCH)
    chapter = project.content_dir / 'brief' / 'intro.yaml'
    chapter.write_text(chapter.read_text().replace('See the [website]', 'Visit the [website]'))
    update_all(project)
    [warning] = build(project)[0].warnings
    assert 'fuzzy message shown in English' in warning
    assert 'review the translation and remove its fuzzy flag' in warning


def test_interface_text_shown_in_english_is_a_warning_too(project):
    """`messages.po` (template text such as "Contents"): its file and line, the template line."""
    set_translations(project, 'fr', 'brief', FRENCH)
    path = translate_interface(project, 'fr', leave_out={'Contents'})
    entry = read_catalog(path, 'fr', 'messages').get('Contents')
    [result] = build(project)
    assert result.status == 'written'
    [warning] = result.warnings
    assert re.fullmatch(rf'fr: \S*locales/fr/LC_MESSAGES/messages\.po:{entry.lineno}: untranslated '
                        rf'interface text shown in English: "Contents" \(templates/\S+\.html:\d+; '
                        rf'translate it\)', warning), warning
    [strict] = build(project, strict=True)
    assert strict.status == 'failed' and strict.error.splitlines()[1].strip() == warning
