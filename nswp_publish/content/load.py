"""Loading a publication: its YAML files, checked against the schema in docs/publishing.md.

`load_publication` reads `publication.yaml` and the files it names, each checked against
its file schema (below) and its blocks by their kinds (`blocks`), then cross-checks the
whole: editions, footnotes, ids and cross-references, and the files images and data name.
The result is a `model.Publication`.
"""
import re
from pathlib import Path

from ..errors import ContentError, UsageError
from . import images, margin_figures, markup
from .blocks import BLOCK_KINDS
from .model import (SLUG, EditionList, Message, Publication, RefList, iter_blocks,
                    iter_messages, walk)
from .schema import BLOCKS, INT, NAME, TEXT, YEAR_MONTH_SPEC, Reader
from .yamlfile import line_of, read_yaml

#: Layouts every publication may use (templates/<layout>.html); a publication's own
#: templates folder may add more.
LAYOUTS = ('short', 'report')
#: How the bibliography is ordered: by each language's collation, or as the file lists it.
BIBLIOGRAPHY_ORDERS = ('alphabetical', 'as-listed')
#: Where a chapter stands in a report layout: before the contents' main matter, in it, or after.
PARTS = ('front', 'main', 'annex')
#: A cover colour: written into the page's style, so nothing but a hex colour.
COLOUR = re.compile(r'#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\Z')

FILE_SCHEMAS = {
    'publication': {
        'slug': NAME, 'title': TEXT, '?subtitle': TEXT, '?summary': TEXT, 'short_title': TEXT,
        '?author': TEXT, '?author_role': TEXT,
        'date': YEAR_MONTH_SPEC, '?keywords': [TEXT],
        'editions': {'*': {'label': TEXT, '?layout': NAME, '?chapters': [NAME]}},
        'languages': [NAME], 'chapters': [NAME], '?footnotes': NAME, '?acronyms': NAME,
        '?glossary': NAME,
        '?publications': NAME, '?output_name': NAME,
        '?back_page': {'title': TEXT, 'blocks': BLOCKS},
        '?stylesheet': NAME, '?templates': NAME, '?bibliography_order': NAME,
        '?box_labels': {'*': TEXT},
        # `build.py import`: the Word paragraph style of each box kind ("Case study": case-study).
        '?word_styles': {'*': NAME},
        '?logo': {'src': NAME, 'alt': TEXT},
        '?funders': {'?acknowledgement': TEXT, 'names': [{'name': TEXT, '?logo': NAME}]},
        '?cover': {'?colour': NAME, '?image': NAME},
    },
    'chapter': {
        'chapter': NAME, 'title': TEXT, '?editions': [NAME], '?part': NAME, 'blocks': BLOCKS,
    },
    'footnotes': {'footnotes': {'*': TEXT}},
    'acronyms': {'acronyms': {'*': TEXT}},
    'glossary': {'glossary': {'*': TEXT}},
    'publications': {'publications': [
        {'id': NAME, 'title': TEXT, 'author': TEXT, 'year': INT}]},
}

#: The msgctxt of an acronym in the list of acronyms.
ACRONYM_CONTEXT = 'acronym'
#: The msgctxt of a term of the glossary.
GLOSSARY_CONTEXT = 'glossary term'


def file_role(tree):
    """Which kind of content file a parsed YAML tree is, from its top-level keys."""
    if isinstance(tree, dict):
        for role, key in (('publication', 'slug'), ('chapter', 'chapter'),
                          ('footnotes', 'footnotes'), ('acronyms', 'acronyms'),
                          ('glossary', 'glossary'),
                          ('publications', 'publications')):
            if key in tree:
                return role
    return None


def load_file(path, expected_role=None):
    """Load one content file on its own: (role, content tree)."""
    path = Path(path)
    return build_tree(read_yaml(path), path, expected_role)


def build_tree(raw, path, expected_role=None):
    """Check a parsed content file against its schema: (role, content tree)."""
    role = file_role(raw)
    if role is None:
        raise ContentError(
            'not a content file: expected a top-level "slug", "chapter", "footnotes", '
            '"acronyms", "glossary" or "publications" key', path, line_of(raw, 1),
            hint='see docs/publishing.md')
    if expected_role and role != expected_role:
        raise ContentError(f'expected a {expected_role} file, found a {role} file', path, 1)
    tree = Reader(path, BLOCK_KINDS).read(FILE_SCHEMAS[role], raw, role, 1)
    if role == 'acronyms':
        # The acronym itself is a message too: HIV is VIH in French and ВИЧ in Russian.
        tree['acronyms'] = [
            {'acronym': Message(key, path, raw['acronyms'].line_of(key), ACRONYM_CONTEXT,
                                'An acronym of the list of acronyms: keep it, or give the '
                                'form this language uses.'),
             'expansion': expansion}
            for key, expansion in tree['acronyms'].items()]
    if role == 'glossary':
        tree['glossary'] = [
            {'term': Message(key, path, raw['glossary'].line_of(key), GLOSSARY_CONTEXT,
                             'A term of the glossary, as this language writes it.'),
             'definition': definition}
            for key, definition in tree['glossary'].items()]
    if role == 'publication':
        tree['key_lines'] = raw.key_lines
    return role, tree


def load_publications(project, slugs=None):
    """Load the publications of a `Project` that `slugs` names (all when None), in slug order."""
    known = {folder.name: folder for folder in project.publication_folders()}
    for slug in slugs or ():
        if slug not in known:
            raise UsageError(f'unknown publication "{slug}"', project.content_dir,
                             hint=f'expected one of: {", ".join(known) or "none"}')
    return [load_publication(known[slug], project.languages.codes) for slug in (slugs or known)]


def load_publication(folder, languages):
    """Load and cross-check a publication folder (its `publication.yaml` and the files it
    names); `languages` are the codes the project declares."""
    folder = Path(folder)
    meta_path = folder / 'publication.yaml'
    if not meta_path.exists():
        raise ContentError('publication.yaml is missing', meta_path,
                           hint=f'every folder in {folder.parent} needs one')
    _, meta = load_file(meta_path, 'publication')
    key_lines = meta.pop('key_lines')
    if not SLUG.match(meta['slug']):
        raise ContentError(f'slug "{meta["slug"]}" must be lowercase words joined by "-"',
                           meta_path, key_lines['slug'])
    if meta['slug'] != folder.name:
        raise ContentError(f'slug "{meta["slug"]}" differs from the folder name "{folder.name}"',
                           meta_path, key_lines['slug'], hint='rename one of them')
    for value in meta['languages']:
        if value not in languages:
            raise ContentError(f'unknown language "{value}"', meta_path, key_lines['languages'],
                               hint=f'expected some of: {", ".join(languages)} (the languages '
                                    f'locales/languages.toml declares)')
    meta['output_name'] = meta['output_name'] or f'nswp-{meta["slug"]}'
    meta['bibliography_order'] = meta['bibliography_order'] or 'alphabetical'
    if meta['bibliography_order'] not in BIBLIOGRAPHY_ORDERS:
        raise ContentError(f'unknown bibliography_order "{meta["bibliography_order"]}"',
                           meta_path, key_lines['bibliography_order'],
                           hint=f'expected one of: {", ".join(BIBLIOGRAPHY_ORDERS)}')

    for key in ('stylesheet', 'templates'):
        if meta[key] and not (folder / meta[key]).exists():
            raise ContentError(f'{key} "{meta[key]}" does not exist in {folder.name}/',
                               meta_path, key_lines[key], hint='create it or fix the name')
    _check_editions(meta, folder, meta_path, key_lines)

    def part(name, role, key):
        if name is None:
            return None
        path = folder / name
        if not path.exists():
            raise ContentError(f'file "{name}" does not exist', meta_path, key_lines[key],
                               hint=f'create it in {folder} or fix the name')
        return load_file(path, role)[1]

    chapters = [part(name, 'chapter', 'chapters') for name in meta['chapters']]
    for edition in meta['editions'].values():
        for name in edition['chapters'] or ():
            if name not in meta['chapters']:
                raise ContentError(f'edition chapter "{name}" is not one of "chapters"',
                                   meta_path, key_lines['editions'],
                                   hint='list it under chapters: too, or fix the name')
    for name, chapter in zip(meta['chapters'], chapters):
        chapter['file'] = name
    footnotes_file = part(meta['footnotes'], 'footnotes', 'footnotes')
    footnote_texts = footnotes_file['footnotes'] if footnotes_file else {}
    acronyms_file = part(meta['acronyms'], 'acronyms', 'acronyms')
    acronyms = acronyms_file['acronyms'] if acronyms_file else []
    glossary_file = part(meta['glossary'], 'glossary', 'glossary')
    glossary = glossary_file['glossary'] if glossary_file else []
    publications_file = part(meta['publications'], 'publications', 'publications')
    publications = publications_file['publications'] if publications_file else []
    footnotes = _number_footnotes(chapters, footnote_texts,
                                  folder / (meta['footnotes'] or 'footnotes.yaml'))
    _check_unique_chapters(chapters)
    _check_chapter_options(chapters, meta)
    # Images and CSV files: checked once the text is read.
    _attach_pictures(folder, meta, meta_path, key_lines)
    for block in iter_blocks([meta['back_page'], chapters]):
        BLOCK_KINDS[block['type']].attach(block, folder, meta['languages'])
    margin_figures.check_stylesheet(folder / meta['stylesheet'] if meta['stylesheet'] else None,
                                    chapters)
    targets = _number_and_index(chapters, meta)
    _check_references([meta, chapters, footnote_texts], targets)
    return Publication(meta['slug'], folder, meta, chapters, footnotes, acronyms, publications,
                       targets, glossary)


def _check_editions(meta, folder, meta_path, key_lines):
    """Editions are the publication's own: any names, each with a layout that exists."""
    if not meta['editions']:
        raise ContentError('a publication needs at least one edition', meta_path,
                           key_lines['editions'], hint='e.g. editions: {brief: {label: Brief}}')
    own_layouts = folder / meta['templates'] if meta['templates'] else None
    for name, edition in meta['editions'].items():
        if not SLUG.match(name):
            raise ContentError(f'edition name "{name}" must be lowercase words joined by "-"',
                               meta_path, key_lines['editions'])
        edition['name'] = name
        edition['layout'] = edition['layout'] or 'short'
        layout = edition['layout']
        if layout not in LAYOUTS and not (own_layouts and (own_layouts / f'{layout}.html').exists()):
            raise ContentError(f'edition "{name}": unknown layout "{layout}"', meta_path,
                               key_lines['editions'],
                               hint=f'expected one of: {", ".join(LAYOUTS)}, or a {layout}.html '
                                    f'in the publication\'s templates folder')


def _check_edition_names(editions, declared):
    for edition in editions or ():
        if edition not in declared:
            raise ContentError(f'unknown edition "{edition}"', editions.path, editions.line,
                               hint=f'this publication declares: {", ".join(declared)}')


def _number_footnotes(chapters, texts, footnotes_path):
    """Number footnotes in order of first citation, as a printed report does."""
    numbers = {}
    for message in iter_messages(chapters):
        for label in markup.footnote_refs(message.text):
            if label not in texts:
                raise ContentError(f'footnote [^{label}] is not defined', message.path,
                                   message.line, hint=f'add it to {footnotes_path.name}')
            numbers.setdefault(label, len(numbers) + 1)
    for label, message in texts.items():
        if label not in numbers:
            raise ContentError(f'footnote "{label}" is never cited', message.path, message.line,
                               hint=f'cite it as [^{label}] or remove it')
    return {label: {'number': numbers[label], 'label': label, 'text': texts[label]}
            for label in sorted(numbers, key=numbers.get)}


def _check_unique_chapters(chapters):
    seen = {}
    for chapter in chapters:
        name = chapter['chapter']
        if name in seen:
            raise ContentError(f'chapter id "{name}" is used twice', chapter['title'].path, 1)
        seen[name] = chapter


def _check_chapter_options(chapters, meta):
    declared = list(meta['editions'])
    for chapter in chapters:
        where = chapter['title']
        if chapter['editions'] is not None:
            chapter['editions'] = EditionList(chapter['editions'], where.path, 1)
        _check_edition_names(chapter['editions'], declared)
        # An edition that lists its chapters holds only those.
        for name, edition in meta['editions'].items():
            if edition['chapters'] is not None and chapter['file'] not in edition['chapters']:
                chapter['editions'] = EditionList(
                    [e for e in (chapter['editions'] or declared) if e != name], where.path, 1)
        chapter['part'] = chapter['part'] or 'main'
        if chapter['part'] not in PARTS:
            raise ContentError(f'chapter "{chapter["chapter"]}": unknown part "{chapter["part"]}"',
                               where.path, 1, hint=f'expected one of: {", ".join(PARTS)}')
    for block in iter_blocks(chapters):
        _check_edition_names(block['editions'], declared)



def _number_and_index(chapters, meta):
    """Number sections and counted items in reading order; index every id a link may name.

    Returns {id: {'number': int or None, 'counter': name or None, 'path', 'line'}}.
    """
    targets = {}
    counts = {}

    def add(target_id, number, counter, path, line):
        if target_id in targets:
            first = targets[target_id]
            raise ContentError(f'id "{target_id}" is used twice (first at '
                               f'{first["path"].name}:{first["line"]})', path, line,
                               hint='give each block its own id')
        targets[target_id] = {'number': number, 'counter': counter, 'path': path,
                              'line': line}

    for chapter in chapters:
        add(chapter['chapter'], None, None, chapter['title'].path, chapter['title'].line)
        for block in iter_blocks(chapter['blocks']):
            counter = block.get('counter') if block['type'] in ('section', 'template') else None
            if block['type'] == 'section':
                counts[counter] = number = counts.get(counter, 0) + 1
                block['number'] = number
                block['id'] = block['id'] or f'{counter}-{number}'
                add(block['id'], number, counter, block['path'], block['line'])
            elif block['id']:
                add(block['id'], None, None, block['path'], block['line'])
            if block['type'] == 'template' and counter:
                items = []
                for item in block['items']:
                    counts[counter] = number = counts.get(counter, 0) + 1
                    item = item if isinstance(item, dict) else {'text': item}
                    item['number'] = number
                    item['id'] = f'{counter}-{number}'
                    add(item['id'], number, counter, block['path'], block['line'])
                    items.append(item)
                block['items'] = items
    return targets


def _check_references(tree, targets):
    """Links to `#id` in any text, and `refs:` of template blocks, must name a real id."""
    for message in iter_messages(tree):
        for href in markup.signature(message.text).links:
            if href.startswith('#') and href[1:] not in targets:
                raise ContentError(f'link to "{href}", but no block has that id', message.path,
                                   message.line, hint=_known_ids(targets))
    for refs in (node for node in walk(tree) if isinstance(node, RefList)):
        for target in refs:
            if target not in targets:
                raise ContentError(f'refs: "{target}" is not the id of anything', refs.path,
                                   refs.line, hint=_known_ids(targets))


def _known_ids(targets):
    names = list(targets)
    return f'known ids: {", ".join(names[:12])}{", ..." if len(names) > 12 else ""}'




def _attach_pictures(folder, meta, meta_path, key_lines):
    """The publication's own pictures: logo (cover and back page), funders' logos, cover."""
    languages = meta['languages']
    logo = meta.get('logo')
    if logo:
        where = (meta_path, key_lines.get('logo'))
        if not logo['alt'].text.strip():
            raise ContentError('logo: alt text is empty', meta_path, logo['alt'].line,
                               hint="give the organisation's name as it reads on the logo")
        logo['files'] = images.image_files(folder, logo['src'], languages, where, 'logo')
    funders = meta.get('funders')
    for funder in (funders or {}).get('names') or ():
        if funder.get('logo'):
            where = (meta_path, funder['name'].line)
            funder['logo'] = {'src': funder['logo'], 'alt': funder['name'],
                              'files': images.image_files(folder, funder['logo'], languages, where,
                                                   'funder logo')}
    cover = meta.get('cover')
    if cover:
        where = (meta_path, key_lines.get('cover'))
        if cover.get('colour') and not COLOUR.match(cover['colour']):
            raise ContentError(f'cover: colour "{cover["colour"]}" is not a colour', *where,
                               hint='write it as #rrggbb, e.g. "#7a1f3d" (in quotes)')
        if cover.get('image'):
            cover['image'] = {'src': cover['image'],
                              'files': images.image_files(folder, cover['image'], languages, where,
                                                   'cover image')}
