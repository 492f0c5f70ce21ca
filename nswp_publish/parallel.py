"""Parallel builds: files are laid out in a pool of processes, one per core.

One document's layout is sequential, so the parallelism is across files. Each
worker imports WeasyPrint and loads its fonts once, then keeps them (and each
language's translation) for every file it is given.
"""
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed

from .pipeline import Builder

_builder = None


def _start_worker(project):
    global _builder
    _builder = Builder(project, log_warnings=False)


def _build(job, request):
    publication = _builder.publication(job.slug)
    return _builder.build_one(publication, job.language, job.edition, job.fmt, request)


def heaviest_first(job):
    """Long documents first, so the last files to finish are short ones."""
    return (job.fmt != 'pdf', job.edition != 'full', job.language != 'zh')


def build_jobs(project, request, jobs, workers=None, progress=None):
    """Build the given jobs; returns {job: Result}. `progress(done, total, result)` is
    called as each file finishes."""
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    results = {}
    ordered = sorted(jobs, key=heaviest_first)
    if workers <= 1:
        _start_worker(project)
        for job in ordered:
            results[job] = _build(job, request)
            if progress:
                progress(len(results), len(jobs), results[job])
        return results
    # fork: workers start with the parent's imports and need no re-import of this package.
    context = multiprocessing.get_context('fork')
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(project,)) as pool:
        futures = {pool.submit(_build, job, request): job for job in ordered}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if progress:
                progress(len(results), len(jobs), results[futures[future]])
    return results
