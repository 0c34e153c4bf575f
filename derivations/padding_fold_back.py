"""The transpose of reflect, symmetric, replicate and circular padding folds back.

PyTorch's ``F.pad`` and TensorFlow's ``tf.pad`` copy border samples into the padding;
their backward passes (PyTorch's ``reflection_pad1d_backward`` and friends, TensorFlow's
``MirrorPadGrad``) add each padded sample's gradient back onto the sample it was copied
from. Written with symconv's operators, the transpose of the padding is the crop of the
middle plus each border put back inside: flipped and shifted by one (reflect, the edge
sample is the mirror), flipped (symmetric, the edge sample repeated), summed onto the
edge sample (replicate), or shifted by n (circular). Below, reflect padding of ℝ⁴ by
(2, 1), built both ways in plain code; the catalogue checks every n and every pad within
one period.

Source: PyTorch F.pad and TensorFlow tf.pad (their gradients: reflection_pad1d_backward,
MirrorPadGrad); the reflect/replicate/circular modes of PyTorch's Conv layers.
"""

from __future__ import annotations

from sympy.matrices.expressions import MatAdd, MatMul, Transpose

from symconv import BorderPad, Crop, Flip, Pad, catalogue, explicit
from symconv.derivation import Derivation, Verdict
from symconv.printing.text import format_derivation

NAME = "padding-fold-back"

n, lo, hi = 4, 2, 1
size = n + lo + hi
gradient_of_padding = Transpose(BorderPad(n, lo, hi, "reflect"))
folded_back = MatAdd(
    Crop(size, lo, hi),  # the middle, as it is
    MatMul(Pad(lo, 1, n - 1 - lo), Flip(lo), Crop(size, 0, n + hi)),  # the left border
    MatMul(Pad(hi, n - 1 - hi, 1), Flip(hi), Crop(size, lo + n, 0)),  # the right border
)


def build() -> Derivation:
    """The checked derivation of ``padding-fold-back`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    derivation = build()
    assert derivation.verdict is Verdict.PROVEN, derivation.tiers
    print(format_derivation(derivation, catalogue.get(NAME).source))
    matrix = explicit(gradient_of_padding)
    assert matrix == explicit(folded_back)
    print(f"In plain code: the transpose of reflect padding of ℝ^{n} by ({lo}, {hi}), row by")
    print("row (the crop of the middle plus each border flipped back inside, as built above):")
    for row in matrix.tolist():
        print("  ", row)
