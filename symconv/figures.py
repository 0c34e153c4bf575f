"""Figures of the operators, drawn from their exact matrices with matplotlib.

Every picture here is computed: the cells, their labels and their colours come
from :func:`symconv.explicit` of operator expressions, never from a drawing
made by hand, and the figures that illustrate an identity check it exactly
before drawing it (a wrong identity raises instead of producing a pretty but
false picture). The documentation site renders them at build time.

Colours are the same in every figure: inputs blue, outputs green, padding
zeros grey, inserted zeros white with hatching, and one colour per kernel tap.

matplotlib is an optional dependency (the ``docs`` extra). The functions
return :class:`matplotlib.figure.Figure` objects built without ``pyplot``, so
they need no display and leave no global state behind; save them with
``fig.savefig(path)``.

Examples
--------
>>> fig = sampling_matrices(n=3, k=2)
>>> [ax.get_title() for ax in fig.axes][:2]
['$\\\\downarrow_{2}$ on ℝ$^{6}$  (3×6)', '$\\\\uparrow_{2}$ to length 6  (6×3)']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import sympy as sp
from sympy.matrices.expressions import KroneckerProduct, MatAdd, MatMul

from symconv import _validate
from symconv.errors import SymconvError
from symconv.kernels import flip, ones
from symconv.matrices import explicit
from symconv.operators.channels import ConvTransposeNd
from symconv.operators.convolution import Conv, ConvTranspose, Corr
from symconv.operators.grid import crop_nd
from symconv.operators.padding import Pad
from symconv.operators.sampling import Downsample, Upsample

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "checkerboard_overlap",
    "checkerboard_overlap_2d",
    "convolution_matrix",
    "matrix_pair",
    "padding_fold_back",
    "pooling_weights",
    "receptive_field",
    "resample_border_weights",
    "sampling_matrices",
    "subpixel_decomposition",
    "transposed_1d",
    "transposed_as_direct",
    "transposed_scatter_2d",
]

INPUT = "#9ecae1"  # blue: inputs (as in Dumoulin & Visin's animations)
OUTPUT = "#a1d99b"  # green: outputs
PADDING = "#bdbdbd"  # grey: zeros added around the border
INSERTED = "#ffffff"  # white, hatched: zeros inserted between samples
HIGHLIGHT = "#e6550d"  # orange outline: the row/column/window a frame is about
ONE = "#fd8d3c"  # a 1 in a 0/1 matrix
_TAP_COLOURS = (
    "#fdd0a2",
    "#fdae6b",
    "#fd8d3c",
    "#dadaeb",
    "#bcbddc",
    "#9e9ac8",
    "#fcbba1",
    "#fc9272",
    "#fb6a4a",
    "#c7e9c0",
)


def _figure(width: float, height: float) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "symconv.figures needs matplotlib; install it with pip install 'symconv[docs]'"
        ) from error
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _tex(value: object) -> str:
    """An entry as matplotlib mathtext: ``w_{0 1}`` for a tap, '' for a structural zero."""
    value = sp.sympify(value)
    return "" if value == 0 else f"${sp.latex(value)}$"


def _grid(
    ax: Axes,
    labels: Sequence[Sequence[str]],
    colours: Sequence[Sequence[str]],
    title: str = "",
    hatched: Sequence[tuple[int, int]] = (),
    outlined: Sequence[tuple[int, int]] = (),
    fontsize: float = 9,
) -> None:
    """Draw a grid of labelled, coloured cells, row 0 at the top."""
    from matplotlib.patches import Rectangle

    hatched, outlined = set(hatched), set(outlined)
    for r, row in enumerate(labels):
        for c, label in enumerate(row):
            ax.add_patch(
                Rectangle(
                    (c, r),
                    1,
                    1,
                    facecolor=colours[r][c],
                    edgecolor="#636363",
                    linewidth=0.6,
                    hatch="//" if (r, c) in hatched else None,
                )
            )
            if label:
                ax.text(
                    c + 0.5,
                    r + 0.5,
                    label,
                    ha="center",
                    va="center",
                    fontsize=fontsize,
                    color=_text_colour(colours[r][c]),
                )
    for r, c in outlined:
        ax.add_patch(
            Rectangle((c, r), 1, 1, fill=False, edgecolor=HIGHLIGHT, linewidth=2.2, zorder=3)
        )
    rows, cols = len(labels), len(labels[0]) if labels else 0
    ax.set_xlim(-0.05, cols + 0.05)
    ax.set_ylim(rows + 0.05, -0.05)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)


def _text_colour(facecolor: str) -> str:
    """Black on light cells, white on dark ones (WCAG relative luminance below 0.18).

    >>> _text_colour("#f7fcf5"), _text_colour("#00441b")
    ('black', 'white')
    """
    from matplotlib.colors import to_rgb

    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(facecolor)
    ]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "white" if luminance < 0.18 else "black"


def _legend(fig: Figure, entries: Sequence[tuple[str, str, bool]], ncol: int = 4) -> None:
    """A figure legend of (colour, label, hatched) swatches below the panels.

    The colour :data:`HIGHLIGHT` draws an outline swatch, like the outlined cells.
    """
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor="none", edgecolor=HIGHLIGHT, linewidth=2, label=label)
        if colour == HIGHLIGHT
        else Patch(
            facecolor=colour, edgecolor="#636363", hatch="//" if hatch else None, label=label
        )
        for colour, label, hatch in entries
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=ncol, fontsize=9, frameon=False)


def _tap_symbols(name: str, m: int) -> list[list[sp.Symbol]]:
    return [[sp.Symbol(f"{name}_{{{a}{b}}}") for b in range(m)] for a in range(m)]


def _unit(m: int, a: int) -> tuple[int, ...]:
    return tuple(int(t == a) for t in range(m))


def _separable_sum(w: list[list[sp.Expr]], factor) -> MatAdd:
    """Σ_ab w_ab · (A_a ⊗ B_b): a general 2-D operator from 1-D ones (row-major images).

    ``factor(e)`` is the 1-D operator built from the unit kernel ``e``.
    """
    m = len(w)
    return MatAdd(
        *(
            MatMul(w[a][b], KroneckerProduct(factor(_unit(m, a)), factor(_unit(m, b))))
            for a in range(m)
            for b in range(m)
        )
    )


def _tap_colour(value: sp.Expr, taps: list[sp.Symbol]) -> str:
    for i, tap in enumerate(taps):
        if value == tap:
            return _TAP_COLOURS[i % len(_TAP_COLOURS)]
    return "#ffffff" if value == 0 else "#f0f0f0"


def convolution_matrix(n: int = 4, m: int = 3) -> Figure:
    """A 2-D convolution C and its transpose Cᵀ as still frames.

    Example 1 of the daved01/deconvolutions README.

    A valid, stride-1 "conv" (cross-correlation) of an n×n image with an m×m
    kernel of symbolic taps w_ab is the matrix C of shape
    ((n−m+1)², n²) acting on the row-major flattened image. Each frame
    highlights one output pixel: the kernel window on the input, and the row
    of C that computes it. The last panel is Cᵀ, which maps the small image
    back to the large one: column i of Cᵀ is row i of C, so the transposed
    convolution scatters each input pixel through the same, unflipped taps.

    Parameters
    ----------
    n : int
        Input side (the README: 4).
    m : int
        Kernel side (the README: 3); at most n.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n, m = int(_validate.size("n", n)), int(_validate.size("m", m))
    _validate.require(m <= n, "m", m, f"a kernel side of at most n = {n}")
    w = _tap_symbols("w", m)
    taps = [t for row in w for t in row]
    C = explicit(_separable_sum(w, lambda e: Corr(e, n)))
    side = n - m + 1
    frames = min(side * side, 4)
    fig = _figure(2.2 + 0.42 * n * n, 1.9 * frames + 2.2 + 0.12 * n * n)
    grid = fig.add_gridspec(
        frames + 1,
        3,
        width_ratios=(n, side, n * n),
        height_ratios=[*([1] * frames), 0.55 * n * n / max(side, 1) / 2 + 0.5],
    )
    for f in range(frames):
        r0, c0 = divmod(f, side)
        window = {(r0 + a, c0 + b): w[a][b] for a in range(m) for b in range(m)}
        ax = fig.add_subplot(grid[f, 0])
        _grid(
            ax,
            [[f"$x_{{{r}{c}}}$" for c in range(n)] for r in range(n)],
            [
                [_tap_colour(window[r, c], taps) if (r, c) in window else INPUT for c in range(n)]
                for r in range(n)
            ],
            "input x (window = taps)" if f == 0 else "",
            outlined=list(window),
        )
        ax = fig.add_subplot(grid[f, 1])
        _grid(
            ax,
            [[f"$y_{{{r}{c}}}$" for c in range(side)] for r in range(side)],
            [[OUTPUT] * side for _ in range(side)],
            "output y" if f == 0 else "",
            outlined=[(r0, c0)],
        )
        ax = fig.add_subplot(grid[f, 2])
        _grid(
            ax,
            [[_tex(C[i, j]) for j in range(C.cols)] for i in range(C.rows)],
            [[_tap_colour(C[i, j], taps) for j in range(C.cols)] for i in range(C.rows)],
            f"C  ({C.rows}×{C.cols}):  y = C x,  row {f} computes $y_{{{r0}{c0}}}$"
            if f == 0
            else f"row {f} computes $y_{{{r0}{c0}}}$",
            outlined=[(f, j) for j in range(C.cols)],
            fontsize=7,
        )
    ax = fig.add_subplot(grid[frames, :])
    CT = C.T
    _grid(
        ax,
        [[_tex(CT[i, j]) for j in range(CT.cols)] for i in range(CT.rows)],
        [[_tap_colour(CT[i, j], taps) for j in range(CT.cols)] for i in range(CT.rows)],
        f"$C^{{\\mathsf{{T}}}}$  ({CT.rows}×{CT.cols}): the transposed convolution, "
        f"{side}×{side} → {n}×{n}; column 0 is row 0 of C",
        outlined=[(i, 0) for i in range(CT.rows)],
        fontsize=7,
    )
    _legend(
        fig,
        [(INPUT, "input x", False), (OUTPUT, "output y", False)]
        + [(_tap_colour(t, taps), f"${sp.latex(t)}$", False) for t in taps],
        ncol=6,
    )
    return fig


def sampling_matrices(n: int = 3, k: int = 2) -> Figure:
    """↓ₖ on ℝᵏⁿ, ↑ₖ to length kn and ↑ₖ to length k(n−1)+1, as 0/1 matrices.

    The first two are each other's transpose; the third is the transpose of
    ↓ₖ on ℝ^{k(n−1)+1}. The length of ↑ₖ is part of the operator
    (see the conventions page).

    Parameters
    ----------
    n : int
        Length of the short side (samples kept by ↓ₖ).
    k : int
        The factor.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n, k = int(_validate.size("n", n)), int(_validate.size("k", k))
    long, short = k * n, k * (n - 1) + 1
    panels = [
        (Downsample(long, k), f"$\\downarrow_{{{k}}}$ on ℝ$^{{{long}}}$"),
        (Upsample(n, k), f"$\\uparrow_{{{k}}}$ to length {long}"),
        (Upsample(n, k, length=short), f"$\\uparrow_{{{k}}}$ to length {short}"),
    ]
    if explicit(panels[1][0]) != explicit(panels[0][0]).T:  # the identity the figure shows
        raise SymconvError("↑ₖ is not ↓ₖᵀ: the operators are wrong")  # pragma: no cover
    fig = _figure(1.2 + 0.45 * (long + 2 * n + 2), 1.2 + 0.42 * long)
    grid = fig.add_gridspec(1, 3, width_ratios=(long, n, n))
    for g, (op, title) in enumerate(panels):
        M = explicit(op)
        ax = fig.add_subplot(grid[0, g])
        _grid(
            ax,
            [[str(M[i, j]) if M[i, j] else "" for j in range(M.cols)] for i in range(M.rows)],
            [[ONE if M[i, j] else "#ffffff" for j in range(M.cols)] for i in range(M.rows)],
            f"{title}  ({M.rows}×{M.cols})",
        )
    _legend(fig, [(ONE, "entry 1", False), ("#ffffff", "entry 0 (blank)", False)])
    return fig


def transposed_as_direct(stride: int = 1, n: int = 2, m: int = 3) -> Figure:
    """A 2-D transposed convolution as a direct convolution over a padded input.

    Examples 2 and 3 of the daved01/deconvolutions README: 2 (stride 1: (2,2)
    padded to (6,6), 3×3 kernel, output (4,4)) and 3 (stride 2, "stride ½":
    (2,2) with a zero inserted between samples and padded around to (7,7),
    output (5,5)). The transposed convolution with kernel q equals a stride-1 correlation with the
    *flipped* kernel flip(q) (rotated by 180° in 2-D) over ↑ₛ y padded by m − 1
    on every side. The function checks that identity exactly on the explicit
    matrices, with symbolic taps and inputs, before drawing it.

    Parameters
    ----------
    stride : int
        1 for example 2, 2 for example 3.
    n : int
        Input side.
    m : int
        Kernel side.

    Returns
    -------
    matplotlib.figure.Figure
    """
    s, n, m = (int(_validate.size(k, v)) for k, v in (("stride", stride), ("n", n), ("m", m)))
    q = _tap_symbols("q", m)
    taps = [t for row in q for t in row]
    flipped = [row[::-1] for row in q[::-1]]
    inserted = s * (n - 1) + 1
    side = inserted + 2 * (m - 1)
    spread = MatMul(Pad(inserted, m - 1, m - 1), Upsample(n, s, length=inserted))
    padded_op = KroneckerProduct(spread, spread)
    direct = MatMul(_separable_sum(flipped, lambda e: Corr(e, side)), padded_op)
    transposed = _separable_sum(q, lambda e: ConvTranspose(e, n, stride=s))
    if explicit(direct) != explicit(transposed):
        raise SymconvError(  # pragma: no cover - a wrong operator, not a wrong call
            "transposed conv ≠ direct conv over the padded input: the operators are wrong"
        )
    y = [sp.Symbol(f"y_{{{r}{c}}}") for r in range(n) for c in range(n)]
    padded = explicit(padded_op) * sp.Matrix(y)
    # Which zeros are inserted between samples (white) and which pad the border (grey).
    border = range(m - 1, m - 1 + inserted)
    labels, colours, hatched = [], [], []
    for r in range(side):
        labels.append([]), colours.append([])
        for c in range(side):
            v = padded[r * side + c]
            labels[-1].append(_tex(v) if v != 0 else "0")
            inside = r in border and c in border
            colours[-1].append(INPUT if v != 0 else INSERTED if inside else PADDING)
            if v == 0 and inside:
                hatched.append((r, c))
    out = side - m + 1
    fig = _figure(2.0 + 0.5 * (n + side + m + out), 1.4 + 0.5 * side)
    grid = fig.add_gridspec(2, 4, width_ratios=(n, side, m, out), height_ratios=(1, 1))
    _grid(
        fig.add_subplot(grid[:, 0]),
        [[_tex(y[r * n + c]) for c in range(n)] for r in range(n)],
        [[INPUT] * n for _ in range(n)],
        f"input y ({n}×{n})",
    )
    what = "padded" if s == 1 else f"{s - 1} zero{'s' * (s > 2)} inserted, padded"
    _grid(
        fig.add_subplot(grid[:, 1]),
        labels,
        colours,
        f"{what}: {side}×{side}",
        hatched=hatched,
        outlined=[(a, b) for a in range(m) for b in range(m)],
        fontsize=8,
    )
    _grid(
        fig.add_subplot(grid[0, 2]),
        [[_tex(t) for t in row] for row in q],
        [[_tap_colour(t, taps) for t in row] for row in q],
        "kernel q",
    )
    _grid(
        fig.add_subplot(grid[1, 2]),
        [[_tex(t) for t in row] for row in flipped],
        [[_tap_colour(t, taps) for t in row] for row in flipped],
        "flip(q): q rotated 180°",
    )
    _grid(
        fig.add_subplot(grid[:, 3]),
        [[f"$z_{{{r}{c}}}$" for c in range(out)] for r in range(out)],
        [[OUTPUT] * out for _ in range(out)],
        f"output z ({out}×{out})",
        outlined=[(0, 0)],
    )
    _legend(
        fig,
        [
            (INPUT, "input samples", False),
            *([(INSERTED, "inserted zeros", True)] if s > 1 else []),
            (PADDING, "border padding", False),
            (OUTPUT, "output", False),
            (HIGHLIGHT, "window of $z_{00}$ (flip(q) slides here)", False),
        ],
        ncol=5,
    )
    return fig


def _overlap(m: int, s: int, n: int) -> list[int]:
    """1ₘ ∗ (↑ₛ 1ₙ): how many taps of a transposed conv reach each output."""
    counts = explicit(
        MatMul(Conv(ones(m), s * (n - 1) + 1, "full"), Upsample(n, s, s * (n - 1) + 1))
    )
    return [int(sum(counts.row(i))) for i in range(counts.rows)]


def checkerboard_overlap(
    cases: Sequence[tuple[int, int]] = ((3, 2), (2, 2), (4, 2), (3, 3)), n: int = 6
) -> Figure:
    """Overlap counts 1ₘ ∗ (↑ₛ1) of 1-D transposed convolutions, one bar chart per (m, s).

    The count at output i is how many (input, tap) pairs a stride-s transposed
    convolution with an m-tap kernel adds into it. Away from the borders it is
    uniform exactly when s divides m; otherwise it alternates — the
    checkerboard of Odena et al. (2016).

    Parameters
    ----------
    cases : sequence of (m, s)
        Kernel length and stride per panel.
    n : int
        Input length.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n = int(_validate.size("n", n))
    cases = [(int(_validate.size("m", m)), int(_validate.size("s", s))) for m, s in cases]
    _validate.require(len(cases) > 0, "cases", cases, "at least one (m, s) pair")
    fig = _figure(7.5, 1.6 * len(cases) + 0.8)
    for g, (m, s) in enumerate(cases):
        counts = _overlap(m, s, n)
        ax = fig.add_subplot(len(cases), 1, g + 1)
        ax.bar(range(len(counts)), counts, color=OUTPUT, edgecolor="#636363", label="overlap count")
        ax.set_ylim(0, max(counts) + 1)
        ax.set_yticks(range(max(counts) + 1))
        uniform = "uniform inside" if m % s == 0 else "checkerboard"
        ax.set_title(f"m = {m}, s = {s}, n = {n}: {counts}  ({uniform})", fontsize=9)
        ax.set_xlabel("output index", fontsize=8)
    fig.axes[0].legend(loc="upper right", fontsize=8)
    return fig


def checkerboard_overlap_2d(m: int = 3, s: int = 2, n: int = 4) -> Figure:
    """The 2-D overlap counts of a separable transposed convolution: the outer product.

    The 2-D count at (r, c) is count(r) · count(c) of the 1-D pattern, so a
    1-D pattern 1, 2 becomes 1, 2, 4 in 2-D.

    Parameters
    ----------
    m, s, n : int
        Kernel side, stride and input side.

    Returns
    -------
    matplotlib.figure.Figure
    """
    m, s, n = (int(_validate.size(k, v)) for k, v in (("m", m), ("s", s), ("n", n)))
    counts = _overlap(m, s, n)
    grid = [[a * b for b in counts] for a in counts]
    top = max(max(row) for row in grid)
    fig = _figure(1.0 + 0.42 * len(counts), 1.3 + 0.42 * len(counts))
    ax = fig.add_subplot()
    shades = ("#f7fcf5", "#c7e9c0", "#74c476", "#238b45", "#00441b")
    _grid(
        ax,
        [[str(v) for v in row] for row in grid],
        [
            [shades[min(len(shades) - 1, round((len(shades) - 1) * v / top))] for v in row]
            for row in grid
        ],
        f"2-D overlap, m = {m}, s = {s}, n = {n}",
    )
    values = sorted({v for row in grid for v in row})
    _legend(
        fig,
        [
            (shades[min(len(shades) - 1, round((len(shades) - 1) * v / top))], f"{v} taps", False)
            for v in values
        ],
        ncol=len(values),
    )
    return fig


def subpixel_decomposition(m: int = 4, s: int = 2, n: int = 3) -> Figure:
    """A stride-s transposed convolution as s interleaved stride-1 convolutions.

    Row r of the transposed convolution's matrix only meets the taps q_t with
    t ≡ r (mod s): its rows of phase v form the full convolution with the
    polyphase kernel q[v::s]. Interleaving the s outputs ("pixel shuffle") is
    the sub-pixel convolution of Shi et al. (2016). Checked exactly before
    drawing.

    Parameters
    ----------
    m : int
        Kernel length; a multiple of s (then every phase has m/s taps).
    s : int
        Stride.
    n : int
        Input length.

    Returns
    -------
    matplotlib.figure.Figure
    """
    m, s, n = (int(_validate.size(k, v)) for k, v in (("m", m), ("s", s), ("n", n)))
    _validate.require(m % s == 0, "m", m, f"a multiple of the stride s = {s}")
    q = [sp.Symbol(f"q_{t}") for t in range(m)]
    T = explicit(ConvTranspose(q, n, stride=s))
    phases = [explicit(Conv(q[v::s], n, "full")) for v in range(s)]
    for v, P in enumerate(phases):
        if T[v::s, :] != P:
            raise SymconvError(
                f"phase {v} is not a convolution with q[{v}::{s}]"
            )  # pragma: no cover
    fig = _figure(1.5 + 0.55 * n * (s + 1) + 0.6 * s, 1.6 + 0.45 * T.rows)
    grid = fig.add_gridspec(1, s + 1, width_ratios=(n, *([n] * s)))
    phase_colours = [_TAP_COLOURS[(3 * v + 1) % len(_TAP_COLOURS)] for v in range(s)]
    _grid(
        fig.add_subplot(grid[0, 0]),
        [[_tex(T[i, j]) for j in range(T.cols)] for i in range(T.rows)],
        [
            [phase_colours[i % s] if T[i, j] != 0 else "#ffffff" for j in range(T.cols)]
            for i in range(T.rows)
        ],
        f"transposed conv, s = {s}  ({T.rows}×{T.cols})",
    )
    for v, P in enumerate(phases):
        kernel_tex = ", ".join(sp.latex(t) for t in q[v::s])
        _grid(
            fig.add_subplot(grid[0, v + 1]),
            [[_tex(P[i, j]) for j in range(P.cols)] for i in range(P.rows)],
            [
                [phase_colours[v] if P[i, j] != 0 else "#ffffff" for j in range(P.cols)]
                for i in range(P.rows)
            ],
            f"phase {v}: rows {v}::{s}\n= conv with $({kernel_tex})$",
        )
    _legend(
        fig,
        [(phase_colours[v], f"output phase {v} (rows ≡ {v} mod {s})", False) for v in range(s)],
        ncol=s,
    )
    return fig


def transposed_1d(
    n: int = 6, m: int = 3, padding: int = 1, strides: Sequence[int] = (1, 2)
) -> Figure:
    """A 1-D transposed convolution by hand: insert zeros, pad, slide the flipped kernel.

    The example of the lecture slides "Convolution, De-convolution, Transposed
    convolution, Fractional-stride convolution": input a, b, c, …, kernel
    (w₁, w₂, w₃), padding 1; with stride 1 the outputs are w₂a + w₁b,
    w₃a + w₂b + w₁c, …, with stride 2 (one zero inserted between samples)
    w₂a, w₃a + w₁b, w₂b, …. One panel per stride: the input of the direct
    form, the flipped kernel at its first window, and the outputs, each under
    the centre of its window. Each panel checks exactly that the direct form
    equals ``ConvTranspose(w, n, padding, stride)`` before drawing it.

    Parameters
    ----------
    n : int
        Input length (at most 26: the samples are named a, b, c, …).
    m : int
        Kernel length; the taps are w₁ … wₘ.
    padding : int
        The transposed convolution's padding (the forward conv's), at most m − 1.
    strides : sequence of int
        One panel per stride.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.patches import Rectangle

    n, m = int(_validate.size("n", n)), int(_validate.size("m", m))
    _validate.require(n <= 26, "n", n, "at most 26 (the samples are named a … z)")
    lo = int(_validate.amount("padding", padding))
    _validate.require(lo <= m - 1, "padding", lo, f"at most m - 1 = {m - 1}")
    strides = [int(_validate.size("strides", s)) for s in strides]
    _validate.require(len(strides) > 0, "strides", strides, "at least one stride")
    x = (
        sp.Matrix(sp.symbols(f"a:{chr(ord('a') + n - 1)}"))
        if n > 1
        else sp.Matrix([sp.Symbol("a")])
    )
    w = sp.symbols(f"w_1:{m + 1}")
    taps = list(w)
    border = m - 1 - lo
    widest = max(s * (n - 1) + 1 + 2 * border for s in strides)
    fig = _figure(1.0 + 0.62 * widest, 2.9 * len(strides) + 0.6)
    for g, s in enumerate(strides):
        inserted = s * (n - 1) + 1
        spread_op = MatMul(Pad(inserted, border, border), Upsample(n, s, length=inserted))
        spread = list(explicit(spread_op) * x)
        z = list(explicit(Corr(flip(w), len(spread))) * sp.Matrix(spread))
        if z != list(explicit(ConvTranspose(w, n, padding=lo, stride=s)) * x):
            raise SymconvError(  # pragma: no cover - a wrong operator, not a wrong call
                "the direct form is not the transposed convolution: the operators are wrong"
            )
        ax = fig.add_subplot(len(strides), 1, g + 1)
        for c, v in enumerate(spread):
            sample = v != 0
            inside = border <= c < border + inserted
            ax.add_patch(
                Rectangle(
                    (c, 0),
                    1,
                    1,
                    facecolor=INPUT if sample else INSERTED if inside else PADDING,
                    edgecolor="#636363",
                    linewidth=0.6,
                    hatch="//" if inside and not sample else None,
                )
            )
            ax.text(c + 0.5, 0.5, _tex(v) or "0", ha="center", va="center", fontsize=9)
        for t, tap in enumerate(flip(w)):
            ax.add_patch(
                Rectangle((t, 1.2), 1, 1, facecolor=_tap_colour(tap, taps), edgecolor=HIGHLIGHT)
            )
            ax.text(t + 0.5, 1.7, _tex(tap), ha="center", va="center", fontsize=9)
        centre = (m - 1) / 2
        for i, v in enumerate(z):
            ax.add_patch(
                Rectangle(
                    (i + centre, 2.4),
                    1,
                    2.6,
                    facecolor=OUTPUT,
                    edgecolor=HIGHLIGHT if i == 0 else "#636363",
                    linewidth=2.2 if i == 0 else 0.6,
                )
            )
            ax.text(
                i + centre + 0.5, 3.7, _tex(v), ha="center", va="center", fontsize=8, rotation=90
            )
        ax.set_xlim(-0.05, widest + 0.05)
        ax.set_ylim(5.05, -0.05)
        ax.set_aspect("equal")
        ax.axis("off")
        what = "no zeros inserted" if s == 1 else f"{s - 1} zero{'s' * (s > 2)} inserted"
        ax.set_title(
            f"stride {s} ({what}), padding {lo}: {n} inputs → {len(z)} outputs", fontsize=10
        )
    _legend(
        fig,
        [
            (INPUT, "input samples", False),
            (INSERTED, "inserted zeros", True),
            (PADDING, "border padding", False),
            (HIGHLIGHT, "flipped kernel, first window", False),
            (OUTPUT, "outputs", False),
        ],
        ncol=5,
    )
    return fig


def transposed_scatter_2d(
    values: Sequence[Sequence[int]] = ((1, 2), (3, 4)),
    m: int = 3,
    stride: int = 2,
    crop: Sequence[Sequence[int]] = ((0, 1), (0, 1)),
) -> Figure:
    """A 2-D transposed convolution with an all-ones kernel as overlapping stamps, then a crop.

    Each input value is stamped as an m×m block at stride s; where blocks
    overlap the values add. The default is TensorFlow's
    ``conv2d_transpose`` of [[1, 2], [3, 4]] with a 3×3 all-ones kernel,
    stride 2 and padding SAME (the Data Science Stack Exchange question "What
    are deconvolutional layers?"): the full 5×5 result cropped by (0, 1) on
    each axis, because SAME puts the odd padding at the end.

    Parameters
    ----------
    values : 2-D sequence of int
        The input image.
    m, stride : int
        Kernel side and stride.
    crop : per axis (lo, hi)
        What the padding crops from the full result.

    Returns
    -------
    matplotlib.figure.Figure
    """
    rows = [list(r) for r in values]
    _validate.require(
        bool(rows) and all(len(r) == len(rows[0]) > 0 for r in rows),
        "values",
        values,
        "a non-empty rectangular 2-D sequence",
    )
    m, s = int(_validate.size("m", m)), int(_validate.size("stride", stride))
    size = (len(rows), len(rows[0]))
    full_op = ConvTransposeNd([[[[1] * m] * m]], size, stride=s)
    pairs = [tuple(int(_validate.amount("crop", c)) for c in pair) for pair in crop]
    _validate.require(len(pairs) == 2, "crop", crop, "two pairs (lo, hi), one per axis")
    full_size = tuple(int(v) for v in full_op.output_size)
    _validate.require(
        all(lo + hi < f for (lo, hi), f in zip(pairs, full_size)),
        "crop",
        crop,
        f"less than the full size {full_size} on each axis",
    )
    x = sp.Matrix([v for r in rows for v in r])
    full = explicit(full_op) * x
    counts = [int(v) for v in explicit(full_op) * sp.ones(x.rows, 1)]  # stamps per cell
    cropped = explicit(crop_nd(full_size, pairs)) * full
    out_size = tuple(f - lo - hi for (lo, hi), f in zip(pairs, full_size))
    shades = ("#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476")  # light: black text
    top = max(counts)
    fig = _figure(1.5 + 0.55 * (size[1] + full_size[1] + out_size[1]), 1.6 + 0.55 * full_size[0])
    grid = fig.add_gridspec(1, 3, width_ratios=(size[1], full_size[1], out_size[1]))
    _grid(
        fig.add_subplot(grid[0, 0]),
        [[str(v) for v in r] for r in rows],
        [[INPUT] * size[1] for _ in rows],
        f"input ({size[0]}×{size[1]})",
    )
    kept = [
        (r, c)
        for r in range(pairs[0][0], full_size[0] - pairs[0][1])
        for c in range(pairs[1][0], full_size[1] - pairs[1][1])
    ]
    width = full_size[1]
    _grid(
        fig.add_subplot(grid[0, 1]),
        [[str(full[r * width + c]) for c in range(width)] for r in range(full_size[0])],
        [
            [
                shades[min(len(shades) - 1, round((len(shades) - 1) * counts[r * width + c] / top))]
                for c in range(width)
            ]
            for r in range(full_size[0])
        ],
        f"{m}×{m} stamps at stride {s}, summed ({full_size[0]}×{full_size[1]})",
        outlined=kept,
    )
    _grid(
        fig.add_subplot(grid[0, 2]),
        [
            [str(cropped[r * out_size[1] + c]) for c in range(out_size[1])]
            for r in range(out_size[0])
        ],
        [[OUTPUT] * out_size[1] for _ in range(out_size[0])],
        f"cropped by {pairs[0]}, {pairs[1]} ({out_size[0]}×{out_size[1]})",
    )
    levels = sorted(set(counts))
    _legend(
        fig,
        [
            *(
                (
                    shades[min(len(shades) - 1, round((len(shades) - 1) * v / top))],
                    f"{v} stamp{'s' * (v > 1)}",
                    False,
                )
                for v in levels
            ),
            (HIGHLIGHT, "kept by the crop", False),
        ],
        ncol=len(levels) + 1,
    )
    return fig


def matrix_pair(left: object, right: object, titles: Sequence[str] = ("left", "right")) -> Figure:
    """Two explicit matrices side by side, each cell coloured by the kernel tap it holds.

    For the two sides of an identity: equal colours and labels cell for cell
    show that the matrices are equal; white cells are structural zeros, grey
    ones hold a sum or product of taps. The matrices are drawn as given (the
    caller checks the identity), so a figure of two different matrices shows
    where they differ.

    Parameters
    ----------
    left, right : matrix-like
        SymPy matrices or operator expressions with integer shapes (made
        explicit with :func:`symconv.matrices.explicit`).
    titles : pair of str
        A title above each matrix; its shape is appended.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from symconv import Conv, kernel
    >>> fig = matrix_pair(Conv(kernel("q", 2), 3).T, Conv(kernel("q", 2), 3).T, ("a", "b"))
    >>> [ax.get_title() for ax in fig.axes]
    ['a  (3×4)', 'b  (3×4)']
    """
    matrices = [
        sp.ImmutableMatrix(side if isinstance(side, sp.MatrixBase) else explicit(side))
        for side in (left, right)
    ]
    taps = sorted({v for M in matrices for v in M if v.is_Symbol}, key=sp.default_sort_key)
    rows = max(M.rows for M in matrices)
    cols = [M.cols for M in matrices]
    fig = _figure(1.0 + 0.5 * (sum(cols) + 1), 1.3 + 0.45 * rows)
    grid = fig.add_gridspec(1, 2, width_ratios=cols)
    for g, (M, title) in enumerate(zip(matrices, titles, strict=True)):
        _grid(
            fig.add_subplot(grid[0, g]),
            [[_tex(M[i, j]) for j in range(M.cols)] for i in range(M.rows)],
            [[_tap_colour(M[i, j], taps) for j in range(M.cols)] for i in range(M.rows)],
            f"{title}  ({M.rows}×{M.cols})",
            fontsize=8 if max(cols) <= 8 else 6,
        )
    if taps:
        _legend(
            fig,
            [(_tap_colour(t, taps), f"${sp.latex(t)}$", False) for t in taps[: len(_TAP_COLOURS)]],
            ncol=min(len(taps), 8),
        )
    return fig


def receptive_field(
    spec: str = "conv k=3 p=1; conv k=3 s=2 p=1; conv k=3 p=1; conv k=3 s=2 p=1",
    n: int = 16,
    index: int = 0,
) -> Figure:
    """The samples one output of a network reads, layer by layer, and its window.

    One row per layer, the input at the bottom: orange cells are the samples
    output ``index`` depends on (:meth:`symconv.network.geometry.Network.dependence`), grey cells
    the input's zero padding that Araujo et al.'s window
    [S₀·i − P₀, S₀·i − P₀ + r₀ − 1] (outlined) reaches into.

    Parameters
    ----------
    spec : str
        A layer-list spec (:func:`symconv.network.spec.parse_spec`), 1-D.
    n : int
        Input length.
    index : int
        The output index.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.patches import Rectangle

    from symconv.network import INPUT as SOURCE
    from symconv.network import Network

    net = Network.from_spec(spec, n)
    _validate.require(net.rank == 1, "spec", spec, "a 1-D network (one value per option)")
    reads = net.dependence((index,))
    sizes = dict(net.layer_sizes())
    ((start, end),) = net.window((index,))
    rows = [SOURCE] + [node.name for node in net.nodes]
    left, right = min(0, int(sp.floor(start))), max(n - 1, int(sp.ceiling(end)))
    width = right - left + 1
    fig = _figure(max(7.5, 2.6 + 0.3 * width), 0.9 + 0.42 * len(rows))
    ax = fig.add_subplot()
    labels = {SOURCE: "input"} | {node.name: node.op.describe() for node in net.nodes}
    for level, name in enumerate(rows):
        y = len(rows) - 1 - level
        for c in range(sizes[name][0]):
            colour = ONE if c in reads[name] else (INPUT if name == SOURCE else OUTPUT)
            ax.add_patch(
                Rectangle((c, y), 1, 1, facecolor=colour, edgecolor="#636363", linewidth=0.6)
            )
        ax.text(left - 0.4, y + 0.5, labels[name], ha="right", va="center", fontsize=8)
    for c in range(left, right + 1):
        if c < 0 or c >= n:
            ax.add_patch(
                Rectangle(
                    (c, len(rows) - 1), 1, 1, facecolor=PADDING, edgecolor="#636363", linewidth=0.6
                )
            )
    ax.add_patch(
        Rectangle(
            (float(start), len(rows) - 1),
            float(end - start + 1),
            1,
            fill=False,
            edgecolor=HIGHLIGHT,
            linewidth=2.2,
            zorder=3,
        )
    )
    (r,), (s,), (p,) = net.receptive_field(), net.effective_stride(), net.effective_padding()
    ax.set_title(
        f"output {index}: r = {r}, S = {s}, P = {p}; window [{start}, {end}], "
        f"reads {len(reads[SOURCE])} samples",
        fontsize=10,
    )
    ax.set_xlim(left - 0.05, right + 1.05)
    ax.set_ylim(len(rows) + 0.05, -0.05)
    ax.set_aspect("equal")
    ax.axis("off")
    _legend(
        fig,
        [
            (ONE, f"read by output {index}", False),
            (INPUT, "input", False),
            (OUTPUT, "layer outputs", False),
            (PADDING, "padding", False),
            (HIGHLIGHT, "window S·i − P … + r − 1", False),
        ],
        ncol=3,
    )
    return fig


def padding_fold_back(n: int = 4, lo: int = 3, hi: int = 2) -> Figure:
    """Each padding mode on ℝⁿ and its transpose, the fold-back, one panel per mode.

    The top row is the padded signal: which input sample x_j each position copies (the
    border grey, the signal blue). Below it, the fold-back matrix (BorderPad)ᵀ: row j has a
    1 under every position that copies x_j, so a gradient arriving there is added onto
    x_j; the number right of each row is how many positions fold onto x_j (its weight in
    the backward pass). The figure checks that the drawn matrix is the exact transpose.

    Parameters
    ----------
    n : int
        Input length (at least 2: reflect needs two samples).
    lo, hi : int
        Padding before and after; pads longer than the signal reflect or wrap again.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = padding_fold_back(n=3, lo=2, hi=1)
    >>> [ax.get_title().split("  ")[0] for ax in fig.axes]
    ['reflect', 'symmetric', 'replicate', 'circular']
    """
    from symconv.operators.padding_modes import MODES, BorderPad

    n = int(_validate.integer("n", n, 2))
    lo, hi = int(_validate.amount("lo", lo)), int(_validate.amount("hi", hi))
    size = n + lo + hi
    fig = _figure(1.0 + 0.42 * (size + 2), 0.8 + len(MODES) * 0.42 * (n + 2.6))
    for g, mode in enumerate(MODES):
        pad = explicit(BorderPad(n, lo, hi, mode))
        fold = explicit(BorderPad(n, lo, hi, mode).T)
        if fold != pad.T:  # the identity the figure shows
            raise SymconvError(
                "the fold-back is not the transpose of the padding"
            )  # pragma: no cover
        source = [next(j for j in range(n) if pad[i, j]) for i in range(size)]
        border = [not lo <= i < lo + n for i in range(size)]
        labels = [[f"$x_{{{j}}}$" for j in source] + ["Σ"]]
        colours = [[PADDING if b else INPUT for b in border] + ["#ffffff"]]
        for j in range(n):
            labels.append([str(fold[j, i]) if fold[j, i] else "" for i in range(size)])
            labels[-1].append(str(sum(fold.row(j))))
            colours.append([ONE if fold[j, i] else "#ffffff" for i in range(size)] + [OUTPUT])
        _grid(
            fig.add_subplot(len(MODES), 1, g + 1),
            labels,
            colours,
            f"{mode}  (pad {lo}, {hi}: top row; its transpose {n}×{size} below)",
            fontsize=8,
        )
    _legend(
        fig,
        [
            (INPUT, "input sample", False),
            (PADDING, "border copy", False),
            (ONE, "1: folded back onto $x_j$", False),
            (OUTPUT, "weight of $x_j$", False),
        ],
        ncol=2,
    )
    return fig


def pooling_weights(
    n: int = 6, k: int = 3, stride: int = 2, padding: int = 1, ceil_mode: bool = True
) -> Figure:
    """The windows of average pooling over the padded input, with the weight of every cell.

    One panel per PyTorch divisor: ``count_include_pad=True`` (the window's length inside
    the padded input) and ``False`` (the input samples in it). Row i is window i drawn over
    the positions −lo … n + hi − 1 (and past them, hatched, where a ``ceil_mode`` window
    hangs over): blue cells hold the weight of an input sample, grey ones padding zeros.
    The weights are the exact entries of :class:`symconv.AvgPool`, so the border rows show
    where the two divisors differ.

    Examples
    --------
    >>> fig = pooling_weights(n=6, k=3, stride=2, padding=1, ceil_mode=True)
    >>> [ax.get_title() for ax in fig.axes]
    ['count_include_pad=True  (4 windows)', 'count_include_pad=False  (4 windows)']
    """
    from symconv.operators.pooling import AvgPool

    pools = [AvgPool(n, k, stride, padding, padding, ceil_mode, d) for d in ("padded", "input")]
    length = int(pools[0].rows)
    reach = max((length - 1) * stride - padding + k, n + padding)  # the last position drawn
    width = reach + padding
    fig = _figure(1.2 + 0.55 * 2 * width, 1.4 + 0.5 * length)
    for g, pool in enumerate(pools):
        matrix = explicit(pool)
        labels, colours, hatched = [], [], []
        for i in range(length):
            start = i * stride - padding
            row_labels, row_colours = [], []
            for p in range(-padding, reach):
                column = p + padding
                inside = start <= p < start + k
                if not inside:
                    row_labels.append("")
                    row_colours.append("#ffffff")
                elif 0 <= p < n:
                    row_labels.append(_tex(matrix[i, p]))
                    row_colours.append(INPUT)
                elif p < n + padding:
                    row_labels.append("0")
                    row_colours.append(PADDING)
                else:  # beyond the padding: counted by neither divisor
                    row_labels.append("")
                    row_colours.append("#ffffff")
                    hatched.append((i, column))
            labels.append(row_labels)
            colours.append(row_colours)
        title = f"count_include_pad={g == 0}  ({length} windows)"
        _grid(fig.add_subplot(1, 2, g + 1), labels, colours, title, hatched)
    _legend(
        fig,
        [
            (INPUT, "input sample (its weight)", False),
            (PADDING, "zero padding", False),
            ("#ffffff", "past the padding (ceil_mode)", True),
        ],
        ncol=3,
    )
    return fig


def resample_border_weights(n: int = 4, k: int = 2) -> Figure:
    """Linear interpolation by k with half-pixel centres and with align_corners, side by side.

    Each cell is a weight of the exact matrix (``torch.nn.functional.interpolate`` with
    ``scale_factor=k``, ``align_corners`` False and True). Outlined cells of the left matrix
    are where it differs from FCN's bilinear transposed convolution (the border rows of the
    ``bilinear-upsample-conv`` identity, checked here before drawing); the right matrix's
    weights drift from row to row because its scale is (n − 1)/(kn − 1), not 1/k.

    Examples
    --------
    >>> fig = resample_border_weights(n=3, k=2)
    >>> [ax.get_title() for ax in fig.axes]
    ['align_corners=False  (6×3)', 'align_corners=True  (6×3)']
    """
    from symconv.catalogue.resample import bilinear_kernel, border_correction
    from symconv.operators.resample import Resample, source_map

    length = k * n
    matrices = [
        explicit(Resample(n, length, "linear", *source_map(convention, n, length)))
        for convention in ("half_pixel", "align_corners")
    ]
    fcn = explicit(ConvTranspose(bilinear_kernel(k), n, k // 2, k))
    if matrices[0] - fcn != border_correction(n, k):
        raise SymconvError("the border difference of bilinear-upsample-conv does not hold")
    differing = [(i, j) for i in range(length) for j in range(n) if matrices[0][i, j] != fcn[i, j]]
    fig = _figure(1.5 + 1.4 * n, 1.3 + 0.45 * length)
    grid = fig.add_gridspec(1, 2)
    for g, (M, title) in enumerate(zip(matrices, ("align_corners=False", "align_corners=True"))):
        _grid(
            fig.add_subplot(grid[0, g]),
            [[_tex(M[i, j]) for j in range(n)] for i in range(length)],
            [[OUTPUT if M[i, j] != 0 else "#ffffff" for j in range(n)] for i in range(length)],
            f"{title}  ({length}×{n})",
            outlined=differing if g == 0 else (),
            fontsize=8,
        )
    return fig
