"""Helpers of the conformance suite: loading a framework, and the matrices to compare.

A framework that is not importable skips its tests, unless
``SYMCONV_REQUIRE_TOOLS=1`` (set by ``scripts/test.sh``): then it fails them.
"""

import importlib
import os

import numpy as np
import pytest

from symconv import ParameterError
from symconv.matrices import sparse_matrix


def load(module: str):
    try:
        return importlib.import_module(module)
    except ImportError as error:
        message = f"{module} is not importable ({error})"
        if os.environ.get("SYMCONV_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{message}, and SYMCONV_REQUIRE_TOOLS=1")
        pytest.skip(message)


def exact_array(op) -> np.ndarray:
    """symconv's exact matrix of ``op`` (integer weights) as a float array."""
    dm = sparse_matrix(op)
    out = np.zeros(dm.shape)
    for i, row in dm.rep.to_dod().items():
        for j, value in row.items():
            out[i, j] = float(dm.domain.to_sympy(value))
    return out


def framework_matrix(apply, in_shape, to_numpy=np.asarray) -> np.ndarray:
    """The framework's matrix, column by column: unit vectors through the real function."""
    n = int(np.prod(in_shape))
    units = np.eye(n, dtype=np.float32).reshape(n, *in_shape)
    return np.asarray(to_numpy(apply(units)), dtype=float).reshape(n, -1).T


def matrix_or_refusal(apply, in_shape, ours, refusals, to_numpy=np.asarray) -> np.ndarray | None:
    """The framework's matrix (:func:`framework_matrix`); or, where the framework refuses
    the call (raises one of ``refusals``), None once symconv's ``ours()`` has refused it
    too, with a ParameterError."""
    try:
        return framework_matrix(apply, in_shape, to_numpy)
    except refusals:
        with pytest.raises(ParameterError):
            ours()
        return None


def torch_matrix_or_refusal(torch, theirs, in_shape, ours) -> np.ndarray | None:
    """:func:`matrix_or_refusal` of a PyTorch function, in float64."""
    return matrix_or_refusal(
        lambda x: theirs(torch.from_numpy(x).double()),
        in_shape,
        ours,
        RuntimeError,
        torch.Tensor.numpy,
    )
