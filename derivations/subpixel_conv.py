"""A strided transposed convolution is a pixel shuffle of s stride-1 convolutions.

Output z_{v+sw} of a stride-s transposed convolution only sees the taps
t ≡ v (mod s), so the layer is the interleaving of s ordinary convolutions
with the polyphase kernels q[v::s] — the "sub-pixel convolution" of Shi et
al., the same linear map as the transposed and the fractionally strided conv.

The script writes the pixel shuffle out in plain code for a 4-tap kernel at
stride 2: phase v convolves with q[v::2], ↑₂ spreads the result and a shift by
v interleaves it (a padding of v in front). ``symconv.prove`` shows the sum of
the two phases equal to the transposed convolution for every input length n.
The catalogue entry, whose verdict is asserted last, proves it for every n, m
and s, the s phases summed with the phase a bound index.

Source: Shi et al. (2016), "Is the deconvolution layer the same as a
convolutional layer?".
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatAdd, MatMul

from symconv import Conv, ConvTranspose, Pad, Upsample, catalogue, explicit, kernel, prove
from symconv.derivation import Derivation, Verdict
from symconv.printing.text import format_derivation

NAME = "subpixel-conv"

n = sp.Symbol("n", integer=True, positive=True)
q = kernel("q", 4)


def pixel_shuffle(q: tuple, n: object, s: int) -> MatAdd:
    """Σᵥ Shiftᵥ ↑ₛ(q[v::s] ∗ y) over the phases v < s (every phase has a tap: s <= m)."""
    total = s * (n - 1) + len(q)  # the transposed conv's output length
    phases = []
    for v in range(s):
        conv = Conv(q[v::s], n, "full")
        spread = s * (conv.rows - 1) + 1
        shift = Pad(spread, v, total - v - spread)
        phases.append(MatMul(shift, Upsample(conv.rows, s, spread), conv))
    return MatAdd(*phases)


def build() -> Derivation:
    """The catalogue's checked derivation of ``subpixel-conv`` (default parameters)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    print("In plain code: ConvTranspose(q; stride 2) = the shuffle of q[0::2]∗ and q[1::2]∗:")
    proof = prove(ConvTranspose(q, n, 0, 2), pixel_shuffle(q, n, 2))
    print(proof, end="\n\n")
    assert proof.verdict is Verdict.PROVEN, proof

    # At n = 3: the even outputs use (q₀, q₂), the odd ones (q₁, q₃).
    matrix = explicit(ConvTranspose(q, 3, 0, 2))
    assert matrix == explicit(pixel_shuffle(q, 3, 2))
    assert set(matrix[::2, :]) == {0, q[0], q[2]} and set(matrix[1::2, :]) == {0, q[1], q[3]}
    print("At n = 3 the even rows hold only q₀, q₂ and the odd rows only q₁, q₃.")


if __name__ == "__main__":
    main()
