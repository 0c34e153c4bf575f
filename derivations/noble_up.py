"""The second Noble identity: (↑ₖh)∗(↑ₖx) = ↑ₖ(h∗x).

Filtering a zero-stuffed signal with a zero-stuffed filter is zero-stuffing
the filtered signal — provided both ↑ₖ keep the same number e < k of trailing
zeros, which the finite form makes explicit: ↑ₖ on ℝⁿ has length
k(n − 1) + 1 + e.

The script builds both sides for a 3-tap filter, k = 2 and no trailing zeros
(e = 0) with the signal length n symbolic, and proves them equal with
``symconv.prove``. It then shows why e matters: with one trailing zero on the
input's ↑₂ only, the two sides do not even have the same shape, and
``symconv.prove`` refutes it. The catalogue's verdict, asserted last, covers
every n, k, filter length and e < k.

Source: Vaidyanathan, "Multirate Systems and Filter Banks" (1993), the Noble
identities.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatMul

from symconv import Conv, Upsample, catalogue, kernel, prove
from symconv.derivation import Derivation, Verdict
from symconv.kernels import dilate
from symconv.printing.text import format_derivation

NAME = "noble-up"

n = sp.Symbol("n", integer=True, positive=True)
h = kernel("h", 3)


def sides(n: object, k: int, e_input: int, e_output: int) -> tuple:
    """(↑ₖh)∗(↑ₖx) and ↑ₖ(h∗x), each ↑ₖ with its own number of trailing zeros."""
    stuffed = k * (n - 1) + 1 + e_input
    filtered = n + len(h) - 1
    return (
        MatMul(Conv(dilate(h, k), stuffed, "full"), Upsample(n, k, stuffed)),
        MatMul(Upsample(filtered, k, k * (filtered - 1) + 1 + e_output), Conv(h, n, "full")),
    )


def build() -> Derivation:
    """The catalogue's checked derivation of ``noble-up`` (default parameters)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    print("In plain code: (↑₂h)∗(↑₂x) = ↑₂(h∗x), no trailing zeros, every n:")
    proof = prove(*sides(n, 2, 0, 0))
    print(proof, end="\n\n")
    assert proof.verdict is Verdict.PROVEN, proof

    print("With a trailing zero on the input's ↑₂ only:")
    wrong = prove(*sides(n, 2, 1, 0))
    print(wrong)
    assert wrong.verdict is Verdict.REFUTED, wrong


if __name__ == "__main__":
    main()
