"""Nearest-neighbour up-sampling then a conv is one transposed conv.

Resizing an image by repeating every pixel k₁×k₂ times and then convolving with q
is the same linear map as a single stride-(k₁, k₂) transposed convolution whose
kernel is q convolved with the k₁×k₂ box — the "resize-convolution" that Odena et
al. recommend against checkerboard artifacts, written as the layer it is.

The script builds both sides in plain code for a general 2×2 kernel q and
k = (2, 2): nearest up-sampling of the image (flattened row by row) is the
Kronecker product of the 1-D one, 1₂ ∗ (↑₂x) on each axis; the box kernel
q ∗ 1₂ₓ₂ is written out entry by entry. ``symconv.prove`` checks the two sides
for every image size n₁ × n₂ up to 3 × 3, exactly and numerically — *verified*:
``prove`` has no symbolic argument for 2-D layers. The catalogue entry's N-D
symbolic tier does: it proves the identity for every size, factor and kernel
size, and the script asserts that verdict too.

Source: Odena, Dumoulin & Olah, "Deconvolution and checkerboard artifacts"
(Distill 2016).
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import KroneckerProduct, MatMul

from symconv import Conv, ConvTransposeNd, Upsample, catalogue, explicit, prove
from symconv.derivation import Derivation, Verdict
from symconv.kernels import ones
from symconv.operators.channels import conv_nd
from symconv.printing.text import format_derivation

NAME = "nearest-upsample-conv-2d"

n1, n2 = sp.symbols("n1 n2", integer=True, positive=True)
q = sp.Matrix(2, 2, sp.symbols("q:2:2"))


def nearest_upsample(n: object, k: int) -> MatMul:
    """One axis: every sample repeated k times, as 1ₖ ∗ (↑ₖx)."""
    stuffed = k * (n - 1) + 1
    return MatMul(Conv(ones(k), stuffed, "full"), Upsample(n, k, stuffed))


def box(q: sp.Matrix, k: int) -> sp.Matrix:
    """q ∗ 1_{k×k}: entry (a, b) sums the taps q[a − i, b − j] for 0 <= i, j < k."""
    rows, cols = q.shape
    return sp.Matrix(
        rows + k - 1,
        cols + k - 1,
        lambda a, b: sum(
            q[a - i, b - j]
            for i in range(k)
            for j in range(k)
            if 0 <= a - i < rows and 0 <= b - j < cols
        ),
    )


def sides(n1: object, n2: object, k: int = 2) -> tuple:
    """q ∗ (nearest up-sampling by (k, k)) and ConvTranspose2d(q ∗ 1_{k×k}; stride k)."""
    resize = KroneckerProduct(nearest_upsample(n1, k), nearest_upsample(n2, k))
    conv = conv_nd(q.tolist(), (k * n1, k * n2), "full")
    return MatMul(conv, resize), ConvTransposeNd([[box(q, k).tolist()]], (n1, n2), stride=k)


def build() -> Derivation:
    """The catalogue's checked derivation of ``nearest-upsample-conv-2d`` (defaults)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    assert box(q, 2)[1, 1] == sum(q)  # the centre of the box kernel sums every tap
    print(f"q ∗ 1₂ₓ₂ = {box(q, 2).tolist()}")
    print("In plain code: q ∗ (nearest up-sampling by (2, 2)) = ConvTranspose2d(q ∗ 1₂ₓ₂; 2):")
    proof = prove(*sides(n1, n2), bound=3, scan_bound=12)
    print(proof, end="\n\n")
    assert proof.verdict is Verdict.VERIFIED, proof

    left, right = sides(2, 3)
    assert left.shape == right.shape == (5 * 7, 2 * 3)  # a 5×7 output image
    assert explicit(left) == explicit(right)
    print("A 2×3 image: both sides are the same 35×6 matrix (a 5×7 output), exactly.")


if __name__ == "__main__":
    main()
