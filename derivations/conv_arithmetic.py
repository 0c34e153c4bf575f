"""Dumoulin & Visin's convolution arithmetic, relationships 1–15, proven.

The output size of every convolution, pooling, transposed and dilated
convolution in the guide, each under its stated conditions, checked against
symconv's size arithmetic symbolically (with a case analysis on the residue
where the floor lives) and against the operators' actual shapes.

The script builds the operators themselves with symbolic sizes — a kernel of
symbolic length k, input i, padding p on both sides, stride s, dilation d — and
reads their shapes. The most general forward relationships, 6 and 15,
o = ⌊(i + 2p − k)/s⌋ + 1 and o = ⌊(i + 2p − k − (k − 1)(d − 1))/s⌋ + 1,
and the transposed relationship 14, o′ = s(i′ − 1) + a + k − 2p, come out of the
operators as formulas, for every value of every size where the layer has an
output. It checks the guide's figure 2.6 (i = 5, k = 3, s = 2, p = 1 gives 3)
and that the transposed conv with a = (i + 2p − k) mod s gives every input
length back. The catalogue entry proves all fifteen relationships under their
conditions, and the script asserts its verdict.

Sources: Dumoulin & Visin, "A guide to convolution arithmetic for deep learning"
(2016/2018); blog post "Transfer convolution transposed convolution" (Alibaba
Cloud community).
"""

from __future__ import annotations

import sympy as sp

from symconv import ConvTranspose, Corr, catalogue, kernel
from symconv.derivation import Derivation, Verdict
from symconv.kernels import family
from symconv.printing.text import format_derivation

NAME = "conv-arithmetic"

i, i_out, k, s, d = sp.symbols("i i' k s d", integer=True, positive=True)
p, a = sp.symbols("p a", integer=True, nonnegative=True)


def build() -> Derivation:
    """The catalogue's checked derivation of ``conv-arithmetic``."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    q = family("q", k)  # a kernel of symbolic length k
    relationships = {
        6: (Corr(q, i, (p, p), s).rows, sp.floor((i + 2 * p - k) / s) + 1),
        15: (
            Corr(q, i, (p, p), s, d).rows,
            sp.floor((i + 2 * p - k - (k - 1) * (d - 1)) / s) + 1,
        ),
        14: (ConvTranspose(q, i_out, (p, p), s, 1, a).rows, s * (i_out - 1) + a + k - 2 * p),
    }
    for number, (shape, formula) in relationships.items():
        assert sp.simplify(shape - formula) == 0, (number, shape, formula)
        print(f"relationship {number}: the layer's size {shape} = {formula}, for all sizes")

    assert Corr(kernel("q", 3), 5, (1, 1), 2).rows == 3  # the guide's figure 2.6
    for length in range(3, 13):
        forward = Corr(kernel("q", 3), length, (1, 1), 2)
        extra = (length + 2 - 3) % 2
        assert ConvTranspose(kernel("q", 3), forward.rows, (1, 1), 2, 1, extra).rows == length
    print("k = 3, s = 2, p = 1: i = 5 gives 3; a = (i + 2p − k) mod s gives every i back.")


if __name__ == "__main__":
    main()
