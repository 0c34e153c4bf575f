"""A transposed convolution is literally a transpose: q∗(↑ₖx) = (↓ₖ(q∗)ᵀ)ᵀx.

Zero insertion followed by convolution (the "deconvolution" of the
Data Science Stack Exchange question "What are deconvolutional layers?") is
the transpose of convolving with the transposed kernel matrix and decimating.
The chain is the one an answer there gives: replace ↑ₖ by ↓ₖᵀ, write q∗ as ((q∗)ᵀ)ᵀ, and
collect the transposes of the product. That answer prints ↑ₖ inside the
parentheses; that variant does not even have matching shapes, and
``symconv prove transposed-conv-as-transpose --misprint`` refutes it with the
smallest counterexample.

The script builds both sides for a 3-tap kernel with symbolic n and k and proves
them equal with ``symconv.prove`` (the rewrite tier replays the answer's three
steps); the catalogue entry proves it for every kernel length and mode. Then it
builds the misprinted right side and asserts that ``symconv.prove`` refutes it,
with the same counterexample as the catalogue's search.

Source: Data Science Stack Exchange, "What are deconvolutional layers?"
(q∗(↑ₖx) = q∗(↓ₖᵀx) = (↓ₖ(q∗)ᵀ)ᵀx).
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatMul, Transpose

from symconv import Conv, Downsample, Upsample, catalogue, kernel, prove
from symconv.catalogue.transposed import misprint
from symconv.derivation import Derivation, Verdict
from symconv.printing.text import format_derivation

NAME = "transposed-conv-as-transpose"

n, k = sp.symbols("n k", integer=True, positive=True)
q = kernel("q", 3)


def zero_insert_then_convolve(n: object, k: object) -> MatMul:
    """q∗(↑ₖx): ↑ₖ from ℝⁿ to ℝᵏⁿ, then the 'same' convolution on ℝᵏⁿ."""
    return MatMul(Conv(q, k * n, "same"), Upsample(n, k))


def transpose_form(n: object, k: object) -> Transpose:
    """(↓ₖ(q∗)ᵀ)ᵀ: the transposed convolution matrix, decimated, transposed back."""
    conv = Conv(q, k * n, "same")
    return Transpose(MatMul(Downsample(k * n, k), Transpose(conv)))


def misprinted_form(n: object, k: object) -> Transpose:
    """(↑ₖ(q∗)ᵀ)ᵀ: the answer's misprint, ↑ₖ where ↓ₖ belongs."""
    conv = Conv(q, k * n, "same")
    return Transpose(MatMul(Upsample(k * n, k), Transpose(conv)))


def build() -> Derivation:
    """The catalogue's checked derivation of ``transposed-conv-as-transpose`` (defaults)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    print("In plain code: q∗(↑ₖx) = (↓ₖ(q∗)ᵀ)ᵀx for q = (q₀, q₁, q₂), every n and k.")
    proof = prove(zero_insert_then_convolve(n, k), transpose_form(n, k))
    print(proof, end="\n\n")
    assert proof.verdict is Verdict.PROVEN, proof

    print("The misprint q∗(↑ₖx) = (↑ₖ(q∗)ᵀ)ᵀx:")
    wrong = prove(zero_insert_then_convolve(n, k), misprinted_form(n, k))
    print(wrong)
    assert wrong.verdict is Verdict.REFUTED, wrong
    # The catalogue's own search finds the same smallest counterexample: n = 1, k = 2,
    # where the left side is 3×1 and the right side 3×4.
    counterexample = misprint()[1]
    for found in (wrong.counterexample, counterexample):
        shapes = (found.difference.left_shape, found.difference.right_shape)
        assert dict(found.sizes) == {"n": 1, "k": 2} and shapes == ((3, 1), (3, 4)), found


if __name__ == "__main__":
    main()
