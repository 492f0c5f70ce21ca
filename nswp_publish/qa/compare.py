"""Cross-language comparison of the built editions: every language must have the same
structure as the English and show every figure of the source in its own format.

Counts come from the built HTML (the same templates make the PDF), page counts from
the built PDFs. Differences are reported per language and file.
"""
import os
import re
from dataclasses import dataclass

from pypdf import PdfReader

from ..content.model import iter_messages
from ..i18n.translate import format_value
from ..render.renderer import visible_text
from ..wording import counted

#: What is counted in each edition's HTML: (name, pattern).
STRUCTURE = (
    ('chapters', re.compile(r'<section class="chapter\b')),
    ('numbered sections', re.compile(r'<article class="section\b')),
    ('boxes', re.compile(r'<aside class="box\b')),
    ('footnotes', re.compile(r'role="doc-noteref"')),
    ('figures', re.compile(r'<figure class="figure\b')),
    ('table rows', re.compile(r'<tr\b(?![^>]*class="total")')),
)
NUMBER = re.compile(r'(?<![\d.,])\d{2,}(?![\d])')


@dataclass(frozen=True)
class Difference:
    language: str
    path: str
    message: str

    def __str__(self):
        return f'{self.path}: [{self.language}] {self.message}'


def structure(html):
    """{name: count} of an edition's HTML."""
    body = html.split('<body>', 1)[-1]
    counts = {name: len(pattern.findall(body)) for name, pattern in STRUCTURE}
    counts['table rows'] = sum(len(re.findall(r'<tr\b', part))
                               for part in re.findall(r'<tbody>(.*?)</tbody>', body, re.S))
    return counts


def expected_numbers(publication, edition, language):
    """Each figure of the English source as it must read in `language`: data values in the
    locale's format, and the numbers written in the English text."""
    expected = {}
    for message in iter_messages(publication.chapters, edition):
        for value in message.data.values():
            expected.setdefault(format_value(value, language), message)
        plain = re.sub(r'\[[^\]]*\]\([^)]*\)|\{[^}]*\}|<[^>]*>', '', message.text)
        for number in NUMBER.findall(plain):
            expected.setdefault(number, message)
    return expected


def page_count(path):
    return len(PdfReader(path).pages)


def compare_outputs(project, publication, languages, editions):
    """(differences, {(language, edition): page count or None})."""
    differences, pages = [], {}
    for edition in editions:
        html_path = lambda language: project.output_path(publication, language, edition, 'html')  # noqa: E731
        source = project.languages.source.code
        reference_path = html_path(source)
        if not reference_path.exists():
            differences.append(Difference(source, os.path.relpath(reference_path),
                                          'not built: run python3 build.py --format html'))
            continue
        reference = structure(reference_path.read_text('utf-8'))
        source_pdf = project.output_path(publication, source, edition, 'pdf')
        pages[source, edition] = page_count(source_pdf) if source_pdf.exists() else None
        for language in languages:
            path = html_path(language)
            pdf = project.output_path(publication, language, edition, 'pdf')
            pages[language, edition] = page_count(pdf) if pdf.exists() else None
            shown = os.path.relpath(path)
            if not path.exists():
                differences.append(Difference(language, shown, 'not built'))
                continue
            html = path.read_text('utf-8')
            counts = structure(html)
            for name, count in counts.items():
                if count != reference[name]:
                    differences.append(Difference(
                        language, shown,
                        f'{counted(count, name[:-1], name)}, the English has {reference[name]}'))
            text = re.sub(r'\s+', ' ', visible_text(html))
            squeezed = re.sub(r'\s', '', text)
            for number, message in expected_numbers(publication, edition, language).items():
                if re.sub(r'\s', '', number) not in squeezed:
                    differences.append(Difference(
                        language, shown, f'the figure {number!r} of '
                        f'{os.path.relpath(message.path)}:{message.line} is missing'))
    return differences, pages
