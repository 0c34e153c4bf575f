"""Draw the Performance page's figure and tables from ``bench/results/*.json``.

``python bench/plot.py`` writes ``docs/_static/performance.png`` (log-log time against
problem size) and ``docs/performance-results.inc`` (the ratio tables, included by
``docs/performance.rst``). Uses the full run's results, or ``--quick`` ones if asked.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from common import ROOT, atomic_write, cell, parser, results_path, results_table, table


def _load(name: str, quick: bool) -> dict | None:
    path = results_path(name, quick)
    return json.loads(path.read_text()) if path.exists() else None


def _heading(title: str) -> list[str]:
    """The lines of a reStructuredText section title (the Performance page's third level)."""
    return [title, "~" * len(title), ""]


def tables(quick: bool) -> str:
    parts = []
    exact = _load("exact", quick)
    if exact:
        parts += [
            *_heading("Exact checking (target 1)"),
            results_table("exact", exact["rows"], rst=True),
            f"{exact['target_n']}×{exact['target_n']} checked in {cell(exact['target_seconds'])} s;"
            f" the dense baseline finishes within {cell(exact['dense_budget_s'])} s up to "
            f"{exact['largest_dense_n']}×{exact['largest_dense_n']}, where symconv is "
            f"{cell(exact['speedup_at_largest_dense'])}× faster. Log-log slope of time: symconv "
            f"{cell(exact['symconv_exponent'], 2)} against non-zeros, dense "
            f"{cell(exact['dense_exponent'], 2)} against entries.",
            "",
        ]
    numeric = _load("numeric", quick)
    if numeric:
        sizes = numeric["sizes"]
        parts += [
            *_heading("Numeric functions (target 2)"),
            f"1-D n = {sizes['n']}, 2-D {sizes['batch']}×{sizes['side']}×{sizes['side']}; ratios"
            " are symconv time / baseline time in the same round (below 1: symconv faster).",
            f" Copy bandwidth {cell(numeric['copy_bandwidth_GBps'])} GB/s; PyTorch "
            f"{numeric['torch']}.",
            "",
            results_table("numeric", numeric["rows"], rst=True),
        ]
    codegen = _load("codegen", quick)
    if codegen:
        parts += [
            *_heading("Entrywise code generation (target 3)"),
            results_table("codegen", codegen["rows"], rst=True),
            f"Slope of time against non-zeros: {cell(codegen['symconv_exponent'], 2)}.",
            "",
        ]
    prove = _load("prove", quick)
    if prove:
        parts += _heading("Whole catalogue (target 4)")
        if prove.get("available"):
            cpu = f", {cell(prove['cpu_seconds'])} s CPU" if "cpu_seconds" in prove else ""
            parts.append(f"``symconv prove --all``: {cell(prove['seconds'])} s wall{cpu}.")
            if prove.get("phases"):
                parts += ["", f"Phases: {prove['phases']}."]
            if prove.get("top_own"):
                parts += [
                    "",
                    "Most own time, profiling the same work in one process:",
                    "",
                    table(
                        ["function", "own s"],
                        [[r["function"], r["own_s"]] for r in prove["top_own"][:8]],
                        rst=True,
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
    return "—" if not bounds else "–".join(cell(v, 2) for v in bounds)


def _public_tables(public: dict) -> list[str]:
    """Issue 17's rows: the public API at real sizes, with the load of the run."""
    ex, build, nu = public["explicit"], public["build"], public["numeric"]
    start, prove = public["startup"], public["prove"]
    load = f"{public['load_average_start']:.2f} → {public['load_average_end']:.2f}"
    cpus = public["machine"]["cpus"]
    # A load above the core count means other jobs shared the cores during the run.
    busy = max(public["load_average_start"], public["load_average_end"]) > cpus
    parts = [
        *_heading("The public API at real sizes (issue 17)"),
        f"One run; 1-minute load average {load} on {cpus} cores"
        + (
            ", so absolute times are inflated and the ratios (each contender timed in the"
            " same rounds) are the meaningful numbers."
            if busy
            else " (no other jobs). Ratios time each contender in the same rounds."
        )
        + " For the numeric rows, each turn of a round calls a function back to back for"
        f" about {cell(nu.get('turn_s'))} s (the time a call takes in a loop of calls); the"
        " ratio is the median of the rounds' ratios (their range follows it), and *1 thread*"
        " is symconv's function with BLAS held to one thread, timed in the same rounds."
        " *Single calls* is the median ratio of rounds of one call each (their range"
        " follows it): each call then follows the other's, on cold caches and often an idle"
        " core.",
        "",
        table(
            ["row", "symconv", "baseline", "baseline is"],
            [
                [
                    "build + ``lambdify``, torch ``conv_transpose2d`` 64→32, 4×4, 64²",
                    f"{cell(build['symconv_s'])} s",
                    f"{cell(build['sympy_weights_s'])} s",
                    "the same weight as SymPy numbers",
                ],
                *[
                    [
                        f"numeric, batch 8, {r['layer']}",
                        f"{cell(1e3 * r['symconv_s'])} ms",
                        "—" if r["torch_s"] is None else f"{cell(1e3 * r['torch_s'])} ms",
                        f"torch, {nu['torch_threads']} threads (ratio {cell(r['ratio'], 2)}, "
                        f"rounds {_range(r.get('ratio_range'))}; "
                        f"1 thread {cell(r.get('ratio_1thread'), 2)}; single calls "
                        f"{cell(r.get('ratio_single_call'), 2)}, rounds "
                        f"{_range(r.get('ratio_single_call_range'))})",
                    ]
                    for r in nu["rows"]
                ],
                [
                    "``import symconv``",
                    f"{cell(start['import_symconv_s'])} s",
                    f"{cell(start['import_sympy_s'])} s",
                    f"``import sympy`` (+{cell(start['import_extra_s'], 2)} s)",
                ],
                ["``symconv list``", f"{cell(start['list_s'])} s", "—", "(target < 1 s)"],
                *[
                    [f"``prove``, {r['case']}", f"{cell(r['seconds'])} s", "—", "(target < 2 s)"]
                    for r in prove["rows"]
                ],
            ],
            rst=True,
        ),
        table(
            ["n", "non-zeros", "``explicit`` s", "dense SymPy s"],
            [[r["n"], r["nonzeros"], r["symconv_s"], r["dense_sympy_s"]] for r in ex["rows"]],
            rst=True,
        ),
        "``explicit(Conv(q, 2n, 'same') @ Upsample(n, 2))``; the dense baseline is SymPy's"
        " ``as_explicit()`` of the same expression, where it finishes in the budget.",
        "",
        "Growth exponents (least-squares slope of log time against log size): "
        f"``explicit`` {cell(ex['symconv_exponent'], 2)} against n (dense SymPy "
        f"{cell(ex['dense_exponent'], 2)}); ``prove`` {cell(prove['exponent'], 2)} against n"
        f" (1-D); the numeric 64→32 layer {cell(nu['exponent'], 2)} against its output entries"
        f" (sides {', '.join(str(g['side']) for g in nu['growth'])}).",
        "",
    ]
    return parts


#: The figure's panels: results, the baseline's key, the two curves' labels, title, x label.
PANELS = (
    (
        "exact",
        "dense_s",
        ("symconv (SciPy sparse over ZZ[taps])", "dense SymPy Matrix"),
        "Exact 2-D check (3×3 symbolic kernel)",
        "non-zeros of q∗ (9 × pixels)",
    ),
    (
        "codegen",
        "sympy_cse_s",
        ("symconv.codegen (Python + C)", "SymPy cse + printers"),
        "Entrywise code generation",
        "non-zeros",
    ),
)


def _panel(ax: object, rows: list[dict], baseline: str, labels: tuple[str, str]) -> None:
    """Log-log time against non-zeros: symconv's, and the baseline's where it finished."""
    ax.loglog([r["nonzeros"] for r in rows], [r["symconv_s"] for r in rows], "o-", label=labels[0])
    done = [r for r in rows if r[baseline]]
    ax.loglog([r["nonzeros"] for r in done], [r[baseline] for r in done], "s--", label=labels[1])
    ax.legend()


def figure(quick: bool, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, (name, baseline, labels, title, xlabel) in zip(axes, PANELS):
        results = _load(name, quick)
        if results:
            _panel(ax, results["rows"], baseline, labels)
            ax.set_title(title)
            ax.set_xlabel(xlabel)
    axes[0].set_ylabel("seconds")
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    image = io.BytesIO()
    fig.savefig(image, format="png", dpi=110)
    atomic_write(path, image.getvalue())


def main() -> None:
    quick = parser(__doc__, "use the --quick results").parse_args().quick
    atomic_write(ROOT / "docs" / "performance-results.inc", tables(quick).encode())
    figure(quick, ROOT / "docs" / "_static" / "performance.png")


if __name__ == "__main__":
    main()
