"""The ``symconv`` command line (also ``python -m symconv``).

Each subcommand lives in its own module of this package and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to a
function ``(args) -> int`` returning the exit status. Exit statuses: 0 when
the command did what it says (an identity holds), 1 when an identity is
refuted, 2 for bad arguments (a message, never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from collections.abc import Sequence

from symconv._version import __version__
from symconv.errors import SymconvError

__all__ = ["build_parser", "main"]

#: Modules of this package that add a subcommand, in the order ``--help`` lists them.
SUBCOMMANDS: tuple[str, ...] = ("listing", "prove", "check", "shapes", "latex", "network")


#: A value that starts with a minus sign and a digit (``-1``, ``-1:-2``, ``-1x0``): no option
#: of symconv looks like that, so it is always a value (argparse itself would take ``-1:-2``
#: for an unknown option and accept only ``--padding=-1:-2``).
_NEGATIVE_VALUE = re.compile(r"^-\d[\d:x,.\-]*$")


class _Parser(argparse.ArgumentParser):
    """argparse with symconv's error line, no prefix matching, and negative values accepted.

    ``allow_abbrev=False``: argparse would otherwise take ``--q 3`` for ``--quiet``.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NEGATIVE_VALUE

    def error(self, message: str) -> None:  # argparse's own exit status is 2 too
        self.print_usage(sys.stderr)
        self.exit(2, f"symconv: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every subcommand registered."""
    parser = _Parser(
        prog="symconv",
        description="Exact symbolic convolution arithmetic: operators, identities, LaTeX.",
    )
    parser.add_argument("--version", action="version", version=f"symconv {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    for name in SUBCOMMANDS:
        importlib.import_module(f"symconv.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Examples
    --------
    >>> main(["--version"])
    Traceback (most recent call last):
    ...
    SystemExit: 0
    """
    for stream in (sys.stdout, sys.stderr):  # e.g. PYTHONIOENCODING=ascii: ↓ₛ as \u2193...
        if hasattr(stream, "reconfigure"):  # not a test's replacement stream
            stream.reconfigure(errors="backslashreplace")
    try:
        status = _main(argv)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at interpreter exit
        return status
    except KeyboardInterrupt:  # Ctrl-C: the conventional status 128 + SIGINT, no traceback
        print("symconv: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (``symconv list | head``)
        # Point stdout at /dev/null so that Python's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a program killed by it


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):  # no command: the help, and the status of a usage error
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except SymconvError as error:
        print(f"symconv: error: {error}", file=sys.stderr)
        return 2
