"""The backward pass of a convolution is the transposed convolution.

∇ₓ⟨g, Cx⟩ = Cᵀg: the derivation differentiates the scalar ⟨g, Cx⟩ with
SymPy, one xⱼ at a time, and finds the transposed convolution — the
vector-Jacobian product that autograd computes. It is not assumed.
"""

from __future__ import annotations

from symconv import catalogue
from symconv.derivation import Derivation
from symconv.printing.text import format_derivation

NAME = "transposed-conv-is-gradient"


def build() -> Derivation:
    """The checked derivation of ``transposed-conv-is-gradient`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
