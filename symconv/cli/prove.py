"""``symconv prove``: the identity catalogue on the command line.

- ``symconv prove NAME [--n N --k K ...]``: one identity, every step and every tier
  (passed, failed or n/a) with its scope, and the verdict word.
- ``symconv prove transposed-conv-as-transpose --misprint``: the commonly
  misprinted variant, refuted with a counterexample (exit 1).
- ``symconv prove --all [--out DIR]``: the whole catalogue with a progress
  display on stderr and a final table; ``--out`` writes ``DIR/<name>.txt``.
- ``--json``: the same as JSON on stdout (see :func:`entry_json`); with ``--all`` an
  object ``{"entries": [...], "misprint": {...}}``.

Exit statuses (:func:`exit_status`): 0 proven, 1 refuted, 3 verified only, 4 unknown,
2 usage error. With ``--all`` the weakest verdict among the entries decides;
``--require verified`` accepts "verified" (exit 0 when every entry is at least verified).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from symconv import catalogue
from symconv.cli._derive import derive
from symconv.cli._output import output_directory
from symconv.derivation import Derivation, Tier, TierResult, Verdict, json_value
from symconv.errors import ParameterError
from symconv.printing.latex.preamble import write_atomic
from symconv.printing.text import LEGEND, format_derivation, tier_marks
from symconv.proof.prove import EXIT_STATUS

__all__ = [
    "entry_json",
    "exit_status",
    "register",
]


#: Verdicts from weakest to strongest, for "the weakest verdict decides".
_STRENGTH = (Verdict.REFUTED, Verdict.UNKNOWN, Verdict.VERIFIED, Verdict.PROVEN)


def exit_status(verdicts: Iterable[Verdict], require: str = "proven") -> int:
    """The exit status for ``verdicts``: the weakest decides; ``require="verified"`` accepts it.

    Examples
    --------
    >>> exit_status([Verdict.PROVEN, Verdict.VERIFIED])
    3
    >>> exit_status([Verdict.PROVEN, Verdict.VERIFIED], require="verified")
    0
    >>> exit_status([Verdict.VERIFIED, Verdict.REFUTED], require="verified")
    1
    """
    weakest = min(verdicts, key=_STRENGTH.index, default=Verdict.PROVEN)
    if weakest is Verdict.VERIFIED and require == "verified":
        return 0
    return EXIT_STATUS[weakest]


def entry_json(name: str, derivation: Derivation, parameters: dict) -> dict:
    """The JSON form of one entry's derivation.

    ``{"name", "statement", "parameters", "verdict", "tiers"}``, where ``tiers`` maps
    ``rewrite``, ``symbolic``, ``exhaustive`` and ``numeric`` to
    :meth:`symconv.derivation.TierResult.as_dict`.
    """
    by_tier = {t.tier: t for t in derivation.tiers}
    missing = TierResult(Tier.REWRITE, False, "n/a: not run", applicable=False)
    return {
        "name": name,
        "statement": derivation.statement,
        "parameters": {k: json_value(v) for k, v in parameters.items()},
        "verdict": derivation.verdict.value,
        "tiers": {t.value: by_tier.get(t, missing).as_dict() for t in Tier},
    }


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)  # with the umask's permissions, as `symconv latex --out`


def _prove_all(args: argparse.Namespace) -> int:
    from symconv.catalogue.runner import CPU, TIMINGS, prove_all
    from symconv.catalogue.transposed import misprint

    start = time.perf_counter()
    results = prove_all(jobs=args.jobs, progress=None if args.quiet else sys.stderr)
    elapsed = time.perf_counter() - start
    statement, counterexample, detail = misprint()
    verdicts = [derivation.verdict for _, derivation, _ in results]
    # The misprint must be refuted: if not, the engine could not decide it (unknown).
    status = exit_status(verdicts, args.require)
    if counterexample is None and status != EXIT_STATUS[Verdict.REFUTED]:
        status = EXIT_STATUS[Verdict.UNKNOWN]
    if args.out:
        for name, derivation, _ in results:
            entry = catalogue.get(name)
            text = format_derivation(derivation, entry.source, entry.notes)
            _write_atomically(Path(args.out) / f"{name}.txt", text)
    if args.json:
        document = {
            "entries": [
                entry_json(name, d, catalogue.get(name).resolve()) for name, d, _ in results
            ],
            "misprint": {
                "statement": statement,
                "refuted": counterexample is not None,
                "counterexample": str(counterexample) if counterexample else detail,
            },
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return status
    width = max(len(n) for n in catalogue.names())
    print(f"{'name':{width}}  tiers    verdict")
    for name, derivation, _ in results:
        print(f"{name:{width}}  {tier_marks(derivation)}  {derivation.verdict.value}")
    print(LEGEND)
    refutation = f"refuted {counterexample}" if counterexample else f"NOT refuted: {detail}"
    print(f"\nexpected refutation: {statement}\n  {refutation}")
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in TIMINGS.items())
    if CPU:
        phases += "; CPU " + ", ".join(f"{k} {v:.1f} s" for k, v in CPU.items())
    counts = ", ".join(
        f"{sum(v is verdict for v in verdicts)} {verdict.value}"
        for verdict in reversed(_STRENGTH)
        if verdict in verdicts
    )
    print(f"\n{len(results)} identities: {counts}, in {elapsed:.1f} s ({phases})")
    print(f"exit status {status} (required: {args.require})")
    return status


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
        if name in parameter_options() and value is not None and name not in values
    }
    if other:
        name, value = next(iter(other.items()))
        allowed = ", ".join(f"--{p.name}" for p in entry.params) or "no parameters"
        raise ParameterError(f"--{name}", value, f"a parameter of {entry.name}: {allowed}")
    derivation = derive(entry, given, quiet=args.quiet)
    if args.json:
        print(
            json.dumps(
                entry_json(entry.name, derivation, entry.resolve(**given)),
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        print(format_derivation(derivation, entry.source, entry.notes), end="")
    return exit_status([derivation.verdict], args.require)


#: A self-explaining long option for each entry parameter (the short ``--n`` stays an alias).
LONG_NAMES = {
    "n": "size",
    "N": "long-length",
    "m": "kernel-size",
    "k": "factor",
    "s": "stride",
    "lo": "pad-start",
    "hi": "pad-end",
    "d": "dilation",
    "a": "output-padding",
    "cin": "in-channels",
    "cout": "out-channels",
    "length": "up-length",
    "e": "trailing-zeros",
    "r": "second-kernel-size",
}


def parameter_options() -> dict[str, list[tuple[str, catalogue.Param]]]:
    """Every parameter any entry takes, with the entries (and their Param) that take it."""
    options: dict[str, list[tuple[str, catalogue.Param]]] = {}
    for name in catalogue.names():
        for param in catalogue.get(name).params:
            options.setdefault(param.name, []).append((name, param))
    return options


def _option_help(users: list[tuple[str, catalogue.Param]]) -> str:
    """``kernel length (strided-conv, dilated-conv); kernel size (kh, kw) (twod-entry)``."""
    by_meaning: dict[str, list[str]] = {}
    for entry, param in users:
        by_meaning.setdefault(param.help, []).append(entry)
    parts = [f"{meaning} ({', '.join(entries)})" for meaning, entries in by_meaning.items()]
    choices = {c for _, p in users for c in p.choices}
    if choices:
        parts.append(f"one of {', '.join(sorted(map(str, choices)))}")
    elif any(p.axes > 1 or p.per_axis for _, p in users):
        parts.append("for a per-axis parameter 3 sets every axis, 3,2 one value per axis")
    return "; ".join(parts)


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
        description="Prove one identity of the catalogue and print every step, every tier "
        "with its scope (for all n, k, at m = 3: m was fixed) and the verdict: proven (an "
        "argument for all values of every parameter), verified (exact and numeric agreement "
        "up to the stated bounds only), refuted (a counterexample) or unknown. "
        f"Names: {', '.join(catalogue.names())}.",
        epilog=LEGEND + ". Exit status: 0 proven, 1 refuted, 3 verified only, 4 unknown, "
        "2 usage error; with --all the weakest verdict decides (--require verified: exit 0 "
        "when every entry is at least verified). --json prints {name, statement, parameters, "
        "verdict, tiers} per entry; with --all an object {entries: [...], misprint: {...}}.",
    )
    prove.add_argument("name", nargs="?", metavar="NAME", help="identity name (see `symconv list`)")
    prove.add_argument("--all", action="store_true", help="prove the whole catalogue")
    prove.add_argument(
        "--out", metavar="DIR", help="with --all: write DIR/<name>.txt for each derivation"
    )
    prove.add_argument(
        "--jobs", type=int, default=None, help="with --all: worker processes (default 2)"
    )
    prove.add_argument(
        "--quiet",
        action="store_true",
        help="no progress display on stderr (it is drawn only when stderr is a terminal)",
    )
    prove.add_argument("--json", action="store_true", help="print the result as JSON")
    prove.add_argument(
        "--require",
        choices=("proven", "verified"),
        default="proven",
        help="the weakest verdict that exits 0 (default proven; verified exits 3 otherwise)",
    )
    prove.add_argument(
        "--misprint",
        action="store_true",
        help="with transposed-conv-as-transpose: refute its commonly misprinted variant "
        "q∗(↑ₖx) = (↑ₖ(q∗)ᵀ)ᵀx, with ↑ₖ inside the parentheses (exit 1 when refuted)",
    )
    group = prove.add_argument_group(
        "parameters of the identity",
        "Each option sets one parameter of the entry NAME and applies only to the entries "
        "listed with it; an entry's defaults are printed by `symconv list`. The short names "
        "(--n, --m, ...) are the names in the statements and work as aliases.",
    )
    for name, users in parameter_options().items():
        long = LONG_NAMES.get(name)
        flags = [f"--{name}"] + ([f"--{long}"] if long and long != name else [])
        group.add_argument(
            *flags,
            dest=name,
            type=str if any(p.choices for _, p in users) else _integers,
            default=None,
            metavar=name.upper(),
            help=_option_help(users),
        )
    prove.set_defaults(func=_prove)
