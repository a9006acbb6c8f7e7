"""Public PyTorch programs run unchanged under PyTorch and under tensorcore posing as torch.

Each program of tests/real_programs/corpus.py runs twice in a subprocess
(tests/real_programs/run_program.py), each time in a fresh working directory,
and the printed outputs are compared (Note [Comparing printed output]). The
programs are third-party code kept out of the repository: an entry whose file
is missing under examples/real_programs/ is skipped (tests/real_programs/README.md).
"""
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "real_programs"))
from corpus import PROGRAMS  # noqa: E402
from compare import compare_outputs  # noqa: E402

CORPUS_DIR = os.environ.get("TENSORCORE_REAL_PROGRAMS", os.path.join(ROOT, "examples", "real_programs"))
RUNNER = os.path.join(HERE, "real_programs", "run_program.py")


class ProgramFailed(AssertionError):
    pass


def _run(library, entry, workdir):
    env = dict(os.environ)
    import tensorcore
    # The tensorcore this test imported (src/ in development, site-packages in CI, where src/ has no _C).
    env["PYTHONPATH"] = os.pathsep.join(
        [os.path.dirname(os.path.dirname(tensorcore.__file__))]
        + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.setdefault("OMP_NUM_THREADS", "1")
    # Programs that number their vocabulary by iterating a set of strings (graykode/nlp-tutorial) need
    # the same string hashes in both runs.
    env.setdefault("PYTHONHASHSEED", "0")
    for name in entry.copy:  # files, or folders (a program reading data/anna.txt)
        source = os.path.join(CORPUS_DIR, os.path.dirname(entry.program), name)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(workdir, name))
        else:
            shutil.copy(source, workdir)
    out = ""
    for program, args in tuple(entry.before) + ((entry.program, entry.args),):
        path = os.path.join(CORPUS_DIR, program)
        folder = os.path.dirname(path)
        argv = [a.replace("{dir}", folder) for a in args]
        proc = subprocess.run([sys.executable, RUNNER, library, path, *argv], cwd=workdir, env=env,
                              capture_output=True, text=True, timeout=entry.timeout)
        if proc.returncode != 0:
            raise ProgramFailed(f"{program} failed under {library} (exit {proc.returncode}):\n"
                                 f"{proc.stderr[-3000:]}")
        out += proc.stdout
    return out


def _params():
    for entry in PROGRAMS:
        marks = [pytest.mark.slow] if entry.slow else []
        yield pytest.param(entry, id=entry.name, marks=marks)


@pytest.mark.parametrize("entry", list(_params()))
def test_real_program_prints_what_pytorch_prints(entry, tmp_path):
    pytest.importorskip("torch")
    if not os.path.exists(os.path.join(CORPUS_DIR, entry.program)):
        pytest.skip(f"{entry.program} is not in the local corpus ({CORPUS_DIR})")
    (tmp_path / "torch").mkdir()
    (tmp_path / "tensorcore").mkdir()
    expected = _run("torch", entry, str(tmp_path / "torch"))
    try:
        actual = _run("tensorcore", entry, str(tmp_path / "tensorcore"))
    except ProgramFailed:
        if entry.differs:
            pytest.xfail(entry.differs)
        raise
    difference = compare_outputs(expected, actual, rtol=entry.rtol, atol=entry.atol, masks=entry.masks)
    if entry.differs:
        if difference is None:
            pytest.fail(f"{entry.name} now matches PyTorch: remove its `differs` note")
        pytest.xfail(entry.differs)
    assert difference is None, difference
