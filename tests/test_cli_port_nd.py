"""``symconv shapes --port`` for a 2-D/3-D layer: one N-D PyTorch call, run against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

from symconv.cli import main
from symconv.porting import Layer, PortNd, port_nd

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _run_torch(ported: PortNd, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Execute the port with PyTorch from its fields: pad, one N-D call, crop."""
    rank = len(ported.axes)
    calls = [p.call for p in ported.axes]
    t = torch.from_numpy(x)[None, None]
    kernel = torch.from_numpy(w)[None, None]
    flipped = [axis - rank for axis, p in enumerate(ported.axes) if p.flip_kernel]
    if flipped:
        kernel = kernel.flip(flipped)
    t = F.pad(t, [v for p in reversed(ported.axes) for v in p.pad_input])
    options = {
        "stride": tuple(c.stride for c in calls),
        "dilation": tuple(c.dilation for c in calls),
    }
    paddings = [c.padding for c in calls]
    options["padding"] = "same" if paddings[0] == "same" else tuple(paddings)
    if calls[0].op == "conv":
        t = getattr(F, f"conv{rank}d")(t, kernel, **options)
    else:
        output_padding = tuple(c.output_padding for c in calls)
        t = getattr(F, f"conv_transpose{rank}d")(
            t, kernel, output_padding=output_padding, **options
        )
    # Cropping (start, end) is F.pad by (-start, -end); a negative crop appends zeros.
    t = F.pad(t, [-v for p in reversed(ported.axes) for v in p.crop_output])
    return t[0, 0].numpy()


def _layer_matrix(layer: Layer, taps: np.ndarray) -> np.ndarray:
    return np.array(layer.operator(tuple(float(v) for v in taps)).as_explicit(), dtype=float)


CASES = [
    ("torch", "conv_transpose", (2, 2), (3, 3), (2, 2), (0, 0), (0, 0)),
    ("torch", "conv_transpose", (3, 2), (3, 2), (2, 3), (1, 0), (1, 2)),
    ("torch", "conv", (7, 6), (3, 2), (2, 1), (1, 0), (0, 0)),
    ("tf", "conv", (12, 10), (3, 3), (2, 1), ("SAME", "SAME"), (0, 0)),
    ("tf", "conv", (6, 5, 4), (3, 2, 3), (1, 1, 1), ("SAME",) * 3, (0, 0, 0)),
    ("tf", "conv_transpose", (3, 4), (3, 3), (2, 2), ("SAME", "SAME"), (0, 0)),
    ("jax", "conv_transpose", (4, 3), (3, 2), (2, 2), ("SAME", "SAME"), (0, 0)),
    ("jax", "conv", (6, 6), (3, 3), (1, 1), ((-1, 1), (0, 0)), (0, 0)),
]


@pytest.mark.parametrize(("framework", "op", "n", "m", "s", "padding", "a"), CASES)
def test_the_nd_call_computes_the_layer(framework, op, n, m, s, padding, a) -> None:
    layers = [Layer(framework, op, n[i], m[i], s[i], padding[i], 1, a[i]) for i in range(len(n))]
    ported = port_nd(layers)
    assert ported.check().equal
    rng = np.random.default_rng(len(n) * 100 + sum(n))
    # A separable kernel: then the layer is the Kronecker product of its axes' operators.
    factors = [rng.standard_normal(k) for k in m]
    w = factors[0]
    for f in factors[1:]:
        w = np.multiply.outer(w, f)
    matrix = _layer_matrix(layers[0], factors[0])
    for layer, f in zip(layers[1:], factors[1:]):
        matrix = np.kron(matrix, _layer_matrix(layer, f))
    x = rng.standard_normal(n)
    expected = (matrix @ x.reshape(-1)).reshape([int(layer.output_length) for layer in layers])
    np.testing.assert_allclose(_run_torch(ported, x, w), expected, rtol=1e-10, atol=1e-12)


def test_cli_prints_one_conv_transpose2d_call(capsys: pytest.CaptureFixture) -> None:
    argv = ["shapes", "--op", "conv_transpose", "--input", "2x2", "--kernel", "3x3"]
    assert main([*argv, "--stride", "2", "--port"]) == 0
    out = capsys.readouterr().out
    assert "conv_transpose1d" not in out and out.count("PyTorch:") == 1
    assert (
        "PyTorch: conv_transpose2d(stride=(2, 2), padding=(0, 0), output_padding=(0, 0), "
        "dilation=(1, 1)) [checked exactly]\n" in out
    )


def test_cli_prints_one_conv3d_call_with_f_pad_in_pytorch_order(
    capsys: pytest.CaptureFixture,
) -> None:
    argv = ["shapes", "--framework", "tf", "--input", "12x10x5", "--kernel", "3x3x2"]
    assert main([*argv, "--stride", "2x1x1", "--padding", "same", "--port"]) == 0
    out = capsys.readouterr().out
    assert out.count("PyTorch:") == 1 and "conv1d" not in out
    # TF's SAME: axis 0 (stride 2) pads (0, 1); axis 1 (1, 1), which the call's padding=1 does;
    # axis 2 (kernel 2) (0, 1), PyTorch's 'same' for that axis alone, which one call cannot
    # mix with integers: F.pad (listing the last axis first) adds it.
    assert (
        "PyTorch: F.pad(x, (0, 1, 0, 0, 0, 1)), then conv3d(stride=(2, 1, 1), padding=(0, 1, 0), "
        "dilation=(1, 1, 1)) (no single PyTorch call does it) [checked exactly]\n" in out
    )
