"""``import symconv`` loads SymPy and NumPy, not SciPy, the LaTeX package or framework code."""

import subprocess
import sys
from pathlib import Path

import symconv

ROOT = Path(__file__).resolve().parents[1]

DEFERRED = (
    "scipy",
    "symconv.printing.latex",
    "symconv.proof",
    "symconv.network",
    "symconv.frameworks",
    "matplotlib",
    "torch",
    "tensorflow",
    "jax",
    "onnx",
)


def _modules_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def _loaded(modules: set[str], prefix: str) -> bool:
    return any(m == prefix or m.startswith(prefix + ".") for m in modules)


def test_import_symconv_defers_scipy_latex_proofs_networks_and_frameworks():
    modules = _modules_after("import symconv")
    assert "symconv.operators" in modules  # the check sees symconv's own imports
    assert [name for name in DEFERRED if _loaded(modules, name)] == []


def test_lazy_names_load_their_module_on_first_use():
    modules = _modules_after("import symconv\nsymconv.latex\nsymconv.prove")
    assert _loaded(modules, "symconv.printing.latex") and _loaded(modules, "symconv.proof")
    assert not _loaded(modules, "scipy")  # the proof engine itself imports no SciPy


def test_lazy_names_are_the_real_objects():
    from symconv.network import Network
    from symconv.numeric import lambdify
    from symconv.printing.latex import latex
    from symconv.proof import Proof, prove

    assert symconv.latex is latex and symconv.Network is Network
    assert symconv.prove is prove and symconv.Proof is Proof and symconv.lambdify is lambdify
    assert {"latex", "Network", "prove", "lambdify"} <= set(dir(symconv))
    try:
        symconv.no_such_name  # noqa: B018
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("unknown attributes must raise AttributeError")
