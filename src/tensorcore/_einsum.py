"""tensorcore.einsum: Einstein summation built from permute, reshape, sum and
bmm, so it is differentiable (and twice differentiable) through those ops.

Operands are contracted left to right. For each pair, index letters fall in
four groups: batch (in both, kept), contracted (in both, not kept), and the
letters of only one side (kept, or summed out before the product). Each side
is permuted to (batch, own, contracted) and the pair becomes one bmm.
"""
import builtins
import string

from . import _C

Tensor = _C.Tensor


def _parse(equation, operands):
    eq = equation.replace(" ", "")
    if "->" in eq:
        lhs, rhs = eq.split("->")
    else:
        lhs, rhs = eq, None
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(operands) > len(terms) else
                           "einsum(): fewer operands were provided than specified in the equation")
    used = set(c for c in eq if c.isalpha())
    spare = [c for c in string.ascii_letters if c not in used]
    ell_dims = 0
    for t, op in zip(terms, operands):
        if "..." in t:
            ell_dims = builtins.max(ell_dims, op.dim() - (len(t) - 3))
    ell = "".join(spare[:ell_dims])
    parsed = []
    for t, op in zip(terms, operands):
        if "..." in t:
            n = op.dim() - (len(t) - 3)
            t = t.replace("...", ell[ell_dims - n:])
        for c in t:
            if not c.isalpha():
                raise RuntimeError(f"einsum(): invalid subscript given at index {eq.index(c)} in the equation "
                                   f"string, subscripts must be in [a-zA-Z]")
        if len(t) != op.dim():
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(t)}) does not match the "
                               f"number of dimensions ({op.dim()}) for operand {len(parsed)}"
                               + ("" if "..." in equation else " and no ellipsis was given"))
        parsed.append(t)
    if rhs is None:  # implicit output: ellipsis dims, then letters seen once, alphabetically
        counts = {}
        for t in parsed:
            for c in t:
                counts[c] = counts.get(c, 0) + 1
        rhs = ell + "".join(sorted(c for c, k in counts.items() if k == 1 and c not in ell))
    else:
        rhs = rhs.replace("...", ell)
        for c in rhs:
            if not any(c in t for t in parsed):
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input "
                                   f"operand")
        if len(set(rhs)) != len(rhs):
            raise RuntimeError("einsum(): output subscript appears more than once in the output")
    return parsed, rhs


def _take_diagonals(op, term):
    """Repeated letters in one operand (ii->i) select the diagonal."""
    while len(set(term)) != len(term):
        c = next(c for c in term if term.count(c) > 1)
        i = term.index(c)
        j = term.index(c, i + 1)
        op = op.diagonal(0, i, j)  # the diagonal becomes the last dim
        term = term[:i] + term[i + 1:j] + term[j + 1:] + c
    return op, term


def _sum_out(op, term, keep):
    dims = [i for i, c in enumerate(term) if c not in keep]
    if dims:
        op = op.sum(dims)
        term = "".join(c for c in term if c in keep)
    return op, term


def _contract(a, ta, b, tb, keep, sizes):
    batch = [c for c in ta if c in tb and c in keep]
    summed = [c for c in ta if c in tb and c not in keep]
    a_only = [c for c in ta if c not in tb]
    b_only = [c for c in tb if c not in ta]
    a = a.permute([ta.index(c) for c in batch + a_only + summed])
    b = b.permute([tb.index(c) for c in batch + summed + b_only])
    # size-1 dims broadcast against the other operand's size
    a = a.expand([sizes[c] for c in batch] + list(a.shape[len(batch):]))
    b = b.expand([sizes[c] for c in batch] + list(b.shape[len(batch):]))

    def prod(letters):
        n = 1
        for c in letters:
            n *= sizes[c]
        return n
    nb, na, ns, nbo = prod(batch), prod(a_only), prod(summed), prod(b_only)
    out_shape = [sizes[c] for c in batch + a_only + b_only]
    if not summed:
        # As PyTorch's sumproduct_pair: nothing summed is a broadcast product, not a bmm (so under
        # autocast it keeps the input dtypes, while a contraction is a bmm and casts). The operands
        # are shaped to broadcast straight into the result, so the product is its last op (MulBackward0).
        batch_sizes = [sizes[c] for c in batch]
        out = (a.reshape(batch_sizes + [sizes[c] for c in a_only] + [1] * len(b_only))
               * b.reshape(batch_sizes + [1] * len(a_only) + [sizes[c] for c in b_only]))
    else:
        # Tensor.bmm: autocast's bmm. Always reshaped after, as PyTorch's view (ViewBackward0).
        out = Tensor.bmm(a.reshape(nb, na, ns), b.reshape(nb, ns, nbo)).reshape(out_shape)
    return out, "".join(batch + a_only + b_only)


def einsum(equation, *operands):
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): argument 'equation' must be str, not {type(equation).__name__}")
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    for i, op in enumerate(operands):
        if not isinstance(op, Tensor):
            raise TypeError(f"einsum(): argument 'operands' must be tuple of Tensors, but got {type(op).__name__} "
                            f"at index {i}")
    terms, out_term = _parse(equation, operands)
    sizes = {}
    for t, op in zip(terms, operands):
        for c, n in zip(t, op.shape):
            if sizes.get(c, 1) != 1 and n != 1 and sizes[c] != n:
                raise RuntimeError(f"einsum(): operands do not broadcast with remapped shapes (original->remapped): "
                                   f"subscript {c} has size {sizes[c]} and {n}")
            sizes[c] = n if sizes.get(c, 1) == 1 else sizes[c]  # a size other than 1 wins, 0 included
    ops = []
    for k, (t, op) in enumerate(zip(terms, operands)):
        op, t = _take_diagonals(op, t)
        later = set(out_term).union(*[set(u) for u in terms[:k] + terms[k + 1:]])
        op, t = _sum_out(op, t, later)
        ops.append((op, t))
    acc, acc_t = ops[0]
    for k in builtins.range(1, len(ops)):
        b, tb = ops[k]
        keep = set(out_term).union(*[set(u) for _, u in ops[k + 1:]])
        acc, acc_t = _sum_out(acc, acc_t, keep | set(tb))
        b, tb = _sum_out(b, tb, keep | set(acc_t))
        acc, acc_t = _contract(acc, acc_t, b, tb, keep, sizes)
    acc, acc_t = _sum_out(acc, acc_t, set(out_term))
    if len(acc_t) < len(out_term):  # an output letter only ever had size-1 (broadcast) dims
        acc = acc.reshape(list(acc.shape) + [1] * (len(out_term) - len(acc_t)))
        acc_t += "".join(c for c in out_term if c not in acc_t)
    if not out_term:
        return acc
    # The last op names the result's grad_fn, so skip no-op ones as PyTorch does: print(scores) shows
    # grad_fn=<ViewBackward0> (bmm's reshape), <MulBackward0>, <SumBackward1>, not an identity Permute/Expand.
    # A lone operand summed over nothing ('ij->ij', 'ii->i') is still permuted, as PyTorch's.
    permutation = [acc_t.index(c) for c in out_term]
    lone_operand_unsummed = len(operands) == 1 and len(acc_t) == len(terms[0]) - _repeated_letters(terms[0])
    out = acc.permute(permutation) if lone_operand_unsummed or permutation != sorted(permutation) else acc
    target = [sizes[c] for c in out_term]
    return out.expand(target) if list(out.shape) != target else out


def _repeated_letters(term):
    """How many letters of a term repeat an earlier one ('ii' -> 1): the dims its diagonals remove."""
    return len(term) - len(set(term))
