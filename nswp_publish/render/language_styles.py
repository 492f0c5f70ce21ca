"""The styles a language's declaration implies, added after the shared stylesheet.

report.css names the fonts of the languages it was written for. A language declared later
(`add-language`) gets its fonts from its declaration here: each role's stack, its own family
first and then the one for the characters it lacks. A language written right to left gets
templates/assets/rtl.css, which mirrors the page. A language whose numbers are written in
other digits than 0-9 (its CLDR numbering system) gets its page numbers, list numbers and
note numbers counted in them, by the CSS counter style of that system. A language the
shared stylesheet already serves in full gets nothing here: its pages stay as they were.
"""

#: CLDR numbering systems and the predefined CSS counter style (CSS Counter Styles 3) that
#: writes the same decimal digits.
COUNTER_STYLES = {
    'arab': 'arabic-indic', 'arabext': 'persian', 'beng': 'bengali', 'deva': 'devanagari',
    'gujr': 'gujarati', 'guru': 'gurmukhi', 'khmr': 'khmer', 'knda': 'kannada', 'laoo': 'lao',
    'mlym': 'malayalam', 'mymr': 'myanmar', 'orya': 'oriya', 'tamldec': 'tamil',
    'telu': 'telugu', 'thai': 'thai', 'tibt': 'tibetan',
}
#: What report.css sets in the sans family (headings, figures, running heads, notes' marks).
SANS_SELECTORS = ('h1, h2, h3, .cover, .toc, figcaption, .attribution, .box-title, .number, '
                  '.acronyms dt, svg, figure.table figcaption, table.data-table thead th, '
                  '.skip-link, .language-switcher ul, .draft-mark, a.footnote-call')
MARGIN_BOXES = ('top-left', 'top-right', 'bottom-center')


def counter_style(language):
    """The CSS counter style of a language's digits: 'decimal' for 0-9."""
    return COUNTER_STYLES.get(language.numbering, 'decimal')


def language_stylesheet(language, shared, rtl):
    """The CSS to add after `shared` (report.css and the publication's) for `language`;
    `rtl` is the text of rtl.css. '' when the shared stylesheet serves it in full."""
    parts = []
    if language.rtl:
        parts.append(rtl)
    fonts = language.fonts
    if not all(f'"{family}"' in shared for family in fonts.families):
        sans = f'{fonts.css("sans")}, sans-serif'
        parts.append(f'html {{ font-family: {fonts.css("serif")}, serif; }}\n'
                     f'{SANS_SELECTORS} {{ font-family: {sans}; }}\n'
                     f'@media print {{ .footnote::footnote-marker {{ font-family: {sans}; }}\n'
                     f'  @page {{ {" ".join(f"@{box} {{ font: 8pt {sans}; }}" for box in MARGIN_BOXES)} }} }}')
        if not language.italics:
            # No italic faces: emphasis, titles and quotations are set in the sans family.
            parts.append(f'em, cite, blockquote {{ font-style: normal; font-family: {sans}; }}')
    counter = counter_style(language)
    if counter != 'decimal':
        parts.append(
            f'ol {{ list-style-type: {counter}; }}\n'
            f'@media print {{\n'
            f'  @page {{ @bottom-center {{ content: counter(page, {counter}); }} }}\n'
            f'  .footnote::footnote-marker {{ content: counter(footnote, {counter}) ". "; }}\n'
            f'  .toc a::after, .figure-list a::after {{ content: leader(\'.\') '
            f'target-counter(attr(href), page, {counter}); }}\n}}')
    return '\n'.join(parts)
