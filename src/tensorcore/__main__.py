"""`python -m tensorcore`: the PyTorch basics tutorial, step by step.

The tutorial is the project's seed, the blog post "Pytorch 기초(1)" (PyTorch
basics, part 1), which follows the autograd page of "Deep Learning with
PyTorch: A 60 Minute Blitz" (PyTorch 0.3): its "Tensors" and "Autograd"
sections, in its order, with a "Views" section between them that shows what
view() and friends share. Each step prints the code (as `>> code`) and what it
shows, exactly as PyTorch would (object addresses aside).
"""
import sys
import warnings

import tensorcore as torch
from tensorcore.autograd import Variable

STEPS = [
    ("Tensors", [
        "nums = torch.arange(6)",
        "nums",
        "nums.shape",
        "nums.numpy()",
        "nums.reshape(3,2)",
        "random = torch.rand((3,3))",
        "random",
        "num_arange = torch.arange(9)",
        "num_arange",
        "num_arange.view(3,3)",
    ]),
    ("Views (they share memory with the tensor they come from)", [
        "base = torch.arange(6)",
        "v = base.view(2,3)",
        "v[0,1] = 100",
        "base",
        "t = v.t()",
        "t",
        "t.is_contiguous()",
        "t.contiguous().is_contiguous()",
        "s = base[2:5]",
        "s.storage_offset()",
        "s.data_ptr() - base.data_ptr() == 2 * base.element_size()",
        "s.fill_(7)",
        "base",
    ]),
    ("Autograd", [
        "a = torch.ones(2,2)",
        "print(a)",
        "a = Variable(a, requires_grad=True)",
        "print(a)",
        "print('a.data : '); print(a.data); print('a.grad : '); print(a.grad); print('a.grad_fn : '); print(a.grad_fn)",
        "b = a+2",
        "print(b)",
        "c=b**2",
        "print(c)",
        "out = c.sum()",
        "print(out)",
        "print(out); out.backward()",
        "print('a.data : '); print(a.data); print('a.grad : '); print(a.grad); print('a.grad_fn : '); print(a.grad_fn)",
        "print('b.data : '); print(b.data); print('b.grad : '); print(b.grad); print('b.grad_fn : '); print(b.grad_fn)",
        "print('c.data : '); print(c.data); print('c.grad : '); print(c.grad); print('c.grad_fn : '); print(c.grad_fn)",
        "print('out.data : '); print(out.data); print('out.grad : '); print(out.grad); print('out.grad_fn : '); "
        "print(out.grad_fn)",
    ]),
]


def run(out=sys.stdout):
    # Note [printed objects stay alive]: the tutorial prints a.grad_fn, b.grad_fn,
    # c.grad_fn in turn. Each print's argument is a temporary; once freed,
    # CPython hands its address to the next one, so three different nodes would
    # all show one address. Keeping every printed object alive makes distinct
    # objects print distinct addresses, as they do in a notebook.
    keep = []

    def print_kept(*args, **kwargs):
        keep.extend(args)
        kwargs.setdefault("file", out)
        print(*args, **kwargs)

    env = {"torch": torch, "Variable": Variable, "print": print_kept}
    # Reading .grad of a non-leaf warns, as in PyTorch; the tutorial shows only the value.
    warnings.simplefilter("ignore", UserWarning)
    for title, steps in STEPS:
        print(f"#### {title}", file=out)
        for code in steps:
            print(">> " + code.replace("; ", "\n>> "), file=out)
            try:
                value = eval(compile(code, "<tutorial>", "eval"), env)
                if value is not None:
                    print(repr(value), file=out)
            except SyntaxError:
                exec(compile(code, "<tutorial>", "exec"), env)
        print(file=out)


if __name__ == "__main__":
    run()
