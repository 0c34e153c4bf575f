"""Dumoulin & Visin's convolution arithmetic, relationships 1–15, proven.

The output size of every convolution, pooling, transposed and dilated
convolution in the guide, each under its stated conditions, checked against
symconv's size arithmetic symbolically (with a case analysis on the residue
where the floor lives) and against the operators' actual shapes.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "conv-arithmetic"


def build() -> Derivation:
    """The checked derivation of ``conv-arithmetic`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
