"""One catalogue entry's derivation, with a status line on stderr while it is proven.

Proving one entry takes from under a second to about 20 s; a terminal shows what
is running and for how long (:class:`symconv.progress.Status`). The exhaustive and
numeric tiers run first, in the same slices as ``symconv prove --all``
(:data:`symconv.catalogue.runner.SLICES`), so the line counts them; the entry's
derivation then reuses them.
"""

from __future__ import annotations

from symconv.catalogue import Entry
from symconv.catalogue import entry as entry_module
from symconv.derivation import Derivation
from symconv.progress import Status

__all__ = ["derive"]


def derive(entry: Entry, parameters: dict, quiet: bool = False) -> Derivation:
    """``entry.derivation(**parameters)``, with a status line unless ``quiet``.

    Bad parameters raise :class:`symconv.errors.ParameterError` before anything runs.

    Examples
    --------
    >>> from symconv import catalogue
    >>> derive(catalogue.get("up-down-transpose"), {"N": 5}).verdict.value
    'proven'
    """
    from symconv.catalogue.runner import SLICES

    entry.resolve(**parameters)  # a bad value fails at once, not after the grid
    with Status(f"proving {entry.name}", quiet=quiet) as status:
        # The grid tiers do not depend on the parameters; computed once per process.
        if not entry_module.grid_done(entry):
            count = SLICES.get(entry.name, 1)
            slices = []
            for index in range(count):
                status.phase(f"exhaustive and numeric tiers, part {index + 1}/{count}")
                slices.append(entry_module.grid_slice(entry, index, count))
            entry_module.preload_grid(entry, slices)
        status.phase("steps, rule chain and symbolic tiers")
        return entry.derivation(**parameters)
