"""``symconv latex``: LaTeX of a catalogue derivation or of your own expression.

Examples::

    symconv latex up-down-transpose                  # the align block, to stdout
    symconv latex up-down-transpose --standalone --out up-down.tex
    symconv latex --expr "conv(q, 4, 'same') @ up(2, 2)" --macros
    symconv latex --sty symconv.sty                  # the macros --macros output uses

Output files are written atomically (a temporary file, then a rename).
"""

from __future__ import annotations

import argparse
import sys

from symconv.cli._output import output_file
from symconv.errors import SymconvError
from symconv.printing.latex import Notation, document, latex, sty, write_atomic
from symconv.printing.latex.unicode import escape_text, text_paragraph

__all__ = ["register"]


def _parameter(text: str) -> tuple[str, int | str]:
    name, sep, value = text.partition("=")
    if not (sep and name and value):
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        return name, int(value)
    except ValueError:  # a choice such as mode=same
        return name, value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``latex`` subcommand."""
    parser = subparsers.add_parser(
        "latex",
        help="print the LaTeX of a catalogue derivation or an expression",
        description=(
            "Print paper-ready LaTeX: a catalogue derivation as an align block (NAME), or an "
            "expression (--expr). --sty writes the package that defines the macros."
        ),
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help="catalogue entry")
    parser.add_argument("--expr", metavar="EXPR", help="an expression in symconv's syntax")
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument(
        "--standalone", action="store_true", help="a complete document that pdflatex compiles"
    )
    parser.add_argument(
        "--macros",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="write \\upsample{k}-style macro calls (default: their expansion)",
    )
    parser.add_argument("--explicit", action="store_true", help="operators as explicit matrices")
    parser.add_argument("--label", help="\\label of the numbered derivation")
    parser.add_argument(
        "--unnumbered", action="store_true", help="align* instead of a numbered align"
    )
    parser.add_argument(
        "--param",
        action="append",
        type=_parameter,
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of the catalogue entry (repeatable)",
    )
    parser.add_argument("--transpose", help="transpose superscript, e.g. '\\top' or 'T'")
    parser.add_argument(
        "--vector", choices=("bold", "boldsymbol", "arrow", "plain"), help="how vectors are set"
    )
    parser.add_argument("--prefix", help="letters before every macro name (--macros)")
    parser.add_argument("--sty", metavar="FILE", help="also write the notation's .sty to FILE")
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress display on stderr while NAME is proven (drawn only on a terminal)",
    )
    parser.set_defaults(func=run)


def _notation(args: argparse.Namespace) -> Notation:
    options = {"macros": args.macros}
    for key in ("transpose", "vector", "prefix"):
        if getattr(args, key) is not None:
            options[key] = getattr(args, key)
    return Notation(**options)


def _derivation(name: str, parameters: dict[str, int], quiet: bool = False) -> object:
    try:
        from symconv import catalogue
    except ImportError:  # the catalogue is a separate part of symconv
        raise SymconvError("this symconv has no identity catalogue (symconv.catalogue)") from None

    from symconv.cli._derive import derive

    entry = catalogue.get(name)  # an unknown name is a SymconvError listing the names
    return derive(entry, parameters, quiet)  # an unknown parameter is a ParameterError


def _expression(text: str) -> object:
    try:
        from symconv.parse import parse
    except ImportError:  # the parser is a separate part of symconv
        raise SymconvError("this symconv has no expression parser (symconv.parse)") from None

    return parse(text)


def run(args: argparse.Namespace) -> int:
    """Print or write the LaTeX; exit status 0, or 2 with a message for bad arguments."""
    for option in ("out", "sty"):  # before any work, so that a bad path fails at once
        if getattr(args, option) is not None:
            output_file(f"--{option}", getattr(args, option))
    notation = _notation(args)
    if (args.name is None) == (args.expr is None):
        if args.sty and args.name is None and args.expr is None:
            write_atomic(args.sty, sty(notation))
            return 0
        raise SymconvError("give exactly one of NAME (a catalogue entry) and --expr EXPR")
    if args.name is not None:
        derivation = _derivation(args.name, dict(args.param), args.quiet)
        body = latex(
            derivation,
            notation,
            explicit=args.explicit,
            numbered=not args.unnumbered,
            label=args.label,
        )
        intro = rf"\textbf{{{escape_text(args.name)}}}: {text_paragraph(derivation.statement)}"
    else:
        if args.param or args.label or args.unnumbered:
            raise SymconvError("--param, --label and --unnumbered apply to a catalogue NAME only")
        body = latex(_expression(args.expr), notation, explicit=args.explicit)
        if args.standalone:
            body = f"\\[\n{body}\n\\]"
        intro = ""
    text = document(body, notation, intro=intro) if args.standalone else body + "\n"
    if args.sty:
        write_atomic(args.sty, sty(notation))
    if args.out is not None:
        write_atomic(args.out, text)
    else:
        sys.stdout.write(text)
    return 0
