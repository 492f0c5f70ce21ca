"""Parallel builds: a pool of processes, each building whole files (PDF and HTML).

One document's layout is sequential, so the parallelism is across files. The
workers are forked before this process loads any content or imports the pipeline:
each imports it and WeasyPrint, loads the content and its fonts, then keeps them
for every file it is given, translating, rendering, laying out, repairing and
writing it. This process only plans, hands out the files one at a time, longest
first and each to a worker that has already translated its language where that costs
the end of the build nothing (`next_job`), and collects the results; nothing waits on
one core while the others idle.
"""
import dataclasses
import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..errors import PublishError
from ..output import remove_partial
from ..pdf.image_streams import build_folder
from .results import Result

_builder = None
_writing = False


def collect_garbage_less_often():
    """Make the cycle collector cheap for layout; a process-wide setting, for build processes.

    WeasyPrint's layout makes millions of small objects that live until the PDF is
    written. At Python's default threshold (a collection every 700 new objects), the
    collector rescans them hundreds of times per document: a tenth of the build's
    time. Freezing what is already loaded (modules, fonts, templates) and collecting
    every 10,000 objects brings that to 1 to 3%, for some 100 MB more memory at peak.
    """
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    gc.enable()                     # if a worker's start disabled it


class _Stopped(BaseException):
    """The build was interrupted: this worker stops, its half-written file removed."""


def _stop(signum, frame):
    if _writing:
        raise _Stopped              # unwinds the write, which removes its temporary file
    os._exit(1)                     # starting or idle: nothing to clean up


def _start_worker(project, image_folder):
    global _builder
    # Importing WeasyPrint and the pipeline makes no garbage worth collecting, only
    # objects that live as long as the worker: a tenth of its start, spared.
    gc.disable()
    # Ctrl-C is the main process's to handle: it stops the workers with SIGTERM, which
    # unwinds the file being written (`write_atomic` removes its temporary file).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    # The whole pipeline, imported here, after the fork: the main process never needs it.
    from ..pdf.writer import PdfWriter
    from .pipeline import Builder
    _builder = Builder(project, log_warnings=False,
                       pdf_writer=PdfWriter.for_project(project, image_folder))
    collect_garbage_less_often()


def _build_in_worker(job, request):
    """Build one file in this worker: its `Result`. (Our errors carry hints and paths that
    do not survive pickling, so only their text comes back.)"""
    global _writing
    _writing = True
    try:
        return build_file(_builder, job, request)
    except _Stopped:
        os._exit(1)                 # the pool would otherwise go on to its next file
    except Exception as error:      # not the input's fault: say which file, keep building
        doing = 'laying out' if job.fmt == 'pdf' else 'rendering'
        return Result(job.path, job.language, job.edition, job.fmt, 'failed', str(PublishError(
            f'{doing} failed unexpectedly ({type(error).__name__}: {error}); the previous '
            f'file is kept', job.path, hint='rebuild with --jobs 1 to see where, and report it')))
    finally:
        _writing = False


def build_file(builder, job, request):
    """Load (once per process), translate, render and write one file: its `Result`; a
    PDF's carries the seconds it took, which order the next build."""
    start = time.perf_counter()
    try:
        publication = builder.publication(job.slug)
    except PublishError as error:
        return Result(job.path, job.language, job.edition, job.fmt, 'failed', str(error))
    built = builder.build_one(publication, job.language, job.edition, job.fmt, request)
    if job.fmt == 'pdf' and built.status == 'written':
        built = dataclasses.replace(built, seconds=time.perf_counter() - start)
    return built


def _died(job):
    return Result(job.path, job.language, job.edition, job.fmt, 'failed', str(PublishError(
        'the process building it stopped unexpectedly (out of memory?); the previous file '
        'is kept', job.path, hint='try again with --jobs 1')))


def heaviest_first(job):
    """Long documents first, so that the last files to finish are short ones and no worker
    waits long for another at the end: PDFs by the time each took last time (the build
    records it); before them any PDF not built yet, a report layout first; then the web
    pages, each a fraction of a second, which fill the workers' last gaps."""
    known = job.seconds is not None
    return (job.fmt != 'pdf', known, -(job.seconds if known else job.weight))


#: Seconds a file is guessed to take before a build has timed it: what matters is only
#: how files compare (a report's PDF, a short PDF, an EPUB, a web page).
GUESSED_SECONDS = {('pdf', 1): 2.0, ('pdf', 0): 0.5, ('epub', 1): 1.0, ('epub', 0): 0.5}
WEB_PAGE_SECONDS = 0.05


def expected_seconds(job):
    """How long a file should take: its last layout time, else a guess by its kind."""
    if job.seconds is not None:
        return job.seconds
    return GUESSED_SECONDS.get((job.fmt, job.weight), WEB_PAGE_SECONDS)


def translation_of(job):
    """What a worker translates for a file and keeps for the next of the same kind: one
    publication in one language, for one medium (the format's)."""
    return job.slug, job.language, job.fmt


#: The formats WeasyPrint lays out (an EPUB too, for its page list): their files warm a
#: language's fonts and hyphenation dictionary in the worker.
LAID_OUT = ('pdf', 'epub')


def next_job(remaining, translated):
    """The file an idle worker builds next, from `remaining` (heaviest first): the heaviest
    one whose translation it already holds (`translated`), else the heaviest in a language
    it has laid out, unless either would leave a file more than twice as long for later;
    otherwise the heaviest.

    Handing a language's files to one worker saves translating it in each, and loading its
    fonts and hyphenation patterns (a tenth of a second for Chinese or Arabic); keeping
    the longest files first keeps the end of the build short.
    """
    heaviest = remaining[0]
    laid_out = {language for _, language, fmt in translated if fmt in LAID_OUT}
    same_language = None
    for job in remaining:
        if expected_seconds(job) * 2 < expected_seconds(heaviest):
            break
        if translation_of(job) in translated:
            return job
        if same_language is None and job.fmt in LAID_OUT and job.language in laid_out:
            same_language = job
    return same_language or heaviest


#: Where a build appends its timeline, one JSON object a line, when this is set: each
#: process's start, each file's start, seconds and CPU seconds (`benchmarks/bench_build.py`
#: reads it to say where a cold build's time goes beyond the floor).
TRACE_VARIABLE = 'NSWP_BUILD_TRACE'


def trace(event, **facts):
    """Append one event of this process to the build's timeline, if one is asked for."""
    path = os.environ.get(TRACE_VARIABLE)
    if path:
        import json
        line = json.dumps({'event': event, 'pid': os.getpid(), 'at': time.time(),
                           'cpu': time.process_time(), **facts})
        with open(path, 'a', encoding='utf-8') as timeline:
            timeline.write(line + '\n')     # one write of one short line: whole, in order


def _serve(connection, project, request, image_folder):
    """A worker's life: start, then build each job received until told to stop (None).
    A worker that cannot start answers each job with the reason."""
    trace('forked')
    try:
        _start_worker(project, image_folder)
        trace('ready')
        build = _build_in_worker
    except Exception as error:      # noqa: BLE001 - said for each file, in one line
        reason = f'{type(error).__name__}: {error}'

        def build(job, request):
            return Result(job.path, job.language, job.edition, job.fmt, 'failed',
                          str(PublishError(f'the build process could not start ({reason})',
                                           job.path, hint='rebuild with --jobs 1 to see where')))
    while True:
        try:
            job = connection.recv()
        except EOFError:            # the build stopped
            return
        if job is None:
            return
        started, cpu = time.time(), time.process_time()
        result = build(job, request)
        trace('file', name=job.path.name, started=started,
              seconds=time.time() - started, cpu_seconds=time.process_time() - cpu)
        connection.send(result)


class _Worker:
    """One build process and its end of a pipe; remembers what it has translated."""

    def __init__(self, context, project, request, image_folder):
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve,
                                       args=(theirs, project, request, image_folder))
        self.process.start()
        theirs.close()
        self.translated = set()
        self.job = None
        self.released = False

    def give(self, job):
        self.job = job
        self.translated.add(translation_of(job))
        self.connection.send(job)

    def release(self):
        """Tell the process there is nothing more to build: it ends (once)."""
        if not self.released:
            self.released = True
            try:
                self.connection.send(None)
            except OSError:
                pass


#: How long interrupted workers have, together, to unwind their writes before they are killed.
STOP_SECONDS = 1.0


class _Workers:
    """Build processes forked before this process loads any content or imports the
    pipeline, each handed one file at a time by `next_job`, so that a language's files
    go to the worker that already translated it. (A `ProcessPoolExecutor` would choose
    the worker itself.) A worker that dies fails its own file only and is replaced."""

    def __init__(self, count, project, request, image_folder):
        self.arguments = (multiprocessing.get_context('fork'), project, request, image_folder)
        self.workers = [_Worker(*self.arguments) for _ in range(count)]

    def build(self, ordered, finish):
        """Build every job of `ordered` (heaviest first); `finish(job, result)` each."""
        remaining = list(ordered)
        idle = list(self.workers)
        busy = {}
        while remaining or busy:
            while idle and remaining:
                worker = idle.pop(0)
                job = next_job(remaining, worker.translated)
                remaining.remove(job)
                worker.give(job)
                busy[worker.connection] = worker
            for connection in multiprocessing.connection.wait(list(busy)):
                worker = busy.pop(connection)
                job = worker.job
                try:
                    result = connection.recv()
                except (EOFError, OSError):
                    result = _died(job)
                    worker = self._replace(worker, needed=bool(remaining))
                else:
                    worker.job = None
                finish(job, result)
                if worker is not None and remaining:
                    idle.append(worker)
                elif worker is not None:
                    worker.release()    # its memory freed while the others finish

    def _replace(self, dead, needed):
        """A new worker in place of a dead one, if files are left for it; else None."""
        dead.process.join()
        dead.connection.close()
        self.workers.remove(dead)
        if not needed:
            return None
        fresh = _Worker(*self.arguments)
        self.workers.append(fresh)
        return fresh

    def close(self):
        """Let every worker finish and go."""
        for worker in self.workers:
            worker.release()
        for worker in self.workers:
            worker.process.join()
            worker.connection.close()

    def stop(self):
        """Stop every worker at once: a file being written keeps its previous version.

        SIGTERM asks each to unwind the file it is writing. One inside a long C call
        only sees the signal when the call returns, and one whose signal lands in a
        `__del__` never does (Python ignores exceptions there), so all share one short
        wait; any still running then is killed, and its temporary file removed here.
        """
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            if worker.job is not None:
                remove_partial(worker.job.path)
            worker.connection.close()


def _build_one_pdf(project, request, job, progress=None, meanwhile=None):
    """A build of one PDF: a `LayoutWorker` imports WeasyPrint and loads its fonts while
    this process loads, translates and renders the content, then lays it out."""
    layout = LayoutWorker(project)
    try:
        if meanwhile:
            meanwhile()
        from .pipeline import Builder
        builder = Builder(project, log_warnings=False)
        start = time.perf_counter()
        try:
            publication = builder.publication(job.slug)
            html, warnings = builder.render_output(publication, job.language, job.edition,
                                                   job.fmt, request)
        except PublishError as error:
            result = Result(job.path, job.language, job.edition, job.fmt, 'failed', str(error))
        else:
            error = layout.write(job.path, html, request.pdf_variant, publication.folder)
            result = Result(job.path, job.language, job.edition, job.fmt,
                            'failed' if error else 'written', error, warnings,
                            None if error else time.perf_counter() - start)
    finally:
        layout.close()
    if progress:
        progress(1, 1, result)
    return result


def build_jobs(project, request, jobs, workers=None, progress=None, meanwhile=None):
    """Build the given jobs; returns {job: Result}. `workers` is how many processes may
    work at once (default: one per core; 1 builds everything in this process).
    `progress(done, total, result)` is called as each file finishes. `meanwhile()` is
    what this process has to do once the workers are starting (checking the content the
    plan has not read): if it raises, nothing is built."""
    cores = workers or os.cpu_count() or 1
    workers = min(cores, len(jobs))
    if cores > 1 and len(jobs) == 1 and jobs[0].fmt == 'pdf':
        return {jobs[0]: _build_one_pdf(project, request, jobs[0], progress, meanwhile)}
    results = {}

    def finish(job, result):
        results[job] = result
        if progress:
            progress(len(results), len(jobs), result)

    ordered = sorted(jobs, key=heaviest_first)
    if workers <= 1:
        if meanwhile:
            meanwhile()
        from .pipeline import Builder       # after the fork (below): the workers never need it
        builder = Builder(project, log_warnings=False)
        if any(job.fmt == 'pdf' for job in jobs):
            collect_garbage_less_often()
        for job in ordered:
            finish(job, build_file(builder, job, request))
        return results
    # Each PNG's PDF stream is made once for the whole build, by the first worker that
    # needs it, in a folder the workers share (image_streams).
    with build_folder(project.output_dir) as image_folder:
        trace('forking')
        pool = _Workers(workers, project, request, image_folder)
        try:
            if meanwhile:
                meanwhile()
            pool.build(ordered, finish)
        except BaseException:
            pool.stop()             # interrupted: now, not after the files already queued
            raise
        pool.close()
    trace('done')
    return results


_layout_writer = None


def _start_layout_worker(project):
    global _layout_writer
    gc.disable()                    # until `collect_garbage_less_often`, as `_start_worker`
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    from ..pdf.writer import PdfWriter
    _layout_writer = PdfWriter.for_project(project)
    collect_garbage_less_often()


def _lay_out(path, html, variant, source):
    """Lay out, repair and write one PDF in the layout worker: None, or the error's text."""
    global _writing
    _writing = True
    try:
        _layout_writer.write_file(path, html, variant, source)
    except PublishError as error:
        return str(error)
    except _Stopped:
        os._exit(1)
    except Exception as error:      # not the input's fault: say which file
        return str(PublishError(f'laying out failed unexpectedly ({type(error).__name__}: '
                                f'{error}); the previous file is kept', path,
                                hint='restart the preview, and report it'))
    finally:
        _writing = False
    return None


class LayoutWorker:
    """One process that stays warm for the PDFs it is given, one at a time: WeasyPrint
    imported, fonts and image streams loaded once (the live preview's PDF).

    It is forked when made: make it before the process starts threads. The caller
    renders the HTML (its content and catalogs stay in the caller); the worker lays it
    out, repairs its structure and writes the file, whole or not at all.
    """

    def __init__(self, project):
        self.project = project
        others = set(multiprocessing.active_children())
        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context('fork'),
                                        initializer=_start_layout_worker, initargs=(project,))
        self.pool.submit(int)       # forks now, and WeasyPrint loads meanwhile
        self.processes = set(multiprocessing.active_children()) - others
        self.busy = False

    def write(self, path, html, variant='accessible', source=None):
        """Write the PDF `path` from its HTML: None, or the error's one-line text. A worker
        that died (out of memory?) is replaced for the next PDF."""
        self.busy = True
        try:
            return self.pool.submit(_lay_out, path, html, variant, source).result()
        except BrokenProcessPool:
            self.pool.shutdown(wait=False)
            self.__init__(self.project)
            return str(PublishError('the process laying it out stopped unexpectedly (out of '
                                    'memory?); the previous file is kept', path,
                                    hint='save again to retry'))
        finally:
            self.busy = False

    def close(self):
        """Stop the worker: at once if it is laying out (the file keeps its previous
        version). Waits for the pool's own thread, which Python's exit would otherwise
        race with (an ignored `OSError` printed at exit)."""
        if self.busy:
            for process in self.processes:
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)
