"""↑ₖ is the transpose of ↓ₖ — with the length written down.

Down-sampling ↓ₖ on ℝᴺ keeps samples 0, k, 2k, …; up-sampling ↑ₖ puts the
samples of a shorter signal back at those places and zeros between them. The
two are mutually transposed, (↓ₖ on ℝᴺ)ᵀ = ↑ₖ to length N, but only once the
length N of ↑ₖ is fixed: the seeds' ↑₂ on ℝ² is 4×2 (N = k·n), SciPy's
``upfirdn`` and PyTorch without padding use N = k(n − 1) + 1. Every N from
k(n − 1) + 1 to k·n is the transpose of ↓ₖ on ℝᴺ, because all of them
decimate back to n = ⌈N/k⌉ samples.

This is the first step of the seed Q&A's chain q∗(↑ₖx) = q∗(↓ₖᵀx).
"""

from __future__ import annotations

import numpy as np
from sympy.matrices.expressions import Transpose

from symconv import Downsample, Upsample, explicit, lambdify
from symconv.derivation import Derivation, Rule, Step, Tier, TierResult

#: (N, k) pairs checked exactly; every N from 1 to 12 with every k up to 4.
SIZES = [(N, k) for k in range(1, 5) for N in range(1, 13)]

DOWN_TRANSPOSE = Rule(
    "down-transpose",
    "(↓ₖ on ℝᴺ)ᵀ = ↑ₖ from ℝ^⌈N/k⌉ to length N (closed-form transpose)",
    r"\downarrow_k^{\mathsf{T}} = \uparrow_k",
)


def _zero_insert(y: np.ndarray, k: int, N: int) -> np.ndarray:
    """The NumPy oracle: put y at 0, k, 2k, … of a length-N zero vector."""
    z = np.zeros((*y.shape[:-1], N))
    z[..., ::k] = y
    return z


def build(N: int = 4, k: int = 2) -> Derivation:
    """The derivation at (N, k) (the seed's ↑₂ on ℝ²), checked at every size in ``SIZES``."""
    down = Downsample(N, k)
    steps = (Step(Transpose(down)), Step(Upsample(down.rows, k, length=N), DOWN_TRANSPOSE))
    exact = [
        (n, f) for n, f in SIZES if explicit(Downsample(n, f).T) != explicit(Downsample(n, f)).T
    ]
    rng = np.random.default_rng(0)
    numeric = []
    for n, f in SIZES:
        up = Downsample(n, f).T
        y = rng.standard_normal((3, up.cols))
        if not np.array_equal(lambdify(up)(y), _zero_insert(y, f, n)):
            numeric.append((n, f))
    tiers = (
        TierResult(
            Tier.EXHAUSTIVE,
            not exact,
            f"explicit (↓ₖ on ℝᴺ)ᵀ equals the explicit ↑ₖ to length N for all {len(SIZES)} "
            f"sizes N ≤ 12, k ≤ 4" + (f"; differs at {exact}" if exact else ""),
        ),
        TierResult(
            Tier.NUMERIC,
            not numeric,
            "the matrix-free ↑ₖ equals NumPy zero insertion z[::k] = y on random batches at "
            "every size" + (f"; differs at {numeric}" if numeric else ""),
        ),
    )
    return Derivation("up-down-transpose", "(↓ₖ on ℝᴺ)ᵀ = ↑ₖ to length N", steps, tiers)


if __name__ == "__main__":
    derivation = build()
    for result in derivation.tiers:
        print(f"{result.tier.value}: {'passed' if result.passed else 'FAILED'} — {result.detail}")
    raise SystemExit(0 if all(t.passed for t in derivation.tiers) else 1)
