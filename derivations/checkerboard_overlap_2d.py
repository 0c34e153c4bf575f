"""Checkerboard artifacts in 2-D: the overlap counts are an outer product.

How many kernel taps of a 2-D transposed conv reach each output pixel is the
transposed conv with an all-ones kernel applied to an all-ones image; it is the
outer product of the 1-D counts of the two axes. For a 3×3 kernel at stride 2
the interior alternates 1, 2, 4 (the checkerboard of Odena et al.); it is uniform
in the interior exactly when the stride divides the kernel size on each axis.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "checkerboard-overlap-2d"


def build() -> Derivation:
    """The checked derivation of ``checkerboard-overlap-2d`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
