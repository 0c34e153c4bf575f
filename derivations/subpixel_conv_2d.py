"""A strided 2-D transposed conv is a pixel shuffle of stride-1 convolutions.

Output pixel (u + s₁w₁, v + s₂w₂) of a stride-(s₁, s₂) transposed convolution only
sees the kernel taps congruent to (u, v) modulo the stride, so the layer is the
interleaving of s₁·s₂ ordinary full convolutions with the polyphase kernels
q[u::s₁, v::s₂] — the "sub-pixel convolution" (pixel shuffle) of Shi et al., the
same linear map as the transposed and the fractionally strided conv.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "subpixel-conv-2d"


def build() -> Derivation:
    """The checked derivation of ``subpixel-conv-2d`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
