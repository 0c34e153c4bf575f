"""A dilated convolution is a convolution with a dilated kernel.

Corr(q; dilation d) = Corr(↑_d q): spreading the taps d apart is the same as
inserting d − 1 zeros between them. The receptive field is d(m − 1) + 1.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "dilated-conv"


def build() -> Derivation:
    """The checked derivation of ``dilated-conv`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
