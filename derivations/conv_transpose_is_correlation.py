"""The transpose of a convolution is a correlation: "transpose the filter".

(q∗)ᵀ is correlation with q, i.e. convolution with the flipped kernel — the
matched filter. The modes swap: the transpose of a full convolution is a valid
one and vice versa, and 'same' stays 'same' for odd kernel lengths (for even m
the centre shifts by one, so it does not). This is why backpropagating through
a convolution uses the flipped kernel.

The script proves the three mode pairs for a 3-tap kernel with ``symconv.prove``,
the signal length symbolic (n ≥ m written as n = n₀ + 3 for 'valid' and 'same'),
shows that the 'same' pairing fails for an even kernel, and asserts the
catalogue's verdict (every kernel length, every mode where it holds).

Sources: lecture slides "Convolution, De-convolution, Transposed convolution,
Fractional-stride convolution" ("transpose filter"); Data Science Stack
Exchange, "What are deconvolutional layers?".
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import Transpose

from symconv import Conv, catalogue, kernel, prove
from symconv.derivation import Derivation, Verdict
from symconv.kernels import flip
from symconv.printing.text import format_derivation

NAME = "conv-transpose-is-correlation"

n = sp.Symbol("n", integer=True, positive=True)
n0 = sp.Symbol("n0", integer=True, nonnegative=True)
q = kernel("q", 3)

#: The mode of the transpose, for each mode of the convolution.
PARTNER = {"full": "valid", "valid": "full", "same": "same"}


def sides(q: tuple, n: object, mode: str) -> tuple:
    """(q∗)ᵀ on ℝⁿ in ``mode``, and flip(q)∗ in the partner mode on the output length."""
    conv = Conv(q, n, mode)
    return Transpose(conv), Conv(flip(q), conv.rows, PARTNER[mode])


def build() -> Derivation:
    """The catalogue's checked derivation of ``conv-transpose-is-correlation`` (defaults)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    for mode, size in (("full", n), ("valid", n0 + 3), ("same", n0 + 3)):
        print(f"In plain code: (q∗ {mode})ᵀ = flip(q)∗ {PARTNER[mode]}, q = (q₀, q₁, q₂):")
        proof = prove(*sides(q, size, mode))
        print(proof, end="\n\n")
        assert proof.verdict is Verdict.PROVEN, proof

    print("For an even kernel the 'same' pairing is off by one:")
    wrong = prove(*sides(kernel("q", 2), n0 + 2, "same"))
    print(wrong)
    assert wrong.verdict is Verdict.REFUTED, wrong


if __name__ == "__main__":
    main()
