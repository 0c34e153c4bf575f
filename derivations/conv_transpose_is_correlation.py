"""The transpose of a convolution is a correlation: "transpose the filter".

(q∗)ᵀ is correlation with q, i.e. convolution with the flipped kernel — the
matched filter. The modes swap: the transpose of a full convolution is a valid
one and vice versa, and 'same' stays 'same' for odd kernel lengths (for even m
the centre shifts by one, so it does not). This is why backpropagating through
a convolution uses the flipped kernel.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "conv-transpose-is-correlation"


def build() -> Derivation:
    """The checked derivation of ``conv-transpose-is-correlation`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
