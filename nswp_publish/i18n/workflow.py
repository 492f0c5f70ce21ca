"""The translator workflow: extract, update, stats and check, as sphinx-intl and pybabel give them.

Each function returns data (what was written, the statistics, the problems found); the
command line (`cli.catalogs`) prints it.
"""
import re
from typing import NamedTuple

from pypdf import PdfReader

from ..content.load import load_publications
from ..content.revisions import read_revisions
from .catalog import (INTERFACE_DOMAIN, catalog_bytes, catalog_stats, po_path, pot_path,
                      read_catalog, translation_memory, update_catalog, write_if_changed)
from .checks import check_catalog, msgfmt_problems, pofilter_problems
from .extract import extract_publication, extract_templates
from .translate import anchor_key


class Domain(NamedTuple):
    """A catalog domain: its name, the languages it is translated into, its POT, and its
    publication (None for the shared interface domain)."""

    name: str
    languages: list
    template: object
    publication: object = None


def domains(project, slugs=None):
    """The shared interface domain and each publication's, extracted from their sources."""
    # Interface text comes from the shared templates and every publication's own, whichever
    # publications were asked for: one `messages` catalog serves them all.
    translated = project.languages.translated
    result = [Domain(INTERFACE_DOMAIN, list(translated),
                     extract_templates([project.templates_dir, *project.publication_folders()],
                                       project.root))]
    for publication in load_publications(project, slugs):
        languages = [lang for lang in publication.languages if lang in translated]
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
    comments said of editions not built (here, now) is kept. A paragraph that a re-import
    of a Word file changed keeps its old translation, fuzzy (`content.revisions`).
    """
    found = domains(project, slugs)
    results = extract_all(project, found=found)
    for domain, language, path in catalogs(project, found, languages):
        comments = memory = revisions = None
        if domain.publication:
            revisions = read_revisions(domain.publication.folder)
            comments = Placement.read(project, domain.publication, language).comments
            memory = translation_memory(
                [other for other in sorted(path.parent.glob('*.po'))
                 if other.stem not in (domain.name, INTERFACE_DOMAIN)], language)
        results.append((path, update_catalog(domain.template, path,
                                             project.languages[language], comments, memory,
                                             revisions)))
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


def check_all(project, slugs=None, languages=None):
    """Check every catalog of the chosen publications and languages (and the shared one):
    our checks, then GNU msgfmt's and pofilter's where they are installed."""
    return [problem
            for domain, language, path in catalogs(project, domains(project, slugs), languages)
            if path.exists()
            for problem in [*check_catalog(path, project.languages[language], domain.name),
                            *msgfmt_problems(path),
                            *pofilter_problems(path, project.languages[language])]]
