"""Every script in ``derivations/`` runs on its own, asserts its verdicts and cites its source.

Each script is run as a reader would run it, ``python derivations/<name>.py`` from
the repository root, in a subprocess; two at a time, since each takes a few
seconds. A new script is covered as soon as it exists.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from symconv import catalogue
from symconv.derivation import Verdict

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted(p for p in (ROOT / "derivations").glob("*.py") if not p.name.startswith("_"))


def _run(script: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@functools.cache
def _runs() -> dict[Path, subprocess.CompletedProcess]:
    """Every script's run, two at a time (the first test to ask pays for all of them)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(SCRIPTS, pool.map(_run, SCRIPTS)))


def _tree(script: Path) -> ast.Module:
    return ast.parse(script.read_text(encoding="utf-8"))


def asserted_verdicts(tree: ast.Module) -> set[Verdict]:
    """The verdicts named in the script's ``assert`` statements (``Verdict.PROVEN`` …)."""
    return {
        Verdict[node.attr]
        for statement in ast.walk(tree)
        if isinstance(statement, ast.Assert)
        for node in ast.walk(statement.test)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Verdict"
        and node.attr in Verdict.__members__
    }


def script_name(tree: ast.Module) -> str | None:
    """The value of the script's ``NAME = "..."`` (its catalogue name)."""
    for statement in tree.body:
        if (
            isinstance(statement, ast.Assign)
            and [getattr(t, "id", None) for t in statement.targets] == ["NAME"]
            and isinstance(statement.value, ast.Constant)
        ):
            return statement.value.value
    return None


def cited_author(source: str) -> str:
    """The leading name of a catalogue source: ``Vaidyanathan``, ``Dumoulin & Visin``, …"""
    return re.match(r'[^,;("]+', source).group().strip()


def test_the_scripts_are_found() -> None:
    # The glob must see the catalogue's scripts, or every test below passes vacuously.
    assert len(SCRIPTS) >= len(catalogue.names())


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_script_runs_and_prints_the_verdicts_it_asserts(script: Path) -> None:
    result = _runs()[script]
    assert result.returncode == 0, result.stderr[-3000:]
    verdicts = asserted_verdicts(_tree(script))
    assert verdicts, f"{script.name} asserts no verdict"
    for verdict in verdicts:
        # Every verdict is printed as "<statement>: <verdict>" or "verdict: <verdict> (…)".
        assert re.search(rf": {verdict.value}\b", result.stdout), (verdict, result.stdout[-2000:])


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_script_asserts_a_verdict_and_cites_its_source(script: Path) -> None:
    tree = _tree(script)
    assert asserted_verdicts(tree), f"{script.name}: no `assert ... Verdict.X`"
    docstring = ast.get_docstring(tree) or ""
    assert len(docstring.split()) > 40, f"{script.name}: the docstring must explain the identity"
    assert re.search(r"^Sources?: \S", docstring, re.MULTILINE), f"{script.name}: no Source line"
    name = script_name(tree)
    assert name is not None and name.replace("-", "_") == script.stem
    if name in catalogue.names():  # the same source as the catalogue entry
        author = cited_author(catalogue.get(name).source)
        assert author in " ".join(docstring.split()), (script.name, author)


def test_asserted_verdicts_reads_only_asserts() -> None:
    tree = ast.parse(
        "from symconv.derivation import Verdict\n"
        "x = Verdict.UNKNOWN\n"
        "assert proof.verdict is Verdict.REFUTED, proof\n"
        "assert d.verdict in (Verdict.PROVEN, Verdict.VERIFIED)\n"
    )
    assert asserted_verdicts(tree) == {Verdict.REFUTED, Verdict.PROVEN, Verdict.VERIFIED}


def test_cited_author() -> None:
    assert cited_author("Vaidyanathan, Multirate Systems (1993)") == "Vaidyanathan"
    assert cited_author('Shi et al. (2016), "Is the deconvolution…"') == "Shi et al."
    assert cited_author('lecture slides "Convolution, De-convolution"') == "lecture slides"
