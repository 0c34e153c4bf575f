"""A transposed convolution is literally a transpose: q∗(↑ₖx) = (↓ₖ(q∗)ᵀ)ᵀx.

Zero insertion followed by convolution (the "deconvolution" of the
Data Science Stack Exchange question "What are deconvolutional layers?") is
the transpose of convolving with the transposed kernel matrix and decimating.
The chain is the one an answer there gives: replace ↑ₖ by ↓ₖᵀ, write q∗ as ((q∗)ᵀ)ᵀ, and
collect the transposes of the product. That answer prints ↑ₖ inside the
parentheses; that variant does not even have matching shapes, and
``symconv prove transposed-conv-as-transpose --misprint`` refutes it with the
smallest counterexample.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "transposed-conv-as-transpose"


def build() -> Derivation:
    """The checked derivation of ``transposed-conv-as-transpose`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
