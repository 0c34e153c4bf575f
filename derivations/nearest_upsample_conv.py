"""Nearest-neighbour up-sampling then convolution is one transposed convolution.

Repeating each sample k times is 1ₖ ∗ (↑ₖx); composing with q∗ gives the
transposed convolution with kernel q∗1ₖ, e.g. (q₀, q₀+q₁, q₁+q₂, q₂) for k = 2,
m = 3. This is why "resize-convolution" avoids checkerboard artifacts: the
effective kernel has uniform overlap.

The script writes nearest up-sampling in plain code as the box 1ₖ convolved
with the zero-stuffed signal (and checks it repeats every sample k times), and
takes a 3-tap kernel, k = 2 and every input length n. Handed the whole identity
at once, ``symconv.prove`` only *verifies* it: its symbolic tier compares the
two sides' rows term by term, and the left side's product of two convolutions
has the taps of q∗1₂ as separate terms with their own (equivalent) bounds. In
two steps it proves it: q∗(1₂∗y) = (q∗1₂)∗y (associativity, for every length
of y), then (q∗1₂)∗(↑₂x) = ConvTranspose(q∗1₂; stride 2) for every n; the
first step multiplied on the right by ↑₂ and the second chain into the identity.
The catalogue entry, whose verdict is asserted first, proves it for every n, k
and m.

Source: Odena, Dumoulin & Olah, "Deconvolution and checkerboard artifacts"
(Distill 2016).
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatMul

from symconv import Conv, ConvTranspose, Upsample, catalogue, explicit, kernel, prove
from symconv.derivation import Derivation, Verdict
from symconv.kernels import convolve, ones
from symconv.printing.text import format_derivation

NAME = "nearest-upsample-conv"

n = sp.Symbol("n", integer=True, positive=True)
q = kernel("q", 3)


def nearest_upsample(n: object, k: int) -> MatMul:
    """Each sample repeated k times, ℝⁿ → ℝᵏⁿ, as 1ₖ ∗ (↑ₖx) with ↑ₖ to length k(n−1)+1."""
    stuffed = k * (n - 1) + 1
    return MatMul(Conv(ones(k), stuffed, "full"), Upsample(n, k, stuffed))


def sides(n: object, k: int) -> tuple:
    """q∗(nearest up-sampling by k) and the transposed conv with kernel q∗1ₖ, stride k."""
    return (
        MatMul(Conv(q, k * n, "full"), nearest_upsample(n, k)),
        ConvTranspose(convolve(q, ones(k)), n, 0, k),
    )


def build() -> Derivation:
    """The catalogue's checked derivation of ``nearest-upsample-conv`` (default parameters)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    repeat = sp.Matrix(6, 3, lambda i, j: int(j == i // 2))  # x_{⌊i/2⌋}
    assert explicit(nearest_upsample(3, 2)) == repeat
    assert convolve(q, ones(2)) == (q[0], q[0] + q[1], q[1] + q[2], q[2])
    print("1₂ ∗ (↑₂x) repeats every sample twice; q∗1₂ = (q₀, q₀+q₁, q₁+q₂, q₂).")

    print("In plain code: q∗(nearest up-sampling by 2) = ConvTranspose(q∗1₂; stride 2), every n:")
    at_once = prove(*sides(n, 2))
    print(at_once, end="\n\n")
    assert at_once.verdict is Verdict.VERIFIED, at_once

    box, stuffed = convolve(q, ones(2)), 2 * n - 1  # q∗1₂; the length of y = ↑₂x
    associativity = prove(
        MatMul(Conv(q, 2 * n, "full"), Conv(ones(2), stuffed, "full")),
        Conv(box, stuffed, "full"),
        statement="q∗(1₂∗y) = (q∗1₂)∗y",
    )
    scatter = prove(
        MatMul(Conv(box, stuffed, "full"), Upsample(n, 2, stuffed)),
        ConvTranspose(box, n, 0, 2),
        statement="(q∗1₂)∗(↑₂x) = ConvTranspose(q∗1₂; stride 2)",
    )
    for step in (associativity, scatter):
        print(step, end="\n\n")
        assert step.verdict is Verdict.PROVEN, step


if __name__ == "__main__":
    main()
