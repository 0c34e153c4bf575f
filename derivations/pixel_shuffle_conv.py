"""A conv followed by pixel shuffle is a transposed convolution (the sub-pixel layer).

Shi et al. (2016), "Is the deconvolution layer the same as a convolutional layer?": a
convolution with r·c output channels followed by pixel shuffle by r equals a transposed
convolution with stride r whose kernel interleaves the r output phases:
K[i, o, (m − 1 − t)·r + v] = w[o·r + v, i, t], with padding ((m − 1 − lo)·r, (m − 1 − hi)·r).
Shown for all n at the given kernel length, factor, padding and channels (row forms with
n symbolic); exact with symbolic weights on the grid, and against the numeric oracle.
Below, n = 3, m = 2, r = 2 in plain code: the kernel rearranged by hand, and ``prove``
finds the two sides equal at these sizes (verified: exact and numeric at one instance).

Source: Shi et al. (2016), "Is the deconvolution layer the same as a convolutional layer?";
Shi et al. (2016), "Real-time single image and video super-resolution using an efficient
sub-pixel convolutional neural network".
"""

from __future__ import annotations

from symconv import ConvTransposeNd, CorrNd, PixelShuffle, catalogue, explicit, prove
from symconv.derivation import Derivation, Verdict
from symconv.operators.channels import weight_tensor
from symconv.printing.text import format_derivation

NAME = "pixel-shuffle-conv"

# A valid conv with r = 2 output channels (one shuffled channel, c = 1) and m = 2 taps on
# n = 3 samples, then pixel shuffle by r: output j·r + v is channel v at position j.
n, m, r = 3, 2, 2
w = weight_tensor("w", (r, 1, m))
conv = CorrNd(w, n)
sub_pixel = PixelShuffle(conv.output_size, r) @ conv

# The same map as one transposed conv with stride r: tap t of channel v lands at
# (m − 1 − t)·r + v of a kernel of length r·m, and the padding (m − 1)·r on both sides
# crops the transposed conv's full output to the conv's valid part.
K = [None] * (r * m)
for t in range(m):
    for v in range(r):
        K[(m - 1 - t) * r + v] = w[v, 0, t]
transposed = ConvTransposeNd([[K]], n, padding=(m - 1) * r, stride=r)


def build() -> Derivation:
    """The checked derivation of ``pixel-shuffle-conv`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.VERIFIED, derivation.verdict
    print(f"In plain code, n = {n}, m = {m}, r = {r}: the transposed conv's kernel is {K},")
    print(f"and both sides are {explicit(transposed).tolist()}:")
    proof = prove(sub_pixel, transposed)
    print(proof)
    assert proof.verdict is Verdict.VERIFIED, proof  # exact at these sizes
