"""A strided transposed convolution is a pixel shuffle of s stride-1 convolutions.

Output z_{v+sw} of a stride-s transposed convolution only sees the taps
t ≡ v (mod s), so the layer is the interleaving of s ordinary convolutions
with the polyphase kernels q[v::s] — the "sub-pixel convolution" of Shi et
al., the same linear map as the transposed and the fractionally strided conv.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "subpixel-conv"


def build() -> Derivation:
    """The checked derivation of ``subpixel-conv`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
