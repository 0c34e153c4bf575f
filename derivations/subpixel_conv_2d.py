"""A strided 2-D transposed conv is a pixel shuffle of stride-1 convolutions.

Output pixel (u + s₁w₁, v + s₂w₂) of a stride-(s₁, s₂) transposed convolution only
sees the kernel taps congruent to (u, v) modulo the stride, so the layer is the
interleaving of s₁·s₂ ordinary full convolutions with the polyphase kernels
q[u::s₁, v::s₂] — the "sub-pixel convolution" (pixel shuffle) of Shi et al., the
same linear map as the transposed and the fractionally strided conv.

The script writes the pixel shuffle out in plain code for a general 3×3 kernel
at stride (2, 2): phase (u, v) convolves the image with q[u::2, v::2] (2×2, 2×1,
1×2 or 1×1 taps), spreads the result with ↑₂ ⊗ ↑₂ and shifts it by (u, v) with a
padding in front; the four phases add up. ``symconv.prove`` checks the sum
against the transposed conv for every image size n₁ × n₂ up to 3 × 3, exactly
and numerically — *verified*: ``prove`` has no symbolic argument for 2-D layers.
The catalogue entry's N-D symbolic tier proves it for every size, kernel size
and stride, and the script asserts that verdict too.

Source: Shi et al. (2016), "Is the deconvolution layer the same as a
convolutional layer?".
"""

from __future__ import annotations

import itertools

import sympy as sp
from sympy.matrices.expressions import KroneckerProduct, MatAdd, MatMul

from symconv import ConvTransposeNd, Pad, Upsample, catalogue, explicit, prove
from symconv.derivation import Derivation, Verdict
from symconv.operators.channels import conv_nd
from symconv.printing.text import format_derivation

NAME = "subpixel-conv-2d"

n1, n2 = sp.symbols("n1 n2", integer=True, positive=True)
q = sp.Matrix(3, 3, sp.symbols("q:3:3"))


def pixel_shuffle(q: sp.Matrix, n: tuple, s: int) -> MatAdd:
    """Σ_{u,v} Shift_{u,v} (↑ₛ ⊗ ↑ₛ)(q[u::s, v::s] ∗ y), every phase with a tap (s <= 3)."""
    phases = []
    for shift in itertools.product(range(s), repeat=2):
        phase = q[shift[0] :: s, shift[1] :: s]
        conv = conv_nd(phase.tolist(), n, "full")
        spreads, pads = [], []
        for size, taps, length, offset in zip(n, q.shape, conv.output_size, shift):
            spread = s * (length - 1) + 1
            total = s * (size - 1) + taps  # the transposed conv's output size on this axis
            spreads.append(Upsample(length, s, spread))
            pads.append(Pad(spread, offset, total - offset - spread))
        phases.append(MatMul(KroneckerProduct(*pads), KroneckerProduct(*spreads), conv))
    return MatAdd(*phases)


def build() -> Derivation:
    """The catalogue's checked derivation of ``subpixel-conv-2d`` (default parameters)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    transposed = ConvTransposeNd([[q.tolist()]], (n1, n2), stride=2)
    print("In plain code: ConvTranspose2d(q; stride 2) = the shuffle of its four phases:")
    proof = prove(transposed, pixel_shuffle(q, (n1, n2), 2), bound=3, scan_bound=12)
    print(proof, end="\n\n")
    assert proof.verdict is Verdict.VERIFIED, proof

    at_2_by_2 = explicit(ConvTransposeNd([[q.tolist()]], (2, 2), stride=2))
    assert at_2_by_2.shape == (5 * 5, 2 * 2)  # a 5×5 output image
    assert at_2_by_2 == explicit(pixel_shuffle(q, (2, 2), 2))
    print("A 2×2 image: both sides are the same 25×4 matrix, exactly.")


if __name__ == "__main__":
    main()
