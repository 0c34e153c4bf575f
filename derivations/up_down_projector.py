"""↑ₖ↓ₖ is a projector, not the identity.

Down-sampling then up-sampling zeroes every sample whose index is not a
multiple of k: ↑₂↓₂ = diag(1, 0, 1, 0, …). SymPy's own Kronecker-delta sums
get this wrong (they drop the divisibility and return the identity); symconv's
symbolic tier keeps the divisibility explicit.

The script first lets ``symconv.prove`` refute the tempting ↑ₖ↓ₖ = I (with
symbolic n and k, it finds the smallest counterexample), shows SymPy's delta
sum making exactly that mistake, checks ↑₂↓₂ on ℝ⁶ against the 0/1 diagonal,
and asserts the catalogue's verdict: ↑ₖ↓ₖ = diag([k | i]) for every N, k and
every length of ↑ₖ.

Source: Data Science Stack Exchange, "What are deconvolutional layers?"
(↑₂↓₂ = diag(1,0,1,0,…)).
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import Identity, MatMul

from symconv import Downsample, Upsample, catalogue, explicit, prove
from symconv.derivation import Derivation, Verdict
from symconv.printing.text import format_derivation

NAME = "up-down-projector"

n, k = sp.symbols("n k", integer=True, positive=True)


def up_down(n: object, k: object) -> MatMul:
    """↑ₖ (to length k·n) after ↓ₖ on ℝᵏⁿ."""
    return MatMul(Upsample(n, k), Downsample(k * n, k))


def build() -> Derivation:
    """The catalogue's checked derivation of ``up-down-projector`` (default parameters)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    print("In plain code, the tempting claim ↑ₖ↓ₖ = I on ℝᵏⁿ is false:")
    wrong = prove(up_down(n, k), Identity(k * n))
    print(wrong, end="\n\n")
    assert wrong.verdict is Verdict.REFUTED, wrong
    assert dict(wrong.counterexample.sizes) == {"k": 2, "n": 1}

    # SymPy's trap: the entry (i, j) of ↑ₖ↓ₖ summed over Kronecker deltas loses "k | i".
    i, j, t = sp.symbols("i j t", integer=True, nonnegative=True)
    delta_sum = sp.Sum(sp.KroneckerDelta(i, k * t) * sp.KroneckerDelta(j, k * t), (t, 0, n - 1))
    print(f"SymPy sums the entry (i, j) of ↑ₖ↓ₖ to {delta_sum.doit()} (k | i is lost):")
    at_1_1 = delta_sum.doit().subs({i: 1, j: 1, k: 2, n: 3})
    assert at_1_1 == 1 and explicit(up_down(3, 2))[1, 1] == 0
    print(f"it gives {at_1_1} at i = j = 1, k = 2, where the exact entry is 0.")

    projector = explicit(up_down(3, 2))
    assert projector == sp.diag(1, 0, 1, 0, 1, 0)
    print(f"The exact ↑₂↓₂ on ℝ⁶ is diag{tuple(projector.diagonal())}: a projector.")


if __name__ == "__main__":
    main()
