"""`new`: a publication that builds at once, from a skeleton that says what to write where.

The files' comments say what each line is for and their placeholders are instructions
("Write your first paragraph here."), so a proof shows at once what is left to write;
nothing is filled in from the title but the title.
"""
import datetime
import json

from ..content.model import SLUG
from ..errors import UsageError, display_path
from ..i18n.catalog import INTERFACE_DOMAIN
from ..i18n.workflow import update_all
from ..output import write_atomic

#: The files `new` writes.
SKELETON_PUBLICATION = """\
# {comment_title}: the publication's details. docs/publishing.md explains every key.
# All text here is English; translators get it in locales/<lang>/LC_MESSAGES/{slug}.po
# once you run: python3 build.py update --pub {slug}
# The folder's name: keep it as it is.
slug: {slug}
title: {title}
# The running header of the inside pages: a few words. Replace the placeholder.
short_title: "Short title here"
# Optional, under the title on the cover: remove the "#" and write it.
# subtitle: "Write the subtitle here"
# For the web library (python3 build.py site), which lists each publication with a
# one-paragraph summary: remove the "#" and write it.
# summary: "Write a one-paragraph summary of the publication here"
author: NSWP
author_role: Global Network of Sex Work Projects
# The month it is published: year-month.
date: {month}
# Its editions: each name becomes part of the file names (nswp-{slug}-summary-en.pdf).
# To add a longer edition with contents and annexes, see "Editions" in docs/publishing.md.
# "label" is the word above the title on the cover.
editions:
  summary:
    label: Summary
    layout: short
# The languages it is published in.
languages: [{languages}]
# The chapter files, in reading order: add a line for each new file.
chapters:
  - introduction.yaml
footnotes: footnotes.yaml
"""
SKELETON_CHAPTER = """\
# The first chapter. Replace each placeholder text with your own, keeping the quotation
# marks around it; add or remove lines as you need. Each line under "blocks:" is one
# paragraph (p), sub-heading (heading), list (bullets, numbered), quote, box, table, image
# or chart: docs/publishing.md shows how each is written.
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
            comment_title=title.strip(), month=month,
            languages=', '.join(project.languages.codes)),
        'introduction.yaml': SKELETON_CHAPTER,
        'footnotes.yaml': SKELETON_FOOTNOTES,
    }
    created = []
    for name, text in files.items():
        write_atomic(folder / name, text)
        created.append((folder / name, 'created'))
    return created + update_all(project, [slug])
