"""API coverage map: which of PyTorch's public names exist in tensorcore.

    python scripts/api_coverage.py                 # writes docs/coverage.md
    python scripts/api_coverage.py --output -      # prints it instead

Needs PyTorch installed (it is the reference) and tensorcore importable (the
installed package, or the checkout's src/ after scripts/dev_build.sh).

For each namespace (torch.*, Tensor.*, torch.nn.*, torch.nn.functional.*,
torch.optim.* with lr_scheduler, torch.linalg.*, torch.fft.*, torch.distributions.*,
torch.testing.*, torch.utils._pytree.*, torch.jit.*, torch.profiler.*) the
reference names are PyTorch's public API: the module's __all__ where PyTorch
declares one (torch, torch.optim, torch.distributions, torch.jit, torch.profiler), otherwise its
attributes; no leading underscore, no submodules, and nothing imported from
outside torch (typing's Optional in torch.nn.functional, say). torch.__all__
includes TorchScript, quantization and sparse names, which tensorcore does
not aim at; they are listed like any other. Each name is

- covered: tensorcore has it;
- partial: tensorcore has it, but its Python source raises
  NotImplementedError somewhere (some arguments or modes are unsupported).
  This is a static look at the source, cheap and safe (nothing is called);
  names implemented in C++ cannot be inspected and count as covered;
- missing: tensorcore has no such name.

Existing is not the same as behaving like PyTorch in every argument: the
test suite is the judge of that. The map says what a program can reach.
"""
import argparse
import ast
import datetime
import importlib
import inspect
import os
import sys
import textwrap
import types

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

# (title, PyTorch module path, tensorcore module path, attribute inside the module or None)
NAMESPACES = [
    ("torch.*", "torch", "tensorcore", None),
    ("Tensor.*", "torch", "tensorcore", "Tensor"),
    ("torch.nn.*", "torch.nn", "tensorcore.nn", None),
    ("torch.nn.functional.*", "torch.nn.functional", "tensorcore.nn.functional", None),
    ("torch.optim.*", "torch.optim", "tensorcore.optim", None),
    ("torch.optim.lr_scheduler.*", "torch.optim.lr_scheduler", "tensorcore.optim.lr_scheduler", None),
    ("torch.linalg.*", "torch.linalg", "tensorcore.linalg", None),
    ("torch.fft.*", "torch.fft", "tensorcore.fft", None),
    ("torch.distributions.*", "torch.distributions", "tensorcore.distributions", None),
    ("torch.testing.*", "torch.testing", "tensorcore.testing", None),
    ("torch.utils._pytree.*", "torch.utils._pytree", "tensorcore.utils._pytree", None),
    ("torch.jit.*", "torch.jit", "tensorcore.jit", None),
    ("torch.profiler.*", "torch.profiler", "tensorcore.profiler", None),
]


def _import_tensorcore():
    try:
        return importlib.import_module("tensorcore")
    except ImportError:  # a development checkout built with scripts/dev_build.sh
        sys.path.insert(0, os.path.join(ROOT, "src"))
        return importlib.import_module("tensorcore")


def _resolve(module_path, attr):
    """The namespace object, or None when the module does not exist."""
    try:
        mod = importlib.import_module(module_path)
    except ImportError:
        return None
    return getattr(mod, attr, None) if attr else mod


def public_names(ns, origin_prefix="torch"):
    """Public names of a reference namespace: its __all__ where PyTorch
    declares one (torch, torch.optim, torch.distributions, ...), otherwise its
    attributes; either way no underscore, no submodules, nothing whose
    defining module lies outside `origin_prefix`."""
    names = []
    declared = getattr(ns, "__all__", None) if isinstance(ns, types.ModuleType) else None
    for name in sorted(set(declared) if declared is not None else dir(ns)):
        if name.startswith("_"):
            continue
        try:
            obj = getattr(ns, name)
        except Exception:  # a lazy attribute that fails to load is not part of the usable API
            continue
        if isinstance(obj, types.ModuleType):
            continue
        origin = getattr(obj, "__module__", None) if isinstance(obj, (type, types.FunctionType)) else None
        if isinstance(origin, str) and origin.split(".")[0] not in (origin_prefix, "builtins"):
            continue
        names.append(name)
    return sorted(names)


def _is_dtype_refusal(raise_node):
    """PyTorch's own NotImplementedError for a dtype its kernel lacks
    ('"op_cpu" not implemented for 'Long''), mirrored: not a missing feature."""
    text = ast.unparse(raise_node)
    return "not implemented for" in text and "_cpu" in text


def _raises_not_implemented(obj):
    """True if the Python source of obj (a function, or a class's methods)
    contains `raise NotImplementedError`. For a class only the methods it
    defines itself are read (__init__, __call__, forward, step, __new__): an
    abstract method inherited from a base class says nothing about it, and a
    method whose whole body is the raise is abstract (PyTorch's is too)."""
    funcs = []
    if isinstance(obj, type):
        for meth in ("__init__", "__call__", "forward", "step", "__new__"):
            f = obj.__dict__.get(meth)
            if isinstance(f, (types.FunctionType, staticmethod, classmethod)):
                funcs.append(getattr(f, "__func__", f))
    elif isinstance(obj, (types.FunctionType, types.MethodType)):
        funcs.append(getattr(obj, "__func__", obj))
    elif isinstance(obj, property) and obj.fget is not None:
        funcs.append(obj.fget)
    for f in funcs:
        try:
            src = textwrap.dedent(inspect.getsource(f))
            tree = ast.parse(src)
        except (OSError, TypeError, SyntaxError, IndentationError):
            continue
        fdef = tree.body[0] if tree.body and isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)) else None
        if fdef is not None:
            body = [st for st in fdef.body
                    if not (isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant))]  # docstrings
            if len(body) == 1 and isinstance(body[0], ast.Raise):
                continue  # an abstract method (Module.forward, Optimizer.step): PyTorch's raises too
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and node.exc is not None:
                exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if isinstance(exc, ast.Name) and exc.id == "NotImplementedError" and not _is_dtype_refusal(node):
                    return True
    return False


def classify(reference_names, candidate):
    """{name: "covered" | "partial" | "missing"} for each reference name."""
    out = {}
    for name in reference_names:
        if candidate is None:
            out[name] = "missing"
            continue
        # Tensor methods are looked up on the class (inspect it without binding).
        obj = candidate.__dict__.get(name) if isinstance(candidate, type) and name in candidate.__dict__ else None
        if obj is None:
            try:
                obj = getattr(candidate, name)
            except AttributeError:
                out[name] = "missing"
                continue
            except Exception:  # an attribute that exists but fails to evaluate
                out[name] = "partial"
                continue
        out[name] = "partial" if _raises_not_implemented(obj) else "covered"
    return out


def coverage():
    """[(title, {name: status})] for every namespace."""
    _import_tensorcore()
    result = []
    for title, ref_path, tc_path, attr in NAMESPACES:
        ref = _resolve(ref_path, attr)
        if ref is None:
            continue
        cand = _resolve(tc_path, attr)
        result.append((title, classify(public_names(ref), cand)))
    return result


def render(result, torch_version, tc_version):
    lines = [
        "# API coverage map",
        "",
        f"Generated by `python scripts/api_coverage.py` on {datetime.date.today().isoformat()}: "
        f"tensorcore {tc_version} against PyTorch {torch_version}. Do not edit by hand; rerun the script.",
        "",
        "A name is **covered** when tensorcore has it, **partial** when it has it but its Python source raises "
        "NotImplementedError for some arguments or modes, **missing** when tensorcore has no such name. "
        "Reference names are PyTorch's public API of each namespace: its `__all__` where PyTorch declares one, "
        "otherwise its attributes (no leading underscore, no submodules, nothing imported from outside torch); "
        "`torch.*` thus includes TorchScript, quantization and sparse names that tensorcore does not aim at. Having a name is not proof of identical behaviour "
        "for every argument; the test suite checks behaviour against PyTorch.",
        "",
        "| namespace | PyTorch names | covered | partial | missing | covered + partial |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for title, status in result:
        n = len(status)
        c = sum(v == "covered" for v in status.values())
        p = sum(v == "partial" for v in status.values())
        m = n - c - p
        pct = f"{100 * (c + p) / n:.0f} %" if n else "-"
        lines.append(f"| `{title}` | {n} | {c} | {p} | {m} | {pct} |")
    for title, status in result:
        lines += ["", f"## `{title}`", ""]
        for kind in ("partial", "missing"):
            names = [k for k, v in status.items() if v == kind]
            lines.append(f"**{kind}** ({len(names)}): " + (", ".join(f"`{k}`" for k in names) if names else "none"))
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--output", default=os.path.join(ROOT, "docs", "coverage.md"),
                    help="where to write the map ('-' for stdout; default docs/coverage.md)")
    args = ap.parse_args(argv)
    try:
        import torch
    except ImportError:
        ap.error("PyTorch is the reference for the map and is not installed: pip install torch")
    tc = _import_tensorcore()
    text = render(coverage(), torch.__version__, getattr(tc, "__tensorcore_version__", "?"))
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
