"""Draw the Performance page's figure and tables from ``bench/results/*.json``.

``python bench/plot.py`` writes ``docs/_static/performance.png`` (log-log time against
problem size) and ``docs/performance-results.inc`` (the ratio tables, included by
``docs/performance.rst``). Uses the full run's results, or ``--quick`` ones if asked.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from common import RESULTS, ROOT


def _load(name: str, quick: bool) -> dict | None:
    path = RESULTS / f"{name}{'-quick' if quick else ''}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _fmt(value: object, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return str(value)


def _rst_table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [[_fmt(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    rule = "  ".join("=" * w for w in widths)
    lines = [rule, "  ".join(h.ljust(w) for h, w in zip(headers, widths)), rule]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join([*lines, rule, ""])


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temporary, path)


def tables(quick: bool) -> str:
    parts = []
    exact = _load("exact", quick)
    if exact:
        parts += [
            "Exact checking (target 1)",
            "~~~~~~~~~~~~~~~~~~~~~~~~~",
            "",
            _rst_table(
                ["x size", "non-zeros", "symconv s", "dense SymPy s", "speedup"],
                [
                    [
                        f"{r['n']}×{r['n']}",
                        r["nonzeros"],
                        r["symconv_s"],
                        r["dense_s"],
                        r["speedup"],
                    ]
                    for r in exact["rows"]
                ],
            ),
            f"{exact['target_n']}×{exact['target_n']} checked in {_fmt(exact['target_seconds'])} s;"
            f" the dense baseline finishes within {_fmt(exact['dense_budget_s'])} s up to "
            f"{exact['largest_dense_n']}×{exact['largest_dense_n']}, where symconv is "
            f"{_fmt(exact['speedup_at_largest_dense'])}× faster. Log-log slope of time: symconv "
            f"{_fmt(exact['symconv_exponent'], 2)} against non-zeros, dense "
            f"{_fmt(exact['dense_exponent'], 2)} against entries.",
            "",
        ]
    numeric = _load("numeric", quick)
    if numeric:
        sizes = numeric["sizes"]
        threads = numeric["rows"][0]["torch_threads"] if numeric["rows"] else None
        parts += [
            "Numeric functions (target 2)",
            "~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
            "",
            f"1-D n = {sizes['n']}, 2-D {sizes['batch']}×{sizes['side']}×{sizes['side']}; ratios"
            " are symconv time / baseline time in the same round (below 1: symconv faster).",
            f" Copy bandwidth {_fmt(numeric['copy_bandwidth_GBps'])} GB/s; PyTorch "
            f"{numeric['torch']}.",
            "",
            _rst_table(
                [
                    "case",
                    "symconv ms",
                    "÷ NumPy",
                    "÷ torch 1 thread",
                    f"÷ torch {threads} threads",
                    "peak ÷ output",
                    "ns/element",
                    "floor ns",
                ],
                [
                    [
                        r["case"],
                        1e3 * r["symconv_s"],
                        r["vs_numpy"],
                        r["vs_torch_1thread"],
                        r["vs_torch_default"],
                        r["peak_over_output"],
                        r["ns_per_element"],
                        r["floor_ns_per_element"],
                    ]
                    for r in numeric["rows"]
                ],
            ),
        ]
    codegen = _load("codegen", quick)
    if codegen:
        parts += [
            "Entrywise code generation (target 3)",
            "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
            "",
            _rst_table(
                ["n", "non-zeros", "symconv s", "SymPy cse s", "speedup"],
                [
                    [r["n"], r["nonzeros"], r["symconv_s"], r["sympy_cse_s"], r["speedup"]]
                    for r in codegen["rows"]
                ],
            ),
            f"Slope of time against non-zeros: {_fmt(codegen['symconv_exponent'], 2)}.",
            "",
        ]
    prove = _load("prove", quick)
    if prove:
        parts += ["Whole catalogue (target 4)", "~~~~~~~~~~~~~~~~~~~~~~~~~~", ""]
        if prove.get("available"):
            cpu = f", {_fmt(prove['cpu_seconds'])} s CPU" if "cpu_seconds" in prove else ""
            parts.append(f"``symconv prove --all``: {_fmt(prove['seconds'])} s wall{cpu}.")
            if prove.get("phases"):
                parts += ["", f"Phases: {prove['phases']}."]
            if prove.get("top_own"):
                parts += [
                    "",
                    "Most own time, profiling the same work in one process:",
                    "",
                    _rst_table(
                        ["function", "own s"],
                        [[r["function"], r["own_s"]] for r in prove["top_own"][:8]],
                    ),
                ]
        else:
            parts.append(f"Not measured: {prove['note']}.")
        parts.append("")
    public = _load("public", quick)
    if public:
        parts += _public_tables(public)
    return "\n".join(parts)


def _range(bounds: list[float] | None) -> str:
    return "—" if not bounds else "–".join(_fmt(v, 2) for v in bounds)


def _public_tables(public: dict) -> list[str]:
    """Issue 17's rows: the public API at real sizes, with the load of the run."""
    ex, build, nu = public["explicit"], public["build"], public["numeric"]
    start, prove = public["startup"], public["prove"]
    load = f"{public['load_average_start']:.2f} → {public['load_average_end']:.2f}"
    parts = [
        "The public API at real sizes (issue 17)",
        "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
        "",
        f"One run; 1-minute load average {load} on {public['machine']['cpus']} cores, so"
        " absolute times are inflated and the ratios (each contender timed in the same"
        " rounds) are the meaningful numbers. For the numeric rows, the ratio is the median"
        " of the rounds' ratios (their range follows it), and *1 thread* is symconv's"
        " function with BLAS held to one thread, timed in the same rounds.",
        "",
        _rst_table(
            ["row", "symconv", "baseline", "baseline is"],
            [
                [
                    "build + ``lambdify``, torch ``conv_transpose2d`` 64→32, 4×4, 64²",
                    f"{_fmt(build['symconv_s'])} s",
                    f"{_fmt(build['sympy_weights_s'])} s",
                    "the same weight as SymPy numbers",
                ],
                *[
                    [
                        f"numeric, batch 8, {r['layer']}",
                        f"{_fmt(1e3 * r['symconv_s'])} ms",
                        "—" if r["torch_s"] is None else f"{_fmt(1e3 * r['torch_s'])} ms",
                        f"torch, {nu['torch_threads']} threads (ratio {_fmt(r['ratio'], 2)}, "
                        f"rounds {_range(r.get('ratio_range'))}; "
                        f"1 thread {_fmt(r.get('ratio_1thread'), 2)})",
                    ]
                    for r in nu["rows"]
                ],
                [
                    "``import symconv``",
                    f"{_fmt(start['import_symconv_s'])} s",
                    f"{_fmt(start['import_sympy_s'])} s",
                    f"``import sympy`` (+{_fmt(start['import_extra_s'], 2)} s)",
                ],
                ["``symconv list``", f"{_fmt(start['list_s'])} s", "—", "(target < 1 s)"],
                *[
                    [f"``prove``, {r['case']}", f"{_fmt(r['seconds'])} s", "—", "(target < 2 s)"]
                    for r in prove["rows"]
                ],
            ],
        ),
        _rst_table(
            ["n", "non-zeros", "``explicit`` s", "dense SymPy s"],
            [[r["n"], r["nonzeros"], r["symconv_s"], r["dense_sympy_s"]] for r in ex["rows"]],
        ),
        "``explicit(Conv(q, 2n, 'same') @ Upsample(n, 2))``; the dense baseline is SymPy's"
        " ``as_explicit()`` of the same expression, where it finishes in the budget.",
        "",
        "Growth exponents (least-squares slope of log time against log size): "
        f"``explicit`` {_fmt(ex['symconv_exponent'], 2)} against n (dense SymPy "
        f"{_fmt(ex['dense_exponent'], 2)}); ``prove`` {_fmt(prove['exponent'], 2)} against n"
        f" (1-D); the numeric 64→32 layer {_fmt(nu['exponent'], 2)} against its output entries"
        f" (sides {', '.join(str(g['side']) for g in nu['growth'])}).",
        "",
    ]
    return parts


def figure(quick: bool, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    exact = _load("exact", quick)
    if exact:
        rows = exact["rows"]
        axes[0].loglog(
            [r["nonzeros"] for r in rows],
            [r["symconv_s"] for r in rows],
            "o-",
            label="symconv (SciPy sparse over ZZ[taps])",
        )
        dense = [r for r in rows if r["dense_s"]]
        axes[0].loglog(
            [r["nonzeros"] for r in dense],
            [r["dense_s"] for r in dense],
            "s--",
            label="dense SymPy Matrix",
        )
        axes[0].set_title("Exact 2-D check (3×3 symbolic kernel)")
        axes[0].set_xlabel("non-zeros of q∗ (9 × pixels)")
        axes[0].set_ylabel("seconds")
        axes[0].legend()
    codegen = _load("codegen", quick)
    if codegen:
        rows = codegen["rows"]
        axes[1].loglog(
            [r["nonzeros"] for r in rows],
            [r["symconv_s"] for r in rows],
            "o-",
            label="symconv.codegen (Python + C)",
        )
        base = [r for r in rows if r["sympy_cse_s"]]
        axes[1].loglog(
            [r["nonzeros"] for r in base],
            [r["sympy_cse_s"] for r in base],
            "s--",
            label="SymPy cse + printers",
        )
        axes[1].set_title("Entrywise code generation")
        axes[1].set_xlabel("non-zeros")
        axes[1].legend()
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".png")
    os.close(handle)
    fig.savefig(temporary, dpi=110)
    os.replace(temporary, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="use the --quick results")
    quick = parser.parse_args().quick
    _atomic_write(ROOT / "docs" / "performance-results.inc", tables(quick).encode())
    figure(quick, ROOT / "docs" / "_static" / "performance.png")


if __name__ == "__main__":
    main()
