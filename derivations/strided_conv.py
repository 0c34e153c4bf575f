"""A strided convolution is the stride-1 convolution, decimated.

Corr(q; stride s) = ↓ₛ · Corr(q; stride 1): moving the kernel in hops of s is
computing every position and keeping every s-th output. This is how symconv
factors every strided layer, and why the transpose of a strided conv inserts
zeros (↓ₛᵀ = ↑ₛ).

The script builds both sides for a 3-tap kernel with padding (1, 1), the
stride s and the input length n symbolic, and hands them to ``symconv.prove``.
Its verdict is only *verified* (exact and numeric agreement for n, s ≤ 12):
the two sides' row counts are written ⌊(n − 1)/s⌋ + 1 and ⌈n/s⌉, and ``prove``
does not show such floors and ceilings equal for every n and s, so it makes no
all-sizes claim. The catalogue entry does prove it for every n, m, s and
padding; the script asserts both verdicts, and checks the guide's example
(input 5, kernel 3, stride 2, padding 1: 3 outputs) exactly.

Source: Dumoulin & Visin (2016), "A guide to convolution arithmetic for deep
learning", §1 (strides as subsampling).
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatMul

from symconv import Corr, Downsample, catalogue, explicit, kernel, prove
from symconv.derivation import Derivation, Verdict
from symconv.printing.text import format_derivation

NAME = "strided-conv"

n, s = sp.symbols("n s", integer=True, positive=True)
q = kernel("q", 3)


def sides(n: object, s: object, padding: tuple = (1, 1)) -> tuple:
    """Corr(q; padding, stride s) and ↓ₛ after the stride-1 Corr(q; padding)."""
    every_position = Corr(q, n, padding)
    return Corr(q, n, padding, s), MatMul(Downsample(every_position.rows, s), every_position)


def build() -> Derivation:
    """The catalogue's checked derivation of ``strided-conv`` (default parameters)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    print("In plain code: Corr(q; padding 1, stride s) = ↓ₛ Corr(q; padding 1), n, s symbolic:")
    proof = prove(*sides(n, s))
    print(proof, end="\n\n")
    # ⌊(n − 1)/s⌋ + 1 = ⌈n/s⌉ is not shown for all n, s here: verified, not proven.
    assert proof.verdict is Verdict.VERIFIED, proof

    strided, decimated = sides(5, 2)
    assert strided.shape == (3, 5) and explicit(strided) == explicit(decimated)
    print("The guide's i = 5, k = 3, s = 2, p = 1: 3 outputs, rows 0, 2, 4 of the stride-1 conv.")


if __name__ == "__main__":
    main()
