"""The release gate: it passes on the shipped report and fails on each kind of problem."""
import pytest

from nswp_publish.content.load import load_publications
from nswp_publish.choices import FORMATS
from nswp_publish.qa import epubs, release
from nswp_publish.i18n.catalog import po_path, read_catalog
from nswp_publish.qa.compare import Difference
from nswp_publish.i18n.catalog import catalog_bytes
from nswp_publish.output import write_atomic
from nswp_publish.project import Project
from nswp_publish.i18n.workflow import update_all

from conftest import ROOT, SLUG, PdfText, squeeze


def translate_all(project, language='fr', change=None):
    """Fill every catalog of `language` with stand-in translations that keep the markup."""
    for domain in ('brief', 'messages'):
        path = po_path(project.locales_dir, language, domain)
        catalog = read_catalog(path, language, domain)
        for message in catalog:
            if message.id:
                if isinstance(message.id, (list, tuple)):
                    message.string = tuple(f'{form} ({language})' for form in message.id)
                else:
                    message.string = f'{message.id} ({language})'
                if change and message.id in change:
                    message.string = change[message.id]
        write_atomic(path, catalog_bytes(catalog))


def results(project, **options):
    """The release of the small publication; EPUBs left out unless asked for (their own
    tests are the EPUB's: tests/test_epub.py, and one below)."""
    options.setdefault('formats', FORMATS)
    reports = release.run_release(project, **options)
    return {report.language: report for report in reports['brief']}


def test_release_passes_on_the_shipped_report(tmp_path):
    reports = release.run_release(Project(ROOT, tmp_path), [SLUG], formats=FORMATS)
    assert [report.language for report in reports[SLUG]] == ['en', 'fr', 'es', 'ru', 'zh']
    failed = {report.language: report.problems for report in reports[SLUG] if report.failed}
    assert failed == {}
    path = release.write_report(Project(ROOT, tmp_path), reports)
    assert path.name == 'release-report.html' and 'class="FAIL"' not in path.read_text()


def test_a_complete_small_publication_passes_with_its_epubs_checked(project):
    translate_all(project)
    report = results(project, formats=release.RELEASE_FORMATS)['fr']
    assert not report.failed, report.problems
    assert report.results['epub'] == release.PASS
    assert (project.output_dir / 'fr' / 'nswp-brief-summary-fr.epub').is_file()


def test_an_epub_the_checkers_cannot_check_fails_the_release(project, monkeypatch):
    translate_all(project)

    def missing(root):
        raise epubs.ToolMissing('DAISY Ace is not installed (run: npm ci)')
    monkeypatch.setattr(epubs, 'ace_command', missing)
    report = results(project, formats=release.RELEASE_FORMATS)['fr']
    assert report.results['epub'] == release.FAIL
    assert ('epub', 'DAISY Ace is not installed (run: npm ci)') in report.problems


@pytest.mark.parametrize('kind', ['complete', 'extracted', 'check', 'glyphs', 'build', 'pdf',
                                  'compare'])
def test_release_fails_on_each_kind_of_problem(project, monkeypatch, kind):
    translate_all(project)
    if kind == 'complete':
        catalog_path = po_path(project.locales_dir, 'fr', 'brief')
        catalog = read_catalog(catalog_path, 'fr', 'brief')
        catalog.get('Introduction').string = ''
        write_atomic(catalog_path, catalog_bytes(catalog))
    elif kind == 'extracted':
        chapter = project.content_dir / 'brief' / 'intro.yaml'
        chapter.write_text(chapter.read_text() + '  - p: "A new paragraph."\n')
    elif kind == 'check':
        translate_all(project, change={'Introduction': 'Introduction <b>gras</b>'})
    elif kind == 'glyphs':
        translate_all(project, change={'Introduction': 'Introduction 𓀀'})
    elif kind == 'build':
        template = project.templates_dir / 'partials' / 'cover.html'
        template.write_text(template.read_text().replace('{{ pub.date }}', '{{ pub.nothing }}'))
    elif kind == 'pdf':
        monkeypatch.setattr(release.shutil, 'which', lambda name: None)
    elif kind == 'compare':
        monkeypatch.setattr(release, 'compare_outputs', lambda *args: (
            [Difference('fr', 'output/fr/x.html', '8 footnotes, the English has 9')], {}))
    report = results(project)['fr']
    assert report.failed and report.results[kind] == release.FAIL, report.results
    assert any(check == kind for check, _ in report.problems)


def test_draft_below_marks_every_page_instead_of_failing(project):
    update_all(project)
    report = results(project, draft_below=90)['fr']      # fr is untranslated: 0%
    assert report.results['complete'] == release.DRAFT and not report.failed, report.problems
    pdf = PdfText(project.output_dir / 'fr' / 'nswp-brief-summary-fr.pdf')
    for page in pdf.reader.pages:
        assert squeeze('Draft: not for distribution') in squeeze(page.extract_text())
    english = PdfText(project.output_dir / 'en' / 'nswp-brief-summary-en.pdf')
    assert 'Draft' not in english.reader.pages[1].extract_text()


def test_a_leaked_english_heading_is_caught(project):
    from nswp_publish.qa.leaks import find_leaks
    from nswp_publish.build.pipeline import Builder
    translate_all(project)
    builder = Builder(project)
    assert find_leaks(builder, load_publications(project)[0]) == []
    chapter = project.templates_dir / 'partials' / 'chapter.html'
    chapter.write_text(chapter.read_text().replace(
        '{{ blocks(chapter.blocks) }}', '<h2>Key points</h2>\n  {{ blocks(chapter.blocks) }}', 1))
    leaks = [str(leak) for leak in find_leaks(Builder(project), load_publications(project)[0])]
    assert 'summary edition (print): "Key" is not from a catalog' in leaks
    assert 'summary edition (web): "points" is not from a catalog' in leaks
    assert 'summary edition (epub): "Key" is not from a catalog' in leaks
    wording = project.templates_dir / 'epub' / 'wording.html'
    wording.write_text(wording.read_text().replace(
        "{% set start = _('Start of the text') %}", "{% set start = 'Begin here' %}"))
    leaks = [str(leak) for leak in find_leaks(Builder(project), load_publications(project)[0])]
    assert 'every edition (epub): "Begin" is not from a catalog' in leaks
    report = results(project)['fr']
    assert report.results['leaks'] == release.FAIL and report.failed
