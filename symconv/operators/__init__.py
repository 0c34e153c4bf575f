"""The operators: one final SymPy matrix-expression class per concept."""

from symconv.operators.base import Operator, operator_classes
from symconv.operators.channels import ConvTransposeNd, CorrNd
from symconv.operators.convolution import Conv, ConvTranspose, Corr
from symconv.operators.flip import Flip
from symconv.operators.grid import Permute
from symconv.operators.padding import Crop, Pad
from symconv.operators.polyphase import PhaseSum
from symconv.operators.resample import AreaResample, Resample, ResampleTranspose
from symconv.operators.sampling import (
    BlockSum,
    Downsample,
    MultiplesProjector,
    NearestUpsample,
    Upsample,
)

__all__ = [
    "AreaResample",
    "BlockSum",
    "Conv",
    "ConvTranspose",
    "ConvTransposeNd",
    "Corr",
    "CorrNd",
    "Crop",
    "Downsample",
    "Flip",
    "MultiplesProjector",
    "NearestUpsample",
    "Operator",
    "Pad",
    "Permute",
    "PhaseSum",
    "Resample",
    "ResampleTranspose",
    "Upsample",
    "operator_classes",
]
