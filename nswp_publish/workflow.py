"""The translator workflow: extract, update, stats and check, as sphinx-intl and pybabel give them.

Each `run_*` function returns an exit status and prints through the table
printer `cli` hands it; the work itself is in functions that return data.
"""
import os
import re
from typing import NamedTuple

from .choices import LANGUAGES
from .catalog import (SOURCE_LANGUAGE, catalog_stats, po_path, pot_path, read_catalog,
                      translation_memory, update_catalog)
from .errors import UsageError, display_path
from .output import write_atomic
from .extract import (INTERFACE_DOMAIN, catalog_bytes, extract_publication, extract_templates,
                      write_if_changed)
from .wording import counted


class Domain(NamedTuple):
    """A catalog domain: its name, the languages it is translated into, its POT, and its
    publication (None for the shared interface domain)."""

    name: str
    languages: list
    template: object
    publication: object = None


def content_folders(project):
    """Every publication folder of the project."""
    from .content import find_publications
    return find_publications(project.content_dir)


def domains(project, slugs=None):
    """The shared interface domain and each publication's, extracted from their sources."""
    # Interface text comes from the shared templates and every publication's own, whichever
    # publications were asked for: one `messages` catalog serves them all.
    result = [Domain(INTERFACE_DOMAIN, [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE],
                     extract_templates([project.templates_dir, *content_folders(project)],
                                       project.root))]
    for publication in project.publications(slugs):
        languages = [lang for lang in publication.languages if lang != SOURCE_LANGUAGE]
        result.append(Domain(publication.domain, languages,
                             extract_publication(publication, project.root), publication))
    return result


def catalogs(project, found, languages=None):
    """(Domain, language, .po path) of every catalog of the `found` domains."""
    for domain in found:
        for language in domain.languages:
            if not languages or language in languages:
                yield domain, language, po_path(project.locales_dir, language, domain.name)


def extract_all(project, slugs=None, found=None):
    """Write every POT; returns [(path, 'written' | 'unchanged')]."""
    results = []
    for domain in found or domains(project, slugs):
        path = pot_path(project.locales_dir, domain.name)
        changed = write_if_changed(catalog_bytes(domain.template), path)
        if not changed:
            # The catalogs merged from an unchanged POT keep its date: no needless diff.
            domain.template.creation_date = read_catalog(path).creation_date
        results.append((path, 'written' if changed else 'unchanged'))
    return results


def update_all(project, slugs=None, languages=None):
    """Extract, then merge each POT into its languages' catalogs; returns [(path, status)].

    A new message of a publication that another publication's catalog of the same
    language already translates gets that translation as a fuzzy suggestion (translation
    memory). Where a language's editions are built, each message of a publication also gets
    comments saying on which pages of them it landed and at which HTML anchor; what the
    comments said of editions not built (here, now) is kept.
    """
    found = domains(project, slugs)
    results = extract_all(project, found=found)
    for domain, language, path in catalogs(project, found, languages):
        comments = memory = None
        if domain.publication:
            comments = Placement.read(project, domain.publication, language).comments
            memory = translation_memory(
                [other for other in sorted(path.parent.glob('*.po'))
                 if other.stem not in (domain.name, INTERFACE_DOMAIN)], language)
        results.append((path, update_catalog(domain.template, path, language, comments,
                                             memory)))
    return results


WHERE = re.compile(r'([a-z0-9-]+) pp?\. ([\d, ]+?)(?=, [a-z]|$)')


class Placement:
    """Where each message of a publication landed in one language's built PDFs, read from
    their anchors (WeasyPrint writes a destination for every id)."""

    def __init__(self, editions, pages, anchors, order=()):
        self.editions = editions      # the editions whose PDF exists
        self.order = list(order)      # every edition the publication declares, in order
        self.pages = pages            # anchor key -> {edition: {page numbers}}
        self.anchors = anchors        # anchor key -> 'file.html#m-key-1'

    @classmethod
    def read(cls, project, publication, language):
        from pypdf import PdfReader
        editions, pages, anchors = [], {}, {}
        for edition in publication.editions:
            pdf = project.output_path(publication, language, edition, 'pdf')
            if not pdf.exists():
                continue
            editions.append(edition)
            reader = PdfReader(pdf)
            html = project.output_path(publication, language, edition, 'html')
            for name, destination in reader.named_destinations.items():
                if name.startswith('m-'):
                    key = name[2:].rsplit('-', 1)[0]
                    page = reader.get_destination_page_number(destination) + 1
                    pages.setdefault(key, {}).setdefault(edition, set()).add(page)
                    anchors.setdefault(key, f'{html.name}#m-{key}-1')
        return cls(editions, pages, anchors, publication.editions)

    def comments(self, message_key, old_comments):
        """['Where: summary p. 4, full pp. 11, 12', 'Anchor: file#id'] for one message:
        the built editions' pages, and the old comment's pages of the editions not built."""
        from .translate import anchor_key
        key = anchor_key(*message_key)
        where, anchor, seen = {}, None, []
        for comment in old_comments:
            if comment.startswith('Where: '):
                found = WHERE.findall(comment[7:])
                seen = [edition for edition, _ in found]
                where = {edition: pages for edition, pages in found
                         if edition not in self.editions}
            elif comment.startswith('Anchor: '):
                anchor = comment[8:]
        for edition, found in self.pages.get(key, {}).items():
            where[edition] = ', '.join(map(str, sorted(found)))
        if not where:
            return []
        anchor = self.anchors.get(key) or anchor
        # The publication's order of editions; else the order the comment had.
        order = {edition: index
                 for index, edition in enumerate(dict.fromkeys([*self.order, *seen]))}
        text = ', '.join(f'{edition} {"pp." if "," in pages else "p."} {pages}'
                         for edition, pages in sorted(where.items(),
                                                      key=lambda item: order.get(item[0], 9)))
        return [f'Where: {text}'] + ([f'Anchor: {anchor}'] if anchor else [])


def stats_of(domain, language, path):
    """The `Stats` of one catalog: the one place percentages come from (`stats`, `release`)."""
    return catalog_stats(read_catalog(path, language, domain.name), domain.template)


def stats_all(project, slugs=None, languages=None):
    """[(domain, language, Stats)] for every catalog: each publication's, one at a time,
    then the shared interface catalog's."""
    found = domains(project, slugs)
    found = [*found[1:], found[0]]                 # the interface domain last, on its own
    return [(domain.name, language, stats_of(domain, language, path))
            for domain, language, path in catalogs(project, found, languages)]


#: The files `new` writes. Comments say what each line is for, placeholders are written as
#: instructions ("Write your first paragraph here."), so a proof shows at once what is left
#: to write; nothing is filled in from the title but the title.
SKELETON_PUBLICATION = """\
# {comment_title}: the publication's details. content/README.md explains every key.
# All text here is English; translators get it in locales/<lang>/LC_MESSAGES/{slug}.po
# once you run: python3 build.py update --pub {slug}
# The folder's name: keep it as it is.
slug: {slug}
title: {title}
# The running header of the inside pages: a few words. Replace the placeholder.
short_title: "Short title here"
# Optional, under the title on the cover: remove the "#" and write it.
# subtitle: "Write the subtitle here"
author: NSWP
author_role: Global Network of Sex Work Projects
# The month it is published: year-month.
date: {month}
# Its editions: each name becomes part of the file names (nswp-{slug}-summary-en.pdf).
# To add a longer edition with contents and annexes, see "Editions" in content/README.md.
# "label" is the word above the title on the cover.
editions:
  summary:
    label: Summary
    layout: short
# The languages it is published in.
languages: [en, fr, es, ru, zh]
# The chapter files, in reading order: add a line for each new file.
chapters:
  - introduction.yaml
footnotes: footnotes.yaml
"""
SKELETON_CHAPTER = """\
# The first chapter. Replace each placeholder text with your own, keeping the quotation
# marks around it; add or remove lines as you need. Each line under "blocks:" is one
# paragraph (p), sub-heading (heading), list (bullets, numbered), quote, box, table, image
# or chart: content/README.md shows how each is written.
chapter: introduction
title: "Introduction"
blocks:
  - p: "Write your first paragraph here."
  - heading: "Write a sub-heading here, or remove this line"
  - p: "Write the next paragraph here. **Bold words**, *italic words*, a link to [the NSWP website](https://www.nswp.org) and a footnote[^first-note] are written like this."
"""
SKELETON_FOOTNOTES = """\
# Footnotes: a short name, then the note's text. A text cites one as [^short-name];
# notes are numbered in the order they are first cited.
footnotes:
  first-note: "Write the footnote's text here."
"""


def new_publication(project, slug, title):
    """Create a publication that builds at once: content files and empty catalogs.

    Returns [(path, 'created' | status)] of every file written.
    """
    import datetime
    import json
    from .content import SLUG
    if not SLUG.match(slug):
        raise UsageError(f'"{slug}" is not a valid slug: use lowercase words joined by "-"',
                         hint='e.g. briefing-note-2027')
    if slug == INTERFACE_DOMAIN:
        # Its catalogs would be the shared interface catalogs, messages.po.
        raise UsageError(f'"{slug}" is the name of the shared interface catalog: choose another '
                         'slug')
    folder = project.content_dir / slug
    if folder.exists():
        raise UsageError(f'{display_path(folder)} already exists: choose another slug')
    if not title.strip() or any(ord(character) < 32 for character in title):
        raise UsageError('--title must be one line of text')
    month = datetime.date.today().strftime('%Y-%m')
    files = {
        # A JSON string is a YAML double-quoted string: any title survives, quotes and all.
        'publication.yaml': SKELETON_PUBLICATION.format(
            slug=slug, title=json.dumps(title.strip(), ensure_ascii=False),
            comment_title=title.strip(), month=month),
        'introduction.yaml': SKELETON_CHAPTER,
        'footnotes.yaml': SKELETON_FOOTNOTES,
    }
    created = []
    for name, text in files.items():
        write_atomic(folder / name, text)
        created.append((folder / name, 'created'))
    return created + update_all(project, [slug])


def run_new(project, options, print_table):
    results = new_publication(project, options.slug, options.title)
    print_table(('status', 'file'), [(status, os.path.relpath(path)) for path, status in results])
    folder = display_path(project.content_dir / options.slug)
    print(f'Next: replace the placeholder text in {folder}/publication.yaml and '
          f'{folder}/introduction.yaml, then build it: python3 build.py --pub {options.slug}')
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
    from .checks import check_all
    problems = check_all(project, options.publications, options.languages)
    for problem in problems:
        print(problem)
    errors = sum(1 for problem in problems if problem.severity == 'error')
    print(f'{counted(errors, "error")}, {counted(len(problems) - errors, "warning")}')
    return 1 if errors else 0


def run_compare(project, options, print_table):
    """`check --outputs`: the built editions of every language against the English."""
    from .compare import compare_outputs
    failed = 0
    for publication in project.publications(options.publications):
        languages = [lang for lang in publication.languages
                     if lang != SOURCE_LANGUAGE and (not options.languages
                                                     or lang in options.languages)]
        editions = list(publication.editions)
        differences, pages = compare_outputs(project, publication, languages, editions)
        for difference in differences:
            print(difference)
        failed += len(differences)
        print_table(('pages', *(lang for lang in ['en', *languages])),
                    [(edition, *(pages.get((lang, edition)) or '-'
                                 for lang in ['en', *languages])) for edition in editions])
    print(counted(failed, 'difference'))
    return 1 if failed else 0
