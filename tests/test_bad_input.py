"""A corpus of malformed and hostile inputs: each gives one line, `file:line: message`,
exit status 1, and leaves the outputs of the previous build untouched."""
import pytest

from nswp_publish.cli import main as cli

from conftest import set_translations

SENTENCE = 'NSWP has {members} **members** in {regions} regions.'
LINK = 'See the [website](https://nswp.org)[^site].'


def replace(old, new, count=1):
    def damage(text):
        assert old in text, old
        return text.replace(old, new, count)
    return damage


def append(extra):
    return lambda text: text + extra


def translate(msgid, msgstr, domain='brief'):
    """Not a text edit: a translation set in a French catalog, the publication's unless
    `domain` says otherwise."""
    return ('translate', msgid, msgstr, domain)


PUB = 'content/brief/publication.yaml'
INTRO = 'content/brief/intro.yaml'
NOTES = 'content/brief/footnotes.yaml'
PO = 'locales/fr/LC_MESSAGES/brief.po'
INTERFACE_PO = 'locales/fr/LC_MESSAGES/messages.po'
CHART_ROW = '%(category)s: %(values)s.'
CSS = 'templates/assets/report.css'

#: (case, file damaged, damage, file named in the error, marker of the line (None: line 1),
#:  fragment of the message, format built)
CORPUS = [
    ('yaml-unclosed-quote', INTRO, replace('[^site]."', '[^site].'), INTRO, 'See the [',
     'invalid YAML: while scanning a quoted scalar', 'html'),
    ('yaml-bad-indent', INTRO, replace('  - p: "See', ' - p: "See'), INTRO, ' - p: "See',
     'invalid YAML', 'html'),
    ('yaml-tab', INTRO, replace('  - p: "See', '\t- p: "See'), INTRO, '\t- p: "See',
     'invalid YAML', 'html'),
    ('duplicate-key', INTRO, append('title: Again\n'), INTRO, 'title: Again',
     'duplicate key "title" (first on line 2)', 'html'),
    ('unknown-field', INTRO, append('subtitle: x\n'), INTRO, 'subtitle: x',
     'unknown field "subtitle"', 'html'),
    ('missing-field', INTRO, replace('title: Introduction\n', ''), INTRO, None,
     'missing required field "title"', 'html'),
    ('wrong-type', INTRO, replace('title: Introduction', 'title: [1, 2]'), INTRO,
     'title: [1, 2]', 'expected text, got a list', 'html'),
    ('two-block-types', INTRO, replace('  - p: "See', '  - heading: x\n    p: "See'), INTRO,
     '    p: "See', 'a block needs exactly one of', 'html'),
    ('unknown-block-type', INTRO, replace('  - p: "See', '  - video: "See'), INTRO,
     'video:', 'found video', 'html'),
    ('yaml-alias', INTRO, replace('title: Introduction', 'title: &t Introduction\nother: *t'),
     INTRO, 'other: *t', 'YAML aliases', 'html'),
    ('placeholder-without-data', INTRO, replace('      data: {members: 237, regions: 5}\n', '',
                                                 1), INTRO, 'text: "NSWP has',
     'placeholder {members} has no value', 'html'),
    ('data-wrong-type', INTRO, replace('data: {members: 237, regions: 5}',
                                       'data: {members: [237], regions: 5}'), INTRO,
     'members: [237]', 'expected a number, a percentage or YYYY-MM', 'html'),
    ('data-bad-percentage', INTRO, replace('data: {members: 237, regions: 5}',
                                           'data: {members: "lots%", regions: 5}'), INTRO,
     'lots%', 'got "lots%"', 'html'),
    ('text-unknown-key', INTRO, replace('      context: repeated\n',
                                        '      context: repeated\n      colour: red\n'),
     INTRO, 'colour: red', 'unknown field "colour" in text', 'html'),
    ('footnote-undefined', INTRO, replace('[^site]', '[^nowhere]'), INTRO, '[^nowhere]',
     'footnote [^nowhere] is not defined', 'html'),
    ('footnote-never-cited', NOTES, append('  spare: "Not cited"\n'), NOTES, 'spare:',
     '"spare" is never cited', 'html'),
    ('block-unknown-edition', INTRO, replace('  - p: "See', '  - editions: [poster]\n    p: "See'),
     INTRO, 'editions: [poster]', 'unknown edition "poster"', 'html'),
    ('unknown-language', PUB, replace('languages: [en, fr]', 'languages: [en, de]'), PUB,
     'languages:', 'unknown language "de"', 'html'),
    ('unknown-layout', PUB, replace('{summary: {label: Summary}}',
                                    '{summary: {label: Summary, layout: poster}}'), PUB,
     'editions:', 'edition "summary": unknown layout "poster"', 'html'),
    ('no-edition', PUB, replace('{summary: {label: Summary}}', '{}'), PUB,
     'editions:', 'needs at least one edition', 'html'),
    ('edition-label-missing', PUB, replace('{summary: {label: Summary}}', '{summary: {}}'), PUB,
     'editions:', 'missing required field "label"', 'html'),
    ('table-row-missing-cell', INTRO, append('  - table:\n      caption: Members\n'
                                             '      header: [Region, Members]\n'
                                             '      rows:\n        - [Africa, 12]\n'
                                             '        - [Europe]\n'), INTRO, '- [Europe]',
     'row 2 has 1 cell, the header has 2', 'html'),
    ('table-row-extra-cell', INTRO, append('  - table:\n      caption: Members\n'
                                           '      header: [Region, Members]\n'
                                           '      rows:\n        - [Africa, 12, 3]\n'), INTRO,
     '- [Africa, 12, 3]', 'row 1 has 3 cells, the header has 2', 'html'),
    ('link-to-unknown-id', INTRO, replace('[website](https://nswp.org)', '[website](#nowhere)'),
     INTRO, '#nowhere', 'link to "#nowhere", but no block has that id', 'html'),
    ('duplicate-id', INTRO, append('  - id: intro\n    p: "Again"\n'), INTRO, 'p: "Again"',
     'id "intro" is used twice', 'html'),
    ('box-without-kind', INTRO, append('  - box:\n      blocks: []\n'), INTRO, 'blocks: []',
     'missing required field "kind"', 'html'),
    ('template-without-name', INTRO, append('  - template: {caption: X}\n'), INTRO,
     'template: {caption', 'expected a mapping with a "name"', 'html'),
    ('template-missing-file', INTRO, append('  - template: {name: nowhere}\n'), INTRO,
     'name: nowhere', 'no template blocks/nowhere.html', 'html'),
    ('figure-missing-file', INTRO, append('  - figure: {template: ring, caption: R}\n'), INTRO,
     'template: ring', 'no template figures/ring.html', 'html'),
    ('bad-date', PUB, replace('date: 2020-01', 'date: 2020-13'), PUB, 'date:',
     'expected a month as YYYY-MM', 'html'),
    ('missing-chapter-file', PUB, replace('chapters: [intro.yaml]', 'chapters: [intro.yml]'), PUB,
     'chapters:', 'file "intro.yml" does not exist', 'html'),
    ('slug-mismatch', PUB, replace('slug: brief', 'slug: other'), PUB, 'slug:',
     'differs from the folder name', 'html'),
    ('not-utf8', INTRO, lambda text: text.replace('Introduction', 'Caf\udce9', 1), INTRO,
     'Caf', 'not valid UTF-8', 'html'),
    ('huge-document', INTRO, append('# ' + 'x' * (2 * 1024 * 1024) + '\n'), INTRO, None,
     'larger than 2 MiB', 'html'),
    ('po-garbage-line', PO, replace('msgid "Introduction"', 'garbage here\nmsgid "Introduction"'),
     PO, 'garbage here', 'PO syntax error', 'html'),
    ('po-bad-keyword', PO, replace('msgid "Introduction"', 'msgidx "Introduction"'), PO,
     'msgidx', 'PO syntax error', 'html'),
    ('po-unknown-charset', PO, replace('charset=utf-8', 'charset=klingon-9'), PO, 'charset=',
     'unknown charset', 'html'),
    ('po-wrong-charset', PO, replace('charset=utf-8', 'charset=latin-1'), PO, 'charset=',
     'not UTF-8', 'html'),
    ('translation-drops-footnote', PO, translate(LINK, 'Voir le [site](https://nswp.org).'),
     PO, f'msgid "{LINK}"', 'footnote references: missing `[^site]`', 'html'),
    ('translation-unknown-placeholder', PO,
     translate(SENTENCE, 'Le NSWP compte {membres} **membres** dans {regions} régions.'),
     PO, f'msgid "{SENTENCE}"', 'placeholders: missing `{members}`; unexpected `{membres}`', 'html'),
    ('translation-javascript-link', PO,
     translate(LINK, 'Voir le [site](javascript:alert(1))[^site].'), PO, f'msgid "{LINK}"',
     'links: missing `(https://nswp.org)`', 'html'),
    ('interface-unknown-placeholder', INTERFACE_PO,
     translate(CHART_ROW, '%(categorie)s : %(values)s.', 'messages'), INTERFACE_PO,
     f'msgid "{CHART_ROW}"', 'the translation has the placeholder %(categorie)s, which its '
     'source does not have (use only %(category)s, %(values)s', 'html'),
    ('interface-left-out-placeholder', INTERFACE_PO,
     translate(CHART_ROW, '%(category)s.', 'messages'), INTERFACE_PO, f'msgid "{CHART_ROW}"',
     'the translation leaves out %(values)s', 'html'),
    ('interface-lone-percent', INTERFACE_PO,
     translate(CHART_ROW, '%(category)s : 100 % %(values)s.', 'messages'), INTERFACE_PO,
     f'msgid "{CHART_ROW}"', 'the translation is not a valid format string', 'html'),
    ('template-syntax', 'templates/partials/cover.html', replace('{{ pub.date }}', '{% if %}'),
     'templates/partials/cover.html', '{% if %}', 'template syntax error', 'html'),
    ('template-undefined', 'templates/partials/cover.html',
     replace('{{ pub.date }}', '{{ pub.no_such_field }}'), 'templates/partials/cover.html',
     'no_such_field', 'template error', 'html'),
    ('css-etc-passwd', CSS, append('body { background: url(file:///etc/passwd); }\n'), None,
     None, 'refused to fetch file:///etc/passwd', 'pdf'),
    ('css-relative-escape', CSS, append('body { background: url(../../../../etc/passwd); }\n'),
     None, None, 'refused to fetch file:', 'pdf'),
    ('css-http-import', CSS, lambda text: '@import url(https://example.com/x.css);\n' + text,
     None, None, 'refused to fetch https://example.com/x.css', 'pdf'),
    ('css-dev-urandom', CSS, append('body { background: url(/dev/urandom); }\n'), None, None,
     'refused to fetch file:///dev/urandom', 'pdf'),
    ('missing-glyph', PO, translate('Introduction', 'Introduction 𓀀'), PO,
     'msgid "Introduction"', 'U+13000 EGYPTIAN HIEROGLYPH A001 (', 'pdf'),
]


@pytest.mark.parametrize('case, damaged, damage, named, marker, fragment, fmt', CORPUS,
                         ids=[case[0] for case in CORPUS])
def test_bad_input(project, capsys, monkeypatch, case, damaged, damage,
                   named, marker, fragment, fmt):
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['--format', fmt]) == 0
    capsys.readouterr()
    outputs = {path: path.read_bytes() for path in project.output_dir.rglob(f'*.{fmt}')}
    assert len(outputs) == 2                       # en and fr

    path = project.root / damaged
    if isinstance(damage, tuple):
        set_translations(project, 'fr', damage[3], {damage[1]: damage[2]})
    else:
        text = path.read_bytes().decode('utf-8')
        path.write_bytes(damage(text).encode('utf-8', 'surrogateescape'))

    assert cli.main(['--format', fmt]) == 1
    error = capsys.readouterr().err
    assert 'Traceback' not in error and fragment in error, error
    if named:
        lines = (project.root / named).read_bytes().decode('utf-8', 'replace').splitlines()
        line = 1 if marker is None else next(
            number for number, row in enumerate(lines, 1) if marker in row)
        assert f'{named}:{line}: ' in error or f'{named}:{line})' in error, error
    for output, data in outputs.items():
        assert output.read_bytes() == data, output  # the previous build survives
    assert not list(project.output_dir.rglob('.*.tmp'))


def test_unknown_language_and_unwritable_output(project, capsys, monkeypatch):
    monkeypatch.setattr(cli, 'ROOT', project.root)
    assert cli.main(['--lang', 'de']) == 1
    assert "invalid choice: 'de'" in capsys.readouterr().err
    (project.root / 'output').write_text('not a folder')
    assert cli.main(['--format', 'html']) == 1
    assert 'cannot write to folder' in capsys.readouterr().err


def test_interrupted_write_keeps_the_previous_file(project, monkeypatch):
    import os
    from nswp_publish.output import write_atomic
    target = project.output_dir / 'en' / 'file.pdf'
    write_atomic(target, b'previous')

    def interrupted(source, destination):
        raise KeyboardInterrupt
    monkeypatch.setattr(os, 'replace', interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b'new and half-written')
    assert target.read_bytes() == b'previous'
    assert [path.name for path in target.parent.iterdir()] == ['file.pdf']
