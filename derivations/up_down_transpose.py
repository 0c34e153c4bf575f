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

from symconv import Downsample, Upsample, explicit

#: (N, k) pairs checked exactly; every N from 1 to 12 with every k up to 4.
SIZES = [(N, k) for k in range(1, 5) for N in range(1, 13)]


def build() -> list[tuple[int, int, bool]]:
    """Check (↓ₖ on ℝᴺ)ᵀ = ↑ₖ to length N exactly; return (N, k, holds) per size."""
    results = []
    for N, k in SIZES:
        down = Downsample(N, k)
        up = Upsample(down.rows, k, length=N)
        results.append((N, k, explicit(up) == explicit(down).T and up == down.T))
    return results


if __name__ == "__main__":
    checked = build()
    failed = [(N, k) for N, k, holds in checked if not holds]
    print(f"(↓ₖ on ℝᴺ)ᵀ = ↑ₖ to length N: checked exactly at {len(checked)} sizes (N ≤ 12, k ≤ 4)")
    print("holds at every size" if not failed else f"FAILS at {failed}")
