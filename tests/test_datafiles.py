"""CSV data files: cells parsed as numbers, percentages or messages; one-line errors with file:line."""
from decimal import Decimal

import pytest

from nswp_publish.content.model import Message, Percent
from nswp_publish.content.datafiles import parse_cell, read_csv
from nswp_publish.errors import ContentError

YAML = ('chapter.yaml', 7)


def write(folder, text, name='data.csv', encoding='utf-8'):
    (folder / name).write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return name


@pytest.mark.parametrize('text, value', [
    ('12', 12), ('-3', -3), ('1234.5', Decimal('1234.5')), ('0.25', Decimal('0.25')),
    ('74%', Percent(Decimal('0.74'))), ('12.5 %', Percent(Decimal('0.125'))),
    ('Africa', 'Africa'), ('  Asia Pacific ', 'Asia Pacific'), ('', None), ('2015-10', '2015-10'),
])
def test_cells(text, value):
    assert parse_cell(text) == value


def test_read_keeps_lines_messages_and_numbers(tmp_path):
    name = write(tmp_path, '\ufeffregion,members,share\n'
                           'Africa,12,30%\n'
                           '\n'
                           '"Asia and\nthe Pacific",7,17.5%\n'
                           'Europe,1234.5,52.5%\n')
    table = read_csv(tmp_path, name, YAML)
    assert table.columns == ['region', 'members', 'share']
    assert [(m.text, m.line, m.path.name) for m in table.header] == [
        ('region', 1, 'data.csv'), ('members', 1, 'data.csv'), ('share', 1, 'data.csv')]
    assert [row.line for row in table.rows] == [2, 4, 6]
    regions = table.values('region')
    assert all(isinstance(cell, Message) for cell in regions)
    assert [(cell.text, cell.line) for cell in regions] == [
        ('Africa', 2), ('Asia and\nthe Pacific', 4), ('Europe', 6)]
    assert table.numbers('members') == [12, 7, Decimal('1234.5')]
    assert table.numbers('share')[1] == Percent(Decimal('0.175'))
    assert [m.text for m in table.messages()] == [
        'region', 'members', 'share', 'Africa', 'Asia and\nthe Pacific', 'Europe']


def error(tmp_path, text, name='data.csv', **kwargs):
    name = write(tmp_path, text, name, **kwargs)
    with pytest.raises(ContentError) as caught:
        table = read_csv(tmp_path, name, YAML)
        table.numbers('members')
    message = str(caught.value)
    assert '\n' not in message
    return message


@pytest.mark.parametrize('text, expected', [
    ('region,members\nAfrica,12\nAsia,1,234\n', 'data.csv:3: row has 3 cells, the header has 2'),
    ('region,members\nAfrica,12\nAsia\n', 'data.csv:3: row has 1 cell, the header has 2'),
    ('region,members\nAfrica,12\nAsia,"1,234"\n', 'data.csv:3: column "members": "1,234" is not a number'),
    ('region,members\nAfrica,12..5\nAsia,3\n', 'data.csv:2: column "members": "12..5" is not a number'),
    ('region,members\nAfrica,12\nAsia,many\n', 'data.csv:3: column "members": expected a number, found "many"'),
    ('region,members\nAfrica,12\nAsia,\n', 'data.csv:3: column "members": expected a number, found an empty cell'),
    ('region,,x\nAfrica,12,1\n', 'data.csv:1: column 2 has no name in the header row'),
    ('region,members,region\n', 'data.csv:1: column "region" appears twice'),
    ('\n\n', 'data.csv:1: empty CSV file'),
    ('region,members\nAfrica,"12\n', 'data.csv:2: cannot read CSV'),
    ('region,members\nAfrica {x},12\n', 'data.csv:2: column "region": a cell cannot hold a {placeholder}'),
])
def test_bad_csv(tmp_path, text, expected):
    assert expected in error(tmp_path, text)


def test_not_utf8_names_the_line(tmp_path):
    message = error(tmp_path, 'region,members\nAfrica,12\nC\u00f4te,3\n', encoding='latin-1')
    assert 'data.csv:3: not UTF-8 text (save the file as CSV UTF-8' in message


def test_unknown_column_lists_the_known_ones(tmp_path):
    table = read_csv(tmp_path, write(tmp_path, 'region,members\nAfrica,12\n'), YAML)
    with pytest.raises(ContentError) as caught:
        table.check_columns(['region', 'member'], ('chapter.yaml', 9), what='chart column')
    assert str(caught.value) == ('chapter.yaml:9: chart column "member" is not a column of '
                                 'data.csv (its columns are: region, members)')


@pytest.mark.parametrize('name, expected', [
    ('missing.csv', 'chapter.yaml:7: CSV file "missing.csv" not found'),
    ('../outside.csv', 'chapter.yaml:7: CSV file "../outside.csv" points outside the publication folder'),
    ('/etc/passwd', 'chapter.yaml:7: CSV file "/etc/passwd" is an absolute path or a URL'),
    ('https://example.org/a.csv', 'is an absolute path or a URL'),
    ('notes.txt', 'chapter.yaml:7: "notes.txt" is not a CSV file'),
])
def test_bad_file_names(tmp_path, name, expected):
    publication = tmp_path / 'pub'
    publication.mkdir()
    (tmp_path / 'outside.csv').write_text('a\n1\n')
    (publication / 'notes.txt').write_text('a\n1\n')
    with pytest.raises(ContentError) as caught:
        read_csv(publication, name, YAML)
    assert expected in str(caught.value)


def test_symlink_out_of_the_folder_is_refused(tmp_path):
    publication = tmp_path / 'pub'
    publication.mkdir()
    (tmp_path / 'secret.csv').write_text('a\n1\n')
    (publication / 'data.csv').symlink_to(tmp_path / 'secret.csv')
    with pytest.raises(ContentError, match='points outside the publication folder'):
        read_csv(publication, 'data.csv', YAML)
