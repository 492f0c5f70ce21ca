"""Reading a .docx: the checks, pandoc's readings, and the walk into the content schema.

Pandoc reads the document three times: `--track-changes=all` for the review (tracked
changes, comments), `-f docx+styles` for the paragraph styles (boxes, quotes), and plain
`-f docx` for the inline formatting, which `+styles` stops applying for character styles
(`pandocast.merge_inlines` swaps the inlines of one into the other).
"""
import hashlib
import re
import tempfile
from pathlib import Path

from ..errors import DocumentError
from .document import CHANGE_MODES, ImportedDocument, ImportWarning
from .inlines import markup_plain
from .metadata import read_metadata
from .package import character_styles, check_package
from .pandoc import pandoc_version, run_pandoc
from .pandocast import count_endnotes, excerpt, merge_inlines, slugify, unique
from .review import review
from .walker import Walker, collect_anchors
from .yamlwrite import NAME_KEYS


# -- reading --------------------------------------------------------------------------------

def read_docx(path, *, changes=None, styles_to_kinds=None, previous_footnotes=None):
    """Read a .docx into an `ImportedDocument`, or raise `DocumentError`.

    `changes`: None refuses a document with tracked changes; 'accept' or 'reject' decides
    them all. `styles_to_kinds`: Word paragraph style -> box kind (publication.yaml's
    `word_styles`). `previous_footnotes` ({id: text}, from the last import's state) keeps
    footnote ids stable across imports, and so the messages that cite them.
    """
    path = Path(path)
    if changes not in (None, *CHANGE_MODES):
        raise DocumentError(f'--changes must be accept or reject, not {changes!r}', path)
    styles_to_kinds = dict(styles_to_kinds or {})
    with tempfile.TemporaryDirectory(prefix='docx-import-') as workdir:
        package = check_package(path, workdir)
        found_changes, comments = review(run_pandoc(path, package.copy, 'all'))
        refuse_undecided_changes(path, found_changes, changes)
        media = Path(workdir) / 'media'
        tree, merged, endnotes = read_content(path, package, changes or 'accept', media)
        # Without the twin's inlines, character styles are read from styles.xml instead.
        char_styles = {} if merged else character_styles(path, package.parts, package.main)
        walker = Walker(styles_to_kinds, char_styles, collect_anchors(tree),
                        previous_footnotes, media)
        walker.endnotes = endnotes
        if not merged:
            walker.warn('', 'the two readings of the document did not line up: bold and '
                        'italic from character styles were taken from their definitions '
                        '(check words where Word switched them off)', 'format')
        metadata, abstract = read_metadata(tree, package, walker, path)
        walker.walk_document(abstract + tree['blocks'])
        chapters = finish_chapters(walker, metadata)
        if not any(chapter.blocks for chapter in chapters):
            raise DocumentError('the document has no text to import', path,
                                hint='check that it is the right file')
        missing_pictures(walker, package)
        warnings = walker.warnings + list(walker.grouped_warnings())
        warnings += summary_warnings(walker, comments, found_changes, changes)
        return ImportedDocument(
            source=path, source_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            metadata=metadata, chapters=chapters, footnotes=walker.footnotes,
            images=walker.images, warnings=warnings, comments=comments,
            changes=found_changes, box_kinds=walker.box_kinds,
            styles_to_kinds=styles_to_kinds, pandoc_version=pandoc_version())


def refuse_undecided_changes(path, found_changes, changes):
    """Tracked changes are a decision nobody made yet: refuse, unless --changes says."""
    if found_changes and changes is None:
        first = found_changes[0]
        raise DocumentError(
            f'the document has {len(found_changes)} tracked change'
            f'{"s" if len(found_changes) > 1 else ""} (first: {first["kind"]} by '
            f'{first["author"] or "someone"} in {first["place"]})', path,
            hint='accept or reject them in Word (Review > Accept/Reject), or import with '
                 '--changes accept or --changes reject')


def read_content(path, package, mode, media):
    """The AST the walker reads: pandoc's `+styles` reading (paragraph styles as Divs) with
    the inlines of its plain reading (see `merge_inlines`); the pictures are extracted to
    `media`. Returns (tree, whether the two readings lined up, the number of endnotes:
    counted before the merge, since only the +styles notes say which they are)."""
    tree = run_pandoc(path, package.copy, mode)
    endnotes = count_endnotes(tree)
    plain = run_pandoc(path, package.copy, mode, media_dir=media, styles=False)
    return tree, merge_inlines(tree, plain), endnotes


BLIP = re.compile(rb'<a:blip\b[^>]*\br:(embed|link)=')
#: Word writes a drawing twice, new and old form (mc:Choice, mc:Fallback): count one.
FALLBACK = re.compile(rb'<mc:Fallback>.*?</mc:Fallback>', re.DOTALL)


def missing_pictures(walker, package):
    """Pictures in the document that pandoc gave no Image for (pandoc 3.9 drops a picture
    inside a text box): counted from the main part's <a:blip> elements, a safety net so
    that no picture disappears without a word."""
    data = FALLBACK.sub(b'', package.parts.get(package.main, b''))
    found = len(BLIP.findall(data))
    read = sum(1 for _ in iter_images(walker))
    if found > read:
        walker.warn('', f'{found - read} of the {found} pictures in the document were not '
                    'imported (a picture in a text box, a shape or a chart): in Word, move it '
                    'out of the text box, or add it to the folder by hand', 'image')


def iter_images(walker):
    for chapter in walker.chapters:
        for block in iter_block_dicts(chapter.blocks):
            if 'image' in block:
                yield block


def finish_chapters(walker, metadata):
    """Give the blocks before the first Heading 1 a chapter, and every chapter an id."""
    chapters = [c for c in walker.chapters if c.blocks or c.title]
    taken = {c.id for c in chapters if c.id}
    for index, chapter in enumerate(chapters):
        if chapter.id:
            continue
        if len(chapters) == 1:
            chapter.title = metadata['title']
            walker.warn('', 'the document has no Heading 1: it became one chapter with the '
                        "document's title")
        else:
            chapter.title = 'Introduction'
            walker.warn('', f'{len(chapter.blocks)} block(s) before the first Heading 1 became '
                        'a first chapter called “Introduction”: rename it')
        chapter.id = unique(slugify(markup_plain(chapter.title)) or f'chapter-{index + 1}', taken)
    check_links(walker, chapters)
    return chapters


LINK = re.compile(r'(?<!\\)\[((?:\\.|[^\]\\])*)\]\(#([^)\s]+)\)')


def check_links(walker, chapters):
    """A link to an anchor that ended up on no block (a bookmark inside a list item, say)
    would be refused by the loader: keep its words, drop the link, with a warning."""
    ids = {chapter.id for chapter in chapters}
    for block in iter_block_dicts([c.blocks for c in chapters]):
        if block.get('id'):
            ids.add(block['id'])

    def fix(text):
        def replace(match):
            if match.group(2) in ids:
                return match.group()
            walker.warn('', f'a cross-reference to “{match.group(2)}” was dropped: the '
                        'place it pointed to is not a heading, table or picture', 'link')
            return match.group(1)
        return LINK.sub(replace, text)

    for chapter in chapters:
        chapter.title = fix(chapter.title)
        chapter.blocks = map_texts(chapter.blocks, fix)


def iter_block_dicts(value):
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from iter_block_dicts(item)
    elif isinstance(value, list):
        for item in value:
            yield from iter_block_dicts(item)


def map_texts(value, function, key=None):
    """Apply `function` to every Text string of a block tree (not to names: src, kind, id)."""
    if isinstance(value, dict):
        return {k: (v if k in NAME_KEYS else map_texts(v, function, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [map_texts(item, function, key) for item in value]
    if isinstance(value, str):
        return function(value)
    return value


def summary_warnings(walker, comments, found_changes, changes):
    found = []
    for comment in comments:
        anchor = f' on “{excerpt(comment["anchor"], 60)}”' if comment['anchor'] else ''
        found.append(ImportWarning(comment['place'], f'comment by {comment["author"]}{anchor}: '
                                   f'{excerpt(comment["text"], 200)}', 'comment'))
    if found_changes:
        found.append(ImportWarning('', f'{len(found_changes)} tracked changes were '
                                   f'{"accepted" if changes == "accept" else "rejected"}',
                                   'changes'))
    if walker.endnotes:
        found.append(ImportWarning('', f'{walker.endnotes} endnote(s) became footnotes (the '
                                   'build prints every note the same way)', 'note'))
    return found


