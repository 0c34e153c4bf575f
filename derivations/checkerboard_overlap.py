"""Checkerboard artifacts: how many taps reach each output of a transposed conv.

The overlap count 1ₘ ∗ (↑ₛ1) is [1, 1, 2, 1, 2, …, 2, 1, 1] for m = 3, s = 2
and uniform away from the borders exactly when s divides m (Odena et al.).
Uneven overlap is what paints the checkerboard.

The count is the transposed conv with an all-ones kernel applied to an all-ones
input. The script first proves, with ``symconv.prove`` and every input length n,
that this transposed conv is the full convolution with 1₃ of the zero-stuffed
input (stride 2), then computes the counts exactly for m = 2, 3, 4 and checks
where they are uniform in the interior (outputs m − 1 … s(n − 1), where every tap
lands on an input). The catalogue entry proves "uniform iff s | m" for every n,
m and s by a counting argument, and the script asserts its verdict.

Source: Odena, Dumoulin & Olah, "Deconvolution and checkerboard artifacts"
(Distill 2016); the overlap counts of an all-ones kernel.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatMul

from symconv import Conv, ConvTranspose, Upsample, catalogue, explicit, prove
from symconv.derivation import Derivation, Verdict
from symconv.kernels import ones
from symconv.printing.text import format_derivation

NAME = "checkerboard-overlap"

n = sp.Symbol("n", integer=True, positive=True)


def counts(m: int, s: int, n: int) -> list[int]:
    """How many taps of ConvTranspose(1ₘ; stride s) reach each output, for n inputs."""
    return list(explicit(ConvTranspose(ones(m), n, 0, s)) * sp.ones(n, 1))


def interior(m: int, s: int, n: int) -> list[int]:
    """The counts at outputs m − 1 … s(n − 1): every tap of those lands on an input."""
    return counts(m, s, n)[m - 1 : s * (n - 1) + 1]


def build() -> Derivation:
    """The catalogue's checked derivation of ``checkerboard-overlap`` (default parameters)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    print("In plain code: ConvTranspose(1₃; stride 2) = 1₃ ∗ (↑₂ ·), every n:")
    stuffed = 2 * (n - 1) + 1
    scatter = MatMul(Conv(ones(3), stuffed, "full"), Upsample(n, 2, stuffed))
    proof = prove(ConvTranspose(ones(3), n, 0, 2), scatter)
    print(proof, end="\n\n")
    assert proof.verdict is Verdict.PROVEN, proof

    assert counts(3, 2, 5) == [1, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1]
    for m in (2, 3, 4):
        inside = interior(m, 2, 6)
        print(f"m = {m}, s = 2: counts {counts(m, 2, 6)}, interior {inside}")
        assert (len(set(inside)) == 1) == (m % 2 == 0)  # uniform exactly when 2 | m


if __name__ == "__main__":
    main()
