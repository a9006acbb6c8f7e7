"""`python -m tensorcore`: the PyTorch basics tutorial, step by step.

Each step prints the code (as `>> code`) and what it shows, exactly as the
tutorial does with PyTorch (object addresses aside).
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
    env = {"torch": torch, "Variable": Variable}
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
