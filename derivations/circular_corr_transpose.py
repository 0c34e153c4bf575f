"""The transpose of circular correlation is circular convolution.

A convolution layer with ``padding_mode='circular'`` (PyTorch's Conv1d/2d/3d) and
padding lo + hi = m − 1 correlates the periodic extension of its input: its matrix is a
circulant. The transpose of a circulant is the circulant of the reversed kernel
(Gray, "Toeplitz and Circulant Matrices: A Review"), so the backward pass of circular
correlation with q is circular *convolution* with q, the padding swapped to (hi, lo).
PyTorch's ConvTranspose refuses non-zero padding modes (pytorch#46027); this is the map
it would have to compute. Below, n = 5, m = 3, lo = 0, in plain code; the catalogue's
argument covers every n, m and split.

Source: PyTorch Conv1d/2d/3d(padding_mode='circular'); circulant matrices (Gray, Toeplitz
and Circulant Matrices: A Review, 2006).
"""

from __future__ import annotations

from sympy.matrices.expressions import Transpose

from symconv import BorderPad, Conv, Corr, catalogue, explicit, kernel
from symconv.derivation import Derivation, Verdict
from symconv.printing.text import format_derivation

NAME = "circular-corr-transpose"

n, q, lo = 5, kernel("q", 3), 0
hi = len(q) - 1 - lo
circular_correlation = Corr(q, n + len(q) - 1) @ BorderPad(n, lo, hi, "circular")
circular_convolution = Conv(q, n + len(q) - 1, "valid") @ BorderPad(n, hi, lo, "circular")


def build() -> Derivation:
    """The checked derivation of ``circular-corr-transpose`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    derivation = build()
    assert derivation.verdict is Verdict.PROVEN, derivation.tiers
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert explicit(Transpose(circular_correlation)) == explicit(circular_convolution)
    circulant = explicit(circular_correlation)
    print(f"In plain code: circular correlation with q on ℝ^{n} (padding ({lo}, {hi})) is")
    print(f"  {circulant.tolist()},")
    print(f"and its transpose is circular convolution with q, padding ({hi}, {lo}).")
