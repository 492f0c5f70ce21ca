"""`import FILE.docx --pub SLUG`: a Word document into a publication, then its catalogs.

The first import creates `content/SLUG/`; every later one updates it in place, keeping what
was edited by hand (`wordimport.reimport`). Then `update` runs for the publication, as after
`new`, so it builds at once in every language and every translation whose paragraph did not
change is kept, the changed ones offered as fuzzy.
"""
import logging
import os
import re

import yaml

from ..content import revisions
from ..content.model import SLUG
from ..content.yamlfile import load_plain
from ..errors import DocumentError, PublishError, UsageError, display_path
from ..i18n.catalog import INTERFACE_DOMAIN
from ..i18n.workflow import update_all
from ..wordimport.pandocast import excerpt
from ..wordimport.reading import read_docx
from ..wordimport.reimport import import_into

LOGGER = logging.getLogger('nswp_publish')
#: A box kind: a CSS class and a key of `box_labels`.
KIND = re.compile(r'[a-z0-9]+(-[a-z0-9]+)*\Z')


def run_import(project, options, print_table):
    slug = options.slug
    if not SLUG.match(slug) or slug == INTERFACE_DOMAIN:
        raise UsageError(f'"{slug}" is not a valid slug: use lowercase words joined by "-"'
                         if slug != INTERFACE_DOMAIN else
                         f'"{slug}" is the name of the shared interface catalog',
                         hint='e.g. --pub annual-report-2027')
    folder = project.content_dir / slug
    styles = {**existing_styles(folder), **parse_styles(options.styles)}
    state = revisions.read_state(folder) or {}
    doc = read_docx(options.file, changes=options.changes, styles_to_kinds=styles,
                    previous_footnotes=state.get('footnotes'))
    report = import_into(doc, folder, project.languages.codes, force=options.force)
    name = os.path.basename(options.file)
    for warning in doc.warnings:
        LOGGER.warning('%s: %s', name, warning)
    print_table(('status', 'file'), [(action, display_path(folder / file))
                                     for file, action in report.files
                                     if action != 'unchanged'] or [('unchanged', '(all)')])
    print_changes(report)
    try:
        results = update_all(project, [slug])
    except PublishError as error:
        # The import is done; what the build refuses (a picture without alt text) is the
        # author's to fix, and the build names it the same way.
        LOGGER.warning('the catalogs were not updated: %s', error)
        print(f'Next: fix that, then python3 build.py update --pub {slug}')
        return 0
    changed = [(status, os.path.relpath(path)) for path, status in results
               if status != 'unchanged']
    if changed:
        print_table(('status', 'file'), changed)
    print(f'Next: python3 build.py --pub {slug}'
          + ('' if report.first else '; translators: python3 build.py stats --pub ' + slug))
    return 0


def print_changes(report):
    """What changed in the text since the last import."""
    if report.first:
        return
    print(f'since the last import: {len(report.added)} paragraphs added, '
          f'{len(report.changed)} changed, {len(report.removed)} removed, '
          f'{len(report.images_added)} pictures added')
    for text in report.added:
        print(f'  added: “{excerpt(text, 70)}”')
    for old, new in report.changed:
        print(f'  changed: “{excerpt(old, 70)}”\n      now: “{excerpt(new, 70)}”')
    for text in report.removed:
        print(f'  removed: “{excerpt(text, 70)}”')
    for name in report.images_added:
        print(f'  picture added: {name}')


def parse_styles(values):
    """`--style "Case study=case-study"` -> {'Case study': 'case-study'}."""
    styles = {}
    for value in values:
        style, _, kind = value.rpartition('=')
        style, kind = style.strip(), kind.strip()
        if not style or not KIND.match(kind):
            raise UsageError(f'--style "{value}": expected "WORD STYLE=kind", the kind in '
                             'lowercase words joined by "-"',
                             hint='e.g. --style "Case study=case-study"')
        styles[style] = kind
    return styles


def existing_styles(folder):
    """The `word_styles` of a publication imported before (what the last import used)."""
    path = folder / 'publication.yaml'
    try:
        data = load_plain(path.read_text(encoding='utf-8')) or {}
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise DocumentError(f'publication.yaml cannot be read ({type(error).__name__})', path,
                            hint='fix it (python3 build.py check names the line), then import '
                                 'again') from None
    styles = data.get('word_styles') if isinstance(data, dict) else None
    if styles is None:
        return {}
    if not isinstance(styles, dict) or not all(
            isinstance(kind, str) and KIND.match(kind) for kind in styles.values()):
        raise DocumentError('word_styles must map Word styles to box kinds, as in '
                            '"Case study": case-study', path, hint='fix it, then import again')
    return {str(style): kind for style, kind in styles.items()}
