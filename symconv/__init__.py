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
from symconv.operators import (
    BorderFold,
    BorderPad,
    Conv,
    ConvTranspose,
    ConvTransposeNd,
    Corr,
    CorrNd,
    Crop,
    Downsample,
    Flip,
    Operator,
    Pad,
    Permute,
    Upsample,
)
from symconv.printing.latex import latex
from symconv.proof import Proof, prove

__all__ = [
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
    "Network",
    "Operator",
    "Pad",
    "ParameterError",
    "Permute",
    "Proof",
    "ShapeMismatchError",
    "SymconvError",
    "Upsample",
    "__version__",
    "explicit",
    "kernel",
    "lambdify",
    "latex",
    "prove",
    "signal",
]
