"""Every Python block of the README runs, and prints what its ``# -> …`` comments say.

A line ``print(…)  # -> text`` promises that this call prints ``text`` (compared
with whitespace collapsed); the README's blocks print once per line, in order.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks() -> list[str]:
    return _BLOCK.findall(README.read_text(encoding="utf-8"))


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_the_readme_has_examples() -> None:
    blocks = python_blocks()
    assert len(blocks) >= 4
    assert sum(block.count("# -> ") for block in blocks) >= 3


@pytest.mark.parametrize("number", range(len(python_blocks())))
def test_readme_block_runs_and_prints_what_it_says(number: int) -> None:
    block = python_blocks()[number]
    printed: list[str] = []

    def record(*args: object, sep: str = " ", **_: object) -> None:
        printed.append(sep.join(map(str, args)))

    exec(compile(block, f"README.md python block {number + 1}", "exec"), {"print": record})
    prints = [line for line in block.splitlines() if line.lstrip().startswith("print(")]
    assert len(printed) == len(prints), "one print per print line"
    for line, output in zip(prints, printed):
        if "# -> " in line:
            expected = line.split("# -> ", 1)[1]
            assert _squash(output) == _squash(expected), f"{line!r} printed {output!r}"
