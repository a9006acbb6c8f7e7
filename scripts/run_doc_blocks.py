"""Run every ```python block of the README and the docs against the installed tensorcore.

    python scripts/run_doc_blocks.py [FILE.md ...]      (default: README.md and docs/*.md)

Note [executed docs]: a reader copies the README's examples verbatim, so each
one is a test. A block whose lines start with `>>>` is a doctest: its printed
output must match what the block shows, character for character (ELLIPSIS
allowed, for addresses). Any other python block must run without raising.
Each block runs in its own interpreter (a crash is reported, not fatal, and no
block sees another's names) with an empty temporary folder as its working
directory (files a block writes go there), so the tensorcore imported is the
installed one, or whatever PYTHONPATH names.

A block that cannot run on an ordinary CI machine is marked on the line before
its fence:

    <!-- no-run: needs MPI (mpiexec) -->

The reason must name what the block needs: a GPU (or CUDA), MPI or the
network; any other no-run is an error, so the marker cannot quietly hide a
broken example. Blocks in other languages (bash, cpp, text) are not run here;
.ci/run runs the README's install-and-train command in a fresh virtual
environment (scripts/ci_newcomer.sh).

Exit status: 0 when every runnable block passed, 1 otherwise (also when no
block was found: a parser that finds nothing must not pass).
"""
import argparse
import doctest
import glob
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
FENCE = re.compile(r"^```(\S*)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
NO_RUN = re.compile(r"^<!--\s*no-run:\s*(.*?)\s*-->\s*$")
# What may excuse a block from running (Note [executed docs]).
ALLOWED_REASON = re.compile(r"\b(gpu|cuda|mpi|mpiexec|network)\b", re.I)
PER_BLOCK_TIMEOUT_S = 300


class DocBlockError(ValueError):
    """A malformed block marker (a no-run without an allowed reason)."""


class Block:
    def __init__(self, path, line, lang, source, skip_reason):
        self.path = path  # as given, for messages
        self.line = line  # 1-based line of the block's first source line
        self.lang = lang
        self.source = source
        self.skip_reason = skip_reason

    @property
    def is_doctest(self):
        return any(ln.lstrip().startswith(">>>") for ln in self.source.splitlines())

    @property
    def where(self):
        return f"{self.path}:{self.line}"


def extract_blocks(text, path):
    """The ```python blocks of a Markdown text, with their no-run markers."""
    blocks = []
    for m in FENCE.finditer(text):
        if m.group(1).lower() not in ("python", "py", "pycon"):
            continue
        fence_line = text.count("\n", 0, m.start()) + 1
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        skip = None
        marker = NO_RUN.match(before.strip())
        if marker:
            skip = marker.group(1)
            if not ALLOWED_REASON.search(skip):
                raise DocBlockError(
                    f"{path}:{fence_line}: '<!-- no-run: {skip} -->' is only for a block that needs a GPU, MPI or "
                    "the network (name which); fix the block so it runs instead")
        blocks.append(Block(path, fence_line + 1, m.group(1).lower(), m.group(2), skip))
    return blocks


def _child_program(block):
    """The program one interpreter runs for a block: line numbers in its
    tracebacks and doctest reports are the Markdown file's."""
    return (
        "import sys\n"
        f"sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r})\n"
        "import run_doc_blocks as r\n"
        f"sys.exit(r.run_in_this_process({block.source!r}, {block.path!r}, {block.line}, {block.is_doctest}))\n")


def run_in_this_process(source, path, line, is_doctest):
    """Run one block here (the child interpreter); return its exit status."""
    if sys.path and sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]  # the block must not see scripts/ first on its path
    globs = {"__name__": "__main__"}
    if is_doctest:
        test = doctest.DocTestParser().get_doctest(source, globs, f"{path}:{line}", path, line - 1)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        result = runner.run(test)
        return 1 if result.failed else 0
    exec(compile("\n" * (line - 1) + source, path, "exec"), globs)
    return 0


def _child_env():
    # Blocks run in a scratch folder: a relative PYTHONPATH (PYTHONPATH=src)
    # must still name the same folders there.
    env = dict(os.environ)
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in env["PYTHONPATH"].split(os.pathsep) if p)
    return env


def run_block(block, python=sys.executable, timeout=PER_BLOCK_TIMEOUT_S):
    """Run a block in a fresh interpreter; return (passed, output)."""
    with tempfile.TemporaryDirectory(prefix="tc-doc-block-") as cwd:
        try:
            proc = subprocess.run([python, "-c", _child_program(block)], cwd=cwd, capture_output=True, text=True,
                                  timeout=timeout, env=_child_env())
        except subprocess.TimeoutExpired:
            return False, f"timed out after {timeout} s"
    return proc.returncode == 0, (proc.stdout + proc.stderr).strip()


def default_files():
    return [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", help="Markdown files (default: README.md and docs/*.md)")
    args = ap.parse_args(argv)
    files = args.files or default_files()

    blocks = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            blocks += extract_blocks(fh.read(), os.path.relpath(f))
    if any("tensorcore" in b.source for b in blocks):
        where = subprocess.run([sys.executable, "-c", "import tensorcore; print(tensorcore.__file__)"],
                               cwd=tempfile.gettempdir(), capture_output=True, text=True, env=_child_env())
        print(f"tensorcore under test: {where.stdout.strip() or where.stderr.strip()}")

    ran = failed = skipped = 0
    for b in blocks:
        if b.skip_reason is not None:
            skipped += 1
            print(f"{b.where}: not run ({b.skip_reason})")
            continue
        ok, out = run_block(b)
        ran += 1
        kind = "doctest" if b.is_doctest else "block"
        if ok:
            print(f"{b.where}: {kind} ok")
        else:
            failed += 1
            print(f"{b.where}: {kind} FAILED\n" + "\n".join("    " + ln for ln in out.splitlines()))
    print(f"{ran} python blocks run, {failed} failed, {skipped} marked no-run, in {len(files)} files")
    if ran == 0:
        print("no python block ran: treated as a failure")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
