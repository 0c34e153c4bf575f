"""``symconv list``: the catalogue with name, tier letters, verdict and a one-line statement.

The tiers are proven on the spot (the same run as ``symconv prove --all``), so
the table never claims a tier that does not pass on this machine. ``R``/``S`` mean a
rewrite/symbolic argument for all values of every parameter; a lowercase ``r``/``s``
one that fixed a parameter (see :data:`symconv.cli.prove.LEGEND`).
"""

from __future__ import annotations

import argparse
import sys

from symconv import catalogue
from symconv.cli.prove import LEGEND, tier_marks

__all__ = ["one_line", "register"]


def one_line(statement: str, width: int = 90) -> str:
    """The statement up to its first top-level ``;`` or ``, for all`` (the ranges), shortened.

    Examples
    --------
    >>> one_line("Corr(q; s) = ↓ₛ(q⋆x): decimated; for all n")
    'Corr(q; s) = ↓ₛ(q⋆x): decimated'
    """
    depth = 0
    for position, char in enumerate(statement):
        depth += 1 if char in "([" else -1 if char in ")]" else 0
        if depth == 0 and (char == ";" or statement.startswith(", for all", position)):
            statement = statement[:position]
            break
    return statement if len(statement) <= width else statement[: width - 1] + "…"


def _list(args: argparse.Namespace) -> int:
    from symconv.catalogue.runner import prove_all

    results = prove_all(jobs=args.jobs, progress=None if args.quiet else sys.stderr)
    width = max(len(n) for n in catalogue.names())
    print(f"{'name':{width}}  tiers    verdict   statement")
    for name, derivation, _ in results:
        statement = one_line(derivation.statement, 80)
        verdict = derivation.verdict.value
        print(f"{name:{width}}  {tier_marks(derivation)}  {verdict:<8}  {statement}")
    print(f"\n{LEGEND}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    listing = subparsers.add_parser(
        "list",
        help="the identity catalogue with each entry's verdict and tiers",
        description="The identity catalogue: name, tier letters, verdict (proven, verified, "
        "refuted, unknown) and statement.",
        epilog=LEGEND,
    )
    listing.add_argument("--jobs", type=int, default=None, help="worker processes (default: 2)")
    listing.add_argument("--quiet", action="store_true", help="no progress display on stderr")
    listing.set_defaults(func=_list)
