"""Nearest-neighbour up-sampling then convolution is one transposed convolution.

Repeating each sample k times is 1ₖ ∗ (↑ₖx); composing with q∗ gives the
transposed convolution with kernel q∗1ₖ, e.g. (q₀, q₀+q₁, q₁+q₂, q₂) for k = 2,
m = 3. This is why "resize-convolution" avoids checkerboard artifacts: the
effective kernel has uniform overlap.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "nearest-upsample-conv"


def build() -> Derivation:
    """The checked derivation of ``nearest-upsample-conv`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
