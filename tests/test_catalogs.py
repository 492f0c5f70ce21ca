"""The shipped catalogs: complete, never fuzzy, and faithful to the markup of their source."""
import pytest

from nswp_publish.i18n.catalog import po_path, read_catalog
from nswp_publish.i18n.workflow import check_all
from nswp_publish.project import Project
from nswp_publish.i18n.workflow import domains, stats_all

from conftest import ROOT, SLUG

PROJECT = Project(ROOT)


@pytest.mark.parametrize('language', ['fr', 'es', 'ru', 'zh'])
def test_catalog_is_complete_and_not_fuzzy(language):
    for domain, _, template, _ in domains(PROJECT):
        catalog = read_catalog(po_path(PROJECT.locales_dir, language, domain), language, domain)
        ids = {(m.context, m.id) for m in template if m.id}
        entries = {(m.context, m.id): m for m in catalog if m.id}
        assert ids <= set(entries), f'{domain}: {ids - set(entries)}'
        assert not [m.id for m in entries.values() if m.fuzzy]
        assert not [m.id for m in entries.values() if not str(m.string).strip()]
        assert catalog.locale.language == language
        assert 'nplurals' in catalog.plural_forms


def test_stats_say_100_percent():
    rows = stats_all(PROJECT)
    shipped = {domain for domain, *_ in domains(PROJECT)}    # interface and every publication
    assert {'messages', SLUG} <= shipped
    # Portuguese and Arabic are shipped for the briefing paper (and the interface) only.
    assert {(domain, language) for domain, language, _ in rows} == {
        (domain, language) for domain in shipped for language in ('fr', 'es', 'ru', 'zh')} | {
        (domain, language) for domain in ('messages', 'briefing-member-consultation-2015')
        for language in ('pt', 'ar')}
    assert all(stats.percent == 100.0 and stats.fuzzy == 0 for _, _, stats in rows)


def test_every_translation_passes_check():
    assert [str(problem) for problem in check_all(PROJECT)] == []


def test_pot_files_are_current():
    """The committed POT files are what extraction gives now (nothing to re-extract)."""
    from nswp_publish.i18n.catalog import catalog_bytes, is_current
    from nswp_publish.i18n.catalog import pot_path
    for domain, _, template, _ in domains(PROJECT):
        assert is_current(pot_path(PROJECT.locales_dir, domain), catalog_bytes(template))


@pytest.mark.parametrize('language, fragments', [
    ('fr', ['\u00a0»', '«\u00a0']),           # guillemets with no-break spaces
    ('es', ['¿']),                            # inverted question marks (recommendation 7)
    ('ru', ['«', '»', 'ё']),                  # ёлочки quotes and ё
])
def test_language_typography(language, fragments):
    catalog = read_catalog(po_path(PROJECT.locales_dir, language, SLUG), language, SLUG)
    text = '\n'.join(str(message.string) for message in catalog if message.id)
    for fragment in fragments:
        assert fragment in text
    if language in ('fr', 'ru'):
        assert '“' not in text and '"' not in text


@pytest.mark.parametrize('language', ['fr', 'es', 'ru', 'zh'])
def test_every_language_renders_both_editions_with_no_fallback(language):
    """What a PDF build of each language does before WeasyPrint: translate, render, check glyphs."""
    from nswp_publish.build.pipeline import Builder, check_glyphs
    from nswp_publish.content.load import load_publications
    builder = Builder(PROJECT)
    publication = load_publications(PROJECT, [SLUG])[0]
    documents, interface, fallbacks = builder.translate(publication, language, {'print', 'web'},
                                                        strict=True)
    assert fallbacks == ()
    for edition in ('summary', 'full'):
        html = builder.render_html(publication, language, edition, 'print',
                                   documents['print'], interface)
        check_glyphs(documents['print'], html, PROJECT.languages[language], edition)
        assert f'<html lang="{language}"' in html
