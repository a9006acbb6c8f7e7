"""A PyTorch program that passes `mypy --strict` passes it with tensorcore too
(Note [Typing the dynamic API] in scripts/gen_api_stub.py).

tests/typing_samples/ holds programs written against torch (a training loop, a
data pipeline, a custom autograd Function). Each is checked twice with
`mypy --strict`: as written (proving the sample is valid typed PyTorch), and
with its imports pointed at tensorcore (`import tensorcore as torch`,
`from tensorcore.utils.data import ...`). Both runs must find no error. The
tensorcore run also checks that every public attribute tensorcore and
tensorcore.Tensor have at run time is known to the checker, and that the
types are real (a wrong call is still an error).

tensorcore is type-checked as an installed package would be (its own modules
followed silently) from src/, with a fresh cache, so the run also shows that
`mypy --strict` on a program importing tensorcore takes seconds, not minutes.
torch's run keeps its cache in the system temp dir: torch's stubs take about a
minute to analyse cold and do not change between runs.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile
import time

import tensorcore

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")
SAMPLES = sorted(glob.glob(os.path.join(ROOT, "tests", "typing_samples", "*.py")))
# A cold `mypy --strict` of the samples against tensorcore takes ~10-20 s on a
# busy 2-core machine; minutes would mean the package became expensive to check.
COLD_SECONDS_LIMIT = 90

CONFIG = """\
[mypy]
strict = True
mypy_path = {src}
warn_unused_configs = False

[mypy-tensorcore]
follow_imports = silent
follow_imports_for_stubs = True

[mypy-tensorcore.*]
follow_imports = silent
follow_imports_for_stubs = True
"""


def to_tensorcore(source):
    """The sample with `torch` imports pointing at tensorcore; nothing else changes."""
    source = re.sub(r"^import torch$", "import tensorcore as torch", source, flags=re.M)
    source = re.sub(r"^import torch\.", "import tensorcore.", source, flags=re.M)
    return re.sub(r"^from torch(?=[. ])", "from tensorcore", source, flags=re.M)


def run_mypy(files, config_path, cache_dir, cwd):
    cmd = [sys.executable, "-m", "mypy", "--config-file", config_path, "--cache-dir", cache_dir,
           "--no-error-summary", "--show-error-codes", "--no-pretty", *files]
    env = dict(os.environ)
    env.pop("MYPYPATH", None)
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, timeout=600)
    return proc, time.monotonic() - start


def errors(output):
    return [line for line in output.splitlines() if ": error:" in line]


def test_samples_exist_and_import_torch():
    assert len(SAMPLES) >= 3
    for path in SAMPLES:
        with open(path) as f:
            text = f.read()
        assert re.search(r"^import torch$", text, re.M), path
        assert to_tensorcore(text) != text


def test_import_rewrite():
    src = "import torch\nimport torch.nn as nn\nfrom torch import nn\nfrom torch.utils.data import DataLoader\nx = torch.zeros(1)\n"
    assert to_tensorcore(src) == ("import tensorcore as torch\nimport tensorcore.nn as nn\nfrom tensorcore import nn\n"
                                  "from tensorcore.utils.data import DataLoader\nx = torch.zeros(1)\n")


def test_samples_pass_strict_with_torch(tmp_path):
    # First run on a machine: about a minute (torch's stubs, cold); later runs reuse the cache.
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nstrict = True\n")
    cache = os.path.join(tempfile.gettempdir(), f"tensorcore-test-typing-torch-cache-{os.getuid()}")
    proc, _ = run_mypy(SAMPLES, str(config), cache, str(tmp_path))
    assert errors(proc.stdout) == [] and proc.returncode == 0, proc.stdout + proc.stderr


NEGATIVE = '''\
import tensorcore as torch
import tensorcore.nn as nn

x: torch.Tensor = torch.zeros(2, 3)
s: str = x.sum()                 # a Tensor is not a str
n: int = x.shape                 # a Size is not an int
torch.no_such_function(x)        # not an attribute
x.no_such_method()               # not an attribute
torch.manual_seed("0")           # the seed is an int
torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=0.1).step(3, 4)   # too many arguments
'''
NEGATIVE_EXPECTED = [  # (line, error code)
    (5, "assignment"), (6, "assignment"), (7, "attr-defined"), (8, "attr-defined"), (9, "arg-type"),
    (10, "call-arg"),
]


def _every_name_program():
    """References every public attribute of tensorcore and of tensorcore.Tensor."""
    lines = ["import tensorcore", "from typing import Any", "def use(*a: Any) -> None: ...", ""]
    for name in sorted(n for n in dir(tensorcore) if not n.startswith("_")):
        if name in ("TYPE_CHECKING",):
            continue
        lines.append(f"use(tensorcore.{name})")
    for name in sorted(n for n in dir(tensorcore.Tensor) if not n.startswith("_")):
        lines.append(f"use(tensorcore.Tensor.{name})")
    return "\n".join(lines) + "\n"


def test_samples_pass_strict_with_tensorcore(tmp_path):
    config = tmp_path / "mypy.ini"
    config.write_text(CONFIG.format(src=SRC))
    files = []
    for path in SAMPLES:
        with open(path) as f:
            text = f.read()
        out = tmp_path / ("tc_" + os.path.basename(path))
        out.write_text(to_tensorcore(text))
        files.append(str(out))
    every = tmp_path / "tc_every_name.py"
    every.write_text(_every_name_program())
    negative = tmp_path / "tc_negative.py"
    negative.write_text(NEGATIVE)
    trivial = tmp_path / "tc_trivial.py"
    trivial.write_text("import tensorcore\n\nprint(tensorcore.ones(2).sum().item())\n")
    files += [str(every), str(negative), str(trivial)]
    proc, seconds = run_mypy(files, str(config), str(tmp_path / "cache"), str(tmp_path))
    found = errors(proc.stdout)
    unexpected = [e for e in found if not e.startswith("tc_negative.py:")]
    assert unexpected == [], proc.stdout + proc.stderr
    got = sorted((int(e.split(":")[1]), re.search(r"\[([a-z-]+)\]$", e).group(1)) for e in found
                 if e.startswith("tc_negative.py:"))
    assert got == sorted(NEGATIVE_EXPECTED), proc.stdout
    # Cold cache: almost all of this is analysing tensorcore itself, what any program importing it pays.
    assert seconds < COLD_SECONDS_LIMIT, f"cold mypy --strict run took {seconds:.0f} s"
