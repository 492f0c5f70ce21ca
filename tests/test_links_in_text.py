"""Links in running text, laid out by WeasyPrint with the real stylesheet: a link's words stay
whole at the end of a line, and an address longer than the line still breaks to fit it."""
import io
import re

from pypdf import PdfReader

from nswp_publish.content.markup import render_html
from nswp_publish.pdf.writer import PdfWriter

from conftest import ROOT

#: The `new` skeleton's paragraph, whose link begins near a line's end in a 116 mm column
#: (an edition with images in the margin): WeasyPrint 70 broke it as "th" / "e NSWP".
SENTENCE = ('Write the next paragraph here. **Bold words**, *italic words*, a link to '
            '[the NSWP website](https://www.nswp.org) and a footnote are written like this.')
#: No hyphen, slash or word in its long last part: nothing but `a.url` lets it break.
ADDRESS = 'https://www.nswp.org/download?token=' + '7f3a9c2e5b1d8' * 7


def lines_of(*paragraphs):
    css = (ROOT / 'templates' / 'assets' / 'report.css').read_text('utf-8')
    # Each message in a span of its own, as the build writes it (the nesting matters).
    body = ''.join(f'<p><span class="msg">{render_html(text)}</span></p>' for text in paragraphs)
    html = (f'<html lang="en"><head><style>{css}\n@page {{ size: 160mm 120mm; '
            f'margin: 10mm 22mm; @top-left {{ content: none }} @top-right {{ content: none }} '
            f'@bottom-center {{ content: none }} }}</style></head><body>{body}</body></html>')
    writer = PdfWriter([ROOT / 'templates' / 'assets'])
    reader = PdfReader(io.BytesIO(writer.write(html)))
    return [line.strip() for page in reader.pages for line in page.extract_text().splitlines()
            if line.strip()]


def test_a_links_words_stay_whole_at_the_end_of_a_line():
    lines = lines_of(SENTENCE)
    words = set(re.findall(r"[\w']+", render_html(SENTENCE).striptags()))
    broken = [word for line in lines for word in re.findall(r"[\w']+", line)
              if word not in words]
    assert not broken, lines
    assert any(line.endswith('a link to') or 'the NSWP website' in line for line in lines)


def test_an_address_longer_than_the_line_breaks_to_fit_it():
    text = f'The list is at <{ADDRESS}>.'
    assert 'class="url"' in render_html(text)
    lines = lines_of(text)
    # The 116 mm column holds some 60 of these digits: a longer line runs off the page.
    assert max(len(line) for line in lines) < 80, lines
    assert ADDRESS in ''.join(lines).replace(' ', '')      # all of it, broken across lines
