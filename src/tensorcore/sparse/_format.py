"""repr of a sparse COO tensor, laid out as PyTorch's _tensor_str does: the
indices and values printed as tensors indented under `tensor(`, then size,
nnz, dtype and layout on the next line (the first suffix always starts a new
line), wrapped at the line width."""
from .. import _C
from .. import _tensor_str


def _contents(t, indent):
    """A dense tensor's bracketed elements as _tensor_str prints them inside
    another tensor's repr; an empty one prints `[]` and its size."""
    if t.numel() == 0:
        return "[], size=" + str(tuple(t.shape))
    arr = _C._tensor_to_numpy_forced(t.detach())
    return _tensor_str._body(arr.reshape(tuple(t.shape)), t.dtype.name, indent)


def sparse_repr(s):
    prefix = "tensor("
    indent = len(prefix)
    default = _C.get_default_dtype()
    suffixes = ["size=" + str(tuple(s.shape)), "nnz=" + str(s._nnz())]
    if s.dtype not in (default,) and s.dtype.name not in ("int64", "bool"):
        suffixes.append("dtype=" + str(s.dtype))
    indices_prefix, values_prefix = "indices=tensor(", "values=tensor("
    text = (prefix + indices_prefix + _contents(s._sp_indices, indent + len(indices_prefix)) + "),\n"
            + " " * indent + values_prefix + _contents(s._sp_values, indent + len(values_prefix)) + ")")
    suffixes.append("layout=" + str(s.layout))
    values = s._sp_values
    if values.requires_grad and not values.is_leaf:
        fn = values.grad_fn
        name = s._sp_grad_fn_name or (fn.name().rsplit("::", 1)[-1] if fn is not None else None)
        suffixes.append(f"grad_fn=<{name}>")
    elif values.requires_grad:
        suffixes.append("requires_grad=True")
    width = _tensor_str.PRINT_OPTS.linewidth
    out = [text]
    last = len(text) - text.rfind("\n") + 1  # PyTorch's measure (two more than the real length)
    force = True
    for suffix in suffixes:
        # Measured as PyTorch's spelling ("torch.float64"), so lines wrap
        # where PyTorch's do.
        n = len(suffix.replace("tensorcore.", "torch."))
        if force or last + n + 2 > width:
            out.append(",\n" + " " * indent + suffix)
            last = indent + n
            force = False
        else:
            out.append(", " + suffix)
            last += n + 2
    out.append(")")
    return "".join(out)
