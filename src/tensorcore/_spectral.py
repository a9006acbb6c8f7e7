"""torch.stft and torch.istft (and the Tensor methods), on tensorcore.fft's
differentiable primitives.

Note [stft/istft as ATen computes them]
stft: optionally pad the signal by n_fft // 2 on each side (`center`, with
`pad_mode`), cut it into frames of n_fft samples every hop_length (unfold),
multiply each frame by the window (zero padded to n_fft, centred), transform
each frame (a one-sided r2c for a real signal and window, else c2c), and
return (B?, freq, frames). istft inverts that: per-frame inverse transform
(c2r, or c2c with return_complex), multiply by the window, overlap-add the
frames, and divide by the overlap-added squared window (the "envelope");
PyTorch refuses when the envelope comes near zero (< 1e-11) anywhere in
the kept part. Every step is a differentiable tensor op, so gradients flow
to the signal and to the window. Checks, their order and their messages
follow ATen's SpectralOps.cpp (including its REPR prefix).
"""
import warnings

from . import _C
from ._dtype import float32, float64
from .fft import _fft_c2c, _fft_c2r, _fft_r2c, _NORM_BY_N, _NORM_BY_ROOT_N, _NORM_NONE, _type_name

_warned = set()  # TORCH_WARN_ONCE: each warning once per process


def _warn_once(key, message):
    if key not in _warned:
        _warned.add(key)
        warnings.warn(message, UserWarning, stacklevel=3)


def _opt(value):
    """ATen's write_opt: None, or the value as C++ streams it (a bool as 0/1)."""
    if value is None:
        return "None"
    return str(int(value)) if isinstance(value, bool) else str(value)


def _sizes(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _type_string(dtype):
    """ATen's Tensor::toString(): the legacy name of a real type
    (torch.FloatTensor), the backend-and-type name of a complex one
    (CPUComplexFloatType), which has no legacy name."""
    name = _type_name(dtype)
    return f"CPU{name}Type" if dtype.is_complex else f"torch.{name}Tensor"


def _window_repr(window):
    return "None" if window is None else f"{_type_string(window.dtype)}{{{_sizes(window.shape)}}}"


def _stft_repr(shape, dtype, n_fft, hop_length, win_length, window, normalized, onesided, return_complex,
               align_to_window):
    return (f"stft({_type_string(dtype)}{_sizes(shape)}, n_fft={n_fft}, hop_length={hop_length}, "
            f"win_length={win_length}, window={_window_repr(window)}, normalized={_opt(bool(normalized))}, "
            f"onesided={_opt(onesided)}, return_complex={_opt(return_complex)}, "
            f"align_to_window={_opt(align_to_window)}) ")


def _is_int(value):
    """An int as PyTorch's parser takes one: a Python int (not a bool) or a 0-d integer tensor."""
    if isinstance(value, _C.Tensor):
        return value.dim() == 0 and not (value.is_floating_point() or value.is_complex()) \
            and value.dtype.name != "bool"
    return isinstance(value, int) and not isinstance(value, bool)


def _type_label(value):
    return "Tensor" if isinstance(value, _C.Tensor) else type(value).__name__


# Note [stft's and istft's argument errors]
# torch.stft is a Python function that pads (center) and then calls the
# overloaded _VF.stft: a wrongly typed argument there is the parser's
# "invalid combination of arguments" TypeError listing both overloads.
# torch.istft binds straight to the parser: one "argument 'x' must be T"
# TypeError per argument. Both come before any value check.
_STFT_OVERLOADS = (
    " * (Tensor input, int n_fft, int hop_length = None, int win_length = None, Tensor window = None, bool center = "
    "True, str pad_mode = \"reflect\", bool normalized = False, bool onesided = None, bool return_complex = None, "
    "bool align_to_window = None)\n"
    " * (Tensor input, int n_fft, int hop_length = None, int win_length = None, Tensor window = None, bool "
    "normalized = False, bool onesided = None, bool return_complex = None, bool align_to_window = None)\n")


def _check_stft_types(args):
    """args: (input, n_fft, hop_length, win_length, window, normalized, onesided, return_complex, align_to_window)."""
    input, n_fft, hop, win, window, normalized, onesided, return_complex, align = args
    valid = (_is_int(n_fft) and all(v is None or _is_int(v) for v in (hop, win))
             and (window is None or isinstance(window, _C.Tensor)) and isinstance(normalized, bool)
             and all(v is None or isinstance(v, bool) for v in (onesided, return_complex, align)))
    if not valid:
        got = ", ".join(_type_label(a) for a in args)
        raise TypeError(f"stft() received an invalid combination of arguments - got ({got}), but expected one "
                        f"of:\n{_STFT_OVERLOADS}")


def _istft_int(value, what, optional=True, position=None):
    if (optional and value is None) or _is_int(value):
        return None if value is None else int(value)
    where = f" (position {position})" if position else ""
    raise TypeError(f"istft(): argument '{what}'{where} must be int, not {_type_label(value)}")


def _istft_bool(value, what, optional=False):
    if (optional and value is None) or isinstance(value, bool):
        return value
    raise TypeError(f"istft(): argument '{what}' must be bool, not {_type_label(value)}")


def _centred_window(window, win_length, n_fft, dtype):
    """The window zero padded to n_fft samples, centred (left gets the smaller
    half); None where no window multiplies the frames."""
    if win_length == n_fft:
        return window
    if window is None:
        window = _C.ones([win_length], dtype)
    left = (n_fft - win_length) // 2
    right = n_fft - win_length - left
    parts = [_C.zeros([left], window.dtype), window, _C.zeros([right], window.dtype)]
    return _C.cat([p for p in parts if p.shape[0] > 0 or p is window], 0)


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """Short-time Fourier transform (STFT)."""
    from ._args import tensor_arg
    from .nn import functional as F
    tensor_arg(input, "stft")
    if center and align_to_window is not None:  # torch.stft's Python checks come before _VF.stft's parser
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if center and not isinstance(pad_mode, str):
        raise TypeError(f"pad(): argument 'mode' (position 3) must be str, not {_type_label(pad_mode)}")
    _check_stft_types((input, n_fft, hop_length, win_length, window, normalized, onesided, return_complex,
                       align_to_window))
    n_fft = int(n_fft)
    hop_length = None if hop_length is None else int(hop_length)
    win_length = None if win_length is None else int(win_length)
    hop = n_fft >> 2 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    wants_complex = input.is_complex() or (window is not None and window.is_complex())
    complex_output = wants_complex if return_complex is None else bool(return_complex)
    if not complex_output:
        if return_complex is None:
            raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will "
                               "further require that return_complex=True in a future PyTorch release.")
        _warn_once("stft_real", "stft with return_complex=False is deprecated. In a future pytorch release, stft "
                   "will return complex tensors for all inputs, and return_complex=False will raise an error.\n"
                   "Note: you can still call torch.view_as_real on the complex output to recover the old return "
                   "format.")
    # The REPR shows the signal after centre padding, as ATen sees it.
    padded_shape = list(input.shape)
    if center and padded_shape:
        padded_shape[-1] += 2 * (n_fft // 2)

    def fail(what):
        raise RuntimeError(_stft_repr(padded_shape, input.dtype, n_fft, hop, win, window, normalized, onesided,
                                      return_complex, align_to_window) + what)

    if not (input.is_floating_point() or input.is_complex()):
        fail(": expected a tensor of floating point or complex values")
    if input.dim() not in (1, 2):
        fail(": expected a 1D or 2D tensor")
    x = input if input.dim() == 2 else input.unsqueeze(0)
    if center:
        pad = n_fft // 2
        x = F.pad(x.unsqueeze(0), [pad, pad], mode=pad_mode).squeeze(0)
    length = x.shape[1]
    if n_fft <= 0 or n_fft > length:
        fail(f": expected 0 < n_fft < {length}, but got n_fft={win}")
    if hop <= 0:
        fail(f": expected hop_length > 0, but got hop_length={hop}")
    if win <= 0 or win > n_fft:
        fail(f": expected 0 < win_length <= n_fft, but got win_length={win}")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        fail(f": expected a 1D window tensor of size equal to win_length={win}, but got window with size "
             f"{_sizes(window.shape)}")
    if window is None:
        _warn_once("stft_window", "A window was not provided. A rectangular window will be applied,which is known "
                   "to cause spectral leakage. Other windows such as torch.hann_window or torch.hamming_window are "
                   "recommended to reduce spectral leakage.To suppress this warning and use a rectangular window, "
                   "explicitly set `window=torch.ones(n_fft, device=<device>)`.")
    full_window = _centred_window(window, win, n_fft, x.dtype)
    if align_to_window and win < n_fft:
        # frames start where the (unpadded) window starts: the signal is
        # shifted by the window's left padding, so the frame count is the
        # one of win-sample frames
        left = (n_fft - win) // 2
        x = F.pad(x, [left, n_fft - win - left])
    frames = x.unfold(-1, n_fft, hop)  # (batch, n_frames, n_fft)
    if full_window is not None:
        frames = frames * full_window
    complex_fft = frames.is_complex()
    is_onesided = (not complex_fft) if onesided is None else bool(onesided)
    norm = _NORM_BY_ROOT_N if normalized else _NORM_NONE
    last = frames.dim() - 1
    if complex_fft:
        if is_onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        spectrum = _fft_c2c(frames, [last], norm, True)
    else:
        spectrum = _fft_r2c(frames, [last], norm, is_onesided)
    spectrum = spectrum.transpose(1, 2)
    if input.dim() == 1:
        spectrum = spectrum.squeeze(0)
    if spectrum.requires_grad:  # ATen ends with in-place transpose_ / squeeze_: PyTorch's last node names
        _C._rename_grad_fn(spectrum, "SqueezeBackward4" if input.dim() == 1 else "TransposeBackward1",
                           [t for t in (input, window) if t is not None])
    if complex_output:
        return spectrum
    from . import view_as_real
    return view_as_real(spectrum)


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
          onesided=None, length=None, return_complex=False):
    """Inverse short time Fourier Transform. This is expected to be the inverse of stft."""
    from ._args import tensor_arg
    tensor_arg(input, "istft")
    n_fft = _istft_int(n_fft, "n_fft", optional=False, position=2)
    hop_length = _istft_int(hop_length, "hop_length")
    win_length = _istft_int(win_length, "win_length")
    if window is not None and not isinstance(window, _C.Tensor):
        raise TypeError(f"istft(): argument 'window' must be Tensor, not {_type_label(window)}")
    center = _istft_bool(center, "center")
    normalized = _istft_bool(normalized, "normalized")
    onesided = _istft_bool(onesided, "onesided", optional=True)
    length = _istft_int(length, "length")
    return_complex = _istft_bool(return_complex, "return_complex")
    hop = n_fft >> 2 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")
    real_dim = input.dim() + 1  # ATen checks the view_as_real of the input
    if real_dim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-real_dim}, {real_dim - 1}], "
                         f"but got -3)")
    n_frames = input.shape[-1]
    fft_size = input.shape[-2]
    expected_len = n_fft + hop * (n_frames - 1)

    def fail(what):
        raise RuntimeError(
            f"istft({_type_string(input.dtype)}{_sizes(input.shape)}, n_fft={n_fft}, hop_length={hop}, "
            f"win_length={win}, window={_window_repr(window)}, center={int(bool(center))}, "
            f"normalized={int(bool(normalized))}, onesided={_opt(onesided)}, length={_opt(length)}, "
            f"return_complex={int(bool(return_complex))}) " + what)

    if input.numel() == 0:
        fail(": input tensor cannot be empty.")
    if real_dim not in (3, 4):
        fail(f": expected a tensor with 3 or 4 dimensions, but got {real_dim}")
    is_onesided = (fft_size != n_fft) if onesided is None else bool(onesided)
    if is_onesided and n_fft // 2 + 1 != fft_size:
        fail(": expected the frequency dimension (3rd to the last) of the input tensor to match n_fft / 2 + 1 "
             f"when onesided=True, but got {fft_size}")
    if not is_onesided and n_fft != fft_size:
        fail(": expected the frequency dimension (3rd to the last) of the input tensor to match n_fft when "
             f"onesided=False, but got {fft_size}")
    if not 0 < hop <= win:
        fail(": expected 0 < hop_length <= win_length")
    if not 0 < win <= n_fft:
        fail(": expected 0 < win_length <= n_fft")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        fail(": Invalid window shape. window has to be 1D and length of `win_length`")
    if window is None:
        _warn_once("istft_window", "A window was not provided. A rectangular window will be applied.Please "
                   "provide the same window used by stft to make the inversion lossless.To suppress this warning "
                   "and use a rectangular window, explicitly set `window=torch.ones(n_fft, device=<device>)`.")
    real_dtype = float64 if input.dtype.name == "complex128" else float32
    full_window = window if window is not None else _C.ones([win], real_dtype)
    full_window = _centred_window(full_window, win, n_fft, real_dtype)

    x = input if input.dim() == 3 else input.unsqueeze(0)
    x = x.transpose(1, 2)  # (batch, n_frames, fft_size)
    norm = _NORM_BY_ROOT_N if normalized else _NORM_BY_N
    last = x.dim() - 1
    if return_complex:
        if is_onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        frames = _fft_c2c(x, [last], norm, False)
    else:
        if window is not None and window.is_complex():
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not is_onesided:
            x = x.narrow(last, 0, n_fft // 2 + 1)
        frames = _fft_c2r(x, [last], norm, n_fft)
    frames = frames * full_window.view(1, 1, n_fft)

    # overlap-add: sample t of frame f lands at f * hop + t
    from ._functions import arange
    positions = (arange(n_frames).view(n_frames, 1) * hop + arange(n_fft).view(1, n_fft)).reshape(-1)
    batch = frames.shape[0]
    signal = _C.zeros([batch, expected_len], frames.dtype).index_add(1, positions, frames.reshape(batch, -1))
    squared = full_window.pow(2).view(1, 1, n_fft).expand(1, n_frames, n_fft).reshape(1, -1)
    envelope = _C.zeros([1, expected_len], squared.dtype).index_add(1, positions, squared)

    start = n_fft // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = expected_len - n_fft // 2
    else:
        end = expected_len
    stop = min(max(end, 0), expected_len)
    signal = signal[:, start:stop]
    envelope = envelope[:, start:stop]
    if envelope.numel() == 0:  # a length of 0 or less: ATen's min() of the empty envelope refuses
        raise RuntimeError("min(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                           "reduction dim with the 'dim' argument.")
    if bool(envelope.abs().min() < 1e-11):
        fail("window overlap add min: 1\n[ CPUBoolType{} ]")
    signal = signal / envelope
    if input.dim() == 2:
        signal = signal.squeeze(0)
    if end > expected_len:
        _warn_once("istft_length", "The length of signal is shorter than the length parameter. Result is being "
                   "padded with zeros in the tail. Please check your center and hop_length settings.")
        pad_shape = list(signal.shape)
        pad_shape[-1] = end - expected_len
        signal = _C.cat([signal, _C.zeros(pad_shape, signal.dtype)], signal.dim() - 1)
    return signal


def install(namespace):
    """tensorcore.stft / istft and the Tensor methods."""
    namespace["stft"] = stft
    namespace["istft"] = istft
    _C.Tensor.stft = stft
    _C.Tensor.istft = istft
