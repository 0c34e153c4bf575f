"""Kernels and signals: symbolic taps, and the operations on kernels themselves.

A kernel is a tuple of SymPy scalars ``(q_0, …, q_{m-1})``; it may mix
symbols and numbers. The functions here act on kernels (flip, dilate,
convolve two kernels), not on signals; operators live in
the operator classes.

Examples
--------
>>> q = kernel("q", 3)
>>> q
(q_0, q_1, q_2)
>>> dilate(q, 2)
(q_0, 0, q_1, 0, q_2)
>>> convolve((1, 1), q)
(q_0, q_0 + q_1, q_1 + q_2, q_2)
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from symconv import _validate, limits

__all__ = [
    "KernelConvolution",
    "KernelFamily",
    "convolve",
    "dilate",
    "family",
    "flip",
    "kernel",
    "length",
    "ones",
    "signal",
    "tap_terms",
]

Kernel = tuple[sp.Expr, ...]


def kernel(name: str, m: int) -> Kernel:
    """The symbolic kernel ``(name_0, …, name_{m-1})``.

    Parameters
    ----------
    name : str
        Base name: ASCII letters and digits, starting with a letter.
    m : int
        Number of taps, at least 1.

    Returns
    -------
    tuple of sympy.Symbol

    Examples
    --------
    >>> kernel("w", 2)
    (w_0, w_1)
    """
    _validate.name("name", name)
    m = int(_validate.size("m", m))
    limits.require("taps", m, f"kernel({name!r}, {m})")
    return tuple(sp.Symbol(f"{name}_{t}") for t in range(m))


def signal(name: str, n: int) -> sp.ImmutableMatrix:
    """The symbolic column vector ``(name_0, …, name_{n-1})ᵀ``.

    Examples
    --------
    >>> signal("x", 2)
    Matrix([
    [x_0],
    [x_1]])
    """
    return sp.ImmutableMatrix(kernel(name, _validate.size("n", n)))  # an error names n


def as_kernel(values: Sequence[object], name: str = "q") -> Kernel:
    """Validate ``values`` as a kernel and return it as a tuple of SymPy scalars."""
    return tuple(_validate.taps(name, values))


def flip(q: Sequence[object]) -> Kernel:
    """The reversed kernel (q_{m-1}, …, q_0): correlation with q = convolution with flip(q)."""
    return as_kernel(q)[::-1]


def dilate(q: Sequence[object], d: int) -> Kernel:
    """↑_d q: d − 1 zeros between taps, length d(m − 1) + 1 (the dilated kernel)."""
    q = as_kernel(q)
    d = int(_validate.size("dilation", d))
    out = [sp.Integer(0)] * (d * (len(q) - 1) + 1)
    out[::d] = q
    return tuple(out)


def convolve(q: Sequence[object], r: Sequence[object]) -> Kernel:
    """The full convolution q ∗ r of two kernels, length m + r − 1, expanded."""
    q, r = as_kernel(q, "q"), as_kernel(r, "r")
    limits.require("terms", limits.terms(q) * limits.terms(r), "convolve(q, r)")
    # Collect the products and add each output tap once: `out[k] += a * b` rebuilds a
    # growing Add every time (quadratic in the terms); atoms need no expansion.
    products: list[list[sp.Expr]] = [[] for _ in range(len(q) + len(r) - 1)]
    for i, a in enumerate(q):
        for j, b in enumerate(r):
            products[i + j].append(a * b)
    out = (sp.Add(*terms) for terms in products)
    atoms = all(tap.is_Atom for tap in (*q, *r))
    return tuple(out) if atoms else tuple(sp.expand(v) for v in out)


def ones(m: int) -> Kernel:
    """The all-ones kernel 1ₘ (box filter; nearest-neighbour interpolation)."""
    return (sp.Integer(1),) * int(_validate.size("m", m))


class KernelFamily(sp.Basic):
    """A kernel of *symbolic* length: taps q[u], 0 <= u < m, placed by an affine map.

    Tap position τ (0 <= τ < L) holds q[u] for the integer u with
    τ = (a + b·u)/c, c | a + b·u and 0 <= u < m, and is 0 when there is none.
    ``family("q", m)`` is q itself (τ = u, L = m); :meth:`flipped`,
    :meth:`dilated` and :meth:`phase` give flip(q), ↑_d q and q[v::s] with the
    same base taps, so their lengths stay symbolic. A name ``"*"`` stands for
    the all-ones kernel 1ₘ (every base tap is 1).

    This is what lets the symbolic proof tier (:mod:`symconv.proof.symbolic`)
    treat the kernel length as a free parameter: :class:`~symconv.Conv`,
    :class:`~symconv.Corr` and :class:`~symconv.ConvTranspose` accept a family
    wherever they accept a kernel; their shapes and symbolic entries follow.
    Exact matrices need concrete taps: substitute m first and call :meth:`taps`.

    Examples
    --------
    >>> m = sp.Symbol("m", integer=True, positive=True)
    >>> q = family("q", m)
    >>> q.length, q.dilated(2).length
    (m, 2*m - 1)
    >>> q.subs(m, 3).flipped().taps()
    (q[2], q[1], q[0])
    >>> q.subs(m, 3).dilated(2).taps()
    (q[0], 0, q[1], 0, q[2])
    >>> q.subs(m, 5).phase(1, 2).taps()
    (q[1], q[3])
    """

    def __new__(
        cls,
        name: object,
        m: object,
        a: object = 0,
        b: object = 1,
        c: object = 1,
        length: object = None,
    ) -> KernelFamily:
        from sympy.core.symbol import Str

        name = name if isinstance(name, Str) else Str(str(name))
        if name.name != "*":
            _validate.name("name", name.name)
        m = _validate.size("m", m)
        length = m if length is None else _validate.size("length", length)
        return super().__new__(cls, name, m, *map(sp.sympify, (a, b, c)), length)

    name = property(lambda self: self.args[0].name)
    m = property(lambda self: self.args[1])
    a = property(lambda self: self.args[2])
    b = property(lambda self: self.args[3])
    c = property(lambda self: self.args[4])
    length = property(lambda self: self.args[5])

    @property
    def ones(self) -> bool:
        """Whether every base tap is 1 (the family of 1ₘ)."""
        return self.name == "*"

    def value(self, u: sp.Expr) -> sp.Expr:
        """Base tap u: ``q[u]``, or 1 for the all-ones family."""
        return sp.Integer(1) if self.ones else sp.IndexedBase(self.name)[u]

    def position(self, u: sp.Expr) -> sp.Expr:
        """τ(u) = (a + b·u)/c, where base tap u sits (an integer when c | a + b·u)."""
        return (self.a + self.b * u) / self.c

    def flipped(self) -> KernelFamily:
        """flip: τ ↦ L − 1 − τ."""
        a, b, c, L = self.a, self.b, self.c, self.length
        return KernelFamily(self.args[0], self.m, (L - 1) * c - a, -b, c, L)

    def dilated(self, d: object) -> KernelFamily:
        """↑_d: τ ↦ d·τ, length d(L − 1) + 1."""
        d = _validate.size("dilation", d)
        L = self.length
        return KernelFamily(self.args[0], self.m, d * self.a, d * self.b, self.c, d * (L - 1) + 1)

    def phase(self, v: object, s: object) -> KernelFamily:
        """q[v::s]: τ ↦ (τ − v)/s for τ ≡ v (mod s), length ⌈(L − v)/s⌉ (v < L)."""
        v, s = _validate.amount("phase", v), _validate.size("step", s)
        length = sp.ceiling((self.length - v) / s)
        return KernelFamily(self.args[0], self.m, self.a - self.c * v, self.b, self.c * s, length)

    def at(self, t: sp.Expr) -> sp.Expr:
        """The tap at position t (0 outside the kernel), as a piecewise expression."""
        u = (self.c * t - self.a) / self.b
        inside = sp.And(
            sp.Eq(sp.Mod(self.c * t - self.a, self.b), 0),
            sp.Ge(u, 0),
            sp.Lt(u, self.m),
            sp.Ge(t, 0),
            sp.Lt(t, self.length),
        )
        return sp.Piecewise((self.value(u), inside), (0, True))

    def taps(self) -> Kernel:
        """The concrete kernel, once m (and every other size) is a number."""
        if not sp.sympify(self.length).is_Integer:
            raise ValueError(f"the length {self.length} is symbolic; substitute it first")
        return tuple(sp.sympify(self.at(sp.Integer(t))) for t in range(int(self.length)))


class KernelConvolution(sp.Basic):
    """The full convolution f ∗ g of two kernels, at least one of symbolic length.

    Tap τ is Σ f_a g_b over a + b = τ; its length is L_f + L_g − 1. Kept
    unexpanded (a sum of a symbolic number of products); the symbolic proof tier
    reads it as the taps of both factors with their positions added.

    Examples
    --------
    >>> m = sp.Symbol("m", integer=True, positive=True)
    >>> qr = KernelConvolution(family("q", m), family("r", 2))
    >>> qr.length
    m + 1
    >>> qr.subs(m, 2).taps()
    (q[0]*r[0], q[0]*r[1] + q[1]*r[0], q[1]*r[1])
    """

    def __new__(cls, f: object, g: object) -> KernelConvolution:
        f, g = (
            x if isinstance(x, (KernelFamily, KernelConvolution)) else as_kernel(x) for x in (f, g)
        )
        return super().__new__(cls, *(sp.Tuple(*x) if isinstance(x, tuple) else x for x in (f, g)))

    factors = property(lambda self: self.args)

    @property
    def length(self) -> sp.Expr:
        return length(self.args[0]) + length(self.args[1]) - 1

    def taps(self) -> Kernel:
        """The concrete kernel, once every length is a number."""
        f, g = (x.taps() if hasattr(x, "taps") else tuple(x) for x in self.args)
        return convolve(f, g)

    def at(self, t: sp.Expr) -> sp.Expr:
        """The tap at position t (a concrete t and concrete lengths)."""
        taps = self.taps()
        t = sp.sympify(t)
        if t.is_Integer:
            return taps[int(t)] if 0 <= int(t) < len(taps) else sp.Integer(0)
        return sp.Add(*(v * sp.KroneckerDelta(t, i) for i, v in enumerate(taps)))


def family(name: str, m: object) -> KernelFamily:
    """The kernel (q[0], …, q[m−1]) of symbolic length m; ``"*"`` for 1ₘ.

    Examples
    --------
    >>> family("q", 2).taps()
    (q[0], q[1])
    >>> family("*", 3).taps()
    (1, 1, 1)
    """
    return KernelFamily(name, m)


def tap_terms(kernel: object) -> list[tuple[sp.Expr, sp.Expr, set]]:
    """``[(tap value, tap position, guards)]``: the kernel in the terms of an index map.

    The non-zero taps of a concrete kernel; for a family of symbolic length one term with a
    fresh bound tap index u (0 <= u < m, position τ(u) inside the kernel), named after the
    family so that the terms of two expressions can be matched.

    Examples
    --------
    >>> tap_terms((2, 0, 5))
    [(2, 0, set()), (5, 2, set())]
    """
    if isinstance(kernel, KernelFamily):
        u = sp.Dummy(f"u_{kernel.name}", integer=True)
        tau = kernel.position(u)
        guards = {("range", u, 0, kernel.m), ("range", tau, 0, kernel.length)}
        if kernel.c != 1:
            guards.add(("div", kernel.c, kernel.a + kernel.b * u))
        return [(kernel.value(u), tau, guards)]
    if isinstance(kernel, KernelConvolution):  # (f ∗ g)_τ = Σ f_a g_b over a + b = τ
        f, g = (tap_terms(x) for x in kernel.factors)
        return [
            (cf * cg, tf + tg, gf | gg | {("range", tf + tg, 0, kernel.length)})
            for cf, tf, gf in f
            for cg, tg, gg in g
        ]
    return [(q, t, set()) for t, q in enumerate(kernel) if q != 0]


def length(q: object) -> sp.Expr:
    """The number of taps of a kernel or of a :class:`KernelFamily` (maybe symbolic)."""
    return q.length if isinstance(q, SYMBOLIC_KERNELS) else sp.Integer(len(q))


#: Kernels whose length may be symbolic (accepted by the convolution operators as they are).
SYMBOLIC_KERNELS = (KernelFamily, KernelConvolution)
