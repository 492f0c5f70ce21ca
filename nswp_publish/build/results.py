"""What a build says of each file it made: a module of its own, and a light one.

A worker sends each `Result` back pickled, and unpickling imports the module its class
lives in: in the pipeline's module, the main process, which only plans and collects,
imported the whole pipeline (Jinja, Babel, ICU, markdown-it) while the workers laid out,
and paid for tearing it down again at exit.
"""
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Result:
    """What happened to one output file."""

    path: Path
    language: str
    edition: str
    fmt: str
    status: str                 # 'written' or 'failed'
    error: str | None = None
    warnings: tuple = ()        # messages shown in English, as `file:line: ...` lines
    seconds: float | None = None    # a PDF's layout time, which orders the next build
