"""The formats and PDF kinds the command line offers (languages come from the project's
declaration): kept apart so that `--help` and a no-op build import nothing heavy."""

FORMATS = ('pdf', 'html')
#: Formats built when asked for (`--format epub`), not by default.
EXTRA_FORMATS = ('epub',)
#: `--pdf` choices; `pdf.writer.PDF_VARIANTS` maps each to WeasyPrint's variant.
PDF_KINDS = ('accessible', 'print', 'archive')
