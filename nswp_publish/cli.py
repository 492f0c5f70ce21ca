"""The command line: `python3 build.py [COMMAND] [OPTIONS]`.

Commands return data; this module turns it into tables and exit codes, and
turns every `PublishError` into one line ``path:line: message (hint)``.
"""
import argparse
import logging
import os
import sys
from pathlib import Path

from .choices import FORMATS, LANGUAGES, PDF_KINDS
from .errors import PublishError, UsageError
from .project import BuildRequest, Project

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ('build', 'extract', 'update', 'stats', 'check', 'new', 'serve', 'proof', 'release',
            'test')
LOGGER = logging.getLogger('nswp_publish')


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors exit 1 like every other."""

    def error(self, message):
        raise UsageError(f'{message} (see: python3 build.py --help)')


def _add_selection(parser, languages=True):
    parser.add_argument('--pub', action='append', metavar='SLUG', dest='publications',
                        help='only this publication (repeatable; default: all in content/)')
    if languages:
        parser.add_argument('--lang', action='append', choices=LANGUAGES,
                            metavar='LANG', dest='languages',
                            help=f'only this language (repeatable): {", ".join(LANGUAGES)}')


def make_parser():
    parser = _Parser(
        prog='build.py',
        description='Build NSWP publications as PDF and HTML in five languages. '
                    'Without a command, builds.',
        epilog='Commands: build (default), extract, update, stats, check, new, serve, proof, '
               'release, test. '
               'Run "build.py COMMAND --help" for each.')
    parser.add_argument('--debug', action='store_true', help='show tracebacks of errors')
    commands = parser.add_subparsers(dest='command', metavar='COMMAND', parser_class=_Parser)

    build = commands.add_parser('build', help='build PDF and HTML (the default command)')
    _add_selection(build)
    build.add_argument('--edition', action='append', metavar='EDITION',
                       dest='editions', help='only this edition (repeatable): summary, full')
    build.add_argument('--format', action='append', choices=FORMATS, dest='formats',
                       help='only this format (repeatable): pdf, html')
    build.add_argument('--pdf', choices=PDF_KINDS, default='accessible', dest='pdf_variant',
                       help='PDF kind: accessible (PDF/UA-1, default), print (PDF/X-4 with '
                            'bleed and crop marks), archive (PDF/A-2u)')
    build.add_argument('--strict', action='store_true',
                       help='fail instead of falling back to English for untranslated text')
    build.add_argument('--force', action='store_true',
                       help='rebuild every file, even those whose inputs did not change')
    build.add_argument('--output', type=Path, default=None, metavar='DIR',
                       help='write into DIR instead of output/')
    build.add_argument('--jobs', type=int, default=None, metavar='N',
                       help='lay out N PDFs at a time (default: one per core; '
                            '1: everything in this process)')
    build.add_argument('--debug', action='store_true', help=argparse.SUPPRESS)

    extract = commands.add_parser('extract', help='write the POT catalogs from content and templates')
    _add_selection(extract, languages=False)

    update = commands.add_parser('update', help='merge the POT catalogs into each language\'s .po')
    _add_selection(update)

    stats = commands.add_parser('stats', help='how complete each catalog is')
    _add_selection(stats)
    stats.add_argument('--min', type=float, default=None, metavar='PERCENT',
                       help='exit 1 if a catalog is less than PERCENT translated')

    check = commands.add_parser('check', help='check translations against their source')
    _add_selection(check)
    check.add_argument('--outputs', action='store_true',
                       help='instead, compare the built editions of all languages')

    new = commands.add_parser('new', help='create a new publication that builds at once')
    new.add_argument('slug', help='short name: lowercase words joined by "-" (folder and file names)')
    new.add_argument('--title', required=True, help='the publication\'s title, in English')

    proof = commands.add_parser('proof', help='a bilingual proof PDF for reviewers')
    proof.add_argument('--pub', action='append', metavar='SLUG', dest='publications',
                       help='only this publication (repeatable)')
    proof.add_argument('--lang', action='append', choices=LANGUAGES[1:], metavar='LANG',
                       dest='languages', required=True, help='the language to proof (repeatable)')
    proof.add_argument('--edition', action='append', metavar='EDITION', dest='editions',
                       help='only this edition (default: all)')

    release = commands.add_parser('release', help='the release gate: check and build everything')
    release.add_argument('--pub', action='append', metavar='SLUG', dest='publications',
                         help='only this publication (repeatable)')
    release.add_argument('--draft-below', type=float, default=None, metavar='PERCENT',
                         help='build a language less complete than PERCENT as a draft, marked '
                              'on every page, instead of failing the release')
    release.add_argument('--jobs', type=int, default=None, metavar='N',
                         help='lay out N PDFs at a time (default: one per core; '
                              '1: everything in this process)')

    serve = commands.add_parser('serve', help='preview the HTML on 127.0.0.1, rebuilt on every edit')
    serve.add_argument('--lang', action='append', choices=LANGUAGES, metavar='LANG',
                       dest='languages', help='only this language (repeatable)')
    serve.add_argument('--port', type=int, default=8000, help='port on 127.0.0.1 (default 8000)')

    commands.add_parser('test', help='run the test suite (extra arguments go to pytest)',
                        add_help=False)
    parser.build_parser = build
    return parser


def _parse(argv):
    if argv in (['-h'], ['--help']):
        # Building is the default command: its options belong in the first help a user sees.
        parser = make_parser()
        parser.print_help()
        print('\nOptions of build (the default command):')
        print(parser.build_parser.format_help().split('\n\n', 1)[1])
        raise SystemExit(0)
    if argv and argv[0] == 'test':
        return argparse.Namespace(command='test', pytest_args=argv[1:], debug=False)
    if not argv or argv[0] not in COMMANDS and argv[0] not in ('-h', '--help'):
        argv = ['build', *argv]
    return make_parser().parse_args(argv)


def _setup_logging(debug):
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter('%(levelname)s: %(message)s'))
    LOGGER.handlers[:] = [handler]
    LOGGER.setLevel(logging.DEBUG if debug else logging.INFO)
    LOGGER.propagate = False
    # WeasyPrint reports unsupported CSS as warnings: show them only with --debug.
    logging.getLogger('weasyprint').setLevel(logging.DEBUG if debug else logging.ERROR)


def main(argv=None):
    """Run a command; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = '--debug' in argv
    try:
        options = _parse(argv)
        _setup_logging(debug)
        return COMMAND_FUNCTIONS[options.command](options)
    except PublishError as error:
        if debug:
            raise
        print(f'error: {error}', file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print('interrupted: outputs already written are complete; nothing half-written was kept',
              file=sys.stderr)
        return 130


def run_build(options):
    from .incremental import plan
    request = BuildRequest(
        languages=tuple(options.languages or LANGUAGES),
        editions=tuple(options.editions) if options.editions else None,
        formats=tuple(options.formats or FORMATS),
        pdf_variant=options.pdf_variant, strict=options.strict,
        publications=tuple(options.publications or ()))
    if options.jobs is not None and options.jobs < 1:
        raise UsageError('--jobs must be 1 or more')
    project = Project(ROOT, options.output.resolve() if options.output else None)
    planned = plan(project, request)
    if planned is None:
        # Something cheap planning cannot read: the full build names the problem.
        from .pipeline import Builder
        results = Builder(project).build(request)
        current, manifest = [], None
    else:
        todo, current, manifest = planned
        if options.force:
            todo, current = todo + current, []
        results = []
        if todo:
            from .parallel import build_jobs
            built = build_jobs(project, request, todo, options.jobs, _progress())
            for job, result in built.items():
                (manifest.record if result.status == 'written' else manifest.forget)(job)
            results = [built[job] for job in todo]
        manifest.save()
    if not results and not current:
        raise UsageError('nothing to build: no publication ships in the languages and editions '
                         'asked for')
    for warning in dict.fromkeys(w for result in results for w in result.warnings):
        LOGGER.warning('%s', warning)
    rows = [('unchanged', job.language, job.edition, job.fmt, os.path.relpath(job.path))
            for job in current]
    rows += [(result.status, result.language, result.edition, result.fmt,
              os.path.relpath(result.path)) for result in results]
    _print_table(('status', 'lang', 'edition', 'format', 'file'), rows)
    failed = [result for result in results if result.status == 'failed']
    for error in dict.fromkeys(result.error for result in failed):
        print(f'error: {error}', file=sys.stderr)
    return 1 if failed else 0


def _progress():
    """Progress on a terminal: one line rewritten in place; otherwise nothing extra."""
    if not sys.stderr.isatty():
        return None

    def show(done, total, result):
        line = f'[{done}/{total}] {result.status} {os.path.relpath(result.path)}'
        end = '\n' if done == total else ''
        print(f'\r\033[K{line}', end=end, file=sys.stderr, flush=True)
    return show


def run_proof(options):
    from .pipeline import Builder
    from .proof import STATUSES, write_proof
    project = Project(ROOT)
    builder = Builder(project)
    rows = []
    for publication in project.publications(options.publications):
        for language in options.languages:
            for edition in options.editions or publication.editions:
                if language in publication.languages and edition in publication.editions:
                    path, counts = write_proof(builder, publication, language, edition)
                    rows.append((*(counts[s] for s in STATUSES), os.path.relpath(path)))
    _print_table((*STATUSES, 'file'), rows)
    return 0


def run_release(options):
    from .release import CHECKS, run_release as release, write_report
    project = Project(ROOT)
    reports = release(project, options.publications, options.draft_below, options.jobs,
                      _progress())
    failed = False
    for slug, languages in reports.items():
        print(slug)
        _print_table(('lang', '%', *CHECKS), [
            (report.language, f'{report.percent:.0f}', *(report.results.get(check, '-')
                                                        for check in CHECKS))
            for report in languages])
        for report in languages:
            for check, text in report.problems:
                print(f'{report.language}: [{check}] {text}', file=sys.stderr)
            failed |= report.failed
    print(f'report: {os.path.relpath(write_report(project, reports))}')
    print('release: FAILED' if failed else 'release: ready')
    return 1 if failed else 0


def run_serve(options):
    from .preview import serve
    serve(Project(ROOT), options.languages or LANGUAGES, options.port)
    return 0


def run_test(options):
    os.chdir(ROOT)
    import pytest
    return pytest.main(options.pytest_args)


def _print_table(headers, rows):
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    for row in (headers, *rows):
        print('  '.join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())


def _workflow(name):
    def command(options):
        from . import workflow
        return getattr(workflow, name)(Project(ROOT), options, _print_table)
    return command


COMMAND_FUNCTIONS = {
    'build': run_build,
    'serve': run_serve,
    'proof': run_proof,
    'release': run_release,
    'test': run_test,
    'extract': _workflow('run_extract'),
    'update': _workflow('run_update'),
    'stats': _workflow('run_stats'),
    'check': _workflow('run_check'),
    'new': _workflow('run_new'),
}
