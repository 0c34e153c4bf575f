"""Bilinear up-sampling by k is FCN's bilinear transposed convolution, except at the borders.

Long, Shelhamer & Darrell (2015) initialise a stride-k "deconvolution" with the bilinear
kernel ``1 − |t − c|/k`` of length 2k − k mod 2 and padding ⌊k/2⌋. Linear interpolation with
half-pixel centres (PyTorch ``align_corners=False``, TensorFlow, JAX) reads the same two
inputs with the same weights in every row but the first and last ⌊k/2⌋, where its
coordinate leaves the signal and the clamped tap adds (k − 1 − 2i)/(2k) to the border
sample: for k = 2 the first output is x₀ against ¾x₀.

Source: Long, Shelhamer & Darrell (2015), Fully convolutional networks (bilinear
initialisation of the deconvolution); torch.nn.functional.interpolate.
"""

from __future__ import annotations

from symconv import catalogue, explicit
from symconv.catalogue.resample import bilinear_kernel, border_correction
from symconv.cli.prove import format_derivation
from symconv.derivation import Derivation, Verdict
from symconv.frameworks.torch_resample import interpolate
from symconv.operators import ConvTranspose

NAME = "bilinear-upsample-conv"


def build() -> Derivation:
    """The checked derivation of ``bilinear-upsample-conv`` (default parameters)."""
    n, k = 4, 2
    interpolation = interpolate(n, scale_factor=k, mode="linear", align_corners=False)
    fcn = ConvTranspose(bilinear_kernel(k), n, k // 2, k)
    difference = explicit(interpolation) - explicit(fcn)
    assert difference == border_correction(n, k)  # only rows 0 and kn − 1 differ, by 1/4
    derivation = catalogue.get(NAME).derivation(n=n, k=k)
    assert derivation.verdict is Verdict.VERIFIED
    return derivation


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source), end="")
