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
from symconv.latex import latex
from symconv.matrices import explicit
from symconv.numeric import lambdify
from symconv.operators import (
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
from symconv.operators.resample import AreaResample, Resample, ResampleTranspose

# Register the N-D operators' exact matrices and numeric functions.
from symconv import nd_matrices, nd_numeric  # noqa: F401  isort: skip
from symconv.proof import Proof, prove  # isort: skip

__all__ = [
    "AreaResample",
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
    "ParameterError",
    "Permute",
    "Proof",
    "Resample",
    "ResampleTranspose",
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
