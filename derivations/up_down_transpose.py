"""↑ₖ is the transpose of ↓ₖ — with the length written down.

Down-sampling ↓ₖ on ℝᴺ keeps samples 0, k, 2k, …; up-sampling ↑ₖ puts the
samples of a shorter signal back at those places and zeros between them. The
two are mutually transposed, (↓ₖ on ℝᴺ)ᵀ = ↑ₖ to length N, but only once the
length N of ↑ₖ is fixed: the Stack Exchange answer's ↑₂ on ℝ² is 4×2 (N = k·n), SciPy's
``upfirdn`` and PyTorch without padding use N = k(n − 1) + 1. Every N from
k(n − 1) + 1 to k·n is the transpose of ↓ₖ on ℝᴺ. This is the first step of
the chain in the Stack Exchange answer q∗(↑ₖx) = q∗(↓ₖᵀx) = (↓ₖ(q∗)ᵀ)ᵀx.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "up-down-transpose"


def build() -> Derivation:
    """The checked derivation of ``up-down-transpose`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
