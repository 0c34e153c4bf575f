"""The backward pass of a convolution is the transposed convolution.

∇ₓ⟨g, Cx⟩ = Cᵀg: the derivation differentiates the scalar ⟨g, Cx⟩ with
SymPy, one xⱼ at a time, and finds the transposed convolution — the
vector-Jacobian product that autograd computes. It is not assumed.

The script does the same in plain code for a stride-2 correlation C of a 3-tap
kernel: it writes out ⟨g, Cx⟩ for every input length n from 3 to 8, takes its
partial derivatives with ``sympy.diff`` and compares the gradient with the
transposed conv applied to g (stride 2, and the output padding a = (n − 3) mod 2
that picks the input length back). ``symconv.prove`` then shows Cᵀ equal to that
transposed conv for every n >= 3, written n = 2t + 3 and n = 2t + 4 for t >= 0.
The catalogue entry derives it for every n, m, s, d and padding with SymPy's
matrix calculus, and the script asserts its verdict.

Sources: Data Science Stack Exchange, "What are deconvolutional layers?" (the
backward pass); PyTorch autograd of conv1d.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import Transpose

from symconv import ConvTranspose, Corr, catalogue, explicit, kernel, prove, signal
from symconv.derivation import Derivation, Verdict
from symconv.printing.text import format_derivation

NAME = "transposed-conv-is-gradient"

t = sp.Symbol("t", integer=True, nonnegative=True)
q = kernel("q", 3)


def gradient(conv: Corr) -> sp.Matrix:
    """∇ₓ⟨g, Cx⟩ by SymPy: ∂/∂xⱼ of the expanded scalar, for every j."""
    g, x = signal("g", conv.rows), signal("x", conv.cols)
    inner = (g.T * explicit(conv) * x)[0, 0]
    return sp.Matrix([sp.diff(inner, xj) for xj in x])


def build() -> Derivation:
    """The catalogue's checked derivation of ``transposed-conv-is-gradient`` (defaults)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    for n in range(3, 9):
        conv = Corr(q, n, 0, 2)
        a = (n - 3) % 2  # the output padding that gives back length n
        backward = ConvTranspose(q, conv.rows, 0, 2, 1, a)
        assert gradient(conv) == explicit(backward) * signal("g", conv.rows)
    print("∂⟨g, Cx⟩/∂x = ConvTranspose(q; stride 2) g for C = Corr(q; stride 2), n = 3, …, 8.")

    print("In plain code: Corr(q; stride 2)ᵀ = ConvTranspose(q; stride 2, a), every n:")
    for n, a in ((2 * t + 3, 0), (2 * t + 4, 1)):
        proof = prove(Transpose(Corr(q, n, 0, 2)), ConvTranspose(q, t + 1, 0, 2, 1, a))
        print(proof, end="\n\n")
        assert proof.verdict is Verdict.PROVEN, proof


if __name__ == "__main__":
    main()
