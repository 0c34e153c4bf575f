"""Target 1: exact check of transposed-conv-as-transpose in 2-D with a symbolic 3×3 kernel.

q∗(↑₂x) = (↓₂(q∗)ᵀ)ᵀx for x of size n×n, ↑₂ = ↑₂⊗↑₂ onto (2n)×(2n), q∗ the 'same' 2-D
convolution with taps w_ab, written as Σ_a Conv(e_a) ⊗ Conv(w_a·) (one 1-D kernel per row
of taps). Both sides are built unevaluated (MatMul/Transpose constructors), so the check
really multiplies and transposes; symconv compares with ``first_difference``.

Baseline: the naive dense route — every 1-D operator as a dense SymPy ``Matrix`` (its
``as_explicit()``), dense Kronecker products, sums, products, transposes, then ``==``.
"""

from __future__ import annotations

import time

from common import dense_sympy, main, median_time, report, slope, with_timeout


def expressions(n: int):
    import sympy as sp
    from sympy import KroneckerProduct, MatAdd, MatMul, Transpose

    from symconv import Conv, Downsample, Upsample

    N = 2 * n
    w = [[sp.Symbol(f"w_{a}{b}") for b in range(3)] for a in range(3)]
    units = [tuple(int(t == a) for t in range(3)) for a in range(3)]
    conv = MatAdd(
        *(KroneckerProduct(Conv(units[a], N, "same"), Conv(w[a], N, "same")) for a in range(3))
    )
    up = KroneckerProduct(Upsample(n, 2), Upsample(n, 2))
    down = KroneckerProduct(Downsample(N, 2), Downsample(N, 2))
    lhs = MatMul(conv, up, evaluate=False)
    rhs = Transpose(MatMul(down, Transpose(conv), evaluate=False))
    return lhs, rhs


def symconv_check(n: int) -> float:
    from symconv.matrices import first_difference

    start = time.perf_counter()
    lhs, rhs = expressions(n)
    assert first_difference(lhs, rhs) is None
    return time.perf_counter() - start


def dense_check(n: int) -> float:
    import sympy as sp

    start = time.perf_counter()
    lhs, rhs = expressions(n)
    assert (dense_sympy(lhs) - dense_sympy(rhs)).applyfunc(sp.expand).is_zero_matrix
    return time.perf_counter() - start


def run(quick: bool) -> dict[str, object]:
    budget = 8.0 if quick else 60.0
    target = 16 if quick else 64
    sizes = [2, 4, 8, 16] if quick else [2, 4, 8, 16, 32, 64, 128]
    fine = [2, 3, 4] if quick else [2, 3, 4, 5, 6, 7, 8, 10, 12]
    rows = []
    symconv_check(2), dense_check(2)  # warm SymPy's caches once, before the children fork
    symconv_times = {
        n: median_time(lambda n=n: symconv_check(n), repeats=3) for n in sorted(set(sizes + fine))
    }
    dense_times = {}
    for n in fine:
        t = with_timeout(dense_check, (n,), budget)
        if t is None:
            break
        dense_times[n] = t
    for n in sorted(symconv_times):
        entries = (2 * n) ** 2
        dense = dense_times.get(n)
        rows.append(
            {
                "n": n,
                "entries": entries,
                "nonzeros": 9 * entries,
                "symconv_s": symconv_times[n],
                "dense_s": dense,
                "speedup": dense / symconv_times[n] if dense else None,
            }
        )
    largest = max(dense_times) if dense_times else None
    big = [r for r in rows if r["n"] >= 8]
    result = {
        "description": "exact check of transposed-conv-as-transpose in 2-D, 3x3 symbolic kernel",
        "target_n": target,
        "target_seconds": symconv_times.get(target),
        "dense_budget_s": budget,
        "largest_dense_n": largest,
        "speedup_at_largest_dense": (
            dense_times[largest] / symconv_times[largest] if largest else None
        ),
        "symconv_exponent": slope([r["nonzeros"] for r in big], [r["symconv_s"] for r in big]),
        "dense_exponent": slope(
            [(2 * n) ** 2 for n in dense_times if n >= 3],
            [t for n, t in dense_times.items() if n >= 3],
        ),
        "rows": rows,
    }
    summary = (
        f"target: {target}x{target} in {result['target_seconds']:.3g} s (goal < 2 s); "
        f"largest dense within {budget:.0f} s: {largest}x{largest}, speedup "
        f"{result['speedup_at_largest_dense']:.0f}x (goal >= 100x); exponent of time vs "
        f"non-zeros: symconv {result['symconv_exponent']:.2f}, dense "
        f"{result['dense_exponent']:.2f} (vs entries)"
    )
    return report("exact", quick, result, summary)


if __name__ == "__main__":
    raise SystemExit(main(run, __doc__))
