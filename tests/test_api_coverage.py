"""scripts/api_coverage.py: the API coverage map runs and classifies names.

Whether the committed docs/coverage.md is current is deliberately not tested:
every branch that adds an op changes the counts. The map is regenerated with
`python scripts/api_coverage.py`.
"""
import importlib.util
import os
import re
import subprocess
import sys
import types

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SCRIPT = os.path.join(ROOT, "scripts", "api_coverage.py")


def _load_script():
    spec = importlib.util.spec_from_file_location("api_coverage", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_classify_covered_partial_missing():
    cov = _load_script()

    def full(x):
        return x

    def some_modes(x, mode="a"):
        if mode != "a":
            raise NotImplementedError("only mode='a'")
        return x

    class Abstract:
        def forward(self, x):
            """Subclasses define it."""
            raise NotImplementedError

    class Stubbed:
        def __init__(self, k=None):
            if k is not None:
                raise NotImplementedError("k is not supported")

    candidate = types.SimpleNamespace(full=full, some_modes=some_modes, Abstract=Abstract, Stubbed=Stubbed)
    got = cov.classify(["full", "some_modes", "Abstract", "Stubbed", "absent"], candidate)
    assert got == {"full": "covered", "some_modes": "partial", "Abstract": "covered", "Stubbed": "partial",
                   "absent": "missing"}
    assert cov.classify(["x"], None) == {"x": "missing"}


def test_public_names_drop_private_submodules_and_foreign_imports():
    cov = _load_script()
    ns = types.ModuleType("torch.fake")
    ns.visible = lambda: None
    ns.visible.__module__ = "torch.fake"
    ns._hidden = 1
    ns.sub = types.ModuleType("torch.fake.sub")
    ns.Optional = type("Optional", (), {"__module__": "typing"})
    assert cov.public_names(ns) == ["visible"]
    ns.__all__ = ["visible", "sub", "declared_only"]
    ns.declared_only = 3
    assert cov.public_names(ns) == ["declared_only", "visible"]


def test_script_writes_a_table_for_every_namespace(tmp_path):
    torch = pytest.importorskip("torch")
    out = tmp_path / "coverage.md"
    import tensorcore
    env = dict(os.environ)
    # The tensorcore this test imported (CI installs it; its checkout's src/ has no built _C).
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(tensorcore.__file__)))
    env["PYTHONPATH"] = package_parent + os.pathsep + env.get("PYTHONPATH", "")
    r = subprocess.run([sys.executable, SCRIPT, "--output", str(out)], capture_output=True, text=True, env=env,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert f"against PyTorch {torch.__version__}" in text
    rows = re.findall(r"^\| `([^`]+)` \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|", text, re.M)
    titles = [row[0] for row in rows]
    assert titles == ["torch.*", "Tensor.*", "torch.nn.*", "torch.nn.functional.*", "torch.optim.*",
                      "torch.optim.lr_scheduler.*", "torch.linalg.*", "torch.fft.*", "torch.distributions.*",
                      "torch.testing.*", "torch.utils._pytree.*", "torch.jit.*", "torch.profiler.*"]
    for title, n, c, p, m in rows:
        assert int(n) == int(c) + int(p) + int(m), title
        assert int(n) > 0, title
    # PyTorch's reference counts, independent of tensorcore: Tensor.* is every public attribute of torch.Tensor.
    tensor_total = int(dict((r[0], r[1]) for r in rows)["Tensor.*"])
    assert tensor_total == len([n for n in dir(torch.Tensor) if not n.startswith("_")])
    # Names every tensorcore program uses are covered; a name PyTorch lacks is never listed.
    section = text.split("## `torch.*`")[1].split("## ")[0]
    for name in ("tensor", "add", "matmul", "manual_seed"):
        assert f"`{name}`" not in section, name
    nn_missing = text.split("## `torch.nn.*`")[1].split("**missing**")[1].split("\n")[0]
    assert "`Linear`" not in nn_missing and "`Sequential`" not in nn_missing
