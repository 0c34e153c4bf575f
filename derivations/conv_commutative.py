"""Convolution is commutative, in every NumPy mode: q∗x = x∗q.

The reindexing t = i − j maps one sum onto the other; NumPy's swap of the
inputs when the signal is shorter than the kernel makes 'valid' and 'same'
symmetric as well.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "conv-commutative"


def build() -> Derivation:
    """The checked derivation of ``conv-commutative`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
