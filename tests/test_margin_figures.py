"""Images in the page margin (`width: margin`), built for real: in the PDF the picture is
drawn in the right page margin, inside the paper, beside text that keeps the column's full
width; only the edition that has one gets the wider margin; it is a Figure with its /Alt
after the paragraph it follows; on the web it hangs beside the column on a wide screen and
is an ordinary figure at 320 px; a publication stylesheet that leaves it no room is refused
with its line."""

import pikepdf
import pytest
from pypdf import PdfReader

from nswp_publish.content import load as content
from nswp_publish.pdf import structure as pdf_structure
from nswp_publish.errors import ContentError
from nswp_publish.build.pipeline import Builder
from nswp_publish.project import BuildRequest

from conftest import LANGUAGES, squeeze
from test_accessibility import axe_source, run_axe   # noqa: F401 (a fixture)
from test_generic_blocks import one_chapter_project
from test_media_build import raster

MM = 72 / 25.4                     # PDF points per millimetre
A4_WIDTH = 210 * MM
#: report.css's default --margin-column: what the text column gives up for the margin.
MARGIN_COLUMN = 50 * MM
WORDS = ('Sex workers organised in every region to claim their rights, and the networks '
         'they founded grew from a few groups into a movement. ')
BESIDE = 'Beside the figure. ' + WORDS * 6 + 'End.'
MARGIN_ALT = 'A red umbrella held up at a march'
WIDE_ALT = 'The march seen from a roof'
BLOCKS = f'''\
  - p: "First paragraph. {WORDS * 2}"
  - editions: [brief]
    image:
      src: umbrella.jpg
      alt: "{MARGIN_ALT}"
      caption: "The umbrella, symbol of the movement since 2001"
      credit: "Photo: NSWP"
      width: margin
  - p: "{BESIDE}"
  - image:
      src: roof.jpg
      alt: "{WIDE_ALT}"
  - p: "{BESIDE}"
'''


def write_photos(folder, scale=1):
    """The margin figure's photo (3:2) and a photo wider than any column (2:1)."""
    raster(folder / 'umbrella.jpg', (round(900 * scale), round(600 * scale)), 'JPEG',
           (200, 16, 46))
    raster(folder / 'roof.jpg', (round(2400 * scale), round(1200 * scale)), 'JPEG',
           (31, 78, 121))


@pytest.fixture(scope='module')
def margins(tmp_path_factory):
    """One chapter with a margin figure in the `brief` edition only; `plain` has none."""
    project = one_chapter_project(tmp_path_factory.mktemp('margins'), 'margins',
                                  '{brief: {label: Brief}, plain: {label: Plain}}', BLOCKS)
    folder = project.content_dir / 'margins'
    write_photos(folder)
    results = Builder(project, log_warnings=False).build(BuildRequest())
    assert [result.error for result in results if result.status != 'written'] == []
    return project


def output(project, edition, fmt):
    return project.output_dir / 'en' / f'nswp-margins-{edition}-en.{fmt}'


def drawn_images(page):
    """(x0, y0, x1, y1) in points of every image the page draws, in drawing order."""
    boxes = []

    def visit(operator, operands, cm, tm):
        if operator == b'Do':
            x0, y0 = cm[4], cm[5]
            boxes.append((min(x0, x0 + cm[0]), min(y0, y0 + cm[3]),
                          max(x0, x0 + cm[0]), max(y0, y0 + cm[3])))
    page.extract_text(visitor_operand_before=visit)
    return boxes


def text_runs(page):
    """(x, y, size, text) in points of every text run the page draws (WeasyPrint: a line)."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip() and tm:
            runs.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], size * tm[0] * cm[0],
                         text))
    page.extract_text(visitor_text=visit)
    return runs


def paragraph_lines(reader, start):
    """The lines (white space removed) of each paragraph that begins with `start`, with the
    page and height of each line (running heads and page numbers left out)."""
    found, current = [], None
    for number, page in enumerate(reader.pages):
        for x, y, size, text in text_runs(page):
            if size < 9.5:
                continue
            line = squeeze(text)
            if line.startswith(squeeze(start)):
                current = []
                found.append(current)
            if current is not None:
                current.append((line, number, y, x))
                if line.endswith('End.'):
                    current = None
    return found


def test_pdf_draws_the_figure_in_the_right_margin_beside_full_width_text(margins):
    reader = PdfReader(output(margins, 'brief', 'pdf'))
    placed = [(number, box) for number, page in enumerate(reader.pages)
              for box in drawn_images(page)]
    assert len(placed) == 2
    (figure_page, figure), (_, wide) = placed
    # The full-width picture spans the text column: that is the column's width.
    column_left, column_right = wide[0], wide[2]
    assert column_right - column_left > 100 * MM
    # The margin figure: right of the column, inside the paper, 45mm wide by default.
    assert figure[0] > column_right + 3 * MM
    assert figure[2] <= A4_WIDTH - 15 * MM
    assert figure[2] - figure[0] == pytest.approx(45 * MM, abs=0.5)
    # Its caption and credit are drawn beside it in the margin, not in the column.
    caption = [run for run in text_runs(reader.pages[figure_page])
               if run[3].startswith(('The umbrella', 'Photo'))]
    assert caption and all(run[0] >= figure[0] - 0.5 for run in caption)
    # No line of the text runs into the margin.
    for page in reader.pages[1:]:
        body = [run for run in text_runs(page) if run[2] >= 9.5]
        assert all(column_left - 0.5 <= run[0] < column_right for run in body)

    # The paragraph beside the figure breaks its lines exactly as its twin, far from any
    # figure: the text column keeps its full width beside the figure.
    beside, twin = paragraph_lines(reader, 'Beside the figure.')
    assert [line for line, *_ in beside] == [line for line, *_ in twin]
    level = [y for line, number, y, x in beside
             if number == figure_page and figure[1] <= y <= figure[3]]
    assert len(level) >= 4, 'the paragraph is not beside the figure'
    # The figure's top is level with the paragraph it stands before (not a page away).
    first_line_y = beside[0][2]
    assert beside[0][1] == figure_page and 0 <= figure[3] - first_line_y < 10 * MM


def test_only_the_edition_with_a_margin_figure_widens_the_margin(margins):
    def column_width(edition):
        reader = PdfReader(output(margins, edition, 'pdf'))
        wide = [box for page in reader.pages for box in drawn_images(page)][-1]
        return wide[2] - wide[0]
    assert column_width('plain') == pytest.approx(166 * MM, abs=0.5)   # A4 less 2 x 22mm
    assert column_width('plain') - column_width('brief') == pytest.approx(MARGIN_COLUMN,
                                                                           abs=0.5)
    assert 'margin-figures' in output(margins, 'brief', 'html').read_text().split('<head>')[0]
    assert 'margin-figures' not in output(margins, 'plain', 'html').read_text().split(
        '<head>')[0]


def structure_sequence(path):
    """(tag, /Alt) of every P, H1 and Figure of the structure tree, in reading order."""
    found = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary) and '/S' in node:
            if str(node.S) in ('/P', '/H1', '/Figure'):
                found.append((str(node.S)[1:], str(node.get('/Alt', ''))))
            if '/K' in node:
                walk(node.K)
    with pikepdf.open(path) as pdf:
        walk(pdf.Root.StructTreeRoot.K)
    return found


def test_pdf_structure_has_the_figure_after_the_paragraph_it_follows(margins):
    path = output(margins, 'brief', 'pdf')
    assert pdf_structure.problems(path, 'en') == []
    assert pdf_structure.read_structure(path).figures == [MARGIN_ALT, WIDE_ALT]
    sequence = structure_sequence(path)
    # The chapter's title, its first paragraph, the figure, the paragraph beside it.
    figure = sequence.index(('Figure', MARGIN_ALT))
    assert sequence[figure - 2:figure + 2] == [('H1', ''), ('P', ''), ('Figure', MARGIN_ALT),
                                               ('P', '')]


def test_a_stylesheet_that_leaves_margin_figures_no_room_is_refused(tmp_path):
    project = one_chapter_project(tmp_path, 'margins', '{brief: {label: Brief}}', BLOCKS)
    folder = project.content_dir / 'margins'
    write_photos(folder, scale=0.1)                     # only loaded, never laid out
    with open(folder / 'publication.yaml', 'a') as meta:
        meta.write('stylesheet: style.css\n')

    def refused(css):
        (folder / 'style.css').write_text(css)
        with pytest.raises(ContentError) as caught:
            content.load_publication(folder, LANGUAGES)
        return str(caught.value)

    message = refused('/* A5 */\n@media print {\n  @page { size: A5;\n    margin: 15mm 12mm; }\n}\n')
    assert 'margins/style.css:4: @page sets the right margin without ' \
           'var(--page-margin-column)' in message
    assert '(first: one.yaml:6)' in message and 'calc(12mm + var(--page-margin-column))' in message
    message = refused('html { --margin-figure-gap: 8mm;\n  --margin-column: 3cm; }\n')
    assert 'style.css:2: --margin-column: 30mm is too narrow' in message
    assert 'at least 38mm' in message
    # Room kept: the right margin with the variable, the cover's and first page's own.
    (folder / 'style.css').write_text(
        '@page { margin: 20mm calc(15mm + var(--page-margin-column)) 20mm 15mm; }\n'
        '@page :first { margin: 0 } @page cover { margin: 10mm }\n'
        ':root { --margin-column: 40mm; }\n')
    content.load_publication(folder, LANGUAGES)
    # Without a margin figure the same narrow page is the publication's own business.
    (folder / 'one.yaml').write_text((folder / 'one.yaml').read_text().replace(
        'width: margin', 'width: half'))
    (folder / 'style.css').write_text('@page { margin: 10mm }\n:root { --margin-column: 1mm }\n')
    content.load_publication(folder, LANGUAGES)


@pytest.mark.parametrize('column', ['35mm', 'calc(10mm + 5mm)'])
def test_a_narrow_margin_column_keeps_the_figure_on_the_paper(tmp_path, column):
    """On a smaller page, a margin column just wide enough holds a 30mm figure; one too
    narrow (a value the loader's check cannot read) puts it partly over the column, where
    the text flows round it: never off the paper."""
    project = one_chapter_project(tmp_path, 'margins', '{brief: {label: Brief}}', BLOCKS)
    folder = project.content_dir / 'margins'
    write_photos(folder)
    with open(folder / 'publication.yaml', 'a') as meta:
        meta.write('stylesheet: style.css\n')
    (folder / 'style.css').write_text(f'@page {{ size: A5; }}\n:root {{ --margin-column: {column}; }}\n')
    results = Builder(project, log_warnings=False).build(BuildRequest(formats=('pdf',)))
    assert [result.status for result in results] == ['written']
    reader = PdfReader(results[0].path)
    paper = float(reader.pages[0].mediabox.width)
    assert paper == pytest.approx(148 * MM, abs=0.5)
    figure, wide = [box for page in reader.pages for box in drawn_images(page)]
    assert figure[2] - figure[0] == pytest.approx(30 * MM, abs=0.5)
    assert figure[2] <= paper - 22 * MM + 0.5          # the paper's own margin stays clear
    beside, twin = paragraph_lines(reader, 'Beside the figure.')
    if column == '35mm':
        assert wide[2] < figure[0]
        assert [line for line, *_ in beside] == [line for line, *_ in twin]
    else:
        assert figure[0] < wide[2] < figure[2]
        assert [line for line, *_ in beside] != [line for line, *_ in twin]   # flows round


def test_web_page_hangs_the_figure_beside_the_column_and_reflows_at_320_px(margins, browser,
                                                                            axe_source):
    measure = '''() => {
        const box = e => e.getBoundingClientRect();
        const figure = box(document.querySelector('figure.image-margin'));
        const [first, beside] = [...document.querySelectorAll('main p')].map(box);
        return {figure: [figure.left, figure.right, figure.top], first: [first.right, first.bottom],
                beside: [beside.left, beside.right, beside.top],
                scroll: document.documentElement.scrollWidth};
    }'''
    found, violations = {}, []
    for width in (1440, 320):
        page = browser.new_page(viewport={'width': width, 'height': 900})
        page.goto(output(margins, 'brief', 'html').as_uri())
        found[width] = page.evaluate(measure)
        violations += run_axe(page, axe_source)
        page.close()
    assert violations == []
    wide, narrow = found[1440], found[320]
    # Wide: right of the column, inside the window, level with the paragraph after it,
    # and that paragraph as wide as the one before.
    assert wide['figure'][0] > wide['first'][0] and wide['figure'][1] <= 1440
    assert wide['beside'][1] == pytest.approx(wide['first'][0])
    assert abs(wide['figure'][2] - wide['beside'][2]) < 24
    assert wide['scroll'] <= 1440
    # 320 px: an ordinary figure between the two paragraphs, nothing scrolls sideways.
    assert narrow['scroll'] <= 320
    assert 0 <= narrow['figure'][0] and narrow['figure'][1] <= 320
    assert narrow['first'][1] <= narrow['figure'][2] < narrow['beside'][2]


CHART_BLOCKS = f'''\
  - image:
      src: roof.jpg
      alt: "{WIDE_ALT}"
  - p: "First paragraph. {WORDS}"
  - image:
      src: umbrella.jpg
      alt: "{MARGIN_ALT}"
      width: margin
  - p: "Short."
  - chart:
      type: bar
      data:
        - {{region: "Africa", members: 41}}
        - {{region: "Asia and the Pacific", members: 37}}
        - {{region: "Europe", members: 20}}
      x: region
      y: members
      caption: "Members by region"
'''


def test_a_chart_spans_the_column_and_the_margin_below_a_margin_figure(tmp_path):
    """Drawn for the full text width, a chart squeezed into the narrower column of an edition
    with margin figures would have labels too small to read: it spans column and margin,
    starting below the figure hanging there."""
    project = one_chapter_project(tmp_path, 'charted', '{brief: {label: Brief}}', CHART_BLOCKS)
    folder = project.content_dir / 'charted'
    write_photos(folder)
    results = Builder(project, log_warnings=False).build(BuildRequest(formats=('pdf',)))
    assert [result.error for result in results if result.status != 'written'] == []
    # Each Figure's layout box, as WeasyPrint tags it (CSS px from the page's top left).
    boxes = {}
    with pikepdf.open(project.output_dir / 'en' / 'nswp-charted-brief-en.pdf') as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
            elif isinstance(node, pikepdf.Dictionary):
                if node.get('/S') == '/Figure' and '/A' in node:
                    boxes[str(node.Alt).split('.')[0]] = [float(v) for v in node.A.BBox]
                if '/K' in node:
                    stack.append(node.K)
    wide, figure, chart = boxes[WIDE_ALT], boxes[MARGIN_ALT], boxes['Members by region']
    assert chart[0] == pytest.approx(wide[0], abs=1)        # from the column's left edge
    assert chart[2] > figure[2] - 20                        # to the margin column's end
    assert chart[1] >= figure[3]                            # below the margin figure
    assert (chart[2] - chart[0]) / 640 > 0.9                # its 12 px labels nearly 12 px
