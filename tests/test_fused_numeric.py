"""Fused numeric paths: chains of selections around at most one convolution, and sums
of them, run as one list of strided copies into one output buffer. Checked against
symconv.proof.oracle (NumPy read off the formulas, no operator code) on every edge case the
index arithmetic has: empty ranges, k = 1, every up-sampling length, crops at both ends,
flips, batch axes, chunked scratch buffers."""

import numpy as np
import pytest
import sympy as sp
from sympy import MatAdd, MatMul

from symconv import (
    Conv,
    ConvTranspose,
    Corr,
    Crop,
    Downsample,
    Flip,
    Pad,
    Upsample,
    kernel,
    lambdify,
    numeric,
)
from symconv.operators.channels import ConvTransposeNd
from symconv.proof import oracle as ref


def random_selection(rng, n):
    """A random selection on ℝⁿ and its reference function."""
    kind = rng.integers(5)
    if kind == 0:
        k = int(rng.integers(1, 4))
        return Downsample(n, k), lambda v: ref.downsample(v, k)
    if kind == 1:
        k = int(rng.integers(1, 4))
        length = int(rng.integers(k * (n - 1) + 1, k * n + 1))  # every allowed length
        return Upsample(n, k, length), lambda v: ref.upsample(v, k, length)
    if kind == 2:
        lo, hi = (int(a) for a in rng.integers(0, 3, size=2))
        return Pad(n, lo, hi), lambda v: ref.pad(v, lo, hi)
    if kind == 3 and n > 1:
        lo = int(rng.integers(0, n))
        hi = int(rng.integers(0, n - lo))  # may leave a single entry
        return Crop(n, lo, hi), lambda v: ref.crop(v, lo, hi)
    return Flip(n), ref.flip


def reference_matrix(functions, n):
    def chain(v):
        for f in functions:
            v = f(v)
        return np.asarray(v, dtype=float)

    return ref.matrix_of(chain, n)


def check(expr, functions, n, rng, params=(), values=()):
    dense = reference_matrix(functions, n)
    f = lambdify(expr, *params)
    for shape in [(n,), (2, 3, n)]:
        x = rng.normal(size=shape)
        assert np.allclose(f(x, *values), x @ dense.T), expr
        assert f(x, *values).shape == (*shape[:-1], dense.shape[0])


@pytest.mark.parametrize("seed", range(60))
def test_chains_of_selections_fuse_into_one_copy(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 9))
    factors, functions, size = [], [], n
    for _ in range(int(rng.integers(2, 6))):
        op, function = random_selection(rng, size)
        factors.append(op)
        functions.append(function)
        size = int(op.rows)
    expr = MatMul(*reversed(factors), evaluate=False)
    linear = numeric._linear(expr)
    assert linear is not None and len(linear.terms) <= 1  # one strided copy (or nothing)
    check(expr, functions, n, rng)


def test_down_up_chain_is_one_strided_copy():
    expr = MatMul(Downsample(12, 2), Upsample(4, 3), evaluate=False)
    (term,) = numeric._linear(expr).terms
    assert term == (1, numeric._Copy(0, 3, 0, 2, 2))  # y[3j] = x[2j], j = 0, 1
    check(
        expr,
        [lambda v: ref.upsample(v, 3, 12), lambda v: ref.downsample(v, 2)],
        4,
        np.random.default_rng(1),
    )


def test_chains_with_no_surviving_entry_give_zeros():
    # ↑₃ then dropping the first entry then ↓₃ keeps only the inserted zeros.
    expr = MatMul(Downsample(11, 3), Crop(12, 1, 0), Upsample(4, 3), evaluate=False)
    assert numeric._linear(expr).terms == ()
    x = np.arange(8.0).reshape(2, 4)
    assert np.array_equal(lambdify(expr)(x), np.zeros((2, 4)))


CONVS = [  # (operator on ℝⁿ from q, n; reference function of (q, v))
    (lambda q, n: Conv(q, n, "full"), lambda q, v: ref.conv_full(q, v)),
    (lambda q, n: Corr(q, n, (1, 2), 2), lambda q, v: ref.corr(q, v, 1, 2, 2, 1)),
    (lambda q, n: Corr(q, n, (0, 0), 1, 2), lambda q, v: ref.corr(q, v, 0, 0, 1, 2)),
    (
        lambda q, n: ConvTranspose(q, n, (1, 1), 2, 1, 1),
        lambda q, v: ref.conv_transpose(q, v, 1, 1, 2, 1, 1),
    ),
    (
        lambda q, n: ConvTranspose(q, n, (2, 0), 3, 2, 0),
        lambda q, v: ref.conv_transpose(q, v, 2, 0, 3, 2, 0),
    ),
]


@pytest.mark.parametrize("conv", range(len(CONVS)))
@pytest.mark.parametrize("seed", range(8))
def test_selections_around_a_convolution(conv, seed):
    rng = np.random.default_rng(100 + seed)
    build, reference_conv = CONVS[conv]
    m = int(rng.integers(1, 4))
    q, taps = kernel("q", m), rng.normal(size=m)
    n = int(rng.integers(5, 9))
    before, before_f = random_selection(rng, n)
    middle = build(q, int(before.rows))
    after, after_f = random_selection(rng, int(middle.rows))
    expr = MatMul(after, middle, before, evaluate=False)
    functions = [before_f, lambda v: reference_conv(taps, v), after_f]
    assert numeric._linear(expr) is not None
    check(expr, functions, n, rng, (q,), (taps,))


def subpixel(q, n, s):
    """Σ_v shift_v ↑ₛ (q[v::s] ∗ y): the stride-s transposed conv in polyphase form."""
    m = len(q)
    length = s * (n - 1) + m
    terms = []
    for v in range(min(s, m)):
        conv = Conv(q[v::s], n)
        up_len = s * (conv.rows - 1) + 1
        shift = Pad(up_len, v, length - v - up_len)
        terms.append(MatMul(shift, Upsample(conv.rows, s, up_len), conv, evaluate=False))
    return MatAdd(*terms)


@pytest.mark.parametrize(
    "m, n, s", [(3, 5, 2), (4, 6, 2), (5, 4, 3), (1, 3, 2), (2, 1, 2), (3, 7, 1)]
)
def test_subpixel_form_is_one_sum_of_tap_copies(m, n, s, monkeypatch):
    monkeypatch.setattr(numeric, "CHUNK", 2)  # scratch buffers chunk by chunk
    rng = np.random.default_rng(m * n * s)
    q, taps = kernel("q", m), rng.normal(size=m)
    expr = subpixel(q, n, s)
    assert len(numeric._linear(expr).terms) == m  # one copy per tap, no intermediates
    check(expr, [lambda v: ref.conv_transpose(taps, v, 0, 0, s, 1, 0)], n, rng, (q,), (taps,))


def test_equal_copies_merge_exactly_and_cancel():
    q = kernel("q", 2)
    flips = MatMul(Flip(5), Flip(5), Pad(4, 1, 0), evaluate=False)
    expr = MatAdd(Conv(q, 4), -1 * Conv(q, 4), flips)
    (term,) = numeric._linear(expr).terms  # the two convolutions cancel symbolically
    assert term == (1, numeric._Copy(1, 1, 0, 1, 4))
    x = np.arange(4.0)
    assert np.array_equal(lambdify(expr, q)(x, [2.0, 3.0]), np.r_[0.0, x])


def test_symbolic_scalars_in_fused_products():
    w, q = sp.Symbol("w"), kernel("q", 2)
    expr = MatMul(w, Crop(5, 1, 1), Conv(q, 4), evaluate=False)
    rng = np.random.default_rng(3)
    taps = rng.normal(size=2)
    dense = 2.5 * reference_matrix(
        [lambda v: ref.conv_full(taps, v), lambda v: ref.crop(v, 1, 1)], 4
    )
    x = rng.normal(size=(3, 4))
    assert np.allclose(lambdify(expr, w, q)(x, 2.5, taps), x @ dense.T)


@pytest.mark.parametrize("block", [1, 30, 10**6])
def test_kronecker_products_of_a_batch_in_blocks(block, monkeypatch):
    monkeypatch.setattr(numeric, "IMAGE_BLOCK", block)  # 1 image, 2 images, all at once
    rng = np.random.default_rng(7)
    u, v = rng.normal(size=3), rng.normal(size=2)
    expr = sp.KroneckerProduct(Corr(tuple(u), 5, (1, 1), 2), ConvTranspose(tuple(v), 3, (0, 0), 2))
    a = ref.matrix_of(lambda c: ref.corr(u, c, 1, 1, 2, 1), 5)
    b = ref.matrix_of(lambda c: ref.conv_transpose(v, c, 0, 0, 2, 1, 0), 3)
    x = rng.normal(size=(2, 3, 15))
    assert np.allclose(lambdify(expr)(x), x @ np.kron(a, b).T)


# -- N-D layers: chunks of samples on several threads ------------------------------


@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize(
    "shape, size, pads, stride, dilation, groups",
    [
        ((4, 2, 3, 2), (5, 4), [(1, 2), (0, 1)], [2, 1], [1, 2], 2),
        ((3, 2, 2, 2, 2), (3, 4, 3), [(1, 0), (0, 0), (1, 1)], [1, 2, 2], [1, 1, 1], 1),
    ],
)
def test_layers_on_several_threads_match_the_loop_reference(
    shape, size, pads, stride, dilation, groups, transposed, monkeypatch
):
    # Every layer call made parallel (3 threads sharing chunks of one sample each, one
    # tap or one row per product); the reference is the defining sum as plain loops.
    from symconv import _parallel
    from symconv.operators.channels import CorrNd

    # (Blocks forced: at these sizes the memory budget alone would allow one thread.)
    monkeypatch.setattr(numeric, "_blocks", lambda *args, **kwargs: (1, 1, 3))
    calls = []
    run = _parallel.run_chunks
    monkeypatch.setattr(_parallel, "run_chunks", lambda s, w, n: calls.append(n) or run(s, w, n))
    rng = np.random.default_rng(11)
    w = rng.standard_normal(shape)
    op = CorrNd(w, size, pads, stride, dilation, groups)
    samples = 7
    if transposed:
        y = rng.standard_normal((samples, op.shape[0]))
        got = lambdify(op.T)(y)
        grids = y.reshape(samples, shape[0], *op.output_size)
        out_padding = [
            n - ((m - 1) * s - lo - hi + d * (k - 1) + 1)
            for n, m, s, (lo, hi), d, k in zip(
                size, op.output_size, stride, pads, dilation, shape[2:]
            )
        ]
        expected = [
            ref.conv_transpose_nd(w, v, pads, stride, dilation, out_padding, groups) for v in grids
        ]
    else:
        x = rng.standard_normal((samples, op.shape[1]))
        got = lambdify(op)(x)
        grids = x.reshape(samples, shape[1] * groups, *size)
        expected = [ref.corr_nd(w, v, pads, stride, dilation, groups) for v in grids]
    assert calls == [3]
    np.testing.assert_allclose(got, np.reshape(expected, (samples, -1)), atol=1e-12)


def test_chunks_are_shared_out_once_each_and_a_worker_error_is_raised():
    import threading

    from symconv._parallel import run_chunks

    seen, threads = [], set()

    def work(starts):
        for start in starts:
            threads.add(threading.get_ident())
            seen.append(start)

    run_chunks(range(0, 1000, 3), work, workers=3)
    assert sorted(seen) == list(range(0, 1000, 3))

    def fails(starts):
        for start in starts:
            if start == 6:
                raise ValueError("chunk 6")

    with pytest.raises(ValueError, match="chunk 6"):
        run_chunks(range(0, 30, 3), fails, workers=2)


def test_blas_runs_on_one_thread_during_a_parallel_call_and_is_restored():
    import threading

    from symconv import _parallel

    pairs = _parallel._controls().pairs
    if not pairs:
        pytest.skip("no OpenBLAS or MKL library whose thread count can be read is loaded")
    before = [getter() for getter, _ in pairs]
    inside = []
    entered, release = threading.Event(), threading.Event()

    def other():  # a second, overlapping block from another thread
        with _parallel.single_threaded_blas():
            entered.set()
            release.wait()

    thread = threading.Thread(target=other)
    with _parallel.single_threaded_blas():
        thread.start()
        entered.wait()
    inside.append([getter() for getter, _ in pairs])  # the other block still runs
    release.set()
    thread.join()
    assert inside == [[1] * len(pairs)]
    assert [getter() for getter, _ in pairs] == before


def test_a_helper_that_never_starts_is_not_waited_for():
    # Every helper thread of the pool is busy until the call has returned: the caller must
    # process every chunk itself and cancel its queued helper, not wait for it.
    import threading
    from concurrent.futures import wait

    from symconv import _parallel

    release = threading.Event()
    pool = _parallel._executor()
    blockers = [pool.submit(release.wait, 30) for _ in range(pool._max_workers)]
    seen, threads = [], set()

    def work(starts):
        for start in starts:
            threads.add(threading.get_ident())
            seen.append(start)

    caller = threading.Thread(target=_parallel.run_chunks, args=(range(0, 40, 4), work, 2))
    caller.start()
    caller.join(10)
    finished = not caller.is_alive()
    release.set()
    wait(blockers)
    assert finished
    assert seen == list(range(0, 40, 4))
    assert threads == {caller.ident}


def test_a_forked_child_gets_blas_threads_back():
    # Forked while a parallel call holds BLAS on one thread (here: the guard, entered by
    # this thread), the child, which has no such call, gets the counts back.
    import os

    from symconv import _parallel

    controls = _parallel._controls()
    if not controls.pairs or not hasattr(os, "fork"):
        pytest.skip("needs fork and a BLAS library whose thread count can be read")
    before = [getter() for getter, _ in controls.pairs]
    with _parallel.single_threaded_blas():
        pid = os.fork()
        if pid == 0:  # the child: exit code 0 only if the counts and the guard are reset
            ok = [g() for g, _ in controls.pairs] == before and controls.users == 0
            os._exit(0 if ok else 1)
        assert [getter() for getter, _ in controls.pairs] == [1] * len(before)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def assert_transposed_layer_matches(
    w, size, pads, stride, dilation, output_padding, groups, rng, samples
):
    """The compiled ConvTransposeNd of ``w`` equals the oracle on random samples."""
    op = ConvTransposeNd(w, size, pads, stride, dilation, output_padding, groups)
    y = rng.standard_normal((samples, op.shape[1]))
    expected = [
        ref.conv_transpose_nd(w, v, pads, stride, dilation, output_padding, groups)
        for v in y.reshape(samples, w.shape[0], *size)
    ]
    np.testing.assert_allclose(lambdify(op)(y), np.reshape(expected, (samples, -1)), atol=1e-12)


@pytest.mark.parametrize("runs", [False, True])
@pytest.mark.parametrize("col2im_block", [1, 400, 2**30])
@pytest.mark.parametrize(
    "shape, size, pads, stride, dilation, output_padding, groups",
    [
        ((4, 3, 4, 4), (5, 6), [(1, 1), (2, 0)], [2, 2], [1, 1], [1, 0], 1),
        ((4, 2, 3, 2), (4, 3), [(0, 2), (1, 1)], [3, 1], [2, 3], [2, 0], 2),
        ((3, 2, 5), (7,), [(2, 1)], [4], [1], [3], 1),  # stride > kernel: a phase gets no tap
        ((2, 3, 2, 3, 2), (3, 2, 4), [(1, 0), (0, 1), (1, 1)], [2, 1, 3], [1, 2, 1], [0, 0, 1], 1),
    ],
)
def test_transposed_layer_runs_of_tap_products_match_the_scatter(
    shape, size, pads, stride, dilation, output_padding, groups, col2im_block, runs, monkeypatch
):
    # Each tap's products for all channels are added as one contiguous run into the
    # phase-major buffer, the zero padding of one channel landing on the next: cut into
    # blocks of one tap, of a few taps (at 400 entries, 16 taps of the first layer as five
    # blocks of 3 and one of 1) and of all taps the budget allows. Or (runs False) each
    # tap's products are added into a strided window.
    monkeypatch.setattr(numeric, "_polyphase", lambda layer: None)  # col2im for every layer
    monkeypatch.setattr(numeric, "COL2IM_BLOCK", col2im_block)
    monkeypatch.setattr(numeric, "RUNS_PADDING", 10**9 if runs else 0)
    rng = np.random.default_rng(col2im_block + len(size))
    layer = (size, pads, stride, dilation, output_padding, groups)
    assert_transposed_layer_matches(rng.standard_normal(shape), *layer, rng, samples=3)


# Transposed layers whose every phase has every shift (stride 1; kernel a multiple of the
# stride at dilation 1; dilation a multiple of the stride): (weight shape, input size,
# pads, stride, dilation, output padding, groups).
PHASE_LAYERS = [
    ((8, 8, 4, 4), (6, 5), [(1, 1), (1, 1)], [2, 2], [1, 1], [0, 0], 1),  # sub-pixel 4×4/2
    ((4, 6, 3, 3), (5, 6), [(1, 1), (2, 0)], [1, 1], [1, 2], [0, 0], 2),  # stride 1: direct
    ((3, 2, 3), (7,), [(2, 1)], [2], [2], [1], 1),  # dilation 2, stride 2: odd phase empty
    ((3, 2, 2), (7,), [(0, 0)], [3], [1], [2], 1),  # stride > kernel: phase 2 gets no tap
    ((2, 3, 4), (4,), [(5, 4)], [2], [1], [1], 1),  # pads beyond the kernel crop inputs away
    ((2, 4, 2, 4, 2), (3, 2, 4), [(1, 0), (0, 1), (1, 1)], [2, 1, 2], [1, 2, 1], [0, 0, 1], 2),
    ((4, 3, 2, 2), (3, 4), [(0, 0), (0, 0)], [2, 2], [1, 1], [0, 0], 2),  # 2×2/2: the input
    ((4, 3, 2, 2), (3, 4), [(0, 0), (0, 0)], [2, 2], [1, 1], [1, 0], 1),  # … and one more row
    ((3, 2, 1), (5,), [(0, 0)], [1], [1], [0], 1),  # 1×1, stride 1: input to output directly
]


@pytest.fixture
def col2im_runs(monkeypatch):
    """Grows by one each time a transposed layer runs as col2im, not as phase correlations."""
    calls = []
    real = numeric._compile_col2im

    def compile_col2im(layer):
        apply = real(layer)
        return lambda y, values: calls.append(1) or apply(y, values)

    monkeypatch.setattr(numeric, "_compile_col2im", compile_col2im)
    return calls


@pytest.mark.parametrize("chunk, threads", [(5, 1), (2, 3)])
@pytest.mark.parametrize(
    "shape, size, pads, stride, dilation, output_padding, groups", PHASE_LAYERS
)
def test_transposed_layers_as_phase_correlations_match_the_reference(
    shape,
    size,
    pads,
    stride,
    dilation,
    output_padding,
    groups,
    chunk,
    threads,
    col2im_runs,
    monkeypatch,
):
    # Each output phase is a stride-1 correlation of the input with its taps: one im2col
    # of the shifted windows, one product, no scatter; all 5 samples at once, or chunks of
    # 2 shared by 3 threads (forced: at these sizes the budget would choose col2im).
    monkeypatch.setattr(numeric, "_blocks", lambda units, *args: (chunk, units, threads))
    calls = []
    run = numeric._parallel.run_chunks
    monkeypatch.setattr(
        numeric._parallel, "run_chunks", lambda s, w, n: calls.append(n) or run(s, w, n)
    )
    rng = np.random.default_rng(len(size) + shape[-1])
    layer = (size, pads, stride, dilation, output_padding, groups)
    assert_transposed_layer_matches(rng.standard_normal(shape), *layer, rng, samples=5)
    assert not col2im_runs  # the phase form ran
    assert calls == ([threads] if threads > 1 else [])


def test_phase_form_where_it_fits_col2im_where_it_does_not(col2im_runs, monkeypatch):
    # The 8→8-channel 4×4 stride-2 layer at 6×5, 5 samples: one sample's im2col (4
    # windows × 8 channels × 7·6 positions) with its padded input and phases fits within
    # the output, so the phase form runs; with a budget of 2,000 entries it does not, and
    # col2im (blocks of taps) runs instead. Same values either way.
    rng = np.random.default_rng(3)
    w = rng.standard_normal((8, 8, 4, 4))
    op = ConvTransposeNd(w, (6, 5), padding=1, stride=2)
    y = rng.standard_normal((5, op.shape[1]))
    grids = y.reshape(5, 8, 6, 5)
    expected = [ref.conv_transpose_nd(w, v, [(1, 1)] * 2, [2, 2], [1, 1], [0, 0]) for v in grids]
    f = lambdify(op)
    np.testing.assert_allclose(f(y), np.reshape(expected, (5, -1)), atol=1e-12)
    assert not col2im_runs
    monkeypatch.setattr(numeric, "LAYER_BLOCK", 2000)
    np.testing.assert_allclose(f(y), np.reshape(expected, (5, -1)), atol=1e-12)
    assert col2im_runs


def test_phase_plans_of_layers():
    def plan(kernel, size, pads, stride, dilation=1, output_padding=0):
        w = np.ones((1, 1, kernel))
        op = ConvTransposeNd(w, (size,), [pads], [stride], [dilation], [output_padding])
        return numeric._polyphase(numeric._Layer(op, numeric._Parameters([])))

    # 4 taps at stride 2: phases 0, 1 each with shifts 0, 1; 8 inputs give full positions
    # 0 … 17, and padding 1 keeps 1 … 16, read at q = 0 … 8 (phase 1 from q = 0, phase 0
    # from q = 1).
    assert plan(4, 8, (1, 1), 2) == ([[0, 1]], [[0, 1]], [1 - 1], [9])
    # 3 taps at stride 2: phase 0 has shifts 0, 1, phase 1 only shift 0: col2im.
    assert plan(3, 8, (0, 0), 2) is None
    # Dilation 2 at stride 2: every tap in phase 0, shifts 0, 1, 2.
    assert plan(3, 5, (0, 0), 2, dilation=2)[:2] == ([[0]], [[0, 1, 2]])
    # One tap at stride 2, one output at odd position 1: no output is in a phase with a
    # tap (col2im writes the zero).
    assert plan(1, 1, (1, 0), 2, output_padding=1) is None
    # Stride 1: one phase, computed exactly where the output is (q = lo + i).
    assert plan(3, 6, (2, 1), 1) == ([[0]], [[0, 1, 2]], [2], [5])


@pytest.mark.parametrize(
    "args, threads, expected",
    [
        # The 16→8, 4×4, s=2 layer at 32²: blocks of 3 taps stay in cache; 2 threads × (3
        # taps + the buffers) fit in the output's size.
        ((8, 8712, 52272, 262144, 2**15), 2, (1, 3, 2)),
        # Blocks of taps cut equal: room for 9 taps of 16 gives two blocks of 8.
        ((8, 8712, 52272, 262144), 2, (1, 8, 2)),
        # Two threads of one tap of one sample each would exceed the output: one thread.
        ((8, 100, 200_000, 262144), 2, (1, 16, 1)),
        # One tap of one sample exceeds the output whatever the threads: both threads run.
        ((8, 300_000, 1_000_000, 1_048_576), 2, (1, 1, 2)),
        # All taps and several samples per block when they fit, as many as stay in cache.
        ((8, 10, 100, 2**16), 1, (8, 16, 1)),
        ((8, 10, 100, 2**16, 500), 1, (3, 16, 1)),
    ],
)
def test_layer_blocks_keep_scratch_within_the_output(args, threads, expected, monkeypatch):
    from symconv import _parallel

    monkeypatch.setattr(_parallel, "thread_budget", lambda: threads)
    chunk, taps, workers = numeric._blocks(16, *args)  # 16 units: the taps of a 4×4 kernel
    assert (chunk, taps, workers) == expected
    _, per_tap, per_sample, output = args[:4]
    scratch = workers * (chunk * (taps * per_tap + per_sample))
    assert scratch <= output or chunk * taps == 1


@pytest.mark.parametrize("transposed", [False, True])
def test_small_layers_hold_blas_to_one_thread_large_single_samples_do_not(transposed, monkeypatch):
    from contextlib import contextmanager

    from symconv import _parallel
    from symconv.operators.channels import CorrNd

    held = []
    real = _parallel.single_threaded_blas

    @contextmanager
    def recording():
        held.append(True)
        with real():
            yield

    monkeypatch.setattr(_parallel, "single_threaded_blas", recording)
    rng = np.random.default_rng(5)
    w = rng.standard_normal((4, 3, 3, 2))
    pads, stride, dilation = [(1, 1), (0, 1)], [2, 1], [1, 2]
    forward = CorrNd(w, (6, 5), pads, stride, dilation)
    op = forward.T if transposed else forward
    x = rng.standard_normal((2, op.shape[1]))
    if transposed:
        out_padding = [1, 0]  # the sizes 6 and 5 from the forward output sizes 3 and 4
        grids = x.reshape(2, 4, *forward.output_size)
        expected = [ref.conv_transpose_nd(w, v, pads, stride, dilation, out_padding) for v in grids]
    else:
        expected = [ref.corr_nd(w, v, pads, stride, dilation) for v in x.reshape(2, 3, 6, 5)]
    f = lambdify(op)
    np.testing.assert_allclose(f(x), np.reshape(expected, (2, -1)), atol=1e-12)
    assert held == [True]  # far below PARALLEL_OUTPUT
    monkeypatch.setattr(numeric, "PARALLEL_OUTPUT", 1)
    np.testing.assert_allclose(f(x[:1]), np.reshape(expected[:1], (1, -1)), atol=1e-12)
    assert held == [True]  # one sample of a "large" layer: BLAS keeps its threads
