"""The operators: one final SymPy matrix-expression class per concept."""

from symconv.operators.base import Operator
from symconv.operators.channels import ConvTransposeNd, CorrNd
from symconv.operators.convolution import Conv, ConvTranspose, Corr
from symconv.operators.flip import Flip
from symconv.operators.grid import Permute
from symconv.operators.padding import Crop, Pad
from symconv.operators.sampling import Downsample, Upsample

__all__ = [
    "Conv",
    "ConvTranspose",
    "ConvTransposeNd",
    "Corr",
    "CorrNd",
    "Crop",
    "Downsample",
    "Flip",
    "Operator",
    "Pad",
    "Permute",
    "Upsample",
]
