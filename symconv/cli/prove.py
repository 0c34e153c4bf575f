"""``symconv prove``: the identity catalogue on the command line.

- ``symconv prove NAME [--n N --k K ...]``: one identity, every step and tier;
  exit 0 when it holds, 1 when refuted, 2 for bad arguments.
- ``symconv prove transposed-conv-as-transpose --misprint``: the seed's
  misprinted variant, refuted with a counterexample (exit 1).
- ``symconv prove --all [--out DIR]``: the whole catalogue with a progress
  display on stderr and a final table; ``--out`` writes ``DIR/<name>.txt``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from symconv import catalogue
from symconv.cli._output import output_directory
from symconv.derivation import Derivation, Tier
from symconv.errors import ParameterError
from symconv.latex.preamble import write_atomic

__all__ = ["format_derivation", "holds", "register", "tier_marks"]

_ABBREVIATION = {Tier.REWRITE: "R", Tier.SYMBOLIC: "S", Tier.EXHAUSTIVE: "E", Tier.NUMERIC: "N"}


def tier_marks(derivation: Derivation) -> str:
    """``R S E N`` with ``-`` for a tier that did not pass, e.g. ``R - E N``."""
    passed = {t.tier for t in derivation.tiers if t.passed}
    return " ".join(_ABBREVIATION[t] if t in passed else "-" for t in Tier)


def holds(derivation: Derivation) -> bool:
    """Exhaustive and numeric must pass (the done-criterion), plus rewrite or symbolic."""
    passed = {t.tier for t in derivation.tiers if t.passed}
    return {Tier.EXHAUSTIVE, Tier.NUMERIC} <= passed and bool(
        {Tier.REWRITE, Tier.SYMBOLIC} & passed
    )


def format_derivation(derivation: Derivation, source: str = "") -> str:
    """The derivation as plain text: statement, numbered steps with rules, tiers."""
    lines = [derivation.name, "=" * len(derivation.name), derivation.statement]
    if source:
        lines.append(f"source: {source}")
    lines += ["", "steps:"]
    for number, step in enumerate(derivation.steps):
        rule = f"   [{step.rule.name}: {step.rule.statement}]" if step.rule else ""
        expr = str(step.expr).replace("\n", " ")
        lines.append(f"  {number}. {expr}{rule}")
        if step.note:
            lines.append(f"     {step.note}")
    lines += ["", "tiers:"]
    for t in derivation.tiers:
        lines.append(f"  [{'pass' if t.passed else ' -- '}] {t.tier.value}: {t.detail}")
    lines.append("")
    lines.append(
        f"verdict: {'holds' if holds(derivation) else 'NOT PROVEN'} ({tier_marks(derivation)})"
    )
    return "\n".join(lines) + "\n"


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)  # with the umask's permissions, as `symconv latex --out`


def _prove_all(args: argparse.Namespace) -> int:
    from symconv.catalogue.runner import prove_all

    start = time.perf_counter()
    results = prove_all(jobs=args.jobs, progress=None if args.quiet else sys.stderr)
    elapsed = time.perf_counter() - start
    width = max(len(n) for n in catalogue.names())
    print(f"{'name':{width}}  tiers    verdict")
    failed = 0
    for name, derivation, _ in results:
        ok = holds(derivation)
        failed += not ok
        print(f"{name:{width}}  {tier_marks(derivation)}  {'holds' if ok else 'NOT PROVEN'}")
        if args.out:
            text = format_derivation(derivation, catalogue.get(name).source)
            _write_atomically(Path(args.out) / f"{name}.txt", text)
    from symconv.catalogue.transposed import misprint

    statement, counterexample, _ = misprint()
    print(f"\nexpected refutation: {statement}\n  refuted {counterexample}")
    from symconv.catalogue.runner import CPU, TIMINGS

    phases = ", ".join(f"{k} {v:.1f} s" for k, v in TIMINGS.items())
    if CPU:
        phases += "; CPU " + ", ".join(f"{k} {v:.1f} s" for k, v in CPU.items())
    proven = len(results) - failed
    print(f"\n{proven}/{len(results)} identities proven in {elapsed:.1f} s ({phases})")
    return 1 if failed or counterexample is None else 0


def _prove(args: argparse.Namespace) -> int:
    if args.out is not None and not args.all:
        raise ParameterError("--out", args.out, "only together with --all")
    if args.jobs is not None and (args.jobs < 1 or not args.all):
        raise ParameterError("--jobs", args.jobs, "an integer >= 1, together with --all")
    if args.out is not None:
        output_directory("--out", args.out)  # before the proofs, not after them
    if args.all:
        if args.name:
            raise ParameterError("NAME", args.name, "no name together with --all")
        return _prove_all(args)
    if not args.name:
        raise ParameterError(
            "NAME", None, f"an identity name or --all; names: {', '.join(catalogue.names())}"
        )
    entry = catalogue.get(args.name)
    if args.misprint:
        if entry.name != "transposed-conv-as-transpose":
            raise ParameterError("--misprint", True, "only with transposed-conv-as-transpose")
        from symconv.catalogue.transposed import misprint

        statement, counterexample, detail = misprint(3 if args.m is None else args.m)
        print(statement)
        print(f"REFUTED {counterexample}" if counterexample else f"not refuted: {detail}")
        return 1 if counterexample else 0
    values = {p.name: getattr(args, p.name, None) for p in entry.params}
    given = {k: v for k, v in values.items() if v is not None}
    other = {
        name: value
        for name, value in vars(args).items()
        if name in _PARAMETER_OPTIONS and value is not None and name not in values
    }
    if other:
        name, value = next(iter(other.items()))
        allowed = ", ".join(f"--{p.name}" for p in entry.params) or "no parameters"
        raise ParameterError(f"--{name}", value, f"a parameter of {entry.name}: {allowed}")
    derivation = entry.derivation(**given)
    print(format_derivation(derivation, entry.source), end="")
    return 0 if holds(derivation) else 1


#: Every parameter any entry takes, as an option of ``symconv prove``.
_PARAMETER_OPTIONS = (
    "n", "m", "k", "s", "d", "lo", "hi", "a", "e", "r", "N", "length", "mode", "cin", "cout",
    "groups",
)  # fmt: skip


def _integers(text: str) -> int | tuple[int, ...]:
    """``3`` or, for the per-axis parameters of the 2-D entries, ``3,2``."""
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer or integers a,b") from None
    return values[0] if len(values) == 1 else values


def register(subparsers: argparse._SubParsersAction) -> None:
    prove = subparsers.add_parser(
        "prove",
        help="prove a catalogued identity (or all of them)",
        description="Prove one identity of the catalogue and print every step and tier. "
        f"Names: {', '.join(catalogue.names())}.",
    )
    prove.add_argument("name", nargs="?", metavar="NAME", help="identity name (see `symconv list`)")
    prove.add_argument("--all", action="store_true", help="prove the whole catalogue")
    prove.add_argument(
        "--out", metavar="DIR", help="with --all: write DIR/<name>.txt for each derivation"
    )
    prove.add_argument(
        "--jobs", type=int, default=None, help="with --all: worker processes (default 2)"
    )
    prove.add_argument("--quiet", action="store_true", help="with --all: no progress display")
    prove.add_argument(
        "--misprint", action="store_true", help="refute the seed's misprinted variant"
    )
    for name in _PARAMETER_OPTIONS:
        prove.add_argument(
            f"--{name}",
            type=_integers if name != "mode" else str,
            default=None,
            metavar=name.upper(),
        )
    prove.set_defaults(func=_prove)
