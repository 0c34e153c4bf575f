"""Smoke test of the benchmark scripts at tiny sizes: every case computes the same map as
its baselines (NumPy/SciPy, and PyTorch when installed), and the exact check holds."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import bench_codegen
import bench_exact
import bench_numeric
import bench_public
from common import slope, table

from symconv import explicit, lambdify


def test_exact_benchmark_identity_holds_at_a_small_size():
    assert bench_exact.symconv_check(3) >= 0


@pytest.mark.parametrize("index", range(10))
def test_numeric_benchmark_cases_agree_with_their_baselines(index):
    case = bench_numeric._cases(60, 8, 2)[index]
    out = lambdify(case["expr"], *case["params"])(case["x"], *case["values"])
    for baseline in case["numpy"]:
        assert np.allclose(np.ravel(out), np.ravel(baseline(case["x"]))), case["name"]
    bench_numeric._check(case, out)  # includes PyTorch when it is installed


def test_codegen_benchmark_counts_the_matrix_nonzeros():
    expr, _ = bench_codegen.expression(16)
    assert bench_codegen.nonzeros(16) == len(explicit(expr).todok())


def test_helpers():
    assert slope([1, 10, 100], [2, 20, 200]) == pytest.approx(1.0)
    assert "—" in table(["a", "b"], [[1.0, None]])


def test_public_benchmark_counts_the_explicit_nonzeros():
    for n in (4, 8, 16):
        assert bench_public.nonzeros(n) == len(explicit(bench_public._explicit_expr(n)).todok())


@pytest.mark.parametrize("layer", bench_public.LAYERS)
def test_public_benchmark_layers_compute_the_transposed_convolution(layer):
    # Small sides; the definition as a scatter loop (PyTorch too, inside, when installed).
    c_in, c_out, k, _, s, p = layer
    side = 5
    ours, _, _ = bench_public._layer_call(layer, side)
    rng = np.random.default_rng(1)
    w = rng.standard_normal((c_in, c_out, k, k))
    x = rng.standard_normal((bench_public.BATCH, c_in, side, side))
    full = np.zeros((bench_public.BATCH, c_out, s * (side - 1) + k, s * (side - 1) + k))
    for i in range(side):
        for j in range(side):
            full[:, :, i * s : i * s + k, j * s : j * s + k] += np.einsum(
                "bc,cokl->bokl", x[:, :, i, j], w
            )
    expected = full[:, :, p : full.shape[2] - p, p : full.shape[3] - p]
    np.testing.assert_allclose(ours(), expected.reshape(bench_public.BATCH, -1))
