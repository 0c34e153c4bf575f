"""Pixel unshuffle followed by a conv is a strided convolution.

The inverse of the sub-pixel layer (Shi et al. 2016): unshuffling by r and convolving with
a weight of c_in·r input channels equals a convolution with stride r on the full-resolution
input, with the kernel K[o, i, t·r + v] = w[o, i·r + v, t] and padding (lo·r, hi·r).
Shown for all n at the given kernel length, factor, padding and channels (row forms with
n symbolic); exact with symbolic weights on the grid, and against the numeric oracle.
Below, n = 3, m = 2, r = 2 in plain code: the kernel interleaved by hand, and ``prove``
finds the two sides equal at these sizes (verified: exact and numeric at one instance).

Source: Shi et al. (2016), "Is the deconvolution layer the same as a convolutional layer?"
(the inverse of the sub-pixel layer).
"""

from __future__ import annotations

from symconv import CorrNd, PixelUnshuffle, catalogue, prove
from symconv.derivation import Derivation, Verdict
from symconv.operators.channels import weight_tensor
from symconv.printing.text import format_derivation

NAME = "pixel-unshuffle-conv"

# Pixel unshuffle by r = 2 turns n·r = 6 samples into r channels of n = 3 (channel v holds
# samples j·r + v); a valid conv with m = 2 taps over those r channels follows.
n, m, r = 3, 2, 2
w = weight_tensor("w", (1, r, m))
unshuffled_conv = CorrNd(w, n) @ PixelUnshuffle(n * r, r)

# The same map on the full-resolution input: a conv with stride r whose kernel takes tap t
# of channel v at t·r + v (the channels interleaved back into one kernel of r·m taps).
K = [None] * (r * m)
for t in range(m):
    for v in range(r):
        K[t * r + v] = w[0, v, t]
strided = CorrNd([[K]], n * r, stride=r)


def build() -> Derivation:
    """The checked derivation of ``pixel-unshuffle-conv`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.VERIFIED, derivation.verdict
    print(f"In plain code, n = {n}, m = {m}, r = {r}: the strided conv's kernel is {K}.")
    proof = prove(unshuffled_conv, strided)
    print(proof)
    assert proof.verdict is Verdict.VERIFIED, proof  # exact at these sizes
