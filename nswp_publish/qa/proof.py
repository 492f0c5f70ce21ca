"""Bilingual proofs: every message of an edition in reading order, English beside the
translation, labelled with its place and coloured by its state.

A reviewer reads the proof instead of the catalog: each row says where the message
is (`.po` line and content line), whether it is translated, fuzzy (struck through,
with the English the build uses instead), untranslated, or failing a `check`.
"""
import os
from dataclasses import dataclass

from ..content import markup
from ..content.model import iter_messages
from ..errors import UsageError
from ..i18n.catalog import MessageCatalog, po_path, read_catalog
from ..i18n.checks import check_entry
from ..i18n.translate import format_value

STATUSES = ('translated', 'fuzzy', 'untranslated', 'failing')


@dataclass(frozen=True)
class ProofRow:
    source_html: str
    translation_html: str
    status: str
    po_place: str          # "locales/fr/LC_MESSAGES/slug.po:123", or "" when not in the catalog
    content_place: str     # "content/slug/intro.yaml:12"
    problems: tuple        # check messages, for a failing row


def _render(text, message, language):
    """A message as HTML for a proof: footnote references shown as [label]."""
    values = {name: format_value(value, language) for name, value in message.data.items()}
    try:
        return markup.render_html(text, values,
                                  lambda label: markup.Markup('<sup>[%s]</sup>') % label)
    except KeyError as error:
        return markup.escape(text) + markup.Markup(
            ' <em class="problem">unknown placeholder {%s}</em>') % error.args[0]


def proof_rows(project, publication, language, edition):
    """One `ProofRow` per message of the edition, in reading order."""
    declared = project.languages[language]
    source = project.languages.source.code
    path = po_path(project.locales_dir, language, publication.domain)
    catalog = read_catalog(path, language, publication.domain)
    lookup = MessageCatalog(language, catalog, path)
    # Only the report layout prints the lists of acronyms and works cited.
    report = publication.editions[edition]['layout'] == 'report'
    tree = [publication.meta, publication.chapters, publication.footnotes,
            publication.acronyms if report else [], publication.glossary,
            publication.publications if report else []]
    rows, seen = [], set()
    for message in iter_messages(tree, edition):
        if message.key in seen:
            continue
        seen.add(message.key)
        found = lookup.lookup(message)
        entry = catalog.get(message.text, context=message.context)
        problems = ()
        status = found.status
        translation = str(entry.string) if entry is not None and entry.string else ''
        if status == 'translated':
            problems = tuple(f'[{name}] {text}' for name, text in check_entry(entry, declared))
            status = 'failing' if problems else 'translated'
        if status == 'fuzzy':
            shown = (markup.Markup('<del>%s</del><br>') % _render(translation, message, language)
                     + _render(message.text, message, source))
        elif status == 'untranslated':
            shown = _render(message.text, message, source)
        else:
            shown = _render(translation, message, language)
        rows.append(ProofRow(
            _render(message.text, message, source), shown, status,
            f'{os.path.relpath(path)}:{entry.lineno}' if entry is not None else '',
            f'{os.path.relpath(message.path)}:{message.line}', problems))
    return rows


def proof_path(project, publication, language, edition):
    return (project.output_dir / language /
            f'{publication.output_name}-{edition}-proof-{language}.pdf')


def write_proof(builder, publication, language, edition):
    """Render and write the proof PDF; returns (path, {status: count})."""
    project = builder.project
    languages = project.languages
    if languages[language].source:
        raise UsageError(f'a proof compares a translation with {languages.source.english_name}: '
                         f'choose --lang {", ".join(languages.translated)}')
    rows = proof_rows(project, publication, language, edition)
    counts = {status: sum(row.status == status for row in rows) for status in STATUSES}
    name = languages[language].english_name
    html = builder.renderer(publication).env.get_template('proof.html').render(
        rows=rows, counts=counts, lang=language, language_name=name, edition=edition,
        title=publication.meta['title'].text, no_italics=not languages[language].italics,
        direction=languages[language].direction,
        stylesheet=(project.templates_dir / 'assets' / 'proof.css').read_text('utf-8'))
    path = proof_path(project, publication, language, edition)
    builder.pdf_writer.write_file(path, html, source=publication.folder)
    return path, counts
