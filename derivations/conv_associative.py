"""Convolution is associative: q∗(r∗x) = (q∗r)∗x in full mode.

Two stacked linear convolutions are one convolution with the combined kernel
q∗r — which is why stacking layers without non-linearities adds no power.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "conv-associative"


def build() -> Derivation:
    """The checked derivation of ``conv-associative`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
