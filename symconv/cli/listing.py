"""``symconv list``: the catalogue with each entry's name, parameters and statement, at once.

Nothing is proven here, so nothing is claimed: no tier letters and no verdict
(``symconv prove NAME`` proves one entry and prints them, ``symconv prove --all``
every entry). The parameters are those ``symconv prove NAME`` takes as options,
with the values it uses by default.

Examples
--------
>>> from symconv.cli import main
>>> main(["list"])
name...statement (parameters and their defaults below it)
up-down-transpose...(↓ₖ on ℝᴺ)ᵀ = ↑ₖ to length N
...parameters: N=4 k=2
...
0
"""

from __future__ import annotations

import argparse

from symconv import catalogue

__all__ = ["one_line", "parameters_text", "register"]

#: The closing line of the list: where the tiers and verdicts are.
NOT_PROVEN = (
    "symconv list proves nothing, so it shows no tiers and no verdict: "
    "run `symconv prove NAME` for one entry's steps, tiers and verdict, "
    "or `symconv prove --all` for every entry's."
)


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


def parameters_text(entry: catalogue.Entry) -> str:
    """``n=3 m=3 mode=same``: each parameter with its default, as ``symconv prove`` spells it.

    Examples
    --------
    >>> parameters_text(catalogue.get("transposed-conv-as-direct-conv-2d"))[:23]
    'n=2,2 m=3,3 s=2,2 lo=0,'
    """

    def value(default: object) -> str:
        return ",".join(map(str, default)) if isinstance(default, tuple) else str(default)

    return " ".join(f"{p.name}={value(p.default)}" for p in entry.params) or "(none)"


def _list(args: argparse.Namespace) -> int:
    entries = [catalogue.get(name) for name in catalogue.names()]
    width = max(len(e.name) for e in entries)
    print(f"{'name':{width}}  statement (parameters and their defaults below it)")
    for e in entries:
        print(f"{e.name:{width}}  {one_line(e.statement, 100)}")
        print(f"{'':{width}}  parameters: {parameters_text(e)}")
    print(f"\n{NOT_PROVEN}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    listing = subparsers.add_parser(
        "list",
        help="the identity catalogue: names, parameters and statements (proves nothing)",
        description="The identity catalogue: each entry's name, its parameters with their "
        "default values (options of `symconv prove NAME`) and its statement. Answers at once: "
        "nothing is proven, so no tiers or verdicts are shown.",
        epilog=NOT_PROVEN,
    )
    listing.set_defaults(func=_list)
