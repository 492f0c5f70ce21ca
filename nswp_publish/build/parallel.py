"""Parallel builds: this process renders each file's HTML, a pool of processes lays out the PDFs.

One document's layout is sequential, so the parallelism is across files. Each
worker imports WeasyPrint and loads its fonts as soon as it starts, while this
process is still loading, translating and rendering the content; the worker then
keeps them for every PDF it is given. Even a single PDF gains: WeasyPrint's start
overlaps with the content's.
"""
import dataclasses
import gc
import multiprocessing
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from ..errors import PublishError
from ..pdf.image_streams import build_folder

_writer = None
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


class _Stopped(BaseException):
    """The build was interrupted: this worker stops, its half-written file removed."""


def _stop(signum, frame):
    if _writing:
        raise _Stopped              # unwinds the write, which removes its temporary file
    os._exit(1)                     # starting or idle: nothing to clean up


def _start_writer(project, image_folder):
    global _writer
    # Ctrl-C is the main process's to handle: it stops the workers with SIGTERM, which
    # unwinds the file being written (`write_atomic` removes its temporary file).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    # Only the PDF stage: content, templates and catalogs are the main process's.
    from ..pdf.writer import PdfWriter
    _writer = PdfWriter.for_project(project, image_folder)
    collect_garbage_less_often()


def _write_pdf(path, html, variant, source):
    """Lay out and write one PDF: (the error's message or None, seconds it took). (Our
    errors carry hints and paths that do not survive pickling, so only their text comes
    back.)"""
    global _writing
    _writing = True
    start = time.perf_counter()
    try:
        _writer.write_file(path, html, variant, source)
    except PublishError as error:
        return str(error), None
    except _Stopped:
        os._exit(1)                 # the pool would otherwise go on to its next file
    except Exception as error:      # not the input's fault: say which file, keep building
        return str(PublishError(f'laying out failed unexpectedly ({type(error).__name__}: '
                                f'{error}); the previous file is kept', path,
                                hint='rebuild with --jobs 1 to see where, and report it')), None
    finally:
        _writing = False
    return None, time.perf_counter() - start


def _died(path):
    return str(PublishError('the process laying it out stopped unexpectedly (out of memory?); '
                            'the previous file is kept', path, hint='try again with --jobs 1'))


def heaviest_first(job):
    """Long documents first, so that the last files to finish are short ones and no worker
    waits long for another at the end: PDFs by the time each took last time (the build
    records it); before them any PDF not built yet, a report layout first; HTML last,
    written by the main process."""
    known = job.seconds is not None
    return (job.fmt != 'pdf', known, -(job.seconds if known else job.weight))


def build_jobs(project, request, jobs, workers=None, progress=None):
    """Build the given jobs; returns {job: Result}. `workers` is how many processes may
    work at once (default: one per core; 1 builds everything in this process).
    `progress(done, total, result)` is called as each file finishes."""
    workers = workers or os.cpu_count() or 1
    pdf_count = sum(job.fmt == 'pdf' for job in jobs)
    results = {}

    def finish(job, result):
        results[job] = result
        if progress:
            progress(len(results), len(jobs), result)

    ordered = sorted(jobs, key=heaviest_first)
    if workers <= 1 or not pdf_count:
        from .pipeline import Builder       # after the fork (below): the workers never need it
        builder = Builder(project, log_warnings=False)
        if pdf_count:
            collect_garbage_less_often()
        for job in ordered:
            start = time.perf_counter()
            built = builder.build_one(builder.publication(job.slug), job.language,
                                      job.edition, job.fmt, request)
            if job.fmt == 'pdf' and built.status == 'written':
                built = dataclasses.replace(built, seconds=time.perf_counter() - start)
            finish(job, built)
        return results
    # Each PNG's PDF stream is made once for the whole build, by the first worker that
    # needs it, in a folder the workers share (image_streams).
    with build_folder(project.output_dir) as image_folder:
        # fork, before this process imports the pipeline: the workers need only the PDF stage,
        # and start on WeasyPrint at once.
        context = multiprocessing.get_context('fork')
        others = set(multiprocessing.active_children())
        pool = ProcessPoolExecutor(min(workers, pdf_count), mp_context=context,
                                   initializer=_start_writer, initargs=(project, image_folder))
        try:
            pool.submit(int)            # starts every worker now: WeasyPrint loads meanwhile
            from .pipeline import Builder, Result
            builder = Builder(project, log_warnings=False)

            def result(job, error=None, warnings=(), seconds=None):
                return Result(job.path, job.language, job.edition, job.fmt,
                              'failed' if error else 'written', error, warnings, seconds)

            laying_out = {}
            for job in ordered:
                publication = builder.publication(job.slug)
                if job.fmt != 'pdf':        # HTML is written here, as it is rendered
                    finish(job, builder.build_one(publication, job.language, job.edition, job.fmt,
                                                  request))
                    continue
                try:
                    html, warnings = builder.render_output(publication, job.language, job.edition,
                                                           job.fmt, request)
                    future = pool.submit(_write_pdf, job.path, html, request.pdf_variant,
                                         publication.folder)
                    laying_out[future] = (job, warnings)
                except PublishError as error:
                    finish(job, result(job, str(error)))
                except BrokenProcessPool:
                    finish(job, result(job, _died(job.path)))
            for future in as_completed(laying_out):
                job, warnings = laying_out[future]
                try:
                    error, seconds = future.result()
                except BrokenProcessPool:
                    error, seconds = _died(job.path), None
                finish(job, result(job, error, warnings, seconds))
        except BaseException:
            # Interrupted: stop now, not after the files already queued.
            pool.shutdown(wait=False, cancel_futures=True)
            for process in set(multiprocessing.active_children()) - others:
                process.terminate()
            raise
        pool.shutdown()
        return results
