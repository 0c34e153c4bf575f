"""A framework transposed conv is a plain stride-1 conv over a stretched, bordered input.

PyTorch's ``conv_transpose1d(y, w, stride=s, padding=p, output_padding=a,
dilation=d)`` equals: insert s − 1 zeros between the samples of y, pad by
d(m − 1) − lo at the start and d(m − 1) − hi + a at the end (a negative amount
crops), and correlate with flip(↑_d w) at stride 1. This is the "fractionally
strided convolution" of examples 2 and 3 of the daved01/deconvolutions
README and of Dumoulin & Visin's
relationships 8–14; the derivation reaches it from the definition
(ConvTranspose = Corrᵀ) by named rules only.

The script writes the right side out by hand for a 3-tap kernel at stride 2,
padding 1 and output padding 1 (PyTorch's ``padding=1, output_padding=1``):
s − 1 = 1 zero between samples, a border of 2 − 1 = 1 at the start and
2 − 1 + 1 = 2 at the end, then the stride-1 correlation with the flipped kernel;
``symconv.prove`` shows it equal to the transposed conv for every input length n.
It then checks the README's example 3 exactly in 1-D (2 samples stretched to 3,
bordered to 7, correlated to 5) and asserts the catalogue's verdict, which covers
every kernel length, stride, dilation, padding and output padding.

Sources: daved01/deconvolutions README (examples 2 and 3, "fractionally
strided"); Dumoulin & Visin (2016), "A guide to convolution arithmetic for deep
learning", relationships 8–14.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatMul

from symconv import ConvTranspose, Corr, Pad, Upsample, catalogue, explicit, kernel, prove
from symconv.derivation import Derivation, Verdict
from symconv.kernels import flip
from symconv.printing.text import format_derivation

NAME = "transposed-conv-as-direct-conv"

n = sp.Symbol("n", integer=True, positive=True)
q = kernel("q", 3)


def direct_form(q: tuple, n: object, s: int, lo: int, hi: int, a: int) -> MatMul:
    """Zeros between the samples, the border (m−1−lo, m−1−hi+a), stride-1 flip(q)⋆."""
    stretched = s * (n - 1) + 1
    border = (len(q) - 1 - lo, len(q) - 1 - hi + a)  # both >= 0 in the cases below
    framed = stretched + sum(border)
    return MatMul(Corr(flip(q), framed), Pad(stretched, *border), Upsample(n, s, stretched))


def build() -> Derivation:
    """The catalogue's checked derivation of ``transposed-conv-as-direct-conv`` (defaults)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    print("In plain code: ConvTranspose(q; s=2, padding 1, output padding 1) on ℝⁿ, every n:")
    transposed = ConvTranspose(q, n, (1, 1), 2, 1, 1)
    proof = prove(transposed, direct_form(q, n, s=2, lo=1, hi=1, a=1))
    print(proof, end="\n\n")
    assert proof.verdict is Verdict.PROVEN, proof

    # Example 3 of the README, one axis: 2 samples, one zero between (3), a border of 2
    # on each side (7), a valid 3-tap correlation: 5 outputs ("stride ½").
    example = direct_form(q, 2, s=2, lo=0, hi=0, a=0)
    assert [f.shape for f in example.args] == [(5, 7), (7, 3), (3, 2)]
    assert explicit(example) == explicit(ConvTranspose(q, 2, 0, 2))
    print("The README's example 3 on one axis: 2 → 3 → 7 → 5, equal to ConvTranspose, exactly.")


if __name__ == "__main__":
    main()
