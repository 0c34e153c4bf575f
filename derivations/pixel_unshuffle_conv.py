"""Pixel unshuffle followed by a conv is a strided convolution.

The inverse of the sub-pixel layer (Shi et al. 2016): unshuffling by r and convolving with
a weight of c_in·r input channels equals a convolution with stride r on the full-resolution
input, with the kernel K[o, i, t·r + v] = w[o, i·r + v, t] and padding (lo·r, hi·r).
Shown for all n at the given kernel length, factor, padding and channels (row forms with
n symbolic); exact with symbolic weights on the grid, and against the numeric oracle.

Source: Shi et al. (2016), "Is the deconvolution layer the same as a convolutional layer?"
(the inverse of the sub-pixel layer).
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation, Verdict
from symconv.printing.text import format_derivation

NAME = "pixel-unshuffle-conv"


def build() -> Derivation:
    """The checked derivation of ``pixel-unshuffle-conv`` (default parameters)."""
    derivation = catalogue.get(NAME).derivation()
    assert derivation.verdict is Verdict.VERIFIED, derivation.verdict
    return derivation


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
