"""Nearest-neighbour up-sampling then a conv is one transposed conv.

Resizing an image by repeating every pixel k₁×k₂ times and then convolving with q
is the same linear map as a single stride-(k₁, k₂) transposed convolution whose
kernel is q convolved with the k₁×k₂ box — the "resize-convolution" that Odena et
al. recommend against checkerboard artifacts, written as the layer it is.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "nearest-upsample-conv-2d"


def build() -> Derivation:
    """The checked derivation of ``nearest-upsample-conv-2d`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
