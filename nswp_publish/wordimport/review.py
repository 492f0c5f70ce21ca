"""Tracked changes and comments: what the editors left in a Word document.

A document with tracked changes is refused until someone decides them (`--changes accept`
or `reject`); comments are listed as warnings, with their author and the words they are
anchored to, since a comment often asks for a change nobody has made yet.
"""
from .pandocast import Places, attr_of, plain_text


def review(tree):
    """Tracked changes and comments, from pandoc's `--track-changes=all` AST: insertions and
    deletions are Spans (classes insertion, deletion, paragraph-insertion/-deletion) with an
    author; a comment is a `comment-start` Span holding the comment's own text, and the text
    it is anchored to runs until the `comment-end` Span with the same id."""
    places, changes, comments, open_comments = Places(), [], [], {}

    def inlines(nodes, place):
        for node in nodes:
            kind = node['t']
            if kind == 'Span':
                identifier, classes, pairs = attr_of(node)
                if 'comment-start' in classes:
                    open_comments[pairs.get('id')] = {
                        'author': pairs.get('author', 'someone'), 'place': place,
                        'text': plain_text(node['c']), 'anchor': []}
                    continue
                if 'comment-end' in classes:
                    found = open_comments.pop(pairs.get('id'), None)
                    if found:
                        found['anchor'] = ' '.join(''.join(found['anchor']).split())
                        comments.append(found)
                    continue
                for change in ('insertion', 'deletion', 'paragraph-insertion',
                               'paragraph-deletion'):
                    if change in classes:
                        changes.append({'kind': change, 'author': pairs.get('author', ''),
                                        'place': place, 'text': plain_text(node['c'][1])})
                inlines(node['c'][1], place)
            elif kind == 'Str':
                for found in open_comments.values():
                    found['anchor'].append(node['c'])
            elif kind in ('Space', 'SoftBreak', 'LineBreak'):
                for found in open_comments.values():
                    found['anchor'].append(' ')
            elif kind == 'Note':
                places.inside.append(f'a footnote of {place}')
                blocks(node['c'])
                places.inside.pop()
            elif kind in ('Link', 'Image', 'Quoted', 'Cite'):
                inlines(node['c'][1], place)
            elif kind in ('Emph', 'Strong', 'Underline', 'Strikeout', 'Superscript',
                          'Subscript', 'SmallCaps'):
                inlines(node['c'], place)

    def blocks(nodes):
        for node in nodes:
            kind = node['t']
            if kind in ('Para', 'Plain'):
                inlines(node['c'], places.paragraph(plain_text(node['c'])))
            elif kind == 'Header':
                inlines(node['c'][2], places.paragraph(plain_text(node['c'][2])))
                places.set_heading(plain_text(node['c'][2]))
            elif kind in ('BlockQuote',):
                blocks(node['c'])
            elif kind == 'Div':
                blocks(node['c'][1])
            elif kind == 'BulletList':
                for item in node['c']:
                    blocks(item)
            elif kind == 'OrderedList':
                for item in node['c'][1]:
                    blocks(item)
            elif kind == 'Figure':
                places.paragraph()
                blocks(node['c'][1][1])
                blocks(node['c'][2])
            elif kind == 'Table':
                places.tables += 1
                table_cells(node)
            for found in open_comments.values():
                found['anchor'].append(' ')

    def table_cells(node):
        _attr, caption, _cols, head, bodies, foot = node['c']
        blocks(caption[1])
        rows = list(head[1])
        for body in bodies:
            rows += body[2] + body[3]
        rows += foot[1]
        for r, (_rattr, cells) in enumerate(rows, 1):
            for c, cell in enumerate(cells, 1):
                places.inside.append(f'table {places.tables}, row {r}, cell {c}')
                blocks(cell[4])
                places.inside.pop()

    blocks(tree['blocks'])
    for found in open_comments.values():          # a comment that never ends
        found['anchor'] = ' '.join(''.join(found['anchor']).split())
        comments.append(found)
    return changes, comments


