"""Glyph coverage with the real installed fonts (fontTools reads their cmaps)."""
import pytest

from nswp_publish.errors import FontError
from nswp_publish.pdf.fonts import check_coverage, missing_characters
from nswp_publish.build.pipeline import Builder
from nswp_publish.project import BuildRequest

from conftest import PROJECT_LANGUAGES, set_translations


def test_declared_fonts_cover_each_language_script():
    assert missing_characters('Réseau « travail du sexe » — ¿Qué? Секс-работа, ёлочки',
                              PROJECT_LANGUAGES['en']) == []
    assert missing_characters('性工作者主导组织——《瑞典模型》', PROJECT_LANGUAGES['zh']) == []


def test_missing_glyph_is_named():
    assert missing_characters('Hello 𓀀 world', PROJECT_LANGUAGES['en']) == ['𓀀']
    assert missing_characters('性工作', PROJECT_LANGUAGES['en']) == sorted('性工作')
    with pytest.raises(FontError, match=r'U\+13000 EGYPTIAN HIEROGLYPH A001 \(intro.yaml:5\)'):
        check_coverage([('Hello 𓀀', 'intro.yaml:5')], PROJECT_LANGUAGES['en'])


def test_pdf_build_refuses_text_its_fonts_lack(project):
    set_translations(project, 'fr', 'brief', {'Introduction': 'Introduction 𓀀'})
    results = Builder(project).build(BuildRequest(languages=('fr',), formats=('pdf',)))
    assert results[0].status == 'failed'
    assert 'U+13000' in results[0].error and 'fr/LC_MESSAGES/brief.po:' in results[0].error


def test_missing_font_is_a_clear_error():
    from nswp_publish.pdf.fonts import font_file
    with pytest.raises(FontError, match='font "No Such Family Sans" is not installed') as error:
        font_file('No Such Family Sans')
    assert 'apt-get install' in error.value.hint or 'build.py' in error.value.hint
