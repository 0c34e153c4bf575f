"""``symconv check "EXPR" "EXPR"``: prove or refute a user's own identity.

Both sides are parsed by :func:`symconv.parse.parse` (never evaluated as
Python) and handed to :func:`symconv.prove`. Sizes may be names (``n``), which
then range over 1 … ``--bound``; kernels are declared with ``--kernel q=3``
or written inline (``kernel(q, 3)``, ``[1, 2, 3]``).

The first line says the verdict: ``proven`` (an argument for all sizes at which both sides exist),
``verified`` (exact and numeric agreement up to the bounds only), ``refuted``
(with the counterexample) or ``unknown``; then one line for each of the four tiers, ``n/a``
for a tier that did not apply or was not run (a refutation decides without them).
On a terminal a status line shows the elapsed time meanwhile (``--quiet``: none).

Exit status: 0 proven, 1 refuted, 3 verified only, 4 unknown, 2 for a malformed
expression (with a caret under the offending character) or bad options.
"""

from __future__ import annotations

import argparse
import re

from symconv import kernels
from symconv.errors import ParameterError, SymconvError
from symconv.progress import Status
from symconv.proof import prove

__all__ = ["register"]

_DECLARATION = re.compile(r"([A-Za-z][A-Za-z0-9]*)=([1-9][0-9]*)\Z")


def _kernels(declarations: list[str]) -> dict[str, tuple]:
    table = {}
    for text in declarations:
        match = _DECLARATION.match(text)
        if not match:
            raise ParameterError("--kernel", text, "NAME=TAPS, e.g. q=3")
        table[match[1]] = kernels.kernel(match[1], int(match[2]))
    return table


def _check(args: argparse.Namespace) -> int:
    from symconv.parse import format_error, parse

    symbols = _kernels(args.kernel or [])
    sides = []
    for label, text in (("left", args.lhs), ("right", args.rhs)):
        try:
            sides.append(parse(text, symbols=symbols))
        except SymconvError as error:
            raise SymconvError(f"in the {label} side: {format_error(error)}") from None
    if args.bound < 1:
        raise ParameterError("--bound", args.bound, "an integer >= 1")
    statement = f"{args.lhs} = {args.rhs}"
    with Status("checking", quiet=args.quiet) as status:
        status.phase("rewrite, symbolic, exhaustive and numeric tiers")
        proof = prove(*sides, bound=args.bound, statement=statement)
    print(proof)
    return proof.exit_status


def register(subparsers: argparse._SubParsersAction) -> None:
    check = subparsers.add_parser(
        "check",
        help="prove or refute your own identity between two expressions",
        description='Prove or refute LHS = RHS, e.g. symconv check "Downsample(n, 2).T" '
        '"Upsample(ceiling(n/2), 2, n)". Nothing is evaluated as Python. Exit status: '
        "0 proven, 1 refuted, 3 verified only, 4 unknown, 2 usage error.",
    )
    check.add_argument("lhs", metavar="LHS", help="left side, in the expression language")
    check.add_argument("rhs", metavar="RHS", help="right side")
    check.add_argument(
        "--kernel", action="append", metavar="NAME=TAPS", help="declare a kernel, e.g. q=3"
    )
    check.add_argument(
        "--bound", type=int, default=12, help="largest value of each size name (default 12)"
    )
    check.add_argument(
        "--quiet",
        action="store_true",
        help="no progress display on stderr (it is drawn only when stderr is a terminal)",
    )
    check.set_defaults(func=_check)
