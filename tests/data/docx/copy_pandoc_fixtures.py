"""Copy the pandoc test fixtures the importer's tests use, from a snapshot of jgm/pandoc.

The .docx files and pandoc's expected ASTs (.native) come from the 3.9 tag, the pandoc
that pypandoc-binary 1.17 bundles, so the .native files say what this pandoc reads; one
fixture added after 3.9 comes from the snapshot's newest commit. Writes pandoc/
and the table of README.md's pandoc section (printed).

Run: python3 tests/data/docx/copy_pandoc_fixtures.py PANDOC_GIT_DIR (a clone of
https://github.com/jgm/pandoc)
"""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TAG = '3.9'
#: file -> what it is used for in the tests
FIXTURES = {
    'lists.docx': 'bulleted and numbered lists, nested three deep',
    'lists.native': '',
    'lists_continuing.docx': 'a numbered list continued after a paragraph (starts at 3)',
    'lists_continuing.native': '',
    'tables.docx': 'tables with and without a header row, multi-paragraph cells',
    'tables.native': '',
    'table_header_rowspan.docx': 'two header rows, row and column spans (merged cells)',
    'table_header_rowspan.native': '',
    'table_one_header_row.docx': 'a table that is only a header row',
    'table_one_header_row.native': '',
    'table_with_list_cell.docx': 'lists inside table cells',
    'table_with_list_cell.native': '',
    'table_captions_with_field.docx': 'table captions (Caption style, SEQ field) and cross-references to them',
    'table_captions_with_field.native': '',
    'notes.docx': 'a footnote and an endnote',
    'notes.native': '',
    'link_in_notes.docx': 'a link inside a footnote',
    'link_in_notes.native': '',
    'block_quotes.docx': 'block quotes: Quote style, Intense Quote style, indentation',
    'block_quotes.native': '',
    'image.docx': 'a picture with alt text (docPr descr) and a title',
    'image_no_embed.native': "image.docx's AST (pandoc's test reads image.docx against it)",
    'inline_images.docx': 'pictures inside lines of text, one inside a link',
    'inline_images.native': '',
    'links.docx': 'external links, a link to a heading, a link to a bookmark',
    'links.native': '',
    'inline_formatting.docx': 'bold, italic, underline, strikethrough, small caps, superscript, subscript, line break',
    'inline_formatting.native': '',
    'verbatim_subsuper.docx': 'superscript and subscript (m², m₂)',
    'verbatim_subsuper.native': '',
    'char_styles.docx': 'character styles that make text italic or bold, switched off in some runs',
    'char_styles.native': '',
    'track_changes_insertion.docx': 'a tracked insertion',
    'track_changes_insertion_accept.native': '',
    'track_changes_insertion_reject.native': '',
    'track_changes_insertion_all.native': '',
    'track_changes_deletion.docx': 'a tracked deletion',
    'track_changes_deletion_accept.native': '',
    'track_changes_deletion_reject.native': '',
    'track_changes_deletion_all.native': '',
    'track_changes_move.docx': 'a tracked move',
    'track_changes_move_accept.native': '',
    'track_changes_move_reject.native': '',
    'track_changes_move_all.native': '',
    'paragraph_insertion_deletion.docx': 'tracked paragraph marks (a paragraph split and joined)',
    'paragraph_insertion_deletion_accept.native': '',
    'paragraph_insertion_deletion_reject.native': '',
    'paragraph_insertion_deletion_all.native': '',
    'comments.docx': 'comments, one across paragraphs, one nested in another',
    'comments.native': '',
    'comments_no_comments.native': '',
    'custom-style-reference.docx': 'custom paragraph and character styles (one based on Block Text)',
    'custom-style-with-styles.native': '',
    'custom-style-no-styles.native': '',
    'metadata.docx': 'Title, Author, Date and Abstract paragraphs',
    'metadata.native': '',
    'golden/document-properties.docx': 'document properties (core.xml title, creator, keywords) and a Subtitle paragraph (written by pandoc)',
    'document-properties.native': "the AST pandoc's writer test made golden/document-properties.docx from",
    'headers.docx': 'headings of levels 1 to 5',
    'headers.native': '',
    '0_level_headers.docx': 'an attached template at an outside address (TargetMode="External", not a picture: must not be refused)',
    '0_level_headers.native': '',
    'alternate_document_path.docx': 'the main part is not word/document.xml',
    'alternate_document_path.native': '',
}
FROM_HEAD = {
    'image_with_textbox_caption.docx': 'a picture in a text box with a caption: pandoc 3.9 drops the picture (read from 3.10 on)',
    'image_with_textbox_caption.native': 'what pandoc >= 3.10 reads',
}


def git(repo, *args):
    return subprocess.run(['git', '--git-dir', str(repo), *args], check=True,
                          capture_output=True).stdout


def main():
    repo = Path(sys.argv[1] if len(sys.argv) > 1 else '/work/.mirror/jgm+pandoc/repo')
    out = HERE / 'pandoc'
    out.mkdir(parents=True, exist_ok=True)
    tag_commit = git(repo, 'rev-parse', f'{TAG}^{{commit}}').decode().strip()
    head_commit = git(repo, 'rev-parse', 'HEAD').decode().strip()
    rows = []
    for names, ref, commit in ((FIXTURES, TAG, tag_commit), (FROM_HEAD, 'HEAD', head_commit)):
        for name, use in names.items():
            source = f'test/docx/{name}'
            target = out / name.replace('/', '__')
            target.write_bytes(git(repo, 'show', f'{ref}:{source}'))
            rows.append(f'| `pandoc/{target.name}` | `{source}` | `{commit[:12]}` | {use} |')
    print(f'tag {TAG} = {tag_commit}\nHEAD = {head_commit}')
    print('\n'.join(rows))


if __name__ == '__main__':
    main()
