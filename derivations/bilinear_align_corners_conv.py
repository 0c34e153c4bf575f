"""With align_corners=True and output length k(n − 1) + 1, linear interpolation is a
transposed convolution everywhere.

The coordinate src = i/k never leaves [0, n − 1], so no tap is clamped: row k·j + r
reads x_j and x_{j+1} with weights 1 − r/k and r/k, the taps of the triangle of length
2k − 1 scattered with stride k and cropped by k − 1 at both ends. At the output length
kn that ``scale_factor=k`` gives, the scale (n − 1)/(kn − 1) is not 1/k and the weights
drift from row to row: no transposed convolution.

Source: torch.nn.functional.interpolate(align_corners=True); Dumoulin & Visin (2016).
"""

from __future__ import annotations

import sympy as sp

from symconv import catalogue, explicit
from symconv.cli.prove import format_derivation
from symconv.derivation import Derivation, Verdict
from symconv.frameworks.torch_resample import interpolate

NAME = "bilinear-align-corners-conv"


def build() -> Derivation:
    """The checked derivation of ``bilinear-align-corners-conv`` (default parameters)."""
    n, k = 4, 2
    drifting = explicit(interpolate(n, scale_factor=k, mode="linear", align_corners=True))
    # scale 3/7: row 1 reads x₀, x₁ with 4/7, 3/7 and row 3 reads x₁, x₂ with 5/7, 2/7.
    assert drifting[1, :2].tolist() == [[sp.Rational(4, 7), sp.Rational(3, 7)]]
    assert drifting[3, 1:3].tolist() == [[sp.Rational(5, 7), sp.Rational(2, 7)]]
    derivation = catalogue.get(NAME).derivation(n=n, k=k)
    assert derivation.verdict is Verdict.VERIFIED
    return derivation


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
