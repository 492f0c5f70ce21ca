"""Bilingual proofs made from a small catalog: each state in its colour, places labelled,
and Chinese set in the CJK font."""
from nswp_publish.content.load import load_publications
from nswp_publish.i18n.catalog import po_path, read_catalog
from nswp_publish.i18n.catalog import catalog_bytes
from nswp_publish.output import write_atomic
from nswp_publish.build.pipeline import Builder
from nswp_publish.qa.proof import proof_rows, write_proof

from conftest import PdfText, squeeze
from test_pdf import embedded_fonts

SENTENCE = 'NSWP has {members} **members** in {regions} regions.'
LINK = 'See the [website](https://nswp.org)[^site].'


def prepare(project, language, translations, fuzzy=()):
    path = po_path(project.locales_dir, language, 'brief')
    catalog = read_catalog(path, language, 'brief')
    for message in catalog:
        if message.id in translations:
            message.string = translations[message.id]
            if message.id in fuzzy:
                message.flags.add('fuzzy')
    write_atomic(path, catalog_bytes(catalog))
    return path


def test_proof_shows_each_state(project):
    prepare(project, 'fr', {
        'Introduction': 'Introduction',                                   # translated
        SENTENCE: 'Le NSWP compte {members} **membres** dans {regions} régions.',   # fuzzy
        LINK: 'Voir le site.',                                            # fails: link, note
    }, fuzzy={SENTENCE})
    builder = Builder(project)
    publication = load_publications(project)[0]
    all_rows = proof_rows(project, publication, 'fr', 'summary')
    rows = {row.content_place.rsplit('/', 1)[-1]: row for row in all_rows}
    assert rows['intro.yaml:2'].status == 'translated'
    assert rows['intro.yaml:5'].status == 'fuzzy'
    assert '<del>' in rows['intro.yaml:5'].translation_html
    assert rows['intro.yaml:12'].status == 'failing'
    assert any('[markup] links: missing `(https://nswp.org)`' in p for p in rows['intro.yaml:12'].problems)
    assert rows['footnotes.yaml:2'].status == 'untranslated'
    assert rows['intro.yaml:2'].po_place.startswith('locales/fr/LC_MESSAGES/brief.po:') or \
        'brief.po:' in rows['intro.yaml:2'].po_place

    path, counts = write_proof(builder, publication, 'fr', 'summary')
    assert path.name == 'nswp-brief-summary-proof-fr.pdf'
    # The sentence and its msgctxt twin (intro.yaml:8) were both set, both fuzzy.
    assert rows['intro.yaml:8'].status == 'fuzzy'
    assert counts == {'translated': 1, 'fuzzy': 2, 'untranslated': len(all_rows) - 4, 'failing': 1}
    text = squeeze(PdfText(path).reader.pages[0].extract_text())
    for label in ('1translated', '2fuzzy', '1failing', 'fuzzy:thebuildshowstheEnglish',
                  'LeNSWPcompte', 'intro.yaml:5'):
        assert squeeze(label) in text, label


def test_chinese_proof_uses_the_cjk_font(project):
    publication_yaml = project.content_dir / 'brief' / 'publication.yaml'
    publication_yaml.write_text(publication_yaml.read_text().replace('[en, fr]', '[en, fr, zh]'))
    from nswp_publish.i18n.workflow import update_all
    update_all(project)
    prepare(project, 'zh', {'Introduction': '介绍'})
    path, counts = write_proof(Builder(project), load_publications(project)[0], 'zh', 'summary')
    fonts = embedded_fonts(PdfText(path).reader)
    assert 'Noto-Serif-CJK-SC' in fonts and not [font for font in fonts if 'JP' in font]
    assert '介绍' in PdfText(path).reader.pages[0].extract_text()
