#!/usr/bin/env bash
# The newcomer path (issue 16), checked by .ci/run's last stage: on a fresh copy
# of the checkout and in a fresh virtual environment, type what the README's
# "Fresh machine: the two commands" section tells a new user to type.
#
#   bash scripts/ci_newcomer.sh [WORKDIR]      (default: a new folder under $TMPDIR)
#
# Note [newcomer path]. The README's commands are read from README.md at run
# time and run verbatim, so the check cannot drift from the page:
#   1. the prerequisites block's venv line (`python3 -m venv ~/tc-venv && .
#      ~/tc-venv/bin/activate`), with HOME pointed at WORKDIR/home so ~ is a
#      fresh home; its `sudo apt-get` line is left to .ci/run's stage 1;
#   2. the main job (`pip install ".[examples]" && python examples/train_digits.py`):
#      a build-isolated pip install from source, then training;
#   3. `python bench/compare.py --quick`, the Performance section's first command;
#   4. the tests command (`bash .ci/run --venv`) with TC_CI_SKIP_APT=1 and
#      TC_CI_INSTALL_ONLY=1: it creates .ci/venv, installs every extra and
#      torch there and builds tensorcore into it, then stops (running the
#      whole CI inside the CI would double its time); a smoke subset of the
#      tests and the docs build then run in that .ci/venv.
# What keeps it affordable (about 17 minutes of CI grew by a few): pip's cache
# is the machine's (PIP_CACHE_DIR), so torch and the other wheels stage 2
# downloaded are not fetched again; the compiler runs through ccache with
# base_dir = WORKDIR, so the C++ core compiled by stage 3 is reused (the
# bindings include pybind11 from pip's randomly named build environment and
# are compiled again).
#
# Environment: PYTHON (the python3 of step 1's PATH, default python3),
# TC_NEWCOMER_SMOKE_TESTS (the smoke subset, space-separated test files).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-python3}"
WORK="${1:-$(mktemp -d "${TMPDIR:-/tmp}/tensorcore-newcomer.XXXXXX")}"
WORK="$(mkdir -p "$WORK" && cd "$WORK" && pwd)"
CLONE="$WORK/clone"
SMOKE_TESTS="${TC_NEWCOMER_SMOKE_TESTS:-tests/test_autograd.py tests/test_serialization_torch_format.py tests/test_onnx.py}"

# A fresh clone of the working tree (tracked files and untracked ones git does
# not ignore, so uncommitted work is what gets checked, as in the rest of
# .ci/run): no build folders, no developer's _C*.so in src/.
rm -rf "$CLONE" && mkdir -p "$CLONE"
git -C "$ROOT" ls-files -z --cached --others --exclude-standard \
  | (cd "$ROOT" && tar --null -T - --ignore-failed-read -cf -) | tar -C "$CLONE" -xf -
echo "fresh copy of the checkout: $CLONE"

# The README's commands, as a script (verbatim lines, echoed before they run).
"$PY" - "$CLONE/README.md" >"$WORK/readme_commands.sh" <<'EOF'
import re, shlex, sys

text = open(sys.argv[1], encoding="utf-8").read()
title = "Fresh machine: the two commands"
m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
if m is None:
    sys.exit(f"README.md has no section '## {title}' (scripts/ci_newcomer.sh reads its commands)")
blocks = re.findall(r"^```bash\n(.*?)^```", m.group(1), re.M | re.S)
prereq = [b for b in blocks if "venv" in b and "apt-get" in b]
main_job = [b for b in blocks if "pip install" in b and "examples/train_digits.py" in b]
tests = [b for b in blocks if ".ci/run" in b]
if not (prereq and main_job and tests):
    sys.exit("README.md's '%s' section no longer has the prerequisites, main-job and tests blocks that "
             "scripts/ci_newcomer.sh runs: update one or the other" % title)
def lines(block):
    return [ln for ln in block.strip().splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
venv = [ln for ln in lines(prereq[0]) if not ln.lstrip().startswith("sudo apt-get")]
print("set -euo pipefail")
# The tests command, install part only (Note [newcomer path], step 4).
install_only = ["TC_CI_SKIP_APT=1 TC_CI_INSTALL_ONLY=1 " + ln for ln in lines(tests[0])]
for ln in venv + lines(main_job[0]) + ["python bench/compare.py --quick"] + install_only:
    print(f"echo {shlex.quote('$ ' + ln)}; t=$SECONDS")
    print(ln)
    print('echo "(newcomer path: $((SECONDS - t)) s)"')
EOF

# The machine's caches, found before HOME moves.
if PIP_CACHE="$("$PY" -m pip cache dir 2>/dev/null)"; then export PIP_CACHE_DIR="$PIP_CACHE"; fi
for f in "$HOME/.config/pip/pip.conf" "$HOME/.pip/pip.conf"; do
  if [[ -z "${PIP_CONFIG_FILE:-}" && -f "$f" ]]; then export PIP_CONFIG_FILE="$f"; fi
done
if command -v ccache >/dev/null; then
  export CCACHE_DIR="${CCACHE_DIR:-$(ccache -k cache_dir)}" CCACHE_BASEDIR="$WORK" CCACHE_NOHASHDIR=1
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache  # CMake's default launcher, read from the environment
  ccache -z >/dev/null
fi
export HOME="$WORK/home"
mkdir -p "$HOME"
# Nothing of the calling environment's Python may leak in: a newcomer's shell
# has no PYTHONPATH into src/ (which has no _C) and no PYTHON for .ci/run.
unset PYTHONPATH PYTHON VIRTUAL_ENV PYTHONHOME

cd "$CLONE"
# python3 here is the one that made the CI's environment (a newcomer's system python3).
PATH="$(dirname "$(command -v "$PY")"):$PATH" bash "$WORK/readme_commands.sh"

echo "\$ .ci/venv/bin/python -m pytest $SMOKE_TESTS -q   (the smoke subset)"; t=$SECONDS
# shellcheck disable=SC2086
.ci/venv/bin/python -m pytest $SMOKE_TESTS -q -p no:cacheprovider
echo "(newcomer path: $((SECONDS - t)) s)"
echo "\$ .ci/venv/bin/python -m mkdocs build --strict -q"; t=$SECONDS
.ci/venv/bin/python -m mkdocs build --strict -q
echo "(newcomer path: $((SECONDS - t)) s)"
if command -v ccache >/dev/null; then ccache -s | grep -iE "hit|miss" | head -4; fi
echo "newcomer path ok"
