"""Convolution is commutative, in every NumPy mode: q∗x = x∗q.

The reindexing t = i − j maps one sum onto the other; NumPy's swap of the
inputs when the signal is shorter than the kernel makes 'valid' and 'same'
symmetric as well.

The script does the reindexing in plain SymPy: entry i of the full convolution,
Σₜ qₜ x_{i−t} over the taps where both factors exist, becomes Σⱼ xⱼ q_{i−j}
under t = i − j, with n, m and i symbolic. Then it checks the three modes with
``symconv.prove`` at a signal longer and one shorter than the kernel. Those
checks are at fixed sizes (x is a vector of n symbols), so ``prove`` verifies
them and claims nothing more; the catalogue entry proves commutativity for all
n, m and every mode, and the script asserts its verdict.

Sources: DSP textbook identity; numpy.convolve documentation (modes).
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatMul

from symconv import Conv, catalogue, kernel, prove
from symconv.derivation import Derivation, Verdict
from symconv.printing.text import format_derivation

NAME = "conv-commutative"

q = kernel("q", 3)


def sides(n: int, mode: str) -> tuple:
    """q∗x and x∗q for x = (x₀, …, x_{n−1}), both as a matrix times a column vector."""
    x = kernel("x", n)
    return (
        MatMul(Conv(q, n, mode), sp.ImmutableMatrix(x)),
        MatMul(Conv(x, len(q), mode), sp.ImmutableMatrix(q)),
    )


def reindexed_sums_agree() -> bool:
    """Entry i of q∗x (full), reindexed by t = i − j, is entry i of x∗q: n, m, i symbolic."""
    n, m = sp.symbols("n m", integer=True, positive=True)
    i, t, j = sp.symbols("i t j", integer=True)
    Q, X = sp.IndexedBase("q"), sp.IndexedBase("x")
    qx = sp.Sum(Q[t] * X[i - t], (t, sp.Max(0, i - n + 1), sp.Min(m - 1, i)))
    xq = sp.Sum(X[j] * Q[i - j], (j, sp.Max(0, i - m + 1), sp.Min(n - 1, i)))
    reindexed = qx.change_index(t, i - t, j)
    same_terms = sp.simplify(reindexed.function - xq.function) == 0
    same_range = all(
        sp.simplify((a - b).rewrite(sp.Piecewise)) == 0
        for a, b in zip(reindexed.limits[0][1:], xq.limits[0][1:])
    )
    return same_terms and same_range


def build() -> Derivation:
    """The catalogue's checked derivation of ``conv-commutative`` (default parameters)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    assert reindexed_sums_agree()
    print("Σₜ qₜ x_{i−t} = Σⱼ xⱼ q_{i−j} under t = i − j, for all n, m, i (plain SymPy).\n")

    for n in (5, 2):  # longer and shorter than the kernel
        for mode in ("full", "valid", "same"):
            claim = f"q∗x = x∗q, mode {mode}, n = {n}, m = 3"
            proof = prove(*sides(n, mode), statement=claim)
            print(f"{claim}: {proof.verdict.value}")
            assert proof.verdict is Verdict.VERIFIED, proof


if __name__ == "__main__":
    main()
