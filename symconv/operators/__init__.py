"""The operators: one final SymPy matrix-expression class per concept."""

from symconv.operators.base import Operator, operator_classes
from symconv.operators.channels import ConvTransposeNd, CorrNd
from symconv.operators.convolution import Conv, ConvTranspose, Corr
from symconv.operators.flip import Flip
from symconv.operators.grid import Permute
from symconv.operators.padding import Crop, Pad
from symconv.operators.padding_modes import BorderFold, BorderPad
from symconv.operators.polyphase import PhaseSum
from symconv.operators.pooling import (
    AdaptiveAvgPool,
    AdaptiveAvgPoolTranspose,
    AvgPool,
    AvgPoolTranspose,
)
from symconv.operators.rearrange import Fold, PixelShuffle, PixelUnshuffle, Unfold
from symconv.operators.resample import AreaResample, Resample, ResampleTranspose
from symconv.operators.sampling import (
    BlockSum,
    Downsample,
    MultiplesProjector,
    NearestUpsample,
    Upsample,
)

__all__ = [
    "AdaptiveAvgPool",
    "AdaptiveAvgPoolTranspose",
    "AreaResample",
    "AvgPool",
    "AvgPoolTranspose",
    "BlockSum",
    "BorderFold",
    "BorderPad",
    "Conv",
    "ConvTranspose",
    "ConvTransposeNd",
    "Corr",
    "CorrNd",
    "Crop",
    "Downsample",
    "Flip",
    "Fold",
    "MultiplesProjector",
    "NearestUpsample",
    "Operator",
    "Pad",
    "Permute",
    "PhaseSum",
    "PixelShuffle",
    "PixelUnshuffle",
    "Resample",
    "ResampleTranspose",
    "Unfold",
    "Upsample",
    "operator_classes",
]
