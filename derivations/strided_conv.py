"""A strided convolution is the stride-1 convolution, decimated.

Corr(q; stride s) = ↓ₛ · Corr(q; stride 1): moving the kernel in hops of s is
computing every position and keeping every s-th output. This is how symconv
factors every strided layer, and why the transpose of a strided conv inserts
zeros (↓ₛᵀ = ↑ₛ).
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "strided-conv"


def build() -> Derivation:
    """The checked derivation of ``strided-conv`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
