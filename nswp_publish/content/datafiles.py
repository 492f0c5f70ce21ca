"""CSV data files in a publication's folder: the rows of charts and tables.

A CSV file is UTF-8 with a header row. Each cell is parsed as content data is
in YAML: `1234.5` or `12` is a number, `74%` a percentage (`model.Percent`),
anything else text. Header and text cells become `model.Message` objects that
remember the CSV file and line, so the extractor puts them in the catalog with a
`#:` reference translators can follow, and errors name `file.csv:line`.
"""
import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..errors import ContentError
from ..wording import counted
from . import markup
from .localfiles import publication_file
from .model import Message, Percent

#: A data file larger than this is not a chart or a table a reader could take in.
MAX_BYTES = 2 * 1024 * 1024

INTEGER = re.compile(r'-?\d+\Z')
DECIMAL = re.compile(r'-?\d+\.\d+\Z')
PERCENT = re.compile(r'(-?\d+(?:\.\d+)?)\s*%\Z')
#: Text that looks as if it meant to be a number: digits with separators or signs.
NUMBER_LIKE = re.compile(r'[-+]?[\d.,\s\u00a0\u202f\']*\d[\d.,\s\u00a0\u202f\'%]*\Z')

NUMBER_HINT = 'write numbers as 1234.5 or 74%, without thousands separators'


def parse_cell(text):
    """A cell's value: int, Decimal, `Percent`, or the text itself (stripped); None if empty."""
    text = text.strip()
    if not text:
        return None
    if INTEGER.match(text):
        return int(text)
    if DECIMAL.match(text):
        return Decimal(text)
    match = PERCENT.match(text)
    if match:
        return Percent(Decimal(match[1]) / 100)
    return text


def is_number(value):
    return isinstance(value, (int, Decimal, Percent)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Row:
    """One data row: its 1-based line in the file and its cells by column name."""

    line: int
    cells: dict

    def __getitem__(self, column):
        return self.cells[column]


@dataclass
class DataTable:
    """A CSV file read: column names in order, their header messages, and the rows."""

    path: object
    columns: list          # the header cells as written (what `x:` and `y:` name)
    header: list           # the same as `Message`s (translated in the output)
    rows: list             # [Row]

    def check_columns(self, names, where=(None, None), what='column'):
        """Refuse names that are not columns of this file, listing the ones that are."""
        for name in names:
            if name not in self.columns:
                path, line = where
                raise ContentError(
                    f'{what} "{name}" is not a column of {self.path.name}', path, line,
                    hint=f'its columns are: {", ".join(self.columns)}')

    def values(self, column):
        """The cells of one column, top to bottom."""
        self.check_columns([column])
        return [row.cells[column] for row in self.rows]

    def numbers(self, column):
        """The cells of a column that must hold numbers (a chart's values): each one a number."""
        self.check_columns([column])
        for row in self.rows:
            value = row.cells[column]
            if not is_number(value):
                found = 'an empty cell' if value is None else f'"{_plain(value)}"'
                raise ContentError(f'column "{column}": expected a number, found {found}',
                                   self.path, row.line, hint=NUMBER_HINT)
        return [row.cells[column] for row in self.rows]

    def messages(self):
        """Every message of the file in reading order: header, then text cells row by row."""
        yield from self.header
        for row in self.rows:
            yield from (value for value in row.cells.values() if isinstance(value, Message))


def _plain(value):
    return value.text if isinstance(value, Message) else str(value)


def read_csv(folder, name, where=(None, None)):
    """Read `name`, a CSV file in the publication folder `folder`, into a `DataTable`.

    `where` is the (path, line) of the YAML value naming the file, for errors
    about the file as a whole (missing, outside the folder).
    """
    path = publication_file(folder, name, where, what='CSV file')
    if not path.suffix.lower() == '.csv':
        raise ContentError(f'"{name}" is not a CSV file', *where,
                           hint='data files are .csv: UTF-8 text, first row the header')
    if path.stat().st_size > MAX_BYTES:
        raise ContentError(f'CSV file is larger than {MAX_BYTES // 1024 // 1024} MB', path, 1,
                           hint='a chart or table needs far fewer rows')
    raw = path.read_bytes()
    try:
        text = raw.decode('utf-8-sig')
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b'\n') + 1
        raise ContentError('not UTF-8 text', path, line,
                           hint='save the file as CSV UTF-8 (in a spreadsheet: '
                                '"CSV UTF-8" format)') from None
    return parse_csv(path, text)


def parse_csv(path, text):
    """Parse CSV text (the contents of `path`) into a `DataTable`; see `read_csv`."""
    reader = csv.reader(io.StringIO(text, newline=''), strict=True)
    records = []                       # (first line, cells)
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        # The record that failed starts at `start`: where an unclosed quote opened.
        raise ContentError(f'cannot read CSV: {error}', path, start,
                           hint='check the quotes of the row on this line') from None
    if not records:
        raise ContentError('empty CSV file', path, 1,
                           hint='the first row names the columns, the rows below hold the data')
    header_line, names = records[0]
    names = [name.strip() for name in names]
    for index, name in enumerate(names):
        if not name:
            raise ContentError(f'column {index + 1} has no name in the header row', path,
                               header_line, hint='give every column a name')
        if name in names[:index]:
            raise ContentError(f'column "{name}" appears twice in the header row', path,
                               header_line, hint='give every column its own name')
    header = [Message(name, path, header_line) for name in names]
    rows = []
    for line, cells in records[1:]:
        if len(cells) != len(names):
            raise ContentError(f'row has {counted(len(cells), "cell")}, '
                               f'the header has {len(names)}',
                               path, line, hint='give every row one cell per column '
                                                '(quote cells that contain commas)')
        values = {}
        for name, cell in zip(names, cells):
            value = parse_cell(cell)
            if isinstance(value, str):
                if markup.signature(value).placeholders:
                    raise ContentError(f'column "{name}": a cell cannot hold a {{placeholder}}',
                                       path, line, hint='write the number or text itself')
                value = Message(value, path, line)
            values[name] = value
        rows.append(Row(line, values))
    _check_numeric_columns(path, names, rows)
    return DataTable(path, names, header, rows)


def _check_numeric_columns(path, names, rows):
    """A column of numbers with one cell that only looks like a number is a typo: refuse it.

    ("1,234" or "12..5" among numbers would otherwise be shown as text and
    drop out of a chart.) Text columns may hold anything.
    """
    for name in names:
        cells = [(row.line, row.cells[name]) for row in rows]
        if not any(is_number(value) for _, value in cells):
            continue
        for line, value in cells:
            if isinstance(value, Message) and NUMBER_LIKE.match(value.text):
                raise ContentError(f'column "{name}": "{value.text}" is not a number', path,
                                   line, hint=NUMBER_HINT)


def number_value(value):
    """A number as a Decimal for arithmetic (a percentage as its proportion: 74% -> 0.74)."""
    if isinstance(value, Percent):
        return value.value
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError):
        raise ValueError(f'not a number: {value!r}') from None


def inline_table(rows, path, line):
    """A `DataTable` from inline rows, `[{column: cell, ...}, ...]`, all with the same keys."""
    if not isinstance(rows, list) or not rows:
        raise ContentError('chart: "data" needs a CSV file name or a list of rows', path, line)
    columns = list(rows[0])
    table_rows = []
    for number, row in enumerate(rows, 1):
        row_line = getattr(row, 'line', None) or line
        if list(row) != columns:
            raise ContentError(f'chart: row {number} has the columns {", ".join(row)}; the '
                               f'first row has {", ".join(columns)}', path, row_line,
                               hint='give every row the same columns, in the same order')
        table_rows.append(Row(row_line, dict(row)))
    header = [Message(column, path, getattr(rows[0], 'line', None) or line)
              for column in columns]
    return DataTable(path, columns, header, table_rows)
