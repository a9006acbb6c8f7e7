"""Note [No element loops in csrc/ops]

Ops check arguments, promote, allocate and record autograd; every loop over a
tensor's elements lives behind a backend kernel interface
(csrc/backend/kernels_*.h), where the CPU backend can vectorize it, run it in
parallel deterministically, and a second device can replace it. This test
keeps it that way by reading csrc/ops/*.cpp and *.h.

What counts as an element loop. A *data pointer* is an expression that reads
a tensor's memory (`.data<T>()`, `->data_bytes()`, `storage->data`,
`data_ptr`, `storage_base(...)`), a variable declared from one (a pointer
declaration `T* p = ...` or `auto p = ...` whose initialiser mentions a data
pointer, followed transitively, so `T* q = p + 1` counts too), or any pointer
to an element type (`const float* x`, `T* out` as a local or a parameter), so
a helper function taking the pointer cannot hide the loop. A file
violates the rule when
  1. a `for`/`while`/`do` loop (header or body) dereferences a data pointer:
     `p[i]`, `*p`, `p->`, `x.data<T>()[i]`, `*x.data<T>()`;
  2. a lambda body dereferences one (lambdas are how loops hide: a helper
     such as parallel_for or a visit-in-order walker calls them per element),
     unless the dereference reads element 0 / `*ptr` of a one-element result
     outside any loop (`*contiguous(min_all(t)).data<int64_t>()`, an item());
  3. a standard algorithm or mem* call (`std::copy`, `std::fill`,
     `std::sort`, `memcpy`, ...) takes a data pointer: those are loops too;
  4. it uses `parallel_for` or `#pragma omp`: parallel element loops.
Loops over dims, shapes, tensor lists or batch offsets are fine: they touch no
element memory. Passing a data pointer to a kernel inside a loop (one call per
batch or per tensor) is fine too: the kernel owns the element loop.

Files still to be migrated are listed in ALLOWED with their owner's reason.
An entry that no longer violates the rule fails the test too, so the list
only shrinks: delete the entry when you move the last loop out.
"""
import pathlib
import re

import pytest

OPS = pathlib.Path(__file__).resolve().parent.parent / "csrc" / "ops"

# file -> why it still has element loops (remove the entry when they move).
ALLOWED: dict = {}

DATA = r"(?:\.data\s*<[^>]*>\s*\(\s*\)|->\s*data\s*<[^>]*>\s*\(\s*\)|data_bytes\s*\(\s*\)|storage->data\b|\bdata_ptr\b|\bstorage_base\s*\()"
ALGOS = r"(?:\bstd::|(?<![\w:.>]))(?:copy|copy_n|fill|fill_n|transform|accumulate|reduce|sort|stable_sort|partial_sort|nth_element|iota|reverse|memcpy|memmove|memset|min_element|max_element|count|find)\s*\("


def strip_code(src: str) -> str:
    """Blanks comments, string and char literals (keeping line breaks)."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + c)
            i = j + 1
        elif c == "#" and (i == 0 or src[i - 1] == "\n") and not src.startswith("#pragma", i):
            j = src.find("\n", i)  # preprocessor lines (includes) carry no code
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def match_close(code: str, i: int) -> int:
    """Index just past the bracket closing the one at code[i]."""
    pairs = {"(": ")", "{": "}", "[": "]"}
    open_, close, depth = code[i], pairs[code[i]], 0
    for j in range(i, len(code)):
        if code[j] == open_:
            depth += 1
        elif code[j] == close:
            depth -= 1
            if depth == 0:
                return j + 1
    return len(code)


def statement_end(code: str, i: int) -> int:
    """End of the statement starting at or after i (a block or up to ';')."""
    while i < len(code) and code[i].isspace():
        i += 1
    if i < len(code) and code[i] == "{":
        return match_close(code, i)
    depth = 0
    for j in range(i, len(code)):
        if code[j] in "([{":
            depth += 1
        elif code[j] in ")]}":
            depth -= 1
        elif code[j] == ";" and depth <= 0:
            return j + 1
    return len(code)


def loop_spans(code: str):
    for m in re.finditer(r"\b(for|while)\s*\(", code):
        h = code.index("(", m.start())
        yield m.start(), statement_end(code, match_close(code, h))
    for m in re.finditer(r"\bdo\s*\{", code):
        yield m.start(), match_close(code, code.index("{", m.start()))


def lambda_spans(code: str):
    # [captures](params) [mutable] [-> type] { body }
    for m in re.finditer(r"\[[^\[\]]*\]\s*\(", code):
        before = code[: m.start()].rstrip()
        if before and (before[-1].isalnum() or before[-1] in "_)]"):
            continue  # a subscript, not a lambda introducer
        j = match_close(code, code.index("(", m.start()))
        k = re.match(r"\s*(?:mutable\s*)?(?:->\s*[\w:<>\s*&]+?)?\s*\{", code[j:])
        if k:
            b = j + k.end() - 1
            yield b, match_close(code, b)


# Pointers to element types (a function parameter `const float* x` or a
# local `T* p;`) are data pointers wherever they come from, so a helper taking
# one cannot hide a loop. `char*` is left out: it is how ops pass names.
ELEMENT_PTR = re.compile(
    r"\b(?:T|U|P|A|B|scalar_t|float|double|bool|int|long|u?int(?:8|16|32|64)_t|void|int8_t|uint8_t)\s*"
    r"(?:const\s*)?\*\s*(?:const\s+)?(?:__restrict\w*\s+)?(\w+)")


def pointer_names(code: str):
    names = {m.group(1) for m in ELEMENT_PTR.finditer(code)}
    decl = re.compile(r"(?:\*\s*(?:const\s+)?(?:__restrict\s+)?|\bauto\s*&?\s+)(\w+)\s*=\s*([^;]*);")
    changed = True
    while changed:
        changed = False
        for m in decl.finditer(code):
            name, init = m.group(1), m.group(2)
            if name in names:
                continue
            if re.search(DATA, init) or any(re.search(rf"\b{re.escape(p)}\b", init) for p in names):
                names.add(name)
                changed = True
    return names


def derefs(text: str, names) -> list:
    pats = [rf"{DATA}\s*\[", rf"\*\s*\(?\s*[\w.:>()\-]*?{DATA}"]
    for p in names:
        pats += [rf"\b{re.escape(p)}\s*\[", rf"(?<![\w)\]])\*\s*\(?\s*{re.escape(p)}\b", rf"\b{re.escape(p)}\s*->"]
    return [m.group(0) for p in pats for m in re.finditer(p, text)]


def violations(src: str) -> list:
    code = strip_code(src)
    names = pointer_names(code)
    line = lambda pos: code.count("\n", 0, pos) + 1  # noqa: E731
    found = []
    for a, b in loop_spans(code):
        for d in derefs(code[a:b], names):
            found.append(f"line {line(a)}: loop dereferences tensor data ({d.strip()!r})")
    loops = list(loop_spans(code))
    for a, b in lambda_spans(code):
        body = code[a:b]
        hits = derefs(body, names)
        # a scalar read (no subscript) in a lambda outside any loop is an item()
        if hits and all("[" not in h for h in hits) and not any(la <= a < lb for la, lb in loops):
            continue
        for d in hits:
            found.append(f"line {line(a)}: lambda dereferences tensor data ({d.strip()!r})")
    for m in re.finditer(ALGOS, code):
        args = code[m.end() - 1: match_close(code, m.end() - 1)]
        if re.search(DATA, args) or any(re.search(rf"\b{re.escape(p)}\b", args) for p in names):
            found.append(f"line {line(m.start())}: algorithm over tensor data ({m.group(0).strip()})")
    for m in re.finditer(r"\bparallel_for\s*\(|#pragma\s+omp", code):
        found.append(f"line {line(m.start())}: parallel element loop ({m.group(0).strip()})")
    return sorted(set(found))


def ops_files():
    return sorted(p for p in OPS.iterdir() if p.suffix in (".cpp", ".h"))


@pytest.mark.parametrize("path", ops_files(), ids=lambda p: p.name)
def test_no_element_loops_in_ops(path):
    found = violations(path.read_text())
    if path.name in ALLOWED:
        assert found, (f"csrc/ops/{path.name} has no element loop left: delete its ALLOWED entry in "
                       f"{pathlib.Path(__file__).name} (Note [No element loops in csrc/ops])")
        return
    assert not found, (f"csrc/ops/{path.name}: element loops belong behind a backend kernel interface "
                       "(csrc/backend/kernels_*.h), Note [No element loops in csrc/ops]:\n  " + "\n  ".join(found))


# The detector itself, on small snippets: what it must catch and what it must let through.
CAUGHT = {
    "subscript in a loop": "void f(Tensor& t) { float* p = t.data<float>(); for (int i = 0; i < n; ++i) p[i] = 0; }",
    "derived pointer": "void f(Tensor& t) { auto p = t.data<float>(); const float* q = p + 1;\n"
                       "  int i = 0; while (i < n) { s += q[i]; ++i; } }",
    "expression in a loop": "void f(Tensor& t) { for (int i = 0; i < n; ++i) t.data<float>()[i] = 0; }",
    "deref in a loop": "void f(Tensor& t) { float* p = t.data<float>(); for (;;) { *p++ = 1; } }",
    "lambda walker": "void f(Tensor& t) { float* p = t.data<float>(); visit(t, [&](int64_t o) { p[o] = 1; }); }",
    "raw bytes": "void f(Tensor& t) { char* b = t->data_bytes(); do { b[k] = 0; } while (--k); }",
    "algorithm": "void f(Tensor& t) { float* p = t.data<float>(); std::fill(p, p + n, 0.f); }",
    "memcpy": "void f(Tensor& t, Tensor& u) { memcpy(t->data_bytes(), u->data_bytes(), n); }",
    "parallel_for": "void f() { parallel_for(0, n, 1, [&](int64_t b, int64_t e) {}); }",
    "helper taking a pointer": "static void zero(float* out, int64_t n) { for (int64_t i = 0; i < n; ++i) out[i] = 0; }\n"
                               "void f(Tensor& t) { zero(t.data<float>(), t.numel()); }",
}
PASSED = {
    "loop over dims": "Shape f(const Tensor& a) { Shape s; for (int64_t d = 0; d < a.dim(); ++d) s.push_back(a.size(d)); return s; }",
    "kernel call per batch": "void f(Tensor& o, Tensor& a) { for (int64_t i = 0; i < B; ++i)\n"
                             "  kernels::gemm(dt, m, n, k, storage_base(a) + i * sa, 1, 1, b, 1, 1, o->data_bytes(), n, false); }",
    "scalar read": "int64_t f(const Tensor& t) { return *contiguous(max_all(t)).data<int64_t>(); }",
    "error value": "void f(const Tensor& e) { int64_t bad = k(e); TC_CHECK(bad < 0, e.data<int64_t>()[bad]); }",
    "loop over tensor pointers": "void f(const std::vector<const Tensor*>& ts) { for (const Tensor* t : ts) n += t->dim(); }",
    "comments and strings": "void f() { // for (i) p[i] = t.data<float>()[i];\n"
                            "  const char* s = \"for (;;) x.data<T>()[0]\"; }",
}


@pytest.mark.parametrize("name", sorted(CAUGHT))
def test_detector_catches(name):
    assert violations(CAUGHT[name]), name


@pytest.mark.parametrize("name", sorted(PASSED))
def test_detector_lets_through(name):
    assert not violations(PASSED[name]), (name, violations(PASSED[name]))
