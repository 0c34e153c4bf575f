"""Checkerboard artifacts in 2-D: the overlap counts are an outer product.

How many kernel taps of a 2-D transposed conv reach each output pixel is the
transposed conv with an all-ones kernel applied to an all-ones image; it is the
outer product of the 1-D counts of the two axes. For a 3×3 kernel at stride 2
the interior alternates 1, 2, 4 (the checkerboard of Odena et al.); it is uniform
in the interior exactly when the stride divides the kernel size on each axis.

The script builds the 2-D layer with an all-ones 3×3 kernel at stride 2 and, in
plain code, the Kronecker product of the two 1-D layers; ``symconv.prove``
checks them equal for every image size n₁ × n₂ up to 4 × 4 — *verified*:
``prove`` has no symbolic argument for 2-D layers. On an all-ones image a
Kronecker product gives the outer product of the 1-D counts, which the script
checks exactly together with the 1, 2, 4 pattern. The catalogue entry proves
the outer product and "uniform iff s divides m on each axis" for every size,
kernel size and stride, and the script asserts that verdict.

Source: Odena, Dumoulin & Olah, "Deconvolution and checkerboard artifacts"
(Distill 2016); the overlap counts of an all-ones kernel.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import KroneckerProduct

from symconv import ConvTranspose, ConvTransposeNd, catalogue, explicit, prove
from symconv.derivation import Derivation, Verdict
from symconv.kernels import ones
from symconv.printing.text import format_derivation

NAME = "checkerboard-overlap-2d"

n1, n2 = sp.symbols("n1 n2", integer=True, positive=True)
ALL_ONES_3X3 = [[[[1] * 3] * 3]]  # (C_in, C_out, 3, 3)


def sides(n1: object, n2: object) -> tuple:
    """ConvTranspose2d(1₃ₓ₃; stride 2) and the Kronecker product of the 1-D layers."""
    per_axis = (ConvTranspose(ones(3), n, 0, 2) for n in (n1, n2))
    return ConvTransposeNd(ALL_ONES_3X3, (n1, n2), stride=2), KroneckerProduct(*per_axis)


def build() -> Derivation:
    """The catalogue's checked derivation of ``checkerboard-overlap-2d`` (default parameters)."""
    return catalogue.get(NAME).derivation()


def main() -> None:
    """Print the catalogue's derivation and the plain-code checks; assert every verdict."""
    derivation = build()
    print(format_derivation(derivation, catalogue.get(NAME).source))
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict

    print("In plain code: ConvTranspose2d(1₃ₓ₃; 2) = ConvTranspose(1₃; 2) ⊗ ConvTranspose(1₃; 2):")
    proof = prove(*sides(n1, n2), bound=4, scan_bound=12)
    print(proof, end="\n\n")
    assert proof.verdict is Verdict.VERIFIED, proof

    layer, _ = sides(4, 3)
    rows, cols = layer.output_size
    grid = explicit(layer) * sp.ones(4 * 3, 1)
    counts = sp.Matrix(rows, cols, list(grid))  # back to the image, row by row
    axis = [explicit(ConvTranspose(ones(3), n, 0, 2)) * sp.ones(n, 1) for n in (4, 3)]
    assert counts == axis[0] * axis[1].T  # the outer product of the 1-D counts
    assert set(counts[2:-2, 2:-2]) == {1, 2, 4}
    print(f"Counts on a 4×3 image: {counts.tolist()}")


if __name__ == "__main__":
    main()
