"""Errors a user can fix: each knows its file, its 1-based line and what to do.

`cli.main` prints them as one line, ``path:line: message (hint)``, and exits
with their `exit_code`. Any other exception is a bug and keeps its traceback.
"""
import os


def display_path(path):
    """A path as the user should read it: relative to the working folder if inside it."""
    if path is None:
        return None
    relative = os.path.relpath(path)
    return str(path) if relative.startswith('..') else relative


class PublishError(Exception):
    """Root of every error that a user, not a programmer, can fix."""

    exit_code = 1

    def __init__(self, message, path=None, line=None, hint=None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint

    def __str__(self):
        where = display_path(self.path)
        if where and self.line:
            where = f'{where}:{self.line}'
        text = f'{where}: {self.message}' if where else self.message
        return f'{text} ({self.hint})' if self.hint else text


class UsageError(PublishError):
    """A command-line option or argument the tool cannot act on."""


class ContentError(PublishError):
    """A content or publication YAML file that breaks the schema."""


class CatalogError(PublishError):
    """A `.po` catalog that cannot be read or a translation that cannot be used."""


class LanguageError(PublishError):
    """A language's declaration (`locales/languages.toml`) that the tool cannot use."""


class TemplateError(PublishError):
    """A Jinja template that does not parse or fails while rendering."""


class FontError(PublishError):
    """A font that is missing or lacks characters the text uses."""


class ResourceError(PublishError):
    """A URL in content, catalogs or styles that the build refuses to fetch."""


class OutputError(PublishError):
    """An output file or folder that cannot be written."""


class DocumentError(PublishError):
    """A Word document that `import` refuses or cannot read, or a re-import that would
    overwrite what was edited by hand."""


class SiteError(PublishError):
    """The web library's settings (`site.yaml`) or a step of its build that cannot go on."""
