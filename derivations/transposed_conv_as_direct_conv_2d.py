"""A 2-D transposed conv is a stride-1 conv over a stretched, bordered image.

PyTorch's ``conv_transpose2d(y, w, stride=(s1, s2), padding=(p1, p2),
output_padding=(a1, a2), dilation=(d1, d2), groups=g)`` equals, on each axis
separately: insert s − 1 zeros between the samples of y, pad by d(m − 1) − lo at
the start and d(m − 1) − hi + a at the end (a negative amount crops), and then
correlate at stride 1 with the kernel flipped on both axes and dilated, with the
two channel axes of the weight swapped within each group. This is the
"fractionally strided convolution" drawn in the deconvolutions README: its
example 2 (a 2×2 input padded to 6×6, 3×3 conv to 4×4) is stride 1, example 3
(2×2 padded between and around to 7×7, conv to 5×5, "stride ½") is stride 2.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "transposed-conv-as-direct-conv-2d"


def build() -> Derivation:
    """The checked derivation of ``transposed-conv-as-direct-conv-2d`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
