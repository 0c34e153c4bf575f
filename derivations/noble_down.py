"""The first Noble identity: filter with ↑ₖh then decimate = decimate then filter with h.

↓ₖ((↑ₖh)∗x) = h∗(↓ₖx) for full convolutions: a filter whose taps sit only at
multiples of k commutes with decimation. This is the basis of efficient
polyphase decimators: the filter runs at the low rate.

The script builds both sides for a 3-tap filter h and the factor k = 2 (so ↑₂h =
(h₀, 0, h₁, 0, h₂)) with the signal length n symbolic, and proves them equal
with ``symconv.prove``; it checks one instance exactly, and asserts the
catalogue's verdict, which holds for every n, k and filter length.

Source: Vaidyanathan, "Multirate Systems and Filter Banks" (1993), the Noble
identities.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatMul

from symconv import Conv, Downsample, catalogue, explicit, kernel, prove
from symconv.derivation import Derivation, Verdict
from symconv.kernels import dilate
from symconv.printing.text import format_derivation

NAME = "noble-down"

n = sp.Symbol("n", integer=True, positive=True)
h = kernel("h", 3)


def sides(n: object, k: int) -> tuple:
    """↓ₖ((↑ₖh)∗x) and h∗(↓ₖx), full convolutions, x ∈ ℝⁿ."""
    high_rate = Conv(dilate(h, k), n, "full")
    decimated = Downsample(n, k)
    return (
        MatMul(Downsample(high_rate.rows, k), high_rate),
        MatMul(Conv(h, decimated.rows, "full"), decimated),
    )


def build() -> Derivation:
    """The catalogue's checked derivation of ``noble-down`` (default parameters)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    print("In plain code: ↓₂((↑₂h)∗x) = h∗(↓₂x) for h = (h₀, h₁, h₂), every n:")
    proof = prove(*sides(n, 2))
    print(proof, end="\n\n")
    assert proof.verdict is Verdict.PROVEN, proof

    left, right = sides(7, 3)
    assert left.shape == right.shape == (5, 7)
    assert explicit(left) == explicit(right)
    print("At n = 7, k = 3 both sides are the same 5×7 matrix, exactly.")


if __name__ == "__main__":
    main()
