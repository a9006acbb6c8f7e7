"""Compare the printed output of one program run under PyTorch and under tensorcore.

Note [Comparing printed output]
Text must be identical; numbers are compared one by one. A number printed the
same way matches. Otherwise both must parse as floats and agree to ``rtol``
(relative), ``atol`` (absolute), plus one unit in the last printed decimal:
two results that agree to 1e-6 can still round to different last digits
(``3.455`` vs ``3.454`` print as ``3.46`` / ``3.45``). Integers printed without a
decimal point (counts, indices, epochs) get no such allowance: they must be
equal unless the entry gives a tolerance, which then applies to them too. Where a program prints wall-clock times,
the corpus entry masks them with a regular expression before comparing.

tensorcore prints its own module name where PyTorch prints ``torch.``
(``tensorcore.float32``, ``tensorcore.Size([3, 4])``): a deliberate difference,
so ``tensorcore.`` in tensorcore's output is read as ``torch.`` here.
"""
import re

_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf")


def _split(text):
    """Returns (text with numbers replaced by a marker, list of number strings)."""
    numbers = _NUMBER.findall(text)
    return _NUMBER.sub("#", text), numbers


def _last_decimal_unit(s):
    mantissa, _, exponent = s.lower().partition("e")
    if "." not in mantissa:
        return 0.0 if not exponent else 10.0 ** int(exponent)
    decimals = len(mantissa.split(".")[1])
    return 10.0 ** (-decimals + (int(exponent) if exponent else 0))


def _close(a, b, rtol, atol):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    if x != x or y != y:
        return False
    unit = max(_last_decimal_unit(a), _last_decimal_unit(b))
    if unit == 0.0 and rtol == 0.0 and atol == 0.0:
        return False
    return abs(x - y) <= rtol * max(abs(x), abs(y)) + atol + unit * (1 + 1e-9)


def compare_outputs(expected, actual, rtol=0.0, atol=0.0, masks=()):
    """Returns None when the outputs match, else a message naming the first difference."""
    actual = actual.replace("tensorcore.", "torch.")
    for mask in masks:
        expected = re.sub(mask, "<masked>", expected)
        actual = re.sub(mask, "<masked>", actual)
    exp_lines, act_lines = expected.splitlines(), actual.splitlines()
    if len(exp_lines) != len(act_lines):
        for i, (e, a) in enumerate(zip(exp_lines, act_lines)):
            if _split(e)[0] != _split(a)[0]:
                break
        else:
            i = min(len(exp_lines), len(act_lines))
        return (f"{len(exp_lines)} lines under torch, {len(act_lines)} under tensorcore; "
                f"first difference at line {i + 1}:\n  torch:      {exp_lines[i] if i < len(exp_lines) else '<end>'}\n"
                f"  tensorcore: {act_lines[i] if i < len(act_lines) else '<end>'}")
    for n, (e, a) in enumerate(zip(exp_lines, act_lines), 1):
        e_text, e_nums = _split(e)
        a_text, a_nums = _split(a)
        if e_text != a_text or len(e_nums) != len(a_nums) or not all(
                _close(x, y, rtol, atol) for x, y in zip(e_nums, a_nums)):
            return f"line {n} differs:\n  torch:      {e}\n  tensorcore: {a}"
    return None
