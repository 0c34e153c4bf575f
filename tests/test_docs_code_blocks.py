"""Every ``.. code-block:: python`` in the docs runs, and printed output matches the page.

The ``>>>`` examples are doctests (tests/test_docs_doctests.py); this covers
the plain Python blocks. Blocks of one page run in order in one namespace, as
a reader would paste them. Where the page says a block "prints" and shows a
``latex``/``text`` block right after, the printed text must equal it (up to
line breaks, which pages use to fit long lines).
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"^\.\. code-block:: (\w+)\n\n((?:(?:   .*)?\n)+)", re.M)


def _blocks(page: Path) -> list[tuple[str, str, str]]:
    """(language, code, the prose between the previous block and this one)."""
    text = page.read_text(encoding="utf-8")
    found, previous_end = [], 0
    for match in BLOCK.finditer(text):
        code = "\n".join(line[3:] for line in match.group(2).splitlines())
        found.append((match.group(1), code.strip("\n"), text[previous_end : match.start()]))
        previous_end = match.end()
    return found


PAGES = sorted(p for p in DOCS.glob("*.rst") if any(lang == "python" for lang, _, _ in _blocks(p)))


def _words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_python_blocks_run_and_print_what_the_page_shows(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # blocks may write files (symconv.sty)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    blocks = _blocks(page)
    for index, (language, code, _) in enumerate(blocks):
        if language != "python" or code.startswith(">>>"):
            continue  # ``>>>`` blocks are doctests, run by test_docs_doctests
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(code, f"{page.name}[block {index}]", "exec"), namespace)
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if following and following[0] in ("latex", "text") and "prints" in following[2]:
            assert _words(output.getvalue()) == _words(following[1]), (page.name, index)


def test_the_pages_have_python_blocks() -> None:
    """Guard the block pattern itself: it must find the known pages."""
    assert {"latex.rst", "frameworks.rst"} <= {p.name for p in PAGES}
