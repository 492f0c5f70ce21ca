"""The release gate: one command that says whether every language is fit to send to donors.

In order: the catalogs are current with the sources, translations pass `check`, every
character has a glyph, every edition and format builds, the PDFs are valid (qpdf),
tagged, with language, title and alternative text on every figure, their structure
is what a screen reader needs (`pdf.structure`: the `a11y` column), the EPUBs pass
EPUBCheck and DAISY Ace (`qa.epubs`: the `epub` column), and the built editions match
the English. One table (language x check), an HTML report, and exit 1
when any language fails. A language whose catalogs are less complete than
`--draft-below` is built as a draft, marked on every page, instead of failing.
"""
import html
import os
import shutil
import subprocess
from dataclasses import dataclass, field

from pypdf import PdfReader

from ..build.incremental import plan
from ..build.parallel import build_jobs
from ..build.pipeline import Builder, check_glyphs
from ..choices import EXTRA_FORMATS, FORMATS
from ..errors import PublishError
from ..i18n.catalog import (INTERFACE_DOMAIN, catalog_bytes, is_current, po_path, pot_path,
                            read_catalog)
from ..i18n.checks import check_catalog, msgfmt_problems, pofilter_problems
from ..i18n.workflow import domains, stats_of
from ..output import write_atomic
from ..pdf.structure import check_file as check_pdf_structure
from ..project import BuildRequest
from ..wording import TOOL_LANGUAGE, counted
from .compare import compare_outputs
from .epubs import ToolMissing, check_epubs
from .leaks import find_leaks

CHECKS = ('complete', 'extracted', 'check', 'leaks', 'glyphs', 'build', 'pdf', 'a11y',
          'epub', 'compare')
#: What a release builds: every format.
RELEASE_FORMATS = FORMATS + EXTRA_FORMATS
PASS, FAIL, DRAFT, SKIPPED = 'pass', 'FAIL', 'draft', '-'


@dataclass
class LanguageReport:
    language: str
    percent: float = 100.0
    draft: bool = False
    results: dict = field(default_factory=dict)     # check -> PASS / FAIL / DRAFT / SKIPPED
    problems: list = field(default_factory=list)    # (check, text)

    def record(self, check, problems):
        self.problems.extend((check, str(problem)) for problem in problems)
        if self.results.get(check) != FAIL:
            self.results[check] = FAIL if problems else PASS

    @property
    def failed(self):
        return FAIL in self.results.values()


def _catalogs(project, publication, language):
    return [(domain, po_path(project.locales_dir, language, domain))
            for domain in (publication.domain, INTERFACE_DOMAIN)]


def check_extracted(project, publication, templates_by_domain, language):
    """The POT files equal a fresh extraction, and the catalog holds every message of it."""
    problems = []
    for domain, path in _catalogs(project, publication, language):
        template = templates_by_domain[domain]
        pot = pot_path(project.locales_dir, domain)
        if not is_current(pot, catalog_bytes(template)):
            problems.append(f'{os.path.relpath(pot)}: not current with the sources '
                            f'(run: python3 build.py update)')
        if project.languages[language].source:
            continue
        catalog = read_catalog(path, language, domain)
        missing = [m.id for m in template if m.id and catalog.get(m.id, m.context) is None]
        if missing:
            problems.append(f'{os.path.relpath(path)}: {counted(len(missing), "message")} of '
                            f'the POT {"is" if len(missing) == 1 else "are"} '
                            f'missing (run: python3 build.py update --lang {language})')
    return problems


def completeness(project, found, publication, language):
    """(percent of the publication's own catalog, percent of the shared interface catalog),
    from the same `Stats` as `stats` shows: one publication at a time."""
    if project.languages[language].source:
        return 100.0, 100.0
    by_name = {domain.name: domain for domain in found}
    return tuple(stats_of(by_name[name], language, po_path(project.locales_dir, language, name))
                 .percent for name in (publication.domain, INTERFACE_DOMAIN))


def validate_pdf(path, language):
    """Problems of one built PDF: qpdf's structural check, tags, language, title, figures."""
    problems = []
    shown = os.path.relpath(path)
    if not shutil.which('qpdf'):
        return [f'{shown}: qpdf is not installed (run: apt-get install qpdf)']
    result = subprocess.run(['qpdf', '--check', str(path)], capture_output=True, text=True)
    if result.returncode not in (0, 3):          # 3: warnings only
        problems.append(f'{shown}: qpdf --check: {result.stdout.strip().splitlines()[-1:]}')
    reader = PdfReader(path)
    root = reader.trailer['/Root']
    if '/StructTreeRoot' not in root or not root.get('/MarkInfo', {}).get('/Marked'):
        problems.append(f'{shown}: not a tagged PDF')
    if str(root.get('/Lang', '')) != language:
        problems.append(f'{shown}: document language is {root.get("/Lang")!r}, not {language!r}')
    if not (reader.metadata and reader.metadata.title):
        problems.append(f'{shown}: no title in the metadata')
    if '/StructTreeRoot' in root:
        for figure in _figures(root['/StructTreeRoot']):
            if not str(figure.get('/Alt', '')).strip():
                problems.append(f'{shown}: a figure has no alternative text')
    return problems


def _figures(node):
    node = node.get_object()
    if isinstance(node, dict):
        if node.get('/S') == '/Figure':
            yield node
        kids = node.get('/K')
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, 'get_object') or isinstance(kid, dict):
                yield from _figures(kid)


def run_release(project, slugs=None, draft_below=None, workers=None, progress=None,
                formats=RELEASE_FORMATS):
    """Run every step for every language; returns {slug: [LanguageReport]}. `formats`: what
    is built and checked (the tests leave the EPUBs out where they test something else)."""
    reports = {}
    source = project.languages.source.code
    builder = Builder(project, log_warnings=False)
    found = domains(project, slugs)
    templates_by_domain = {domain.name: domain.template for domain in found}
    for publication in (domain.publication for domain in found if domain.publication):
        languages = list(publication.languages)
        by_language = {language: LanguageReport(language) for language in languages}
        # Text the templates put on the page outside any catalog stays English everywhere.
        try:
            leaks = find_leaks(builder, publication)
        except PublishError as error:       # a broken template: the build reports it too
            leaks = [error]
        for language, report in by_language.items():
            report.percent, interface = completeness(project, found, publication, language)
            report.draft = draft_below is not None and report.percent < draft_below
            report.results['complete'] = (
                DRAFT if report.draft else
                PASS if report.percent == 100.0 and interface == 100.0 else FAIL)
            if report.results['complete'] == FAIL:
                if report.percent < 100.0:
                    report.problems.append(('complete', f'{publication.domain}.po: '
                                                        f'{report.percent:.1f}% translated'))
                if interface < 100.0:
                    report.problems.append(('complete', f'messages.po (interface text): '
                                                        f'{interface:.1f}% translated'))
            report.record('extracted', check_extracted(project, publication, templates_by_domain,
                                                       language))
            report.record('leaks', [] if language == source else leaks)
            # GNU msgfmt and pofilter are required here: a catalog Poedit refuses, or whose
            # placeholders, tags, links or numbers pofilter questions, is not fit to release.
            declared = project.languages[language]
            report.record('check', [] if language == source else [
                problem for _, path in _catalogs(project, publication, language)
                for problem in [*check_catalog(path, declared, path.stem),
                                *msgfmt_problems(path, required=True),
                                *pofilter_problems(path, declared, required=True)]
                if problem.severity == 'error'])
            glyphs = []
            try:
                documents, interface, _ = builder.translate(publication, language, ('print',))
                for edition in publication.editions:
                    html_text = builder.render_html(publication, language, edition, 'print',
                                                    documents['print'], interface)
                    check_glyphs(documents['print'], html_text, declared, edition)
            except PublishError as error:
                glyphs.append(error)
            report.record('glyphs', glyphs)
        # Build everything; draft languages with the draft mark.
        for draft in (False, True):
            chosen = [lang for lang in languages if by_language[lang].draft == draft]
            if not chosen:
                continue
            request = BuildRequest(languages=tuple(chosen), editions=None, formats=formats,
                                   publications=(publication.slug,), draft=draft)
            todo, current, manifest = plan(project, request)
            built = build_jobs(project, request, todo, workers, progress) if todo else {}
            manifest.record_results(built)
            for job, result in built.items():
                if result.status != 'written':
                    by_language[job.language].problems.append(('build', result.error))
                    by_language[job.language].results['build'] = FAIL
            manifest.save()
            epubs = []
            for job in [*todo, *current]:
                report = by_language[job.language]
                report.results.setdefault('build', PASS)
                if job.path.exists() and report.results['build'] == PASS:
                    if job.fmt == 'pdf':
                        report.record('pdf', validate_pdf(job.path, job.language))
                        report.record('a11y', check_pdf_structure(job.path, job.language))
                    elif job.fmt == 'epub':
                        epubs.append(job)
            _check_epubs(project, epubs, by_language, workers)
        differences, _ = compare_outputs(project, publication,
                                         [lang for lang in languages if lang != source],
                                         list(publication.editions))
        for language, report in by_language.items():
            report.results.setdefault('pdf', SKIPPED)
            report.results.setdefault('a11y', SKIPPED)
            report.results.setdefault('epub', SKIPPED)
            report.record('compare', [d for d in differences if d.language == language])
        reports[publication.slug] = list(by_language.values())
    return reports


def _check_epubs(project, jobs, by_language, workers):
    """The `epub` column: EPUBCheck and Ace on every EPUB built; a checker that is not
    installed fails it, saying how to install it."""
    if not jobs:
        return
    try:
        findings = check_epubs([job.path for job in jobs], project.root, workers)
    except ToolMissing as missing:
        for job in jobs:
            by_language[job.language].record('epub', [str(missing)])
        return
    for job in jobs:
        shown = os.path.relpath(job.path)
        by_language[job.language].record('epub', [f'{shown}: {finding}'
                                                  for finding in findings[job.path]])


def write_report(project, reports):
    """output/release-report.html: the table and every problem, for the publications team."""
    parts = [f'<!DOCTYPE html><html lang="{TOOL_LANGUAGE}"><head><meta charset="utf-8">'
             '<title>Release report</title><style>body{font-family:sans-serif;margin:2rem}'
             'td,th{border:1px solid #ccc;padding:.3rem .6rem}table{border-collapse:collapse}'
             '.FAIL{background:#ffebee}.pass{background:#e8f5e9}.draft{background:#fff3e0}'
             '</style></head><body><h1>Release report</h1>']
    for slug, languages in reports.items():
        parts.append(f'<h2>{html.escape(slug)}</h2><table><tr><th>language</th>'
                     + ''.join(f'<th>{check}</th>' for check in CHECKS) + '</tr>')
        for report in languages:
            parts.append(f'<tr><th>{report.language} ({report.percent:.0f}%)</th>' + ''.join(
                f'<td class="{report.results.get(check, SKIPPED)}">'
                f'{report.results.get(check, SKIPPED)}</td>' for check in CHECKS) + '</tr>')
        parts.append('</table><ul>')
        for report in languages:
            parts.extend(f'<li>[{report.language}] {html.escape(check)}: {html.escape(text)}</li>'
                         for check, text in report.problems)
        parts.append('</ul>')
    parts.append('</body></html>')
    path = project.output_dir / 'release-report.html'
    write_atomic(path, '\n'.join(parts))
    return path
