"""EPUB 3: the reflowable edition for e-readers and reading apps.

The same templates render the book (the 'epub' medium: the web page's structure, without
what only a web page has); this package turns that one HTML document into an EPUB 3 file:
XHTML content documents, one per chapter (`documents`), the print edition's page breaks
(`pagebreaks`), the navigation document and the package with its metadata, accessibility
metadata among it (`package`), the fonts its text needs, subset (`fonts`), and the zip
archive (`archive`); `writer` puts them together. It knows nothing of WeasyPrint: where the
printed pages start comes in as data (`pdf.pages.PageStart`, by duck typing).
"""
