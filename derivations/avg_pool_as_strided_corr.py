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

from symconv import catalogue
from symconv.catalogue.pooling import where_it_breaks
from symconv.derivation import Derivation, Verdict
from symconv.printing.text import format_derivation

NAME = "avg-pool-as-strided-corr"


def build() -> Derivation:
    """The checked derivation of ``avg-pool-as-strided-corr`` (default parameters)."""
    derivation = catalogue.get(NAME).derivation()
    assert derivation.verdict is Verdict.PROVEN, derivation.verdict
    return derivation


if __name__ == "__main__":
    print(format_derivation(build(), catalogue.get(NAME).source, catalogue.get(NAME).notes), end="")
    for flag, case in where_it_breaks().items():
        print(f"not with {flag}: smallest counterexample {case}")
