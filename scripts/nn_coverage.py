"""Coverage map of PyTorch's nn namespaces in tensorcore.

Compares the public names (dir() without leading underscores, plus the few
private helpers real programs import) of each torch.nn namespace with the
matching tensorcore one and prints covered/missing per namespace. Run from
the repository root: PYTHONPATH=src python scripts/nn_coverage.py [-v]
(-v also lists the covered names).
"""
import importlib
import inspect
import sys
import types

NAMESPACES = [
    "nn", "nn.functional", "nn.init", "nn.utils", "nn.utils.parametrizations", "nn.utils.parametrize",
    "nn.utils.prune", "nn.utils.rnn", "nn.modules.loss",
]
# Private names programs reach for (e.g. init._calculate_fan_in_and_fan_out).
EXTRA = {"nn.init": ["_calculate_fan_in_and_fan_out", "_calculate_correct_fan"]}
# Public-looking names that are not API a program calls: typing helpers,
# __torch_function__ plumbing, docstring fragments. Listed (not hidden) and
# left out of the percentage.
INTERNAL = {
    "nn": {"common_types", "factory_kwargs"},
    "nn.functional": {"BroadcastingList1", "BroadcastingList2", "BroadcastingList3", "ScalingType", "SwizzleType",
                      "TYPE_CHECKING", "assert_int_or_pair", "boolean_dispatch", "handle_torch_function",
                      "has_torch_function", "has_torch_function_unary", "has_torch_function_variadic",
                      "reproducibility_notes", "sparse_support_notes", "tf32_notes"},
    "nn.utils.parametrize": {"OpaqueBase", "get_swap_module_params_on_conversion", "is_opaque_reference_type",
                             "is_traceable_wrapper_subclass"},
    "nn.utils.rnn": {"bind", "copy_method_params"},
}
# In these namespaces a class or function defined in another torch module is
# an import (Module, Tensor, Linear in nn.modules.loss), not part of its API.
OWN_DEFINITIONS_ONLY = {"nn.utils.parametrizations", "nn.utils.parametrize", "nn.utils.prune", "nn.utils.rnn",
                        "nn.modules.loss"}


def _public(mod, ns):
    names = set()
    for n in dir(mod):
        if n.startswith("_"):
            continue
        obj = getattr(mod, n)
        # Submodule re-exports (typing, warnings, math, ...) are not API.
        if isinstance(obj, types.ModuleType):
            if not obj.__name__.startswith("torch.nn"):
                continue
        elif ns != "nn" and inspect.getmodule(obj) is not None:
            m = inspect.getmodule(obj).__name__
            if not m.startswith("torch"):
                continue  # typing.Optional, collections.namedtuple, ...
            if ns in OWN_DEFINITIONS_ONLY and (inspect.isclass(obj) or inspect.isfunction(obj)) \
                    and m != "torch." + ns:
                continue
        names.add(n)
    names.update(n for n in EXTRA.get(ns, []) if hasattr(mod, n))
    return names


def main(verbose=False):
    import torch  # noqa: F401
    total_c = total_m = 0
    for ns in NAMESPACES:
        tmod = importlib.import_module("torch." + ns)
        try:
            cmod = importlib.import_module("tensorcore." + ns)
        except ImportError:
            cmod = None
        want = _public(tmod, ns)
        internal = sorted(want & INTERNAL.get(ns, set()))
        want -= set(internal)
        have = {n for n in want if cmod is not None and hasattr(cmod, n)}
        missing = sorted(want - have)
        total_c += len(have)
        total_m += len(missing)
        pct = 100.0 * len(have) / max(1, len(want))
        print(f"torch.{ns}: {len(have)}/{len(want)} covered ({pct:.1f}%), {len(missing)} missing")
        if missing:
            print("  missing: " + ", ".join(missing))
        if internal:
            print("  not counted (internal helpers, not API): " + ", ".join(internal))
        if verbose:
            print("  covered: " + ", ".join(sorted(have)))
    pct = 100.0 * total_c / max(1, total_c + total_m)
    print(f"total: {total_c}/{total_c + total_m} covered ({pct:.1f}%)")


if __name__ == "__main__":
    main("-v" in sys.argv[1:])
