"""The identity catalogue: every named identity, with its proof.

Examples
--------
>>> names()[:3]
['up-down-transpose', 'transposed-conv-as-transpose', 'conv-transpose-is-correlation']
>>> entry = get("down-up-identity")
>>> d = entry.derivation(n=3, k=2)
>>> [t.tier.value for t in d.tiers if t.passed]
['rewrite', 'symbolic', 'exhaustive', 'numeric']
>>> d = get("up-down-transpose").derivation()
>>> d.verdict.value, d.tiers[0].scope, dict(d.tiers[0].fixed), d.tiers[0].detail[:13]
('proven', 'all', {}, 'for all N, k:')
>>> get("no-such-identity")
Traceback (most recent call last):
...
symconv.errors.SymconvError: unknown identity 'no-such-identity'; known: up-down-transpose, ...
"""

from __future__ import annotations

from symconv.catalogue.entry import Entry, Param
from symconv.errors import SymconvError

__all__ = ["Entry", "Param", "get", "names"]


def _entries() -> dict[str, Entry]:
    from symconv.catalogue import (
        arithmetic,
        checkerboard,
        convolution,
        gradient,
        multirate,
        padding_modes,
        pooling,
        resample,
        sampling,
        transposed,
        twod,
    )

    order = [
        sampling.UP_DOWN_TRANSPOSE,
        transposed.TRANSPOSED_CONV_AS_TRANSPOSE,
        transposed.CONV_TRANSPOSE_IS_CORRELATION,
        transposed.TRANSPOSED_CONV_AS_DIRECT_CONV,
        twod.TRANSPOSED_CONV_AS_DIRECT_CONV_2D,
        convolution.STRIDED_CONV,
        convolution.DILATED_CONV,
        sampling.DOWN_UP_IDENTITY,
        sampling.UP_DOWN_PROJECTOR,
        multirate.NOBLE_DOWN,
        multirate.NOBLE_UP,
        multirate.NEAREST_UPSAMPLE_CONV,
        multirate.SUBPIXEL_CONV,
        gradient.TRANSPOSED_CONV_IS_GRADIENT,
        checkerboard.CHECKERBOARD_OVERLAP,
        convolution.CONV_COMMUTATIVE,
        convolution.CONV_ASSOCIATIVE,
        arithmetic.CONV_ARITHMETIC,
        padding_modes.PADDING_FOLD_BACK,
        padding_modes.CIRCULAR_CORR_TRANSPOSE,
        pooling.AVG_POOL_AS_STRIDED_CORR,
        pooling.PIXEL_SHUFFLE_CONV,
        pooling.PIXEL_UNSHUFFLE_CONV,
        *resample.ENTRIES,
    ]
    return {e.name: e for e in order}


_CACHE: dict[str, Entry] = {}


def names() -> list[str]:
    """The CLI names of every catalogue entry, in catalogue order."""
    if not _CACHE:
        _CACHE.update(_entries())
    return list(_CACHE)


def get(name: str) -> Entry:
    """The entry called ``name``; an unknown name raises SymconvError listing the names."""
    known = names()
    if name not in _CACHE:
        raise SymconvError(f"unknown identity {name!r}; known: {', '.join(known)}")
    return _CACHE[name]
