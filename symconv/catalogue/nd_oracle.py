"""The independent NumPy oracle for the N-D layers, registered with :mod:`symconv.proof.oracle`.

Like the rest of the oracle, this reads the definition in ``DESIGN.md`` §2
directly and shares no code with ``symconv.nd_matrices`` or
``symconv.nd_numeric``: every (output channel, output position, input
channel in the group, tap) is visited in plain loops, and the tap lands on
input position i·s + t·d − lo when that lies inside the input. The
transposed layer is the transpose of the forward layer on its output size.

Examples
--------
>>> from symconv.proof import oracle
>>> from symconv.operators.channels import CorrNd
>>> oracle.dense(CorrNd([[[[1, 2], [3, 4]]]], (2, 3)), {})
array([[1., 2., 0., 3., 4., 0.],
       [0., 1., 2., 0., 3., 4.]])
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from symconv.proof import oracle

__all__: list[str] = []


def _ints(values: object) -> list[int]:
    return [int(sp.sympify(v)) for v in values]


def _forward(op: object, size: list[int], values: oracle.Values) -> np.ndarray:
    """Dense matrix of the grouped N-D correlation with ``op``'s weight on ``size``."""
    # Evaluate every tap once; the loops below then only do float arithmetic.
    weight = np.array([float(sp.sympify(v).subs(values)) for v in op.kernel]).reshape(
        tuple(int(k) for k in op.weight.shape)
    )
    c_out, c_in_g = int(weight.shape[0]), int(weight.shape[1])
    groups = int(op.groups)
    c_out_g = c_out // groups
    kernel = [int(k) for k in weight.shape[2:]]
    stride, dilation = _ints(op.stride), _ints(op.dilation)
    lows = [int(p[0]) for p in op.padding]
    highs = [int(p[1]) for p in op.padding]
    out_size = [
        (n + lo + hi - d * (m - 1) - 1) // s + 1
        for n, lo, hi, d, m, s in zip(size, lows, highs, dilation, kernel, stride)
    ]
    p_in, p_out = int(np.prod(size)), int(np.prod(out_size))
    matrix = np.zeros((c_out * p_out, c_in_g * groups * p_in))
    for o in range(c_out):
        group = o // c_out_g
        for out_pos in itertools.product(*map(range, out_size)):
            row = o * p_out + int(np.ravel_multi_index(out_pos, out_size))
            for c in range(c_in_g):
                channel = group * c_in_g + c
                for taps in itertools.product(*map(range, kernel)):
                    source = [
                        i * s + t * d - lo
                        for i, t, s, d, lo in zip(out_pos, taps, stride, dilation, lows)
                    ]
                    if all(0 <= x < n for x, n in zip(source, size)):
                        col = channel * p_in + int(np.ravel_multi_index(source, size))
                        matrix[row, col] += weight[(o, c, *taps)]
    return matrix


oracle.register("CorrNd", lambda op, values: _forward(op, _ints(op.size), values))
oracle.register("ConvTransposeNd", lambda op, values: _forward(op, _ints(op.output_size), values).T)
