"""The choices the command line offers: kept apart so that `build.py` can answer a no-op
build or `--help` without importing WeasyPrint, Jinja or Babel."""

LANGUAGES = ('en', 'fr', 'es', 'ru', 'zh')
FORMATS = ('pdf', 'html')
#: `--pdf` choices; `pdf.PDF_VARIANTS` maps each to WeasyPrint's variant.
PDF_KINDS = ('accessible', 'print', 'archive')
