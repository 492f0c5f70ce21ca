"""`build.py import`: a Word document (.docx) read into a publication's content files.

Pandoc reads the Word file (its JSON AST, `pandoc`); this package only does what pandoc
cannot: refuse what must not be read (`package`), find tracked changes and comments
(`review`), turn the AST into the content schema with a warning at its place for what the
schema cannot say (`walker`, `inlines`, `metadata`; `reading.read_docx` runs them), write
it as YAML a person edits afterwards (`yamlwrite`), and on a re-import keep the hand edits,
the footnote ids and the paragraphs' history that `update` needs to keep translations
(`reimport`). It sits above `content` (it checks what it writes with the project's own
loader) and beside `i18n`: the command line runs `update` after it.
"""
