"""Files that content names (images, CSV data): inside the publication's folder, never outside.

A publication is written by many hands and may come from anywhere, so a name in
its YAML is a relative path that must stay inside the publication's folder:
no absolute paths, no `..` that climbs out, no symbolic link that points out.
Errors point at the YAML line that named the file.
"""
from pathlib import Path, PurePosixPath

from ..errors import ContentError


def publication_file(folder, name, where=(None, None), what='file'):
    """The resolved path of `name`, a file inside `folder`, or a one-line `ContentError`.

    `where` is the (path, line) of the YAML value that named it; `what` says
    what the file is for ("image", "CSV file") in the message.
    """
    path, line = where
    if not isinstance(name, str) or not name.strip():
        raise ContentError(f'expected the file name of the {what}', path, line)
    name = name.strip()
    relative = PurePosixPath(name.replace('\\', '/'))
    if relative.is_absolute() or (relative.parts and ':' in relative.parts[0]):
        raise ContentError(f'{what} "{name}" is an absolute path or a URL', path, line,
                           hint="name a file in the publication's folder, relative to it")
    if '..' in relative.parts:
        raise ContentError(f'{what} "{name}" points outside the publication folder', path,
                           line, hint="put the file in the publication's folder")
    root = Path(folder).resolve()
    target = (root / Path(*relative.parts)).resolve()
    if not target.is_relative_to(root):
        # A symbolic link inside the folder that leads out of it.
        raise ContentError(f'{what} "{name}" points outside the publication folder', path,
                           line, hint="put the file itself in the publication's folder")
    if not target.is_file():
        raise ContentError(f'{what} "{name}" not found in {Path(folder).name}/', path, line,
                           hint="check the name; it is relative to the publication's folder")
    return target
