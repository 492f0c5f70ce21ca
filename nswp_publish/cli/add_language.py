"""`add-language CODE`: a new language in one command, as GNU msginit starts a catalog.

It declares the language in locales/languages.toml with what CLDR says of it (its own name,
direction, script, numbering system, plural rules and quotation marks: `i18n.cldr`) and the
installed fonts that cover it, with their Debian package (`pdf.fonts.choose_fonts`); adds
it to each publication's languages; and writes an empty catalog per domain, its header
saying the language and its plural forms. The next build makes every publication in it,
in English until it is translated. Nothing is written unless all of it can be.
"""
import re

from ..errors import LanguageError, UsageError, display_path
from ..i18n import cldr
from ..i18n.workflow import update_all
from ..languages import FILE_NAME, declaration_text, read_languages
from ..output import write_atomic
from ..pdf.fonts import choose_fonts
from ..project import Project

#: `languages: [en, fr]` on one line, the way `new` writes it.
FLOW_LIST = re.compile(r'^(languages:\s*\[)([^\]]*)(\].*)$', re.MULTILINE)
#: `languages:` followed by `- en` lines.
BLOCK_LIST = re.compile(r'^languages:[ \t]*(#.*)?\n((?:[ \t]+-[ \t]*\S+.*\n)+)', re.MULTILINE)


def add_language(project, code, slugs=None):
    """Declare `code`, add it to the publications (`slugs`, default all) and write its
    catalogs; returns [(path, status)]."""
    languages = project.languages
    if code in languages:
        raise UsageError(f'language "{code}" is already declared',
                         hint=f'see locales/{FILE_NAME}:{languages[code].line}')
    declaration_path = project.locales_dir / FILE_NAME
    facts = cldr.declaration(code, declaration_path)
    writing = cldr.writing(code)
    fonts = choose_fonts(writing['tags'], writing['characters'], writing['script'],
                         writing['script_name'], writing['territory'], languages.source.fonts)
    facts['typography'] = {'italics': fonts.pop('italics'), **facts['typography']}
    facts['fonts'] = fonts
    folders = project.publication_folders()
    chosen = [folder for folder in folders if not slugs or folder.name in slugs]
    edits = [(folder / 'publication.yaml', _with_language(folder / 'publication.yaml', code))
             for folder in chosen]
    text = declaration_path.read_text('utf-8')
    declared = text.rstrip('\n') + '\n\n' + declaration_text(facts)
    write_atomic(declaration_path, declared)
    try:
        read_languages(project.locales_dir)
    except LanguageError:
        write_atomic(declaration_path, text)        # as it was: the error is ours, said below
        raise
    results = [(declaration_path, 'declared')]
    for path, edited in edits:
        write_atomic(path, edited)
        results.append((path, 'updated'))
    fresh = Project(project.root, project.output_root)
    results += [(path, status) for path, status in
                update_all(fresh, [folder.name for folder in chosen] or None, [code])
                if path.suffix == '.po']
    return results


def _with_language(path, code):
    """The text of a publication.yaml with `code` added to its `languages` list."""
    text = path.read_text('utf-8')
    flow = FLOW_LIST.search(text)
    if flow:
        items = [item.strip() for item in flow.group(2).split(',') if item.strip()]
        return text[:flow.start()] + flow.group(1) + ', '.join([*items, code]) + \
            flow.group(3) + text[flow.end():]
    block = BLOCK_LIST.search(text)
    if block:
        last = block.group(2).rstrip('\n').split('\n')[-1]
        indent = last[:len(last) - len(last.lstrip())]
        return text[:block.end()] + f'{indent}- {code}\n' + text[block.end():]
    raise UsageError(f'{display_path(path)}: cannot find its "languages:" list to add '
                     f'"{code}" to', hint='add it to the list by hand, or run add-language '
                                          'with --pub for the other publications')
