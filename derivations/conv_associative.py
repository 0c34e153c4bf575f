"""Convolution is associative: q∗(r∗x) = (q∗r)∗x in full mode.

Two stacked linear convolutions are one convolution with the combined kernel
q∗r — which is why stacking layers without non-linearities adds no power.

The script builds both sides for a 3-tap q and a 2-tap r, computes the combined
kernel q∗r = (q₀r₀, q₀r₁ + q₁r₀, q₁r₁ + q₂r₀, q₂r₁), and proves the identity
with ``symconv.prove`` for every signal length n. The catalogue entry proves it
for every n and both kernel lengths, and the script asserts its verdict.

Sources: DSP textbook identity; blog post "Transfer convolution transposed
convolution".
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatMul

from symconv import Conv, catalogue, kernel, prove
from symconv.derivation import Derivation, Verdict
from symconv.kernels import convolve
from symconv.printing.text import format_derivation

NAME = "conv-associative"

n = sp.Symbol("n", integer=True, positive=True)
q, r = kernel("q", 3), kernel("r", 2)


def sides(n: object) -> tuple:
    """q∗(r∗x) with x ∈ ℝⁿ (r∗x has n + 1 samples), and (q∗r)∗x."""
    return MatMul(Conv(q, n + 1, "full"), Conv(r, n, "full")), Conv(convolve(q, r), n, "full")


def build() -> Derivation:
    """The catalogue's checked derivation of ``conv-associative`` (default parameters)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    combined = convolve(q, r)
    expected = (q[0] * r[0], q[0] * r[1] + q[1] * r[0], q[1] * r[1] + q[2] * r[0], q[2] * r[1])
    assert combined == expected
    print(f"q∗r = {combined}")

    print("In plain code: q∗(r∗x) = (q∗r)∗x, full mode, every n:")
    proof = prove(*sides(n))
    print(proof)
    assert proof.verdict is Verdict.PROVEN, proof


if __name__ == "__main__":
    main()
