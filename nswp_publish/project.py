"""Where a project's folders are, and what a build is asked to make.

Kept free of heavy imports: the command line plans a build with these alone.
"""
from dataclasses import dataclass
from pathlib import Path

from .choices import FORMATS, LANGUAGES
from .errors import UsageError


@dataclass(frozen=True)
class Project:
    """Where a project's folders are; tests point one at a temporary copy."""

    root: Path
    output_root: Path | None = None

    @property
    def content_dir(self):
        return self.root / 'content'

    @property
    def locales_dir(self):
        return self.root / 'locales'

    @property
    def templates_dir(self):
        return self.root / 'templates'

    @property
    def output_dir(self):
        return self.output_root or self.root / 'output'

    def publications(self, slugs=None):
        """Load the publications named by `slugs` (all when None), in slug order."""
        from . import content
        folders = content.find_publications(self.content_dir)
        known = {folder.name: folder for folder in folders}
        for slug in slugs or ():
            if slug not in known:
                raise UsageError(f'unknown publication "{slug}"', self.content_dir,
                                   hint=f'expected one of: {", ".join(known) or "none"}')
        return [content.load_publication(known[slug]) for slug in (slugs or known)]

    def output_path(self, publication, language, edition, fmt):
        name = f'{publication.output_name}-{edition}-{language}.{fmt}'
        return self.output_dir / language / name


@dataclass(frozen=True)
class BuildRequest:
    """What to build: the command line's choices."""

    languages: tuple = LANGUAGES
    editions: tuple | None = None   # the publications' own edition names; None: all
    formats: tuple = FORMATS
    pdf_variant: str = 'accessible'
    strict: bool = False
    publications: tuple = ()
    draft: bool = False         # mark every page as a draft (release --draft-below)
