"""Target 3: entrywise code generation, linear in non-zeros, with shared subexpressions.

symconv.codegen writes one assignment per output (2n of them) of a strided transposed conv composed
with a second convolution (products of taps, so there are common subexpressions),
as Python and as C. Baseline: SymPy's route — the explicit matrix times a symbolic x,
``sympy.cse`` over all outputs, then SymPy's printers — within a time budget.
"""

from __future__ import annotations

import time

from common import main, median_time, report, slope, with_timeout


def expression(n: int):
    from symconv import Conv, ConvTranspose, kernel

    q, r = kernel("q", 3), kernel("r", 2)
    return ConvTranspose(q, n, (1, 1), 2, 1, 1) @ Conv(r, n - 1), (q, r)


def nonzeros(n: int) -> int:
    from symconv.codegen import entrywise

    expr, params = expression(n)
    return sum(len(row) for row in entrywise(expr, *params).rows)


def symconv_codegen(n: int) -> float:
    from symconv.codegen import c_source, python_source

    expr, params = expression(n)
    start = time.perf_counter()
    python_source(expr, *params)
    c_source(expr, *params)
    return time.perf_counter() - start


def sympy_codegen(n: int) -> float:
    import sympy as sp
    from sympy.printing.c import ccode
    from sympy.printing.pycode import pycode

    from symconv import explicit

    expr, _ = expression(n)
    start = time.perf_counter()
    x = sp.Matrix(sp.symbols(f"x_0:{int(expr.cols)}"))
    outputs = list(explicit(expr) * x)
    temporaries, reduced = sp.cse(outputs)
    for _, value in temporaries:
        pycode(value), ccode(value)
    for value in reduced:
        pycode(value), ccode(value)
    return time.perf_counter() - start


def run(quick: bool) -> dict[str, object]:
    sizes = [64, 256, 1024, 4096] if quick else [64, 256, 1024, 4096, 16384, 65536]
    budget = 5.0 if quick else 60.0
    symconv_codegen(64), sympy_codegen(16)  # warm caches before forking
    rows = []
    baseline_alive = True
    for n in sizes:
        ours = median_time(lambda n=n: symconv_codegen(n), repeats=3, warmup=0)
        theirs = with_timeout(sympy_codegen, (n,), budget) if baseline_alive else None
        baseline_alive = theirs is not None
        rows.append(
            {
                "n": n,
                "nonzeros": nonzeros(n),
                "symconv_s": ours,
                "sympy_cse_s": theirs,
                "speedup": theirs / ours if theirs else None,
            }
        )
    at = {r["n"]: r for r in rows}
    result = {
        "target_n": 4096,
        "target_seconds": at[4096]["symconv_s"],
        "sympy_budget_s": budget,
        "symconv_exponent": slope(
            [r["nonzeros"] for r in rows if r["n"] >= 1024],
            [r["symconv_s"] for r in rows if r["n"] >= 1024],
        ),
        "sympy_exponent": slope(
            [r["nonzeros"] for r in rows if r["sympy_cse_s"]],
            [r["sympy_cse_s"] for r in rows if r["sympy_cse_s"]],
        ),
        "rows": rows,
    }
    summary = (
        f"symconv: Python + C; SymPy: cse + printers, stopped after {budget:.0f} s; target: "
        f"n=4096 in {result['target_seconds']:.3g} s (goal < 2 s); exponent of time vs "
        f"non-zeros {result['symconv_exponent']:.2f}"
    )
    return report("codegen", quick, result, summary)


if __name__ == "__main__":
    raise SystemExit(main(run, __doc__))
