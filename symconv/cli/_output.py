"""Output paths of the command line, checked before any work starts.

A command that would fail to write its result only after minutes of proving
should fail at once instead, with one line naming the option, the path and
the reason. The check creates (and removes) a temporary file exactly where
the atomic write will put its own, so it answers for read-only file systems,
permissions, quotas and ``root`` alike.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from symconv.errors import ParameterError

__all__ = ["output_directory", "output_file"]


def _probe(option: str, path: str, directory: Path) -> None:
    """Raise unless a file can be created in ``directory``."""
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".symconv-probe-")
    except OSError as error:
        raise ParameterError(
            option, path, f"a path where files can be written ({directory}: {error.strerror})"
        ) from None
    os.close(handle)
    os.unlink(temporary)


def output_file(option: str, path: str) -> Path:
    """``path`` as a file symconv can write atomically, or a :class:`ParameterError`.

    Examples
    --------
    >>> output_file("--out", "")
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: --out='' is not allowed: expected a file path
    >>> output_file("--out", "/")
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: --out='/' is not allowed: expected a file path, not a directory
    """
    if not path:
        raise ParameterError(option, path, "a file path")
    target = Path(path)
    if target.is_dir():
        raise ParameterError(option, path, "a file path, not a directory")
    directory = target.parent
    if not directory.is_dir():
        what = "is not a directory" if directory.exists() else "does not exist"
        raise ParameterError(option, path, f"a file in an existing directory ({directory} {what})")
    _probe(option, path, directory)
    return target


def output_directory(option: str, path: str) -> Path:
    """``path`` as a directory symconv can create (with its parents) and write in.

    Examples
    --------
    >>> output_directory("--out", "")
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: --out='' is not allowed: expected a directory path
    """
    if not path:
        raise ParameterError(option, path, "a directory path")
    target = Path(path)
    existing = target
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent  # the first ancestor that exists; mkdir creates the rest
    if not existing.is_dir():
        raise ParameterError(option, path, f"a directory path ({existing} is a file)")
    _probe(option, path, existing)
    return target
