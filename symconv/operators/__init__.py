"""The operators: one final SymPy matrix-expression class per concept."""

from symconv.operators.base import Operator
from symconv.operators.convolution import Conv, ConvTranspose, Corr
from symconv.operators.flip import Flip
from symconv.operators.padding import Crop, Pad
from symconv.operators.sampling import Downsample, Upsample

__all__ = [
    "Conv",
    "ConvTranspose",
    "Corr",
    "Crop",
    "Downsample",
    "Flip",
    "Operator",
    "Pad",
    "Upsample",
]
