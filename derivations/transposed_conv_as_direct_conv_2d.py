"""A 2-D transposed conv is a stride-1 conv over a stretched, bordered image.

PyTorch's ``conv_transpose2d(y, w, stride=(s1, s2), padding=(p1, p2),
output_padding=(a1, a2), dilation=(d1, d2), groups=g)`` equals, on each axis
separately: insert s − 1 zeros between the samples of y, pad by d(m − 1) − lo at
the start and d(m − 1) − hi + a at the end (a negative amount crops), and then
correlate at stride 1 with the kernel flipped on both axes and dilated, with the
two channel axes of the weight swapped within each group. This is the
"fractionally strided convolution" drawn in the deconvolutions README: its
example 2 (a 2×2 input padded to 6×6, 3×3 conv to 4×4) is stride 1, example 3
(2×2 padded between and around to 7×7, conv to 5×5, "stride ½") is stride 2.

The script builds example 3 by hand for a general 3×3 kernel w: the image
flattened row by row, ↑₂ ⊗ ↑₂ (2×2 to 3×3), a border of 2 on every side
(Pad ⊗ Pad, 3×3 to 7×7), and the stride-1 correlation with w rotated by 180°.
``symconv.prove`` checks it against the transposed conv for every input size
n₁ × n₂ up to 4 × 4, exactly and numerically — *verified*: ``prove`` has no
symbolic argument for 2-D layers. The catalogue entry's N-D symbolic tier covers
every n₁, n₂ with the other parameters fixed, and its grid the rest, so its
verdict is also *verified*; the per-axis claim is the 1-D
``transposed-conv-as-direct-conv``, proven for every parameter.

Sources: daved01/deconvolutions README (examples 2 and 3, "fractionally
strided"); Dumoulin & Visin (2016), relationships 8–14.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import KroneckerProduct, MatMul

from symconv import (
    ConvTransposeNd,
    CorrNd,
    Pad,
    Upsample,
    catalogue,
    explicit,
    prove,
)
from symconv.derivation import Derivation, Verdict
from symconv.printing.text import format_derivation

NAME = "transposed-conv-as-direct-conv-2d"

n1, n2 = sp.symbols("n1 n2", integer=True, positive=True)
taps = sp.symbols("w0:9")
#: A general 3×3 kernel, one input and one output channel (PyTorch's layout).
w = sp.ImmutableDenseNDimArray(taps, (1, 1, 3, 3))
#: The same kernel rotated by 180° (flipped on both axes).
rotated = sp.ImmutableDenseNDimArray(taps[::-1], (1, 1, 3, 3))


def direct_form(n1: object, n2: object) -> MatMul:
    """(↑₂ ⊗ ↑₂), a border of 2 on each side, then the stride-1 correlation with rot(w)."""
    stretched = (2 * n1 - 1, 2 * n2 - 1)
    spread = KroneckerProduct(Upsample(n1, 2, stretched[0]), Upsample(n2, 2, stretched[1]))
    border = KroneckerProduct(Pad(stretched[0], 2, 2), Pad(stretched[1], 2, 2))
    direct = CorrNd(rotated, (stretched[0] + 4, stretched[1] + 4))
    return MatMul(direct, border, spread)


def build() -> Derivation:
    """The catalogue's checked derivation of ``transposed-conv-as-direct-conv-2d``."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.VERIFIED, derivation.verdict

    print("In plain code: ConvTranspose2d(w; stride 2) on n₁ × n₂ = the direct form:")
    transposed = ConvTransposeNd(w, (n1, n2), 0, 2)
    proof = prove(transposed, direct_form(n1, n2), bound=4, scan_bound=12)
    print(proof, end="\n\n")
    assert proof.verdict is Verdict.VERIFIED, proof

    example = direct_form(2, 2)  # example 3: 2×2 → 3×3 → 7×7 → 5×5
    assert [f.shape for f in example.args] == [(25, 49), (49, 9), (9, 4)]
    assert explicit(example) == explicit(ConvTransposeNd(w, (2, 2), 0, 2))
    print("The README's example 3: 2×2 → 3×3 → 7×7 → 5×5, equal to ConvTranspose2d, exactly.")


if __name__ == "__main__":
    main()
