"""↑ₖ is the transpose of ↓ₖ — with the length written down.

Down-sampling ↓ₖ on ℝᴺ keeps samples 0, k, 2k, …; up-sampling ↑ₖ puts the
samples of a shorter signal back at those places and zeros between them. The
two are mutually transposed, (↓ₖ on ℝᴺ)ᵀ = ↑ₖ to length N, but only once the
length N of ↑ₖ is fixed: the Stack Exchange answer's ↑₂ on ℝ² is 4×2 (N = k·n), SciPy's
``upfirdn`` and PyTorch without padding use N = k(n − 1) + 1. Every N from
k(n − 1) + 1 to k·n is the transpose of ↓ₖ on ℝᴺ. This is the first step of
the chain in the Stack Exchange answer q∗(↑ₖx) = q∗(↓ₖᵀx) = (↓ₖ(q∗)ᵀ)ᵀx.

The script builds both sides with symbolic N and k, proves them equal with
``symconv.prove`` (a rewrite by the rule ↓ₖᵀ = ↑ₖ and a row-by-row symbolic
argument, both for every N and k), checks the answer's 2×4 matrix exactly, and
asserts the catalogue's verdict.

Source: Data Science Stack Exchange, "What are deconvolutional layers?" (↑ₖ = ↓ₖᵀ).
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import Transpose

from symconv import Downsample, Upsample, catalogue, explicit, prove
from symconv.derivation import Derivation, Verdict
from symconv.printing.text import format_derivation

NAME = "up-down-transpose"

N, k = sp.symbols("N k", integer=True, positive=True)


def sides(N: object, k: object) -> tuple:
    """(↓ₖ on ℝᴺ)ᵀ and ↑ₖ from ℝ^⌈N/k⌉ to length N."""
    return Transpose(Downsample(N, k)), Upsample(sp.ceiling(N / k), k, N)


def build() -> Derivation:
    """The catalogue's checked derivation of ``up-down-transpose`` (default parameters)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    print("In plain code: (↓ₖ on ℝᴺ)ᵀ = ↑ₖ to length N, for every N and k.")
    proof = prove(*sides(N, k))
    print(proof)
    assert proof.verdict is Verdict.PROVEN, proof

    # The answer's example: ↓₂ on ℝ⁴ keeps samples 0 and 2; its transpose is ↑₂ to length 4.
    down = explicit(Downsample(4, 2))
    assert down == sp.Matrix([[1, 0, 0, 0], [0, 0, 1, 0]])
    assert explicit(Upsample(2, 2, 4)) == down.T
    print(f"\n↓₂ on ℝ⁴ = {down.tolist()}, and ↑₂ to length 4 is its transpose.")


if __name__ == "__main__":
    main()
