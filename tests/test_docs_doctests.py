"""Every ``>>>`` example on every page of the documentation runs, and gives what it shows."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
#: Hand-written pages only: gallery/ and _generated/ are build output.
PAGES = sorted(p for p in DOCS.glob("*.rst"))


def test_the_docs_have_examples() -> None:
    examples = sum(
        len(doctest.DocTestParser().get_examples(p.read_text(encoding="utf-8"))) for p in PAGES
    )
    assert examples >= 30


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_examples(page: Path) -> None:
    result = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
        raise_on_error=False,
        verbose=False,
        report=True,
    )
    assert result.failed == 0, (
        f"{result.failed} of {result.attempted} examples failed in {page.name}"
    )
