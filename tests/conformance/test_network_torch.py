"""symconv.Network.from_torch against PyTorch running the same modules (CPU).

The operator of a linear network must reproduce module(x) − module(0) (biases and
BatchNorm shifts are the affine part), its exact matrix must equal the matrix of unit
vectors pushed through the module, the sizes must be the module's output shapes, and
the input samples an output depends on must be those where autograd's gradient is not
zero (positive weights: no cancellation).
"""

import numpy as np
import pytest
from networks import UNET

from conformance.framework_support import exact_array, framework_matrix
from symconv import Network, ParameterError, lambdify


def _integer_weights(torch, module, seed=0, positive=False):
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            low = 1 if positive else -3
            p.copy_(torch.randint(low, 4, p.shape, generator=generator).double())
        for m in module.modules():
            if hasattr(m, "running_var") and m.running_var is not None:
                m.running_var.fill_(3.0)  # scale 1/sqrt(3 + eps): not an integer, on purpose
                m.running_mean.fill_(0.5)
    return module.double().eval()


def _models(torch):
    nn = torch.nn

    class Residual(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Conv2d(2, 3, 3, padding=1)
            self.b = nn.Conv2d(3, 3, 3, stride=2, padding=1, dilation=1)
            self.shortcut = nn.Conv2d(2, 3, 1, stride=2)
            self.up = nn.Upsample(scale_factor=2, mode="nearest")
            self.pool = nn.AvgPool2d(2)
            self.t = nn.ConvTranspose2d(6, 2, 3, stride=2, padding=1, output_padding=1)
            self.bn = nn.BatchNorm2d(2)
            self.pad = nn.ZeroPad2d((1, 0, 2, 1))

        def forward(self, x):
            y = self.b(self.a(x)) + self.shortcut(x)
            z = torch.cat([y, self.pool(self.up(y))], dim=-3)  # the channels of (N, C, H, W)
            return self.pad(self.bn(self.t(z)))

    class Functional(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv1d(1, 1, 3, padding="same", dilation=2)

        def forward(self, x):
            y = torch.nn.functional.interpolate(x, None, 3)  # positional scale_factor
            return torch.add(self.conv(y), y)

    return {
        "residual-2d": (Residual(), (6, 5), 2),
        "functional-1d": (Functional(), (5,), 1),
        "sequential-1d": (
            nn.Sequential(
                nn.Conv1d(2, 4, 3, stride=2, padding=1, groups=2),
                nn.Sequential(nn.Dropout(), nn.Identity(), nn.AvgPool1d(3, 1, padding=1)),
                nn.ConvTranspose1d(4, 1, 4, stride=3, padding=2, output_padding=1),
                nn.ConstantPad1d((2, 1), 0.0),
                nn.Flatten(),
            ),
            (9,),
            2,
        ),
        "sequential-3d": (
            nn.Sequential(
                nn.Conv3d(1, 2, (1, 2, 3), stride=(1, 2, 1)),
                nn.BatchNorm3d(2),
                nn.AvgPool3d((2, 1, 2), divisor_override=3),
            ),
            (3, 5, 6),
            1,
        ),
    }


MODELS = ["residual-2d", "functional-1d", "sequential-1d", "sequential-3d"]


@pytest.mark.parametrize("name", MODELS)
def test_operator_reproduces_the_module(torch, name):
    module, size, channels = _models(torch)[name]
    module = _integer_weights(torch, module)
    net = Network.from_torch(module, size)
    assert net.channels == channels and net.linear
    op = net.operator()
    x = np.random.default_rng(1).standard_normal((3, channels, *size))
    with torch.no_grad():
        out = module(torch.from_numpy(x))
        zero = module(torch.zeros(1, channels, *size, dtype=torch.float64))
    reference = (out - zero).numpy().reshape(3, -1)
    assert op.shape == (reference.shape[1], x[0].size)
    np.testing.assert_allclose(lambdify(op)(x.reshape(3, -1)), reference, atol=1e-9)
    # the output sizes are the module's
    spatial = out.shape[2:] if out.dim() > 2 else None
    if spatial is not None:
        assert net.layer_sizes()[-1][1] == tuple(spatial)


def test_exact_matrix_equals_the_module_s_matrix(torch):
    module, size, channels = _models(torch)["sequential-1d"]
    module = _integer_weights(torch, module, seed=3)
    # AvgPool taps are 1/3 and the weights integers: the matrix is exact in rationals
    zero = module(torch.zeros(1, channels, *size, dtype=torch.float64)).detach()

    def linear_part(x):  # the biases are the affine part
        return module(torch.from_numpy(x).double()).detach() - zero

    expected = framework_matrix(linear_part, (channels, *size), np.asarray)
    assert np.allclose(exact_array(Network.from_torch(module, size).operator()), expected)


def _dependence(torch, module, size, channels, index):
    """Input samples with a non-zero gradient of output ``index`` (channel 0)."""
    x = torch.rand(1, channels, *size, dtype=torch.float64, requires_grad=True)
    out = module(x)
    out[(0, 0, *index)].backward()
    nonzero = (x.grad[0] != 0).any(dim=0).nonzero().tolist()
    return {tuple(p) for p in nonzero}


@pytest.mark.parametrize("seed", range(4))
def test_inputs_are_where_autograd_reaches(torch, seed):
    nn = torch.nn
    rng = np.random.default_rng(seed)
    layers, c = [], 1
    for _ in range(3):
        choice = rng.integers(0, 4)
        if choice == 0:
            k, s, p, d = (int(v) for v in rng.integers(1, [4, 3, 2, 3]))
            layers.append(nn.Conv2d(c, 2, (k, 3), stride=(s, 1), padding=(p, 1), dilation=(d, 1)))
            c = 2
        elif choice == 1:
            k, s = (int(v) for v in rng.integers(1, [4, 3]))
            p = int(rng.integers(0, k))
            a = int(rng.integers(0, s))
            layers.append(nn.ConvTranspose2d(c, 2, (k, 2), stride=(s, 2), padding=(p, 0),
                                             output_padding=(a, 0)))  # fmt: skip
            c = 2
        elif choice == 2:
            layers.append(nn.AvgPool2d((2, 3), stride=(2, 1), padding=(1, 1)))
        else:
            layers.append(nn.Upsample(scale_factor=2))
    module = _integer_weights(torch, nn.Sequential(*layers), seed, positive=True)
    size = (7, 6)
    net = Network.from_torch(module, size)
    with torch.no_grad():
        out_size = module(torch.zeros(1, 1, *size, dtype=torch.float64)).shape[2:]
    assert net.layer_sizes()[-1][1] == tuple(out_size)
    for index in [(0, 0), (out_size[0] - 1, out_size[1] // 2), (out_size[0] // 2, 1)]:
        rows, cols = net.inputs(index)
        expected = _dependence(torch, module, size, 1, index)
        assert {(r, c) for r in rows for c in cols} == expected


def test_nonlinear_layers_keep_their_geometry(torch):
    nn = torch.nn
    module = nn.Sequential(
        nn.Conv2d(3, 8, 3, stride=2), nn.ReLU(), nn.MaxPool2d(3, 2, padding=1),
        nn.Conv2d(8, 8, 3, dilation=2), nn.GELU(),
    )  # fmt: skip
    net = Network.from_torch(module, (33, 40))
    assert net.nonlinear_layers() == ["1", "2", "4"]
    with torch.no_grad():
        out = module(torch.zeros(1, 3, 33, 40))
    assert net.layer_sizes()[-1][1] == tuple(out.shape[2:])
    # r = 3 + 2*2 + 4*4 = 23, S = 4, P = 0 + 1*2 + 0 = 2
    assert net.receptive_field() == (23, 23)
    assert net.effective_stride() == (4, 4)
    assert net.effective_padding() == (2, 2)
    with pytest.raises(ParameterError, match="not linear maps"):
        net.operator()


def test_training_mode_layers_are_not_linear(torch):
    nn = torch.nn
    module = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Dropout(0.5))
    net = Network.from_torch(module, (6, 6))  # a fresh module is in training mode
    assert net.nonlinear_layers() == ["1", "2"]
    assert net.receptive_field() == (3, 3)
    with pytest.raises(ParameterError, match="not linear maps"):
        net.operator()
    assert Network.from_torch(module.eval(), (6, 6)).linear


def test_unet_style_skip_connection_from_torch(torch):
    nn = torch.nn

    class Tiny(nn.Module):
        def __init__(self):
            super().__init__()
            self.down = nn.Conv2d(1, 2, 3, padding=1)
            self.pool = nn.MaxPool2d(2)
            self.mid = nn.Conv2d(2, 2, 3, padding=1)
            self.up = nn.ConvTranspose2d(2, 2, 2, stride=2)
            self.out = nn.Conv2d(4, 1, 1)

        def forward(self, x):
            skip = torch.relu(self.down(x))
            y = self.up(self.mid(self.pool(skip)))
            return self.out(torch.cat([y, skip], dim=1))

    net = Network.from_torch(Tiny(), (16, 16))
    assert net.size_rule("aligned") == net.size_rule("exact")
    assert str(net.size_rule("aligned")[0]) == "n ≡ 0 (mod 2), n ≥ 2"
    assert net.input_sizes(1, 9, "accepted") == [2, 4, 6, 8]  # odd sizes: torch.cat fails
    with pytest.raises(RuntimeError):
        Tiny()(torch.zeros(1, 1, 9, 9))


@pytest.mark.parametrize(
    "make, value",
    [
        (lambda nn: nn.Sequential(nn.LSTM(3, 3)), "LSTM"),
        (lambda nn: nn.Sequential(nn.Linear(3, 3)), "Linear"),
        (lambda nn: nn.Sequential(nn.Conv2d(1, 1, 3, padding_mode="reflect")), "reflect"),
        (lambda nn: nn.Sequential(nn.Upsample(scale_factor=2, mode="bilinear")), "bilinear"),
        (lambda nn: nn.Sequential(nn.Upsample(scale_factor=1.5)), "1.5"),
        (lambda nn: nn.Sequential(nn.AvgPool2d(2, ceil_mode=True)), "ceil_mode"),
        (lambda nn: nn.Sequential(nn.AvgPool2d(3, padding=1, count_include_pad=False)), "count"),
        (lambda nn: nn.Sequential(nn.Flatten(), nn.ReLU()), "Flatten"),
        (lambda nn: nn.Sequential(nn.ConstantPad2d(1, 2.0)), "value"),
    ],
)
def test_unsupported_modules_are_named(torch, make, value):
    module = make(torch.nn)
    with pytest.raises(ParameterError) as error:
        Network.from_torch(module, (7, 7))
    assert value in str(error.value)


def test_untraceable_module_is_a_parameter_error(torch):
    class Branchy(torch.nn.Module):
        def forward(self, x):
            if x.sum() > 0:  # data-dependent control flow: fx cannot trace it
                return x
            return -x

    with pytest.raises(ParameterError, match="symbolic_trace"):
        Network.from_torch(Branchy(), (4,))


def test_cat_on_a_spatial_axis_is_refused(torch):
    class Wide(torch.nn.Module):
        def forward(self, x):
            return torch.cat([x, x], dim=2)

    with pytest.raises(ParameterError, match="dim=2"):
        Network.from_torch(Wide(), (4, 4))


def test_unet_sizes_are_what_pytorch_computes(torch):
    # A 1-D U-Net in PyTorch with the paper's copy-and-crop written out by slicing: the
    # sizes the spec network accepts are exactly those PyTorch runs on, with the same output.
    nn = torch.nn

    class UNet1d(nn.Module):
        def __init__(self):
            super().__init__()
            self.down = nn.ModuleList(
                nn.Sequential(nn.Conv1d(1, 1, 3), nn.ReLU(), nn.Conv1d(1, 1, 3), nn.ReLU())
                for _ in range(5)
            )
            self.up = nn.ModuleList(nn.ConvTranspose1d(1, 1, 2, stride=2) for _ in range(4))
            self.decode = nn.ModuleList(nn.Sequential(nn.Conv1d(2, 1, 3), nn.Conv1d(1, 1, 3))
                                        for _ in range(4))  # fmt: skip
            self.out = nn.Conv1d(1, 1, 1)

        def forward(self, x):
            skips = []
            for level in range(4):
                x = self.down[level](x)
                skips.append(x)
                x = nn.functional.max_pool1d(x, 2)
            x = self.down[4](x)
            for level in range(4):
                x = self.up[level](x)
                skip = skips[3 - level]
                lo = (skip.shape[-1] - x.shape[-1]) // 2
                x = torch.cat([x, skip[..., lo : lo + x.shape[-1]]], dim=1)
                x = self.decode[level](x)
            return self.out(x)

    model = UNet1d()
    net = Network.from_spec(UNET)
    accepted = set(net.input_sizes(150, 260))
    for n in range(150, 260):
        try:
            with torch.no_grad():
                out = model(torch.zeros(1, 1, n)).shape[-1]
        except RuntimeError:
            assert n not in accepted
            continue
        assert n in accepted
        assert net.layer_sizes(n)[-1][1] == (out,)
