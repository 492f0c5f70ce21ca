"""Languages from their declaration: Portuguese and Arabic shipped for the briefing paper,
right to left in the PDF and the browser, six plural forms as msgfmt counts them, typography
applied when rendering (French spacing on both publications), and `add-language`, with the
inputs it refuses."""
import gettext
import re
import shutil
import subprocess
import sys
import textwrap

import pytest
from pypdf import PdfReader

from nswp_publish.build.pipeline import Builder
from nswp_publish.i18n.catalog import InterfaceTranslations, po_path, read_catalog
from nswp_publish.i18n.typography import Typesetter
from nswp_publish.project import BuildRequest, Project
from nswp_publish.render.charts import wrap_label
from nswp_publish.cli.add_language import add_language

from conftest import ROOT, PROJECT_LANGUAGES, copy_project

BRIEFING = 'briefing-member-consultation-2015'
REVIEW = 'strategic-review-2010-15'
ARABIC_DIGITS = '٠١٢٣٤٥٦٧٨٩'


@pytest.fixture(scope='module')
def built(tmp_path_factory):
    """The briefing in ar, pt and fr (PDF and HTML) and the Strategic Review's French web
    pages, built once for the module."""
    project = Project(ROOT, tmp_path_factory.mktemp('languages'))
    builder = Builder(project, log_warnings=False)
    results = builder.build(BuildRequest(languages=('ar', 'pt', 'fr'), publications=(BRIEFING,)))
    results += builder.build(BuildRequest(languages=('fr',), publications=(REVIEW,),
                                          formats=('html',)))
    failed = [result.error for result in results if result.status != 'written']
    assert not failed, failed
    return project


def output(project, language, fmt, slug=BRIEFING, edition='briefing'):
    return project.output_dir / language / f'nswp-{slug}-{edition}-{language}.{fmt}'


def translated(language, msgid, domain=BRIEFING):
    catalog = read_catalog(po_path(ROOT / 'locales', language, domain), language, domain)
    return str(catalog[msgid].string)


def pdf_text(path):
    return '\n'.join(page.extract_text() for page in PdfReader(path).pages)


def font_names(path):
    names = set()
    for page in PdfReader(path).pages:
        for font in page['/Resources']['/Font'].values():
            names.add(str(font.get_object()['/BaseFont']).split('+')[-1])
    return names


# -- the PDFs -----------------------------------------------------------------------------

@pytest.mark.parametrize('language', ['ar', 'pt'])
def test_briefing_pdf_has_its_language_text_and_fonts(built, language):
    path = output(built, language, 'pdf')
    reader = PdfReader(path)
    assert reader.trailer['/Root']['/Lang'] == language
    text = pdf_text(path)
    fonts = font_names(path)
    if language == 'pt':
        assert translated('pt', 'Who took part') in text
        assert 'Noto-Serif' in fonts and not any('Arabic' in font for font in fonts)
        return
    # Arabic: words in their logical order (pypdf reads the shaped runs back), the Arabic
    # faces, the Latin face for NSWP, and no Latin digit: page numbers, note calls, values
    # and the digits typed in the catalog are all in the arab numbering system.
    for word in ('الأعضاء', 'شارك', 'NSWP'):
        assert word in text, word
    assert {'Noto-Naskh-Arabic', 'Noto-Sans-Arabic', 'Noto-Sans'} <= fonts
    assert not re.findall(r'[0-9]', text), re.findall(r'.{8}[0-9].{8}', text)[:5]
    assert set('٢٣٧') <= set(text)                       # 237 members
    # Percentages with Arabic's own sign (Babel would keep the pattern's "%"); pypdf reads
    # the digits of a right-to-left run in either order.
    assert re.search('(٧٤|٤٧)٪', text) and '%' not in text
    # The page number of an inside page, at its foot, in Arabic-Indic digits.
    assert reader.pages[1].extract_text().strip().split('\n')[-1].strip() == '٢'


def test_arabic_pdf_passes_the_structure_checks(built):
    from nswp_publish.pdf.structure import check_file
    assert check_file(output(built, 'ar', 'pdf'), 'ar') in (None, [], ())


def test_arabic_chart_reads_from_the_right(built):
    """In the web page's SVG the category axis is on the right and the first legend entry
    is the rightmost; in the PDF's the labels are in visual order and joined."""
    html = output(built, 'ar', 'html').read_text('utf-8')
    svg = html.split('<svg', 1)[1].split('</svg>')[0]
    assert 'direction="rtl"' in svg
    axis = [line for line in re.findall(r'<line x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"', svg)
            if line[0] == line[1]]
    assert axis and float(axis[0][0]) > 320                 # the axis at the right
    swatches = [float(x) for x in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="12"', svg)]
    assert swatches == sorted(swatches, reverse=True)       # legend from the right
    assert '٤١' in svg and '41' not in re.sub(r'"[^"]*"', '', svg)
    # The web page's percentages keep CLDR's letter mark after the sign, for the browser's
    # bidi; the PDF's chart, in visual order already, has no mark a font could lack.
    assert '٧٤٪\u061c' in html and '%' not in re.sub(r'<style.*?</style>|"[^"]*"', '', html,
                                                    flags=re.S)


# -- the web page in a browser --------------------------------------------------------------

def test_arabic_page_in_chromium(built, browser, tmp_path):
    from test_accessibility import AXE, run_axe
    page = browser.new_page(viewport={'width': 1000, 'height': 1400})
    page.goto(output(built, 'ar', 'html').as_uri())
    assert page.evaluate('document.documentElement.dir') == 'rtl'
    assert page.evaluate('document.documentElement.lang') == 'ar'
    direction = page.evaluate('''() => [getComputedStyle(document.querySelector("main p")).direction,
        getComputedStyle(document.querySelector("main p")).textAlign,
        getComputedStyle(document.querySelector("bdi")).direction,
        getComputedStyle(document.querySelector(".endnotes ol")).paddingRight]''')
    assert direction[:3] == ['rtl', 'start', 'ltr'] and direction[3] != '0px'
    # The switcher: Arabic on an LTR page, and every LTR language here, say their direction.
    links = page.evaluate('''() => [...document.querySelectorAll(".language-switcher a")]
        .map(a => [a.lang, a.dir, getComputedStyle(a).direction])''')
    assert ['en', 'ltr', 'ltr'] in links and ['ar', '', 'rtl'] in links
    # Text starts at the right: the first paragraph's right edge is the column's.
    box = page.evaluate('''() => { const p = document.querySelector("main p").getBoundingClientRect();
        const m = document.querySelector("main").getBoundingClientRect();
        return [p.right, m.right]; }''')
    assert abs(box[0] - box[1]) < 2
    shot = tmp_path / 'ar.png'
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    if AXE.is_file():
        assert run_axe(page, AXE.read_text('utf-8')) == []
    page.close()
    english = browser.new_page()
    english.goto(output(built, 'ar', 'html').as_uri())
    english.click('.language-switcher a[lang="fr"]')
    assert english.evaluate('document.documentElement.dir') == ''
    assert english.evaluate('getComputedStyle(document.body).direction') == 'ltr'
    english.close()


# -- French typography on both publications -------------------------------------------------

#: A space (ordinary or no-break) before ; : ! ? », or after «: never in French output.
WRONG_FRENCH_SPACE = re.compile('[ \u00a0][;:!?»]|«[ \u00a0]')


def visible(html):
    text = re.sub(r'<(style|script)[^>]*>.*?</\1>', '', html, flags=re.S)
    text = re.sub(r'<[^>]+>', '', text)
    return text.replace('&nbsp;', '\u00a0')


@pytest.mark.parametrize('slug, edition', [(BRIEFING, 'briefing'), (REVIEW, 'summary'),
                                           (REVIEW, 'full')])
def test_french_spacing_in_the_built_text(built, slug, edition):
    text = visible(output(built, 'fr', 'html', slug, edition).read_text('utf-8'))
    assert not WRONG_FRENCH_SPACE.findall(text), \
        [text[m.start() - 20:m.end() + 5] for m in WRONG_FRENCH_SPACE.finditer(text)][:5]
    assert '\u202f:' in text and '\u202f\u202f' not in text
    # A title cited in English keeps English punctuation.
    assert 'NSWP Strategic Review: An evaluation' in text


def test_french_spacing_in_the_briefing_pdf(built):
    text = pdf_text(output(built, 'fr', 'pdf'))
    assert not WRONG_FRENCH_SPACE.findall(text)
    # The catalog has 9 ordinary spaces before a colon or semicolon: set narrow, once.
    assert text.count('\u202f:') + text.count('\u202f;') >= 9


def test_typed_spaces_give_the_same_output_and_quotes_follow_the_language():
    french = Typesetter(PROJECT_LANGUAGES['fr'], PROJECT_LANGUAGES['en'])
    outputs = {french.text(typed) for typed in ('Note : voir « ceci » !', 'Note\u00a0: voir «\u00a0ceci\u00a0»\u00a0!',
                                                'Note: voir «ceci»!', 'Note\u202f: voir «\u202fceci\u202f»\u202f!')}
    assert outputs == {'Note\u202f: voir «\u202fceci\u202f»\u202f!'}
    assert french.text('https://www.nswp.org à 10:30') == 'https://www.nswp.org à 10:30'
    assert Typesetter(PROJECT_LANGUAGES['ru'], PROJECT_LANGUAGES['en']).text(
        'Он сказал "да"') == 'Он сказал «да»'
    assert Typesetter(PROJECT_LANGUAGES['ar'], PROJECT_LANGUAGES['en']).text(
        'عام 1992') == 'عام ١٩٩٢'
    # Chinese chart labels: no line begins with closing punctuation, which hangs instead.
    assert wrap_label('性工作者领导的组织，网络', 18, PROJECT_LANGUAGES['zh']) == [
        '性工作者领导的组织，', '网络']


# -- six plural forms, as msgfmt counts them ------------------------------------------------

def test_percentages_take_the_sign_of_the_languages_numbering_system():
    from decimal import Decimal
    from nswp_publish.content.model import Percent
    from nswp_publish.i18n.translate import format_value
    from nswp_publish.render.charts import visual_order
    assert format_value(Percent(Decimal('0.74')), 'ar', 'arab') == '٧٤٪\u061c'
    assert format_value(Percent(Decimal('0.74')), 'ar', 'latn') == '74\u200e%\u200e'   # CLDR's
    assert format_value(Percent(Decimal('0.74')), 'fr', 'latn') == '74\xa0%'
    assert format_value(Percent(Decimal('0.74')), 'zh', 'latn') == '74%'
    assert '\u061c' not in visual_order('نسبة ٧٤٪\u061c')


def test_arabic_plurals_are_chosen_as_msgfmt_compiles_them(tmp_path):
    """A catalog with six different forms: the build picks the one GNU gettext picks from
    msgfmt's .mo, for every count, and reaches all six."""
    if not shutil.which('msgfmt'):
        pytest.skip('needs GNU gettext')
    language = PROJECT_LANGUAGES['ar']
    path = tmp_path / 'messages.po'
    forms = ''.join(f'msgstr[{index}] "%(num)s form {index}"\n' for index in range(6))
    path.write_text(f'msgid ""\nmsgstr ""\n"Language: ar\\n"\n'
                    f'"Content-Type: text/plain; charset=UTF-8\\n"\n'
                    f'"Plural-Forms: {language.plural_forms}\\n"\n\n'
                    f'#, python-format\nmsgid "%(num)s organisation"\n'
                    f'msgid_plural "%(num)s organisations"\n{forms}', 'utf-8')
    mo = tmp_path / 'messages.mo'
    subprocess.run(['msgfmt', '-c', '-o', str(mo), str(path)], check=True)
    with mo.open('rb') as handle:
        gnu = gettext.GNUTranslations(handle)
    ours = InterfaceTranslations('ar', read_catalog(path, 'ar', 'messages'), path, 'messages')
    chosen = set()
    for count in range(0, 1230):
        expected = gnu.ngettext('%(num)s organisation', '%(num)s organisations', count)
        assert ours.ngettext('%(num)s organisation', '%(num)s organisations', count) == expected
        chosen.add(expected)
    assert len(chosen) == 6
    assert [language.plural_of(n) for n in (0, 1, 2, 3, 11, 100)] == list(range(6))


def test_check_and_stats_read_six_forms(tmp_path, capsys, monkeypatch):
    from nswp_publish.cli import main as cli
    monkeypatch.setattr(cli, 'ROOT', ROOT)
    assert cli.main(['check', '--lang', 'ar']) == 0
    assert cli.main(['stats', '--lang', 'ar']) == 0
    out = capsys.readouterr().out              # translated, suggested, fuzzy, untranslated
    assert re.search(r"messages \(interface\)\s+ar\s+\d+\s+0\s+0\s+0\s.*100\.0%", out)


# -- add-language ---------------------------------------------------------------------------

@pytest.fixture(scope='module')
def seventh(tmp_path_factory):
    """A copy of the project with Swahili added by `add-language`, its briefing built."""
    root = tmp_path_factory.mktemp('seventh') / 'project'
    copy_project(root)
    project = Project(root)
    results = add_language(project, 'sw', [BRIEFING])
    project = Project(root, root / 'output')
    built = Builder(project, log_warnings=False).build(
        BuildRequest(languages=('sw',), publications=(BRIEFING,)))
    assert [result.status for result in built] == ['written', 'written'], \
        [result.error for result in built]
    return project, results


def test_seventh_language_is_declared_from_cldr_and_builds(seventh):
    project, results = seventh
    assert [status for _, status in results] == ['declared', 'updated', 'created', 'created']
    language = project.languages['sw']
    assert (language.name, language.english_name, language.direction, language.numbering) == \
        ('Kiswahili', 'Swahili', 'ltr', 'latn')
    assert language.plural_forms == 'nplurals=2; plural=(n == 1 ? 0 : 1);'    # CLDR's
    assert language.fonts.package == 'fonts-noto-core'
    assert 'sw' in (project.content_dir / BRIEFING / 'publication.yaml').read_text()
    for domain in ('messages', BRIEFING):
        path = po_path(project.locales_dir, 'sw', domain)
        header = path.read_text('utf-8')
        assert '"Language: sw\\n"' in header and 'Plural-Forms: nplurals=2;' in header
        if shutil.which('msgfmt'):
            subprocess.run(['msgfmt', '-c', '-o', '/dev/null', str(path)], check=True)
    html = output(project, 'sw', 'html').read_text('utf-8')
    assert '<html lang="sw"' in html and 'Who took part' in html    # English until translated
    assert PdfReader(output(project, 'sw', 'pdf')).trailer['/Root']['/Lang'] == 'sw'


def run_cli(root, *arguments, env=None):
    return subprocess.run([sys.executable, str(ROOT / 'build.py'), *arguments], cwd=root,
                          capture_output=True, text=True, env=env)


@pytest.fixture
def small_project(tmp_path, monkeypatch):
    root = tmp_path / 'project'
    (root / 'content').mkdir(parents=True)
    shutil.copytree(ROOT / 'templates', root / 'templates')
    (root / 'locales').mkdir()
    shutil.copy(ROOT / 'locales' / 'languages.toml', root / 'locales')
    from nswp_publish.cli import main as cli
    monkeypatch.setattr(cli, 'ROOT', root)
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize('code, message', [
    ('qq', 'CLDR does not know the language code "qq"'),
    ('fr', 'language "fr" is already declared'),
    ('Not a code', 'CLDR does not know the language code'),
])
def test_add_language_refuses_in_one_line(small_project, capsys, code, message):
    from nswp_publish.cli import main as cli
    before = (small_project / 'locales' / 'languages.toml').read_text()
    assert cli.main(['add-language', code]) == 1
    error = capsys.readouterr().err.strip()
    assert message in error and '\n' not in error and 'Traceback' not in error
    assert (small_project / 'locales' / 'languages.toml').read_text() == before


def test_add_language_names_the_font_package_when_no_font_covers_the_script(small_project,
                                                                            capsys, monkeypatch):
    # A fontconfig that knows no font at all: as a machine without the script's fonts.
    config = small_project / 'fonts.conf'
    config.write_text(textwrap.dedent(f'''\
        <?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
        <fontconfig><dir>{small_project / "no-fonts"}</dir>
        <cachedir>{small_project / "cache"}</cachedir></fontconfig>'''))
    monkeypatch.setenv('FONTCONFIG_FILE', str(config))
    from nswp_publish.cli import main as cli
    assert cli.main(['add-language', 'am']) == 1
    error = capsys.readouterr().err.strip()
    assert 'no installed font covers Ethiopic' in error and 'apt-get install fonts-noto-core' in error
    assert '\n' not in error
    assert 'code = "am"' not in (small_project / 'locales' / 'languages.toml').read_text()


def test_templates_write_their_numbers_in_the_languages_digits():
    """Annex, section, finding and recommendation numbers go through `value()`, as the
    content's numbers do: an Arabic edition numbers them ١, ٢, ٣ like its pages."""
    printed = re.compile(r'\{\{\s*[\w.]*number\s*\}\}|number=(?!value\()[\w.|+ ]+[,)]')
    found = [f'{path.relative_to(ROOT)}: {match.group()}'
             for path in sorted([*ROOT.glob('templates/**/*.html'),
                                 *ROOT.glob('content/*/templates/**/*.html')])
             for match in printed.finditer(path.read_text('utf-8'))
             if 'note.number' not in match.group()]     # translated with its digits already
    assert found == []
