"""A conv followed by pixel shuffle is a transposed convolution (the sub-pixel layer).

Shi et al. (2016), "Is the deconvolution layer the same as a convolutional layer?": a
convolution with r·c output channels followed by pixel shuffle by r equals a transposed
convolution with stride r whose kernel interleaves the r output phases:
K[i, o, (m − 1 − t)·r + v] = w[o·r + v, i, t], with padding ((m − 1 − lo)·r, (m − 1 − hi)·r).
Shown for all n at the given kernel length, factor, padding and channels (row forms with
n symbolic); exact with symbolic weights on the grid, and against the numeric oracle.

Source: Shi et al. (2016), "Is the deconvolution layer the same as a convolutional layer?";
Shi et al. (2016), "Real-time single image and video super-resolution using an efficient
sub-pixel convolutional neural network".
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation, Verdict
from symconv.printing.text import format_derivation

NAME = "pixel-shuffle-conv"


def build() -> Derivation:
    """The checked derivation of ``pixel-shuffle-conv`` (default parameters)."""
    derivation = catalogue.get(NAME).derivation()
    assert derivation.verdict is Verdict.VERIFIED, derivation.verdict
    return derivation


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
