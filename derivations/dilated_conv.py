"""A dilated convolution is a convolution with a dilated kernel.

Corr(q; dilation d) = Corr(↑_d q): spreading the taps d apart is the same as
inserting d − 1 zeros between them. The receptive field is d(m − 1) + 1.

The script builds both sides for a 3-tap kernel at dilation 2 (the dilated
kernel (q₀, 0, q₁, 0, q₂) written out) with the input length n symbolic and
proves them equal with ``symconv.prove``; it checks the receptive field
d(m − 1) + 1 = 5 on the output length, and asserts the catalogue's verdict,
which covers every kernel length, dilation and padding.

Source: Dumoulin & Visin (2016), "A guide to convolution arithmetic for deep
learning", §5.1 (dilated convolutions).
"""

from __future__ import annotations

import sympy as sp

from symconv import Corr, catalogue, kernel, prove
from symconv.derivation import Derivation, Verdict
from symconv.kernels import dilate
from symconv.printing.text import format_derivation

NAME = "dilated-conv"

n = sp.Symbol("n", integer=True, positive=True)
q = kernel("q", 3)


def sides(n: object, d: int, padding: tuple = (0, 0)) -> tuple:
    """Corr(q; dilation d) and Corr with ↑_d q, both with the same padding."""
    return Corr(q, n, padding, 1, d), Corr(dilate(q, d), n, padding)


def build() -> Derivation:
    """The catalogue's checked derivation of ``dilated-conv`` (default parameters)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    assert dilate(q, 2) == (q[0], 0, q[1], 0, q[2])
    print("In plain code: Corr(q; dilation 2) = Corr((q₀, 0, q₁, 0, q₂)) on ℝⁿ, n >= 5:")
    proof = prove(*sides(n + 4, 2))  # n + 4 >= 5 = d(m − 1) + 1: a non-empty output
    print(proof, end="\n\n")
    assert proof.verdict is Verdict.PROVEN, proof

    dilated = sides(n + 4, 2)[0]
    assert dilated.rows == (n + 4) - 5 + 1  # a valid conv with a receptive field of 5
    print(f"Output length {dilated.rows} on ℝ^(n + 4): the receptive field is 5.")


if __name__ == "__main__":
    main()
