"""Average pooling is a strided correlation with the box kernel — with PyTorch's defaults.

PyTorch's ``avg_pool1d`` with ``count_include_pad=True`` and ``ceil_mode=False`` divides
every window by k, so it is (1/k)·(strided correlation with 1ₖ over the zero-padded input)
for every n, k, s and padding lo, hi < k (the symbolic tier shows it with all five free).
Its other two settings are not: the smallest counterexamples of each are found below by
exhaustive search (sources: the PyTorch ``AvgPool1d`` documentation; Dumoulin & Visin,
"A guide to convolution arithmetic for deep learning", 2016, section 5).

Source: PyTorch torch.nn.AvgPool1d documentation; Dumoulin & Visin (2016), "A guide to
convolution arithmetic for deep learning", section 5 (pooling arithmetic).
"""

from __future__ import annotations

import sympy as sp

from symconv import AvgPool, Corr, catalogue, prove
from symconv.catalogue.pooling import where_it_breaks
from symconv.derivation import Derivation, Verdict
from symconv.printing.text import format_derivation

NAME = "avg-pool-as-strided-corr"

# Windows of k = 3 samples, stride 2, one zero of padding on each side, on n = 7 samples:
# the pooling divides every window by k, padding included (count_include_pad=True).
n, k, s, lo, hi = 7, 3, 2, 1, 1
pooling = AvgPool(n, k, s, lo, hi)
box_correlation = sp.Rational(1, k) * Corr((1,) * k, n, (lo, hi), s)


def build() -> Derivation:
    """The checked derivation of ``avg-pool-as-strided-corr`` (default parameters)."""
    return catalogue.get(NAME).derivation()


if __name__ == "__main__":
    derivation = build()
    entry = catalogue.get(NAME)
    print(format_derivation(derivation, entry.source, entry.notes), end="")
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict
    for flag, case in where_it_breaks().items():
        print(f"not with {flag}: smallest counterexample {case}")
    print(f"\nIn plain code, n = {n}, k = {k}, s = {s}, padding ({lo}, {hi}):")
    proof = prove(pooling, box_correlation)
    print(proof)
    # Exact at these sizes. The generic symbolic tier does not match the window's sum with
    # the correlation's taps; the catalogue's argument above does, for all sizes.
    assert proof.verdict is Verdict.VERIFIED, proof
