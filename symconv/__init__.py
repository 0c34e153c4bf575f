"""symconv: exact symbolic convolution arithmetic.

Convolution, correlation, up/down-sampling, padding, cropping and their
transposes as SymPy matrix expressions, with exact sparse matrices
(:func:`explicit`) and matrix-free NumPy functions (:func:`lambdify`).

Examples
--------
>>> from symconv import Conv, Upsample, Downsample, kernel, explicit
>>> q = kernel("q", 3)
>>> lhs = Conv(q, 4, "same") @ Upsample(2, 2)
>>> rhs = (Downsample(4, 2) @ Conv(q, 4, "same").T).T
>>> explicit(lhs) == explicit(rhs)
True
"""

from symconv._version import __version__
from symconv.errors import ParameterError, ShapeMismatchError, SymconvError
from symconv.kernels import kernel, signal
from symconv.matrices import explicit
from symconv.network import Network
from symconv.numeric import lambdify
from symconv.operators.base import Operator
from symconv.operators.channels import ConvTransposeNd, CorrNd
from symconv.operators.convolution import Conv, ConvTranspose, Corr
from symconv.operators.flip import Flip
from symconv.operators.grid import Permute
from symconv.operators.padding import Crop, Pad
from symconv.operators.padding_modes import BorderFold, BorderPad
from symconv.operators.pooling import AdaptiveAvgPool, AvgPool
from symconv.operators.rearrange import Fold, PixelShuffle, PixelUnshuffle, Unfold
from symconv.operators.resample import AreaResample, Resample, ResampleTranspose
from symconv.operators.sampling import Downsample, Upsample
from symconv.printing.latex import latex
from symconv.proof import Proof, prove

__all__ = [
    "AdaptiveAvgPool",
    "AreaResample",
    "AvgPool",
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
    "Network",
    "Operator",
    "Pad",
    "ParameterError",
    "Permute",
    "PixelShuffle",
    "PixelUnshuffle",
    "Proof",
    "Resample",
    "ResampleTranspose",
    "ShapeMismatchError",
    "SymconvError",
    "Unfold",
    "Upsample",
    "__version__",
    "explicit",
    "kernel",
    "lambdify",
    "latex",
    "prove",
    "signal",
]
