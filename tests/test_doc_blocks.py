"""scripts/run_doc_blocks.py (Note [executed docs]): which Markdown blocks it
runs, how it judges them, and that no-run markers need a real reason.

The blocks here are plain Python (no tensorcore), so these tests check the
runner itself; .ci/run's stage 4c runs it on the README and docs/ against the
installed package.
"""
import importlib.util
import os
import textwrap

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
_spec = importlib.util.spec_from_file_location("run_doc_blocks", os.path.join(ROOT, "scripts", "run_doc_blocks.py"))
rdb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rdb)

FENCE = "`" * 3


def md(text):
    return textwrap.dedent(text).replace("~~~", FENCE)


def test_only_python_blocks_are_extracted_with_their_lines():
    text = md("""\
        # Title

        ~~~bash
        echo not python
        ~~~

        ~~~python
        x = 1
        ~~~

        ~~~
        plain fence
        ~~~
        ~~~pycon
        >>> 1 + 1
        2
        ~~~
        """)
    blocks = rdb.extract_blocks(text, "doc.md")
    assert [(b.line, b.lang, b.is_doctest) for b in blocks] == [(8, "python", False), (15, "pycon", True)]
    assert blocks[0].source == "x = 1\n"
    assert text.splitlines()[blocks[0].line - 1] == "x = 1"


def test_no_run_marker_needs_gpu_mpi_or_network():
    ok = md("""\
        <!-- no-run: needs MPI (mpiexec -n 2) -->
        ~~~python
        import mpi4py
        ~~~
        """)
    (block,) = rdb.extract_blocks(ok, "doc.md")
    assert block.skip_reason == "needs MPI (mpiexec -n 2)"

    bad = md("""\
        <!-- no-run: too slow -->
        ~~~python
        x = 1
        ~~~
        """)
    with pytest.raises(rdb.DocBlockError, match="only for a block that needs a GPU, MPI or the network"):
        rdb.extract_blocks(bad, "doc.md")


def _run(text, tmp_path, capsys):
    f = tmp_path / "doc.md"
    f.write_text(text)
    rc = rdb.main([str(f)])
    return rc, capsys.readouterr().out


def test_doctest_output_must_match(tmp_path, capsys):
    good = md("""\
        ~~~python
        >>> print([1, 2])
        [1, 2]
        >>> object()  # doctest: +ELLIPSIS
        <object object at 0x...>
        ~~~
        """)
    rc, out = _run(good, tmp_path, capsys)
    assert rc == 0, out
    assert "doctest ok" in out

    wrong = md("""\
        ~~~python
        >>> print([1, 2])
        [1, 3]
        ~~~
        """)
    rc, out = _run(wrong, tmp_path, capsys)
    assert rc == 1
    assert "doctest FAILED" in out and "Expected:" in out and "[1, 3]" in out


def test_plain_block_error_names_the_markdown_line(tmp_path, capsys):
    text = md("""\
        Some prose.

        ~~~python
        a = 1
        b = undefined_name
        ~~~
        """)
    rc, out = _run(text, tmp_path, capsys)
    assert rc == 1
    assert "NameError" in out and 'line 5' in out


def test_blocks_do_not_share_names_and_run_in_a_scratch_folder(tmp_path, capsys):
    text = md("""\
        ~~~python
        x = 1
        open("written.txt", "w").write("scratch")
        ~~~

        ~~~python
        assert "x" not in globals()
        ~~~
        """)
    rc, out = _run(text, tmp_path, capsys)
    assert rc == 0, out
    assert not (tmp_path / "written.txt").exists()


def test_a_crash_is_a_failure_not_the_end_of_the_run(tmp_path, capsys):
    text = md("""\
        ~~~python
        import os
        os.abort()
        ~~~

        ~~~python
        y = 2
        ~~~
        """)
    rc, out = _run(text, tmp_path, capsys)
    assert rc == 1
    assert "block FAILED" in out and "block ok" in out


def test_nothing_to_run_fails(tmp_path, capsys):
    rc, out = _run("# no code here\n", tmp_path, capsys)
    assert rc == 1
    assert "no python block ran" in out


def test_readme_blocks_parse_and_are_runnable_or_marked():
    # The real README: every python block is either run by .ci/run's stage 4c
    # or carries an allowed no-run reason (extract_blocks raises otherwise).
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        blocks = rdb.extract_blocks(f.read(), "README.md")
    assert any(b.is_doctest for b in blocks)
