"""The tools behind tests/test_real_programs.py: the output comparison
(Note [Comparing printed output]) and the torch alias (Note [torch alias])."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "real_programs"))
from compare import compare_outputs  # noqa: E402


def test_identical_and_close_outputs_match():
    assert compare_outputs("loss 1.234567\n", "loss 1.234567\n") is None
    assert compare_outputs("loss 1.2345678\n", "loss 1.2345679\n", rtol=1e-6) is None
    # One unit in the last printed decimal: rounding of values equal to 1e-7 may flip it.
    assert compare_outputs("ppl 45.10\n", "ppl 45.11\n") is None
    assert compare_outputs("x 1e-05\n", "x 1.0000001e-05\n", rtol=1e-6) is None


def test_differences_are_reported():
    assert "line 1" in compare_outputs("loss 1.20\n", "loss 1.25\n")
    assert "line 2" in compare_outputs("a\nstep 10\n", "a\nstep 11\n")  # integers: no last-digit allowance
    assert compare_outputs("a\nstep 10\n", "a\nstep 11\n", rtol=0.5) is None
    assert "line 1" in compare_outputs("cat\n", "dog\n")
    assert "2 lines under torch, 1" in compare_outputs("a\nb\n", "a\n")
    assert compare_outputs("nan\n", "nan\n") is None
    assert "line 1" in compare_outputs("1.0\n", "nan\n", rtol=1.0)


def test_masks_and_module_name():
    masks = (r"time [\d.]+ms",)
    assert compare_outputs("iter 1 time 3.20ms\n", "iter 1 time 9.99ms\n", masks=masks) is None
    assert compare_outputs("torch.float32 torch.Size([2])\n", "tensorcore.float32 tensorcore.Size([2])\n") is None


def test_torch_alias_runs_a_program_on_tensorcore(tmp_path):
    program = tmp_path / "prog.py"
    program.write_text(
        "import torch, torch.nn.functional as F\n"
        "from torch.utils.data import DataLoader\n"
        "import tensorcore\n"
        "print(torch is tensorcore, F is tensorcore.nn.functional, torch.rand(1).item())\n"
        "try:\n    import torch.no_such_module\nexcept ModuleNotFoundError as e:\n    print(e.name)\n")
    import tensorcore
    # The tensorcore this test imported (src/ in development, site-packages in CI, where src/ has no _C).
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(tensorcore.__file__)))
    out = subprocess.run([sys.executable, os.path.join(HERE, "real_programs", "run_program.py"), "tensorcore",
                          str(program)], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.splitlines()
    import tensorcore
    tensorcore.manual_seed(0)
    assert first == f"True True {tensorcore.rand(1).item()}"  # seeded with manual_seed(0) before the program
    assert second == "torch.no_such_module"
