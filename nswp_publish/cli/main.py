"""The command line: `python3 build.py [COMMAND] [OPTIONS]`.

Commands return data; this module turns it into tables and exit codes, and
turns every `PublishError` into one line ``path:line: message (hint)``. Each command
imports its stages when it runs, so that `--help`, a mistyped option and a build with
nothing to do answer without importing Jinja, Babel or WeasyPrint.
"""
import argparse
import logging
import os
import sys
from pathlib import Path

from .. import project as this_checkout
from ..choices import EXTRA_FORMATS, FORMATS, PDF_KINDS
from ..errors import PublishError, UsageError, display_path
from ..project import BuildRequest, Project
from ..wording import counted, did_you_mean
from . import selection

#: The project the commands work on: this checkout (tests point it at a copy).
ROOT = this_checkout.ROOT
COMMANDS = ('build', 'extract', 'update', 'stats', 'check', 'new', 'import', 'add-language',
            'serve', 'site', 'proof', 'release', 'test')
LOGGER = logging.getLogger('nswp_publish')


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors are one line with exit 1 like
    every other error, and point to the help of the command that was mistyped."""

    def error(self, message):
        raise UsageError(message, hint=f'see: python3 {self.prog} --help')


def _several(parser, option, dest, help, metavar, type=None, **extra):
    """An option that takes several values, written `--lang en zh` or `--lang en --lang zh`."""
    parser.add_argument(option, action='extend', nargs='+', dest=dest, metavar=metavar,
                        type=type or selection.text(), help=help, **extra)


def _add_publications(parser):
    _several(parser, '--pub', 'publications', 'only these publications (default: all in '
             'content/)', 'SLUG')


def _add_languages(parser, languages, required=False):
    _several(parser, '--lang', 'languages', f'{"the" if required else "only these"} languages: '
             f'{", ".join(languages)}{"" if required else " (default: all)"}', 'LANG',
             selection.choice(languages), required=required)


def _add_editions(parser):
    _several(parser, '--edition', 'editions', 'only these editions, as the publications '
             'declare them, e.g. summary full (default: all)', 'EDITION')


def _add_jobs(parser):
    parser.add_argument('--jobs', type=selection.number(1, None, int, 'a whole number'),
                        default=None, metavar='N',
                        help='lay out N PDFs at a time (default: one per core; '
                             '1: everything in this process)')


def make_parser(languages):
    """The command line's parser; `languages` (the project's `Languages`) are the choices
    of `--lang`."""
    every, translated = languages.codes, languages.translated
    parser = _Parser(
        prog='build.py',
        description=f'Build NSWP publications as PDF and HTML in each language the project '
                    f'declares ({", ".join(every)}). Without a command, builds.',
        epilog=f'Commands: {", ".join(COMMANDS)}. The default is build. '
               'Run "python3 build.py COMMAND --help" (or "help COMMAND") for each.')
    parser.add_argument('--debug', action='store_true', help='show tracebacks of errors')
    commands = parser.add_subparsers(dest='command', metavar='COMMAND', parser_class=_Parser)

    build = commands.add_parser('build', help='build PDF and HTML, and EPUB when asked (the default command)')
    _add_languages(build, every)
    _add_editions(build)
    _several(build, '--format', 'formats',
             'only these formats: pdf, html, epub (default: pdf and html; epub when asked)',
             'FORMAT', selection.choice(FORMATS + EXTRA_FORMATS))
    _add_publications(build)
    build.add_argument('--pdf', type=selection.choice(PDF_KINDS), default='accessible',
                       dest='pdf_variant', metavar='KIND',
                       help='PDF kind: accessible (PDF/UA-1, default), print (PDF/X-4 with '
                            'bleed and crop marks), archive (PDF/A-2u)')
    build.add_argument('--strict', action='store_true',
                       help='fail instead of falling back to English for untranslated text')
    build.add_argument('--force', action='store_true',
                       help='rebuild every file, even those whose inputs did not change')
    build.add_argument('--output', type=selection.text('the folder'), default=None,
                       metavar='DIR', help='write into DIR instead of output/')
    _add_jobs(build)
    build.add_argument('--debug', action='store_true', help=argparse.SUPPRESS)

    site = commands.add_parser('site', help='the web library: every publication in every '
                                            'language, with search, in output/site/')
    site.add_argument('--force', action='store_true',
                      help='rebuild every page of the site, even those whose inputs did not '
                           'change')
    site.add_argument('--pdf', type=selection.choice(PDF_KINDS), default='accessible',
                      dest='pdf_variant', metavar='KIND',
                      help='the kind of PDF the library offers, built first if it is not '
                           'current: accessible (default), print, archive')
    _add_jobs(site)

    extract = commands.add_parser('extract', help='write the POT catalogs from content and templates')
    _add_publications(extract)

    update = commands.add_parser('update', help='merge the POT catalogs into each language\'s .po')
    _add_publications(update)
    _add_languages(update, translated)

    stats = commands.add_parser('stats', help='how complete each catalog is')
    _add_publications(stats)
    _add_languages(stats, translated)
    stats.add_argument('--min', type=selection.number(0, 100, float, 'a percentage'),
                       default=None, metavar='PERCENT',
                       help='exit 1 if a catalog is less than PERCENT translated')

    check = commands.add_parser('check', help='check translations against their source')
    _add_publications(check)
    _add_languages(check, translated)
    check.add_argument('--outputs', action='store_true',
                       help='instead, compare the built editions of all languages')

    new = commands.add_parser('new', help='create a new publication that builds at once')
    new.add_argument('slug', help='short name: lowercase words joined by "-" (folder and file names)')
    new.add_argument('--title', required=True, type=selection.text('the title'),
                     help='the publication\'s title, in English')

    word = commands.add_parser('import', help='read a Word document (.docx) into a publication, '
                               'or a new version of it into the same one')
    word.add_argument('file', type=selection.text('the Word file'), metavar='FILE.docx',
                      help='the Word document')
    word.add_argument('--pub', required=True, dest='slug', type=selection.text('the slug'),
                      metavar='SLUG', help='the publication: content/SLUG/ (created the first '
                                           'time)')
    word.add_argument('--changes', type=selection.choice(('accept', 'reject')), default=None,
                      metavar='accept|reject',
                      help='accept or reject every tracked change (without it, a document '
                           'with tracked changes is refused)')
    word.add_argument('--style', action='append', default=[], dest='styles',
                      type=selection.text('the style'), metavar='"WORD STYLE=kind"',
                      help='read paragraphs in this Word style as a box of this kind, e.g. '
                           '--style "Case study=case-study" (kept in publication.yaml as '
                           'word_styles)')
    word.add_argument('--force', action='store_true',
                      help='overwrite what was edited by hand since the last import')

    add_language = commands.add_parser(
        'add-language', help='declare a new language (from CLDR and the installed fonts), '
                             'add it to the publications and write its empty catalogs')
    add_language.add_argument('code', type=selection.text('the language code'),
                              help='its BCP 47 code, as CLDR knows it: pt, ar, sw, pt-PT')
    _several(add_language, '--pub', 'publications', 'only these publications ship in it '
             '(default: all in content/)', 'SLUG')

    proof = commands.add_parser('proof', help='a bilingual proof PDF for reviewers')
    _add_languages(proof, translated, required=True)
    _add_editions(proof)
    _add_publications(proof)

    release = commands.add_parser('release', help='the release gate: check and build everything')
    _add_publications(release)
    release.add_argument('--draft-below', type=selection.number(0, 100, float, 'a percentage'),
                         default=None, metavar='PERCENT',
                         help='build a language less complete than PERCENT as a draft, marked '
                              'on every page, instead of failing the release')
    _add_jobs(release)

    serve = commands.add_parser('serve', help='preview the web pages and PDFs on 127.0.0.1, '
                                'rebuilt on every edit')
    _add_languages(serve, every)
    serve.add_argument('--site', action='store_true',
                       help='serve the web library (output/site/), rebuilt on every edit')
    serve.add_argument('--port', type=selection.number(1, 65535, int, 'a port number'),
                       default=8000, help='port on 127.0.0.1 (default 8000)')

    commands.add_parser('test', help='run the test suite (extra arguments go to pytest)',
                        add_help=False)
    parser.commands = commands.choices
    return parser


def _parse(argv):
    if argv[:1] == ['help']:            # `build.py help`, `build.py help proof`
        argv = [*argv[1:2], '--help']
    if argv in (['-h'], ['--help']):
        # Building is the default command: its options belong in the first help a user sees.
        parser = make_parser(Project(ROOT).languages)
        parser.print_help()
        print('\nOptions of build (the default command):')
        print(parser.commands['build'].format_help().split('\n\n', 1)[1])
        raise SystemExit(0)
    if argv and argv[0] == 'test':
        return argparse.Namespace(command='test', pytest_args=argv[1:], debug=False)
    if argv and not argv[0].startswith('-') and argv[0] not in COMMANDS:
        suggestion = did_you_mean(argv[0], COMMANDS)
        raise UsageError(f'unknown command "{argv[0]}"',
                         hint=f'{suggestion + " " if suggestion else ""}commands: '
                              f'{", ".join(COMMANDS)}; see: python3 build.py --help')
    if not argv or argv[0] not in COMMANDS:
        argv = ['build', *argv]
    parser = make_parser(Project(ROOT).languages)
    options, extra = parser.parse_known_args(argv)
    if extra:
        # Said by the command, not the top-level parser: the help to read is the command's.
        command = parser.commands[options.command]
        known = [name for action in command._actions for name in action.option_strings]
        suggestion = did_you_mean(extra[0], known) if extra[0][:2] == '--' != extra[0] else ''
        raise UsageError(f'unrecognized arguments: {" ".join(extra)}',
                         hint=f'{suggestion + " " if suggestion else ""}'
                              f'see: python3 build.py {options.command} --help')
    for name in ('languages', 'editions', 'formats', 'publications'):
        if getattr(options, name, None):
            setattr(options, name, list(dict.fromkeys(getattr(options, name))))
    return options


def _setup_logging(debug):
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter('%(levelname)s: %(message)s'))
    LOGGER.handlers[:] = [handler]
    LOGGER.setLevel(logging.DEBUG if debug else logging.INFO)
    LOGGER.propagate = False
    # WeasyPrint reports unsupported CSS as warnings: show them only with --debug.
    logging.getLogger('weasyprint').setLevel(logging.DEBUG if debug else logging.ERROR)


def main(argv=None):
    """Run a command; returns the exit status.

    Whatever the arguments, the result is the command's or one line on stderr with exit
    status 1: a `PublishError` as `path:line: message (hint)`, a system error with its
    file, and anything else (a bug) as one line that says how to see its traceback.
    `--debug` lets every error through with its traceback.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    # `--debug` anywhere but after `test` (whose arguments are pytest's).
    debug = argv[:1] != ['test'] and '--debug' in argv
    if debug:
        argv = [arg for arg in argv if arg != '--debug']
    try:
        options = _parse(argv)
        options.debug = debug
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
    except OSError as error:
        if debug:
            raise
        where = f'{display_path(error.filename)}: ' if error.filename else ''
        print(f'error: {where}{error.strerror or error}', file=sys.stderr)
        return 1
    except Exception as error:       # noqa: BLE001 - a bug, said in one line
        if debug:
            raise
        text = ' '.join(str(error).split())
        print(f'error: internal error: {type(error).__name__}: {text} (this is a bug: run '
              'the same command with --debug to see where, and report it)', file=sys.stderr)
        return 1


def run_build(options):
    from ..build.incremental import check_changed_content, plan
    project = Project(ROOT, Path(options.output).resolve() if options.output else None)
    selection.check_output(project)
    selection.check_publications(project, options.publications)
    selection.check_editions(
        options.editions, selection.declared_editions(project, options.publications))
    request = BuildRequest(
        languages=tuple(options.languages) if options.languages else None,
        editions=tuple(options.editions) if options.editions else None,
        formats=tuple(options.formats or FORMATS),
        pdf_variant=options.pdf_variant, strict=options.strict,
        publications=tuple(options.publications or ()))
    # Changed content is checked once the workers are starting (`meanwhile`), not before.
    planned = plan(project, request, check_content=False)
    if planned is None:
        # Something cheap planning cannot read: the full build names the problem.
        from ..build.pipeline import Builder
        results = Builder(project).build(request)
        current, manifest = [], None
    else:
        todo, current, manifest = planned
        if options.force:
            todo, current = todo + current, []
        results = []
        if todo:
            from ..build.parallel import build_jobs
            built = build_jobs(project, request, todo, options.jobs, _progress(),
                               meanwhile=lambda: check_changed_content(project, manifest))
            manifest.record_results(built)
            results = [built[job] for job in todo]
        check_changed_content(project, manifest)
        manifest.save()
    if not results and not current:
        raise UsageError('nothing to build: no publication ships in the languages and editions '
                         'asked for', hint=selection.offered(project, options.publications))
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
    from ..build.pipeline import Builder
    from ..content.load import load_publications
    from ..qa.proof import STATUSES, write_proof
    project = Project(ROOT)
    selection.check_publications(project, options.publications)
    publications = load_publications(project, options.publications)
    selection.check_editions(options.editions, {publication.slug: list(publication.editions)
                                                for publication in publications})
    builder = Builder(project)
    rows = []
    for publication in publications:
        for language in options.languages:
            for edition in options.editions or publication.editions:
                if language in publication.languages and edition in publication.editions:
                    path, counts = write_proof(builder, publication, language, edition)
                    rows.append((*(counts[s] for s in STATUSES), os.path.relpath(path)))
    if not rows:
        raise UsageError('nothing to proof: no publication ships in the languages and editions '
                         'asked for', hint=selection.offered(project, options.publications))
    _print_table((*STATUSES, 'file'), rows)
    return 0


def run_release(options):
    from ..qa.release import CHECKS, run_release as release, write_report
    project = Project(ROOT)
    selection.check_publications(project, options.publications)
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
    project = Project(ROOT)
    serve(project, options.languages or project.languages.codes, options.port,
          site=options.site)
    return 0


def run_site(options):
    from ..site.builder import build_site
    project = Project(ROOT)
    selection.check_output(project)
    report = build_site(project, options.jobs, _progress(), options.force, options.pdf_variant)
    for warning in dict.fromkeys(w for result in report.built for w in result.warnings):
        LOGGER.warning('%s', warning)
    rows = [('written', result.language, os.path.relpath(result.path))
            for result in report.built]
    rows += [('rebuilt', part, os.path.relpath(report.folder / part.strip('/')) +
              (f" ({counted(report.indexed[part], 'page')} searchable)"
               if part in report.indexed else ''))
             for part in report.rebuilt]
    rows += [('unchanged', part, os.path.relpath(report.folder / part.strip('/')))
             for part in report.unchanged]
    _print_table(('status', 'part', 'files'), rows)
    print(f'site: {os.path.relpath(report.folder)}/ (upload its contents as they are; '
          f'python3 build.py serve --site to look at it)')
    return 0


def run_import(options):
    from .importing import run_import as import_document
    return import_document(Project(ROOT), options, _print_table)


def run_test(options):
    from .testing import ensure_test_tools
    ensure_test_tools(ROOT)
    os.chdir(ROOT)
    import pytest
    return pytest.main(options.pytest_args)


def _print_table(headers, rows):
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    for row in (headers, *rows):
        print('  '.join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())


def _catalogs(name):
    """A translators' command of `cli.catalogs`, on this project."""
    def command(options):
        from . import catalogs
        project = Project(ROOT)
        selection.check_publications(project, getattr(options, 'publications', None))
        return getattr(catalogs, name)(project, options, _print_table)
    return command


COMMAND_FUNCTIONS = {
    'build': run_build,
    'site': run_site,
    'serve': run_serve,
    'proof': run_proof,
    'release': run_release,
    'import': run_import,
    'test': run_test,
    'extract': _catalogs('run_extract'),
    'update': _catalogs('run_update'),
    'stats': _catalogs('run_stats'),
    'check': _catalogs('run_check'),
    'new': _catalogs('run_new'),
    'add-language': _catalogs('run_add_language'),
}
