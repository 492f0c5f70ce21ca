"""The translators' commands: extract, update, stats, check, new and add-language, printed
as tables.

The work is `i18n.workflow`'s (and `cli.new`'s, `cli.add_language`'s), which return data;
each `run_*` here prints it through the table printer `cli.main` hands it and returns the
exit status.
"""
import os

from ..errors import UsageError, display_path
from ..project import Project
from ..i18n.catalog import INTERFACE_DOMAIN
from ..i18n.workflow import check_all, extract_all, stats_all, update_all
from ..content.load import load_publications
from ..qa.compare import compare_outputs
from ..wording import counted
from .add_language import add_language
from .new import new_publication


def run_new(project, options, print_table):
    results = new_publication(project, options.slug, options.title)
    print_table(('status', 'file'), [(status, os.path.relpath(path)) for path, status in results])
    folder = display_path(project.content_dir / options.slug)
    print(f'Next: replace the placeholder text in {folder}/publication.yaml and '
          f'{folder}/introduction.yaml, then build it: python3 build.py --pub {options.slug}')
    return 0


def run_add_language(project, options, print_table):
    results = add_language(project, options.code, options.publications)
    print_table(('status', 'file'), [(status, os.path.relpath(path)) for path, status in results])
    language = Project(project.root).languages[options.code]
    print(f'Next: check its declaration (locales/languages.toml:{language.line}: '
          f'{language.english_name}, {language.direction}, fonts '
          f'{" / ".join(language.fonts.families)}), translate its catalogs, then build: '
          f'python3 build.py --lang {options.code}')
    return 0


def run_extract(project, options, print_table):
    results = extract_all(project, options.publications)
    print_table(('status', 'file'), [(status, os.path.relpath(path)) for path, status in results])
    return 0


def run_update(project, options, print_table):
    results = update_all(project, options.publications, options.languages)
    print_table(('status', 'file'), [(status, os.path.relpath(path)) for path, status in results])
    return 0


def run_stats(project, options, print_table):
    rows = stats_all(project, options.publications, options.languages)
    print_table(('catalog', 'lang', 'translated', 'suggested', 'fuzzy', 'untranslated', 'words',
                 'percent'),
                [(f'{domain} (interface)' if domain == INTERFACE_DOMAIN else domain, language,
                  s.translated, s.suggested, s.fuzzy, s.untranslated, s.words,
                  f'{s.percent:.1f}%') for domain, language, s in rows])
    if options.min is not None:
        if not 0 <= options.min <= 100:
            raise UsageError('--min must be a percentage between 0 and 100')
        below = [(domain, language) for domain, language, s in rows if s.percent < options.min]
        if below:
            print(f'below {options.min:g}%: ' + ', '.join(f'{lang} ({domain})'
                                                          for domain, lang in below))
            return 1
    return 0


def run_check(project, options, print_table):
    if options.outputs:
        return run_compare(project, options, print_table)
    problems = check_all(project, options.publications, options.languages)
    for problem in problems:
        print(problem)
    errors = sum(1 for problem in problems if problem.severity == 'error')
    print(f'{counted(errors, "error")}, {counted(len(problems) - errors, "warning")}')
    return 1 if errors else 0


def run_compare(project, options, print_table):
    """`check --outputs`: the built editions of every language against the English."""
    failed = 0
    source = project.languages.source.code
    for publication in load_publications(project, options.publications):
        languages = [lang for lang in publication.languages
                     if lang != source and (not options.languages or lang in options.languages)]
        editions = list(publication.editions)
        differences, pages = compare_outputs(project, publication, languages, editions)
        for difference in differences:
            print(difference)
        failed += len(differences)
        print_table(('pages', source, *languages),
                    [(edition, *(pages.get((lang, edition)) or '-'
                                 for lang in [source, *languages])) for edition in editions])
    print(counted(failed, 'difference'))
    return 1 if failed else 0
