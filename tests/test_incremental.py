"""Incremental and parallel builds: only what changed is rebuilt, in a pool of processes,
with the same bytes as a build in one process."""
import json
import os

from nswp_publish.cli import main as cli
from pathlib import Path

from nswp_publish.build.incremental import MANIFEST_NAME, Job, plan
from nswp_publish.build.parallel import build_jobs, heaviest_first, next_job
from nswp_publish.build.pipeline import Builder
from nswp_publish.project import BuildRequest, Project

from conftest import set_translations


def statuses(capsys):
    rows = capsys.readouterr().out.splitlines()[1:]
    return {(row.split()[1], row.split()[3]): row.split()[0] for row in rows}


def test_only_changed_outputs_are_rebuilt(project, capsys, monkeypatch):
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['--format', 'html']) == 0
    assert set(statuses(capsys).values()) == {'written'}
    assert cli.main(['--format', 'html']) == 0                 # nothing changed
    assert set(statuses(capsys).values()) == {'unchanged'}

    set_translations(project, 'fr', 'brief', {'Introduction': 'Avant-propos'})
    assert cli.main(['--format', 'html']) == 0                 # a catalog: its language only
    assert statuses(capsys) == {('en', 'html'): 'unchanged', ('fr', 'html'): 'written'}

    css = project.templates_dir / 'assets' / 'report.css'
    css.write_text(css.read_text() + '\nh1 { letter-spacing: 0.01em; }\n')
    assert cli.main(['--format', 'html']) == 0                 # styles: everything
    assert set(statuses(capsys).values()) == {'written'}

    assert cli.main(['--format', 'html', '--force']) == 0      # --force: everything
    assert set(statuses(capsys).values()) == {'written'}
    manifest = json.loads((project.output_dir / MANIFEST_NAME).read_text())
    assert sorted(manifest['outputs']) == ['en/nswp-brief-summary-en.html',
                                           'fr/nswp-brief-summary-fr.html']


def test_deleted_output_and_changed_options_are_rebuilt(project, capsys, monkeypatch):
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['--lang', 'en', '--format', 'pdf']) == 0
    capsys.readouterr()
    pdf = project.output_dir / 'en' / 'nswp-brief-summary-en.pdf'
    pdf.unlink()
    assert cli.main(['--lang', 'en', '--format', 'pdf']) == 0
    assert statuses(capsys) == {('en', 'pdf'): 'written'}
    assert cli.main(['--lang', 'en', '--format', 'pdf', '--pdf', 'archive']) == 0
    assert statuses(capsys) == {('en', 'pdf'): 'written'}


def test_a_failed_output_is_not_recorded(project, capsys, monkeypatch):
    monkeypatch.setattr(cli, 'ROOT', project.root)
    set_translations(project, 'fr', 'brief', {'Introduction': 'Intro 𓀀'})
    assert cli.main(['--format', 'pdf']) == 1
    assert statuses(capsys)[('fr', 'pdf')] == 'failed'
    assert cli.main(['--format', 'pdf']) == 1                  # tried again, still failing
    assert statuses(capsys) == {('en', 'pdf'): 'unchanged', ('fr', 'pdf'): 'failed'}


def test_parallel_build_gives_the_same_bytes(project, tmp_path):
    request = BuildRequest(languages=('en', 'fr'))
    sequential = Builder(project).build(request)
    parallel_project = Project(project.root, tmp_path / 'parallel')
    todo, current, _ = plan(parallel_project, request)
    assert not current and len(todo) == 4
    results = build_jobs(parallel_project, request, todo, workers=2)
    assert all(result.status == 'written' for result in results.values())
    for result in sequential:
        twin = parallel_project.output_dir / result.path.relative_to(project.output_dir)
        assert twin.read_bytes() == result.path.read_bytes(), twin


def test_parallel_build_reports_each_failure_and_writes_the_rest(project, tmp_path):
    """A layout error (in a worker) and a glyph error (found before layout, in this
    process) fail their own files only; the pool goes on with the others."""
    css = project.templates_dir / 'assets' / 'report.css'
    set_translations(project, 'fr', 'brief', {'Introduction': 'Intro 𓀀'})
    request = BuildRequest(languages=('en', 'fr'))
    todo, _, _ = plan(project, request)
    css.write_text(css.read_text() + '\nbody { background: url(/dev/urandom); }\n')
    results = {(r.language, r.fmt): r for r in build_jobs(project, request, todo, 2).values()}
    assert results['en', 'pdf'].status == 'failed'
    assert 'refused to fetch file:///dev/urandom' in results['en', 'pdf'].error
    assert results['fr', 'pdf'].status == 'failed'
    assert 'U+13000' in results['fr', 'pdf'].error
    assert results['en', 'html'].status == results['fr', 'html'].status == 'written'
    assert not (project.output_dir / 'en' / 'nswp-brief-summary-en.pdf').exists()


def test_update_writes_where_each_message_appears(project, capsys, monkeypatch):
    from conftest import PdfText
    from nswp_publish.i18n.catalog import po_path, read_catalog
    from nswp_publish.i18n.workflow import update_all
    monkeypatch.setattr(cli, 'ROOT', project.root)
    set_translations(project, 'fr', 'brief', {'NSWP website.': 'Site du NSWP.'})
    assert cli.main(['--lang', 'fr']) == 0
    update_all(project, languages=['fr'])
    path = po_path(project.locales_dir, 'fr', 'brief')
    entry = read_catalog(path, 'fr', 'brief').get('NSWP website.')
    pdf = PdfText(project.output_dir / 'fr' / 'nswp-brief-summary-fr.pdf')
    page = pdf.page_of('Site du NSWP.', small=True)                 # the footnote's real page
    assert page and f'Where: summary p. {page}' in entry.auto_comments
    anchor = next(c for c in entry.auto_comments if c.startswith('Anchor: '))
    html_file, fragment = anchor[len('Anchor: '):].split('#')
    assert f'id="{fragment}"' in (project.output_dir / 'fr' / html_file).read_text()
    # Unchanged inputs: update changes no catalog, and the build has nothing to do.
    before = path.read_bytes()
    assert all(status == 'unchanged' for _, status in update_all(project, languages=['fr']))
    assert path.read_bytes() == before
    capsys.readouterr()
    assert cli.main(['--lang', 'fr']) == 0
    assert set(statuses(capsys).values()) == {'unchanged'}


def test_ctrl_c_stops_every_worker_at_once_and_leaves_only_whole_files(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pypdf import PdfReader
    from conftest import ROOT
    output = tmp_path / 'output'
    # As from a terminal: SIGINT to the whole process group (the shell may have ignored it).
    build = subprocess.Popen(
        [sys.executable, '-c', 'import os, signal, sys; signal.signal(signal.SIGINT, '
         'signal.SIG_DFL); os.execv(sys.executable, [sys.executable, *sys.argv[1:]])',
         'build.py', '--force', '--output', str(output)],
        cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(output.glob('*/*.pdf')) and time.monotonic() < deadline:
        time.sleep(0.1)                        # the first PDF is written: workers are busy
    os.killpg(build.pid, signal.SIGINT)
    interrupted = time.monotonic()
    _, stderr = build.communicate(timeout=60)
    # At once, not after the files already queued (a PDF takes 2 to 5 s to lay out).
    assert time.monotonic() - interrupted < 3
    assert build.returncode == 130, stderr
    assert 'interrupted' in stderr.decode()
    for _ in range(50):                        # the workers are gone too
        try:
            os.killpg(build.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError('a worker outlived the interrupted build')
    pdfs = list(output.glob('*/*.pdf'))
    assert 1 <= len(pdfs) < 10                 # stopped, not finished
    assert not list(output.glob('*/.*.tmp'))   # nothing half-written
    for pdf in pdfs:
        assert len(PdfReader(pdf).pages) > 1


def test_a_worker_deaf_to_the_stop_is_killed_soon_and_its_temporary_file_removed(
        project, monkeypatch, tmp_path):
    # A worker whose SIGTERM lands where Python ignores it (a `__del__`) or that stays in
    # one long C call: the stop must not wait on it, nor leave its half-written file.
    import os
    import signal
    import time
    from nswp_publish.build.parallel import STOP_SECONDS, _Workers
    from nswp_publish.pdf.writer import PdfWriter
    request = BuildRequest(languages=('en',), formats=('pdf',))
    todo, _, _ = plan(project, request)

    def deaf(self, path, *args):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / f'.{path.name}.x1y2z3.tmp').write_bytes(b'%PDF-1.7 half')
        time.sleep(60)
    monkeypatch.setattr(PdfWriter, 'write_file', deaf)          # the workers are forked
    pool = _Workers(1, project, request, tmp_path)
    worker = pool.workers[0]
    job = todo[0]
    worker.give(job)
    deadline = time.monotonic() + 60
    while not list(job.path.parent.glob('.*.tmp')) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(job.path.parent.glob('.*.tmp'))                 # it is writing
    stopping = time.monotonic()
    pool.stop()
    assert time.monotonic() - stopping < STOP_SECONDS + 2
    assert not worker.process.is_alive()
    assert not list(job.path.parent.glob('.*.tmp'))
    assert not job.path.exists()


def test_a_layout_crash_fails_its_files_with_a_message_not_a_traceback(project, monkeypatch):
    import os
    from nswp_publish.pdf.writer import PdfWriter
    request = BuildRequest(languages=('en', 'fr'), formats=('pdf',))
    todo, _, _ = plan(project, request)
    write_file = PdfWriter.write_file

    def bug(self, path, *args):
        raise RuntimeError('a bug in the layout engine')
    monkeypatch.setattr(PdfWriter, 'write_file', bug)          # the workers are forked
    results = build_jobs(project, request, todo, 2).values()
    assert {result.status for result in results} == {'failed'}
    assert all('laying out failed unexpectedly (RuntimeError: a bug in the layout engine)'
               in result.error and 'nswp-brief-summary-' in result.error for result in results)

    def crash(self, path, *args):
        os._exit(9)                                            # killed, as by the OOM killer
    monkeypatch.setattr(PdfWriter, 'write_file', crash)
    results = build_jobs(project, request, todo, 2).values()
    assert {result.status for result in results} == {'failed'}
    assert all('stopped unexpectedly' in result.error for result in results)

    # One file that kills its worker fails alone: a new worker builds the others.
    request = BuildRequest(languages=('en', 'fr'))
    todo, _, _ = plan(project, request)
    def crash_on_french(self, path, *args):
        if path.name.endswith('-fr.pdf'):
            os._exit(9)
        return write_file(self, path, *args)
    monkeypatch.setattr(PdfWriter, 'write_file', crash_on_french)
    results = {(job.language, job.fmt): result
               for job, result in build_jobs(project, request, todo, 2).items()}
    assert 'stopped unexpectedly' in results['fr', 'pdf'].error
    assert {result.status for key, result in results.items() if key != ('fr', 'pdf')} == \
        {'written'}


def laying_out_order(project):
    """The order a forced build of en and fr hands its files out in."""
    todo, current, _ = plan(project, BuildRequest(languages=('en', 'fr')))
    return [job.path.name for job in sorted(todo + current, key=heaviest_first)]


def test_the_longest_pdf_last_time_is_laid_out_first(project, capsys, monkeypatch):
    """A build records each PDF's layout time; the next one hands the longest to a worker
    first, so that short files, not a long one, finish last."""
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['--lang', 'en', 'fr', '--jobs', '2']) == 0
    capsys.readouterr()
    manifest = json.loads((project.output_dir / MANIFEST_NAME).read_text())
    seconds = manifest['seconds']
    assert sorted(seconds) == ['en/nswp-brief-summary-en.pdf', 'fr/nswp-brief-summary-fr.pdf']
    assert all(0 < value < 60 for value in seconds.values())

    todo, _, _ = plan(project, BuildRequest(languages=('en', 'fr')))
    assert not todo                                            # recorded, not rebuilt
    seconds['en/nswp-brief-summary-en.pdf'] = 9.0              # as if English were longest
    (project.output_dir / MANIFEST_NAME).write_text(json.dumps(manifest))
    order = laying_out_order(project)
    assert order[:2] == ['nswp-brief-summary-en.pdf', 'nswp-brief-summary-fr.pdf']
    seconds['en/nswp-brief-summary-en.pdf'] = 0.01
    del seconds['fr/nswp-brief-summary-fr.pdf']                # never built: first of all
    (project.output_dir / MANIFEST_NAME).write_text(json.dumps(manifest))
    order = laying_out_order(project)
    assert order[:2] == ['nswp-brief-summary-fr.pdf', 'nswp-brief-summary-en.pdf']
    assert [name.rsplit('.', 1)[1] for name in order] == ['pdf', 'pdf', 'html', 'html']


def test_a_worker_is_given_the_files_of_the_languages_it_has_translated():
    """Each worker keeps the translations it made: the next file in the same language goes
    to it, unless a file more than twice as long would be left for the end."""
    def job(language, edition, seconds, fmt='pdf'):
        return Job('report', language, edition, fmt, Path(f'{language}-{edition}.{fmt}'), '',
                   1, seconds)
    es_full, fr_full, ru_full = job('es', 'full', 3.4), job('fr', 'full', 2.6), \
        job('ru', 'full', 2.6)
    fr_summary, es_summary = job('fr', 'summary', 1.4), job('es', 'summary', 1.1)
    fr_page, ru_page = job('fr', 'full', None, 'html'), job('ru', 'full', None, 'html')
    remaining = sorted([fr_page, es_summary, ru_full, es_full, fr_summary, fr_full, ru_page],
                       key=heaviest_first)
    assert next_job(remaining, set()) == es_full                        # a new worker
    remaining.remove(es_full)
    remaining.remove(fr_full)                                           # given to another
    fr_done = {('report', 'fr', 'pdf')}
    assert next_job(remaining, fr_done) == fr_summary       # 1.4 s, not ru's 2.6 s first
    es_done = {('report', 'es', 'pdf')}
    assert next_job(remaining, es_done) == ru_full          # es's 1.1 s could wait: 2.6 s
    assert next_job([fr_page, ru_page], {('report', 'ru', 'html')}) == ru_page
    assert next_job([fr_page, ru_page], {('report', 'ru', 'pdf')}) == fr_page   # web: its own


def test_a_worker_is_given_another_publications_file_in_a_language_it_has_laid_out():
    """Its fonts and hyphenation patterns are loaded: a file of the same weight in that
    language goes to it before one in another language, never before its own translation."""
    def job(slug, language, seconds, fmt='pdf'):
        return Job(slug, language, 'main', fmt, Path(f'{slug}-{language}.{fmt}'), '', 0, seconds)
    guide_fr, guide_zh = job('guide', 'fr', 0.7), job('guide', 'zh', 0.6)
    brief_zh, brief_zh_epub = job('brief', 'zh', 0.65), job('brief', 'zh', 0.5, 'epub')
    remaining = sorted([guide_fr, guide_zh, brief_zh], key=heaviest_first)
    zh_done = {('report', 'zh', 'pdf')}
    assert next_job(remaining, zh_done) == brief_zh             # not fr's, 0.05 s longer
    assert next_job(remaining, zh_done | {('guide', 'zh', 'pdf')}) == guide_zh
    assert next_job(remaining, {('report', 'zh', 'html')}) == guide_fr  # a web page lays out none
    assert next_job([guide_fr, brief_zh_epub], zh_done) == brief_zh_epub
    assert next_job([job('guide', 'fr', 1.4), brief_zh], zh_done).language == 'fr'  # 2x rule


def test_a_worker_that_cannot_start_says_why_for_each_file(project, monkeypatch):
    from nswp_publish.build import parallel

    def broken(project, image_folder):
        raise ImportError('libpango-1.0.so.0: cannot open shared object file')
    monkeypatch.setattr(parallel, '_start_worker', broken)      # the workers are forked
    request = BuildRequest(languages=('en', 'fr'))
    todo, _, _ = plan(project, request)
    results = build_jobs(project, request, todo, 2).values()
    assert len(results) == 4 and {result.status for result in results} == {'failed'}
    assert all('the build process could not start (ImportError: libpango-1.0.so.0' in
               result.error and '--jobs 1' in result.error for result in results)


def test_a_build_writes_its_timeline_when_asked(project, tmp_path, monkeypatch):
    from nswp_publish.build.parallel import TRACE_VARIABLE
    timeline = tmp_path / 'timeline.jsonl'
    monkeypatch.setenv(TRACE_VARIABLE, str(timeline))        # the workers are forked
    request = BuildRequest(languages=('en', 'fr'), formats=('html',))
    todo, _, _ = plan(project, request)
    build_jobs(project, request, todo, 2)
    events = [json.loads(line) for line in timeline.read_text().splitlines()]
    kinds = [event['event'] for event in events]
    assert kinds[0] == 'forking' and kinds[-1] == 'done'
    assert kinds.count('forked') == kinds.count('ready') == 2
    files = [event for event in events if event['event'] == 'file']
    assert sorted(event['name'] for event in files) == sorted(job.path.name for job in todo)
    assert all(event['seconds'] > 0 and event['cpu_seconds'] > 0 for event in files)
    assert len({event['pid'] for event in files}) <= 2 and events[0]['pid'] == os.getpid()
