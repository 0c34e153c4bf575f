"""↓ₖ↑ₖ = I: decimation undoes zero insertion.

Up-sampling then down-sampling returns the signal, for every length of ↑ₖ:
↑ₖ puts sample j at position k·j, and ↓ₖ reads exactly the positions k·i back.
The converse fails (see ``up-down-projector``), which is why a transposed
convolution is not an inverse of a convolution.

The script proves ↓ₖ↑ₖ = I with symbolic n and k for the two lengths of ↑ₖ in
common use, k·n and k(n − 1) + 1, with ``symconv.prove``; the catalogue entry
proves it for every length N between them at once (N a parameter bounded by
k(n − 1) + 1 ≤ N ≤ k·n), and the script asserts that verdict too.

Source: Data Science Stack Exchange, "What are deconvolutional layers?";
deconvolution is not an inverse.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import Identity, MatMul

from symconv import Downsample, Upsample, catalogue, explicit, prove
from symconv.derivation import Derivation, Verdict
from symconv.printing.text import format_derivation

NAME = "down-up-identity"

n, k = sp.symbols("n k", integer=True, positive=True)


def down_up(n: object, k: object, length: object) -> MatMul:
    """↓ₖ on ℝᴺ after ↑ₖ from ℝⁿ to length N."""
    return MatMul(Downsample(length, k), Upsample(n, k, length))


def build() -> Derivation:
    """The catalogue's checked derivation of ``down-up-identity`` (default parameters)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    for length, where in ((k * n, "N = k·n"), (k * (n - 1) + 1, "N = k(n − 1) + 1")):
        print(f"In plain code: ↓ₖ↑ₖ = I on ℝⁿ with ↑ₖ to length {where}, for every n and k.")
        proof = prove(down_up(n, k, length), Identity(n))
        print(proof, end="\n\n")
        assert proof.verdict is Verdict.PROVEN, proof

    assert explicit(down_up(3, 2, 5)) == sp.eye(3)  # one instance, exactly
    print("↓₂↑₂ on ℝ³ (↑₂ to length 5) is the 3×3 identity, exactly.")


if __name__ == "__main__":
    main()
