"""A framework transposed conv is a plain stride-1 conv over a stretched, bordered input.

PyTorch's ``conv_transpose1d(y, w, stride=s, padding=p, output_padding=a,
dilation=d)`` equals: insert s − 1 zeros between the samples of y, pad by
d(m − 1) − lo at the start and d(m − 1) − hi + a at the end (a negative amount
crops), and correlate with flip(↑_d w) at stride 1. This is the "fractionally
strided convolution" of examples 2 and 3 of the daved01/deconvolutions
README and of Dumoulin & Visin's
relationships 8–14; the derivation reaches it from the definition
(ConvTranspose = Corrᵀ) by named rules only.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "transposed-conv-as-direct-conv"


def build() -> Derivation:
    """The checked derivation of ``transposed-conv-as-direct-conv`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
