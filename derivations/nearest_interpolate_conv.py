"""Nearest interpolation by an integer factor is nearest up-sampling, a transposed conv.

``F.interpolate(mode="nearest")`` reads x_{⌊i/k⌋} and ``mode="nearest-exact"`` reads
x_{⌊(i + ½)/k⌋}; for an integer k the two agree, and both repeat each sample k times:
the stride-k transposed convolution with the ones kernel 1ₖ (``nearest-upsample-conv``
with the kernel q = (1)). For a non-integer factor they differ (n = 5 → 3 reads
x₀, x₁, x₃ against x₀, x₂, x₄).

Source: torch.nn.functional.interpolate(mode='nearest' / 'nearest-exact'); Odena, Dumoulin &
Olah, "Deconvolution and checkerboard artifacts" (Distill 2016).
"""

from __future__ import annotations

from symconv import catalogue, explicit
from symconv.cli.prove import format_derivation
from symconv.derivation import Derivation, Verdict
from symconv.frameworks.torch_resample import interpolate

NAME = "nearest-interpolate-conv"


def build() -> Derivation:
    """The checked derivation of ``nearest-interpolate-conv`` (default parameters)."""
    floor, exact = (explicit(interpolate(5, size=3, mode=m)) for m in ("nearest", "nearest-exact"))
    assert [list(floor.row(i)).index(1) for i in range(3)] == [0, 1, 3]
    assert [list(exact.row(i)).index(1) for i in range(3)] == [0, 2, 4]
    derivation = catalogue.get(NAME).derivation()
    assert derivation.verdict is Verdict.VERIFIED
    return derivation


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
