"""Recurrent layers: RNN, LSTM, GRU and the single-step RNNCell, LSTMCell,
GRUCell, with PyTorch's parameters (names, shapes, registration order and
initialisation), argument checks and outputs.

The Python side only checks arguments and walks layers and directions; each
layer-direction runs its whole time loop in C++ (_C.rnn_layer, Note
[Recurrent time loop] in csrc/ops/rnn.cpp).
"""
from __future__ import annotations
from typing import Any
import math
import numbers
import warnings

from ... import _C
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .linear import _factory_dtype
from .module import Module

Tensor = _C.Tensor

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

# Mode numbers of _C.rnn_layer / _C.rnn_cell, and gates per hidden unit.
_MODE_IDS = {"RNN_TANH": 0, "RNN_RELU": 1, "LSTM": 2, "GRU": 3}
_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _apply_permutation(tensor, permutation, dim=1):
    return tensor.index_select(dim, permutation)


class RNNBase(Module):
    """The shared machinery of RNN, LSTM and GRU: parameters named
    weight_ih_l{k}[_reverse], weight_hh_l{k}[_reverse], bias_ih_l{k}[_reverse],
    bias_hh_l{k}[_reverse] (and weight_hr_l{k}[_reverse] for an LSTM with
    proj_size), all drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) in
    that order, as PyTorch draws them."""

    __constants__ = ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
                     "bidirectional", "proj_size"]

    def __init__(self, mode: Any, input_size: Any, hidden_size: Any, num_layers: Any = 1, bias: Any = True, batch_first: Any = False, dropout: Any = 0.0,
                 bidirectional: Any = False, proj_size: Any = 0, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        from ..._args import device_arg
        device_arg(device)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout) if isinstance(dropout, numbers.Number) else dropout
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1

        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=2)
        if not isinstance(bias, bool):
            raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
        if not isinstance(batch_first, bool):
            raise TypeError(f"batch_first should be of type bool, got: {type(batch_first).__name__}")
        if not isinstance(input_size, int):
            raise TypeError(f"input_size should be of type int, got: {type(input_size).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)

        dt = _factory_dtype(dtype)
        gate_size = _GATES[mode] * hidden_size
        real_hidden_size = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input_size = input_size if layer == 0 else real_hidden_size * num_directions
                suffix = "_reverse" if direction == 1 else ""
                shapes = [("weight_ih_l{}{}", [gate_size, layer_input_size]),
                          ("weight_hh_l{}{}", [gate_size, real_hidden_size])]
                if bias:
                    shapes += [("bias_ih_l{}{}", [gate_size]), ("bias_hh_l{}{}", [gate_size])]
                if proj_size > 0:
                    shapes += [("weight_hr_l{}{}", [proj_size, hidden_size])]
                names = []
                for pattern, shape in shapes:
                    name = pattern.format(layer, suffix)
                    setattr(self, name, Parameter(_C.empty(shape, dt)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self._init_flat_weights()
        self.reset_parameters()

    # ---- the flat weight list PyTorch code reads ----
    def _init_flat_weights(self):
        self.__dict__["_flat_weights"] = [getattr(self, wn) if hasattr(self, wn) else None
                                          for wn in self._flat_weights_names]

    def __setattr__(self, attr: Any, value: Any) -> None:
        # Keep _flat_weights current when a weight is reassigned (self.weight_hh_l0 = ...).
        names = self.__dict__.get("_flat_weights_names")
        if names is not None and attr in names and "_flat_weights" in self.__dict__:
            self._flat_weights[names.index(attr)] = value
        super().__setattr__(attr, value)

    def flatten_parameters(self) -> None:
        """A no-op: weights are never copied into one buffer on the CPU (as in
        PyTorch without cuDNN)."""

    def _apply(self, fn, recurse=True):
        ret = super()._apply(fn, recurse)
        self._init_flat_weights()
        return ret

    def __setstate__(self, state: Any) -> None:
        super().__setstate__(state)
        if "proj_size" not in self.__dict__:
            self.proj_size = 0
        self._init_flat_weights()

    @property
    def all_weights(self) -> Any:
        return [[getattr(self, weight) for weight in weights] for weights in self._all_weights]

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    # ---- argument checks, as PyTorch words them ----
    def check_input(self, input: Any, batch_sizes: Any) -> None:
        if input.dtype != self._flat_weights[0].dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                             f"({self._flat_weights[0].dtype}). Convert input: input.to({self._flat_weights[0].dtype}"
                             f"), or convert model: model.to({input.dtype})")
        expected_input_dim = 2 if batch_sizes is not None else 3
        if input.dim() != expected_input_dim:
            raise RuntimeError(f"input must have {expected_input_dim} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.size(-1)}")

    def get_expected_hidden_size(self, input: Any, batch_sizes: Any) -> Any:
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        real_hidden_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * num_directions, mini_batch, real_hidden_size)

    def check_hidden_size(self, hx: Any, expected_hidden_size: Any, msg: Any = "Expected hidden size {}, got {}") -> None:
        if tuple(hx.size()) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input: Any, hidden: Any, batch_sizes: Any) -> None:
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx: Any, permutation: Any) -> Any:
        if permutation is None:
            return hx
        return _apply_permutation(hx, permutation)

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    # ---- the computation ----
    def _layer_weights(self, index, flat_weights=None):
        """(w_ih, w_hh, b_ih, b_hh, w_hr) of layer-direction `index`."""
        per = 2 + (2 if self.bias else 0) + (1 if self.proj_size > 0 else 0)
        ws = (self._flat_weights if flat_weights is None else flat_weights)[index * per:(index + 1) * per]
        w_ih, w_hh = ws[0], ws[1]
        b_ih, b_hh = (ws[2], ws[3]) if self.bias else (None, None)
        w_hr = ws[-1] if self.proj_size > 0 else None
        return w_ih, w_hh, b_ih, b_hh, w_hr

    def _run(self, input, batch_sizes, hx, cx):
        """All layers over time-major input [T, B, I] (or packed data [N, I]
        with batch_sizes, a list of ints); hx [L*D, B, Hout] and (LSTM) cx
        [L*D, B, H]. Returns (output, h_n, c_n or None)."""
        if _C._autocast_active():
            return self._run_autocast(input, batch_sizes, hx, cx)
        return self._run_layers(input, batch_sizes, hx, cx, self._flat_weights, _C.rnn_layer)

    def _run_autocast(self, input, batch_sizes, hx, cx):
        """Under CPU autocast (Note [Recurrent layers under CPU autocast])."""
        if (self.mode == "LSTM" and batch_sizes is None and self.proj_size == 0
                and input.dtype.name in ("float32", "bfloat16")):
            # PyTorch's oneDNN LSTM: one mkldnn_rnn_layer per layer-direction, a lower-precision op.
            dt = _C._get_autocast_cpu_dtype()

            def cast(t):
                return None if t is None else _C._autocast_cast(t, dt)
            weights = [cast(w) for w in self._flat_weights]
            _C._autocast_exclude(1)
            try:
                return self._run_layers(cast(input), batch_sizes, cast(hx), cast(cx), weights, _C.rnn_layer)
            finally:
                _C._autocast_exclude(-1)
        return self._run_layers(input, batch_sizes, hx, cx, self._flat_weights, _composite_layer)

    def _run_layers(self, input, batch_sizes, hx, cx, flat_weights, run_layer):
        """_run's walk over layers and directions; run_layer(mode, input, sizes, h0, c0, w_ih, w_hh, b_ih,
        b_hh, w_hr, reverse) -> (output, h, c) runs one layer-direction."""
        num_directions = 2 if self.bidirectional else 1
        mode = _MODE_IDS[self.mode]
        sizes = batch_sizes if batch_sizes is not None else []
        h0 = _C.unbind(hx, 0)
        c0 = _C.unbind(cx, 0) if cx is not None else None
        h_n, c_n = [], []
        layer_input = input
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(num_directions):
                index = layer * num_directions + direction
                w_ih, w_hh, b_ih, b_hh, w_hr = self._layer_weights(index, flat_weights)
                out, h, c = run_layer(mode, layer_input, sizes, h0[index], c0[index] if c0 is not None else None,
                                      w_ih, w_hh, b_ih, b_hh, w_hr, direction == 1)
                outputs.append(out)
                h_n.append(h)
                c_n.append(c)
            layer_input = outputs[0] if num_directions == 1 else _C.cat(outputs, -1)
            if self.dropout != 0 and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, _C.stack(h_n, 0), (_C.stack(c_n, 0) if cx is not None else None)

    def _prepare(self, input):
        """Unpacks a PackedSequence and checks a tensor input's dims: returns
        (input or packed data, batch_sizes tensor or None, sorted_indices,
        unsorted_indices, is_batched)."""
        if not isinstance(self.bidirectional, bool):
            # PyTorch's rnn ops take the flag as a bool argument: bidirectional=1 or "yes" is refused
            op = {"LSTM": "lstm", "GRU": "gru", "RNN_RELU": "rnn_relu"}.get(self.mode, "rnn_tanh")
            raise TypeError(f"{op}() received an invalid combination of arguments - bidirectional must be bool, "
                            f"not {type(self.bidirectional).__name__}")
        if isinstance(input, PackedSequence):
            data, batch_sizes, sorted_indices, unsorted_indices = input
            return data, batch_sizes, sorted_indices, unsorted_indices, True
        name = "RNN" if self.mode.startswith("RNN") else self.mode
        if input.dim() not in (2, 3):
            tail = " tensor instead" if name == "RNN" else " instead"
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D{tail}")
        return input, None, None, None, input.dim() == 3

    def _time_major(self, input, batch_sizes):
        if batch_sizes is None and self.batch_first:
            return input.transpose(0, 1)
        return input

    def _finish(self, orig_input, output, batch_sizes, sorted_indices, unsorted_indices, is_batched):
        if isinstance(orig_input, PackedSequence):
            return PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices)
        if self.batch_first:
            # PyTorch's RNN/GRU kernels transpose their fresh output in place (grad_fn TransposeBackward1);
            # its LSTM (mkldnn) path transposes out of place (TransposeBackward0).
            output = output.transpose(0, 1) if self.mode.startswith("LSTM") else output.transpose_(0, 1)
        if not is_batched:
            output = output.squeeze(0 if self.batch_first else 1)
        return output


# Note [Recurrent layers under CPU autocast]
# PyTorch's CPU RNN, GRU, packed or projected LSTM and the three cells are
# composites (aten/src/ATen/native/RNN.cpp): each step's input and hidden
# products are at::linear calls, which CPU autocast runs in its lower
# precision, while the gate arithmetic keeps whatever dtypes it meets (so a
# float32 initial state makes GRU's output float32 but leaves RNN's in
# bfloat16). Its unpacked LSTM instead runs oneDNN's mkldnn_rnn_layer, itself
# a lower-precision op: every operand is cast and the whole layer runs in the
# autocast dtype. _C.rnn_layer / _C.rnn_cell know nothing of autocast, so
# under autocast the LSTM case casts its operands first, and the composites
# run the steps below, PyTorch's cell formulas with autocast's F.linear.
def _composite_cell(mode, gates_ih, hidden, w_hh, b_hh, w_hr=None):
    """One step of PyTorch's composite cell, given gates_ih = linear(input, w_ih, b_ih): the new hidden
    (h, c) for LSTM, h otherwise."""
    if mode == _MODE_IDS["LSTM"]:
        hx, cx = hidden
        ingate, forgetgate, cellgate, outgate = (F.linear(hx, w_hh, b_hh) + gates_ih).chunk(4, 1)
        cy = forgetgate.sigmoid() * cx + ingate.sigmoid() * cellgate.tanh()
        hy = outgate.sigmoid() * cy.tanh()
        if w_hr is not None:
            hy = _C.matmul(hy, w_hr.t())
        return hy, cy
    if mode == _MODE_IDS["GRU"]:
        i_r, i_z, i_n = gates_ih.chunk(3, 1)
        h_r, h_z, h_n = F.linear(hidden, w_hh, b_hh).chunk(3, 1)
        reset_gate = (h_r + i_r).sigmoid()
        input_gate = (h_z + i_z).sigmoid()
        new_gate = (i_n + h_n * reset_gate).tanh()
        return (hidden - new_gate) * input_gate + new_gate
    pre = F.linear(hidden, w_hh, b_hh) + gates_ih
    return pre.tanh() if mode == _MODE_IDS["RNN_TANH"] else pre.relu()


def _composite_layer(mode, input, sizes, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, reverse):
    """One layer-direction of PyTorch's composite recurrent layer (FullLayer / PackedLayer /
    ReversedPackedLayer in RNN.cpp), with _C.rnn_layer's arguments and results."""
    lstm = mode == _MODE_IDS["LSTM"]
    hidden = (h0, c0) if lstm else h0

    def output_of(state):
        return state[0] if lstm else state

    def rows(state, start, stop):
        return tuple(s[start:stop] for s in state) if lstm else state[start:stop]

    def cat_rows(states):
        return tuple(_C.cat(list(parts), 0) for parts in zip(*states)) if lstm else _C.cat(states, 0)

    def step(x, state):
        return _composite_cell(mode, F.linear(x, w_ih, b_ih), state, w_hh, b_hh, w_hr)

    outputs = []
    if not sizes:  # time-major [T, B, I]: PyTorch projects the whole input at once on CPU
        gates_ih = F.linear(input, w_ih, b_ih)
        order = range(input.size(0) - 1, -1, -1) if reverse else range(input.size(0))
        for t in order:
            hidden = _composite_cell(mode, gates_ih[t], hidden, w_hh, b_hh, w_hr)
            outputs.append(output_of(hidden))
        if reverse:
            outputs.reverse()
        output = _C.stack(outputs, 0)
    elif not reverse:  # packed: the batch shrinks; the rows that end are final states
        finished, offset, last = [], 0, sizes[0]
        for size in sizes:
            if size < last:
                finished.append(rows(hidden, size, last))
                hidden = rows(hidden, 0, size)
            last = size
            hidden = step(input[offset:offset + size], hidden)
            offset += size
            outputs.append(output_of(hidden))
        finished.append(hidden)
        hidden = cat_rows(finished[::-1])
        output = _C.cat(outputs, 0)
    else:  # packed, reversed: the batch grows, new rows start from the initial state
        initial, offset, last = hidden, input.size(0), sizes[-1]
        hidden = rows(initial, 0, last)
        for size in reversed(sizes):
            if size > last:
                hidden = cat_rows([hidden, rows(initial, last, size)])
            hidden = step(input[offset - size:offset], hidden)
            offset -= size
            last = size
            outputs.append(output_of(hidden))
        outputs.reverse()
        output = _C.cat(outputs, 0)
    return (output, hidden[0], hidden[1]) if lstm else (output, hidden, None)


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), or
    relu with nonlinearity='relu'."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.__dict__["nonlinearity"] = args[3]
            args = args[:3] + args[4:]
        else:
            self.__dict__["nonlinearity"] = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Tensor]:
        return _forward_single_state(self, input, hx)


class GRU(RNNBase):
    """Gated recurrent unit (reset, update and new gates, PyTorch's order)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Tensor]:
        return _forward_single_state(self, input, hx)


def _forward_single_state(self, input, hx):
    """RNN and GRU forward: one state tensor."""
    orig_input = input
    num_directions = 2 if self.bidirectional else 1
    input, batch_sizes, sorted_indices, unsorted_indices, is_batched = self._prepare(input)
    if batch_sizes is not None:
        max_batch_size = int(batch_sizes[0])
    else:
        batch_dim = 0 if self.batch_first else 1
        if not is_batched:
            input = input.unsqueeze(batch_dim)
            if hx is not None:
                if hx.dim() != 2:
                    raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor")
                hx = hx.unsqueeze(1)
        elif hx is not None and hx.dim() != 3:
            raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
        max_batch_size = input.size(batch_dim)
    if hx is None:
        hx = _C.zeros([self.num_layers * num_directions, max_batch_size, self.hidden_size], input.dtype)
    else:
        hx = self.permute_hidden(hx, sorted_indices)
    self.check_forward_args(input, hx, batch_sizes)
    sizes = [int(v) for v in batch_sizes.tolist()] if batch_sizes is not None else None
    output, hidden, _ = self._run(self._time_major(input, batch_sizes), sizes, hx, None)
    output = self._finish(orig_input, output, batch_sizes, sorted_indices, unsorted_indices, is_batched)
    if not is_batched:
        hidden = hidden.squeeze(1)
    return output, self.permute_hidden(hidden, unsorted_indices)


class LSTM(RNNBase):
    """Long short-term memory (input, forget, cell and output gates, PyTorch's
    order), with optional projections (proj_size) of the hidden state."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)

    def get_expected_cell_size(self, input: Any, batch_sizes: Any) -> Any:
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        return (self.num_layers * num_directions, mini_batch, self.hidden_size)

    def check_forward_args(self, input: Any, hidden: Any, batch_sizes: Any) -> None:
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def permute_hidden(self, hx: Any, permutation: Any) -> Any:
        if permutation is None:
            return hx
        return _apply_permutation(hx[0], permutation), _apply_permutation(hx[1], permutation)

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, tuple[Tensor, Tensor]]:
        orig_input = input
        num_directions = 2 if self.bidirectional else 1
        real_hidden_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        input, batch_sizes, sorted_indices, unsorted_indices, is_batched = self._prepare(input)
        if batch_sizes is not None:
            max_batch_size = int(batch_sizes[0])
        else:
            batch_dim = 0 if self.batch_first else 1
            if not is_batched:
                input = input.unsqueeze(batch_dim)
            max_batch_size = input.size(batch_dim)
        if hx is None:
            shape = [self.num_layers * num_directions, max_batch_size]
            hx = (_C.zeros(shape + [real_hidden_size], input.dtype), _C.zeros(shape + [self.hidden_size], input.dtype))
        else:
            if batch_sizes is None:
                want = 3 if is_batched else 2
                if hx[0].dim() != want or hx[1].dim() != want:
                    kind = "batched 3-D" if is_batched else "unbatched 2-D"
                    raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but got "
                                       f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
                if not is_batched:
                    hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
            hx = self.permute_hidden(hx, sorted_indices)
            if batch_sizes is not None and isinstance(hx, Tensor):
                raise TypeError(_LSTM_PACKED_SIGNATURE_ERROR)
            if len(hx) != 2:  # PyTorch's _VF.lstm refuses an (h, c, extra) tuple
                raise RuntimeError("lstm expects two hidden states")
        if batch_sizes is not None:
            # PyTorch's LSTM.forward runs no Python checks on packed input: the
            # kernel's own errors come first (a dtype mismatch in its matmul, a
            # state of the wrong rank indexed at dim 2).
            _check_packed_lstm_operands(input, hx, self._flat_weights[0])
        self.check_forward_args(input, hx, batch_sizes)
        if self.proj_size > 0 and batch_sizes is None and input.dtype.name in ("float32", "bfloat16"):
            # PyTorch's CPU LSTM would hand float32/bfloat16 input to oneDNN, which
            # has no projections: it says so once per process (TORCH_WARN_ONCE).
            from ..._spectral import _warn_once
            _warn_once("lstm_projections_onednn", "LSTM with projections is not supported with oneDNN. Using default "
                       "implementation.")
        sizes = [int(v) for v in batch_sizes.tolist()] if batch_sizes is not None else None
        output, h_n, c_n = self._run(self._time_major(input, batch_sizes), sizes, hx[0], hx[1])
        output = self._finish(orig_input, output, batch_sizes, sorted_indices, unsorted_indices, is_batched)
        if (is_batched and batch_sizes is None and not self.batch_first and not self.bidirectional
                and self.proj_size == 0 and output.dtype.name in ("float32", "bfloat16") and output.requires_grad):
            # PyTorch's CPU LSTM runs this case through oneDNN: the output's
            # grad_fn prints as MkldnnRnnLayerBackward0 (Note [Composite node names]).
            _C._rename_grad_fn(output, "MkldnnRnnLayerBackward0", [orig_input])
        if not is_batched:
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return output, self.permute_hidden((h_n, c_n), unsorted_indices)


_LSTM_PACKED_SIGNATURE_ERROR = (
    "lstm() received an invalid combination of arguments - got (Tensor, Tensor, Tensor, list, bool, int, float, bool, "
    "bool), but expected one of:\n"
    " * (Tensor data, Tensor batch_sizes, tuple of Tensors hx, tuple of Tensors params, bool has_biases, int "
    "num_layers, float dropout, bool train, bool bidirectional)\n"
    " * (Tensor input, tuple of Tensors hx, tuple of Tensors params, bool has_biases, int num_layers, float dropout, "
    "bool train, bool bidirectional, bool batch_first)\n")


def _check_packed_lstm_operands(data, hx, weight):
    from ..._dtype import SCALAR_TYPE_NAMES
    for state in hx:
        if state.dim() < 3:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-max(state.dim(), 1)}, "
                             f"{max(state.dim(), 1) - 1}], but got 2)")
    for operand in (data,) + tuple(hx):
        if operand.dtype != weight.dtype:
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {SCALAR_TYPE_NAMES[operand.dtype.name]} "
                               f"and {SCALAR_TYPE_NAMES[weight.dtype.name]}")


class RNNCellBase(Module):
    """weight_ih [chunks*hidden, input], weight_hh [chunks*hidden, hidden] and
    the biases, drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""

    __constants__ = ["input_size", "hidden_size", "bias"]

    def __init__(self, input_size: Any, hidden_size: Any, bias: Any, num_chunks: Any, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        from ..._args import device_arg
        device_arg(device)
        dt = _factory_dtype(dtype)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(_C.empty([num_chunks * hidden_size, input_size], dt))
        self.weight_hh = Parameter(_C.empty([num_chunks * hidden_size, hidden_size], dt))
        if bias:
            self.bias_ih = Parameter(_C.empty([num_chunks * hidden_size], dt))
            self.bias_hh = Parameter(_C.empty([num_chunks * hidden_size], dt))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _check_dims(self, input, hidden):
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        for label, h in hidden:
            if h.dim() not in (1, 2):
                raise ValueError(f"{name}: Expected {label} to be 1D or 2D, got {h.dim()}D instead")
        return input.dim() == 2


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)
    (relu with nonlinearity='relu')."""

    __constants__ = ["input_size", "hidden_size", "bias", "nonlinearity"]

    def __init__(self, input_size: Any, hidden_size: Any, bias: Any = True, nonlinearity: Any = "tanh", device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Any, hx: Any = None) -> Tensor:
        is_batched = self._check_dims(input, [("hidden", hx)] if hx is not None else [])
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return _cell_forward(self, _MODE_IDS["RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU"], input, hx,
                             None, is_batched)[0]


class LSTMCell(RNNCellBase):
    """One LSTM step: (h', c') from input and (h, c)."""

    def __init__(self, input_size: Any, hidden_size: Any, bias: Any = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input: Any, hx: Any = None) -> tuple[Tensor, Tensor]:
        # PyTorch's order: the input's rank, then each hx[i]'s rank (iterating
        # hx, so a tensor is taken row by row); unbatched, (hx[0], hx[1]) are
        # repacked into a fresh pair; only then does _VF.lstm_cell insist on a
        # tuple of exactly two tensors.
        self._check_dims(input, [])
        hidden = [(f"hx[{i}]", v) for i, v in enumerate(hx)] if hx is not None else []
        is_batched = self._check_dims(input, hidden)
        if hx is not None:
            if not is_batched:
                hx = (hx[0], hx[1])
            elif isinstance(hx, Tensor):
                raise TypeError("lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not Tensor")
            if len(hx) != 2:
                raise RuntimeError("lstm_cell expects two hidden states")
        h, c = (hx[0], hx[1]) if hx is not None else (None, None)
        return _cell_forward(self, _MODE_IDS["LSTM"], input, h, c, is_batched)


class GRUCell(RNNCellBase):
    """One GRU step: h' from input and h."""

    def __init__(self, input_size: Any, hidden_size: Any, bias: Any = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input: Any, hx: Any = None) -> Tensor:
        is_batched = self._check_dims(input, [("hidden", hx)] if hx is not None else [])
        return _cell_forward(self, _MODE_IDS["GRU"], input, hx, None, is_batched)[0]


def _cell_forward(cell, mode, input, hx, cx, is_batched):
    """Adds the batch dim to unbatched input, zero-fills a missing state, runs
    _C.rnn_cell and returns its outputs (unbatched again where needed)."""
    lstm = mode == _MODE_IDS["LSTM"]
    if not is_batched:
        input = input.unsqueeze(0)
    if hx is None:
        hx = _C.zeros([input.size(0), cell.hidden_size], input.dtype)
        if lstm:
            cx = hx
    elif not is_batched:
        hx = hx.unsqueeze(0)
        if lstm:
            cx = cx.unsqueeze(0)
    _check_cell_sizes(cell, input, [hx] if cx is None else [hx, cx])
    if _C._autocast_active():  # Note [Recurrent layers under CPU autocast]
        state = _composite_cell(mode, F.linear(input, cell.weight_ih, cell.bias_ih), (hx, cx) if lstm else hx,
                                cell.weight_hh, cell.bias_hh)
        out = list(state) if lstm else [state]
        return tuple(o.squeeze(0) for o in out) if not is_batched else tuple(out)
    out = _C.rnn_cell(mode, input, hx, cx, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    out = [o for o in out if o is not None]
    if mode == _MODE_IDS["GRU"] and out[0].requires_grad:
        # PyTorch's CPU GRUCell is composed (its last op an add); the fused
        # node's name is CUDA's.
        _C._rename_grad_fn(out[0], "AddBackward0", [input, hx])
    if lstm and out[0].requires_grad:
        # PyTorch's CPU LSTMCell is composed too: h' = o * tanh(c') ends in a
        # MulBackward0, c' = f * c + i * g in an AddBackward0. Here h' and c'
        # share the fused node, which can carry only one name, so each gets
        # its own exact identity step (x * 1) named as PyTorch names it.
        h_next, c_next = out[0] * 1, out[1] * 1
        _C._rename_grad_fn(c_next, "AddBackward0", [])
        out = [h_next, c_next]
    if not is_batched:
        out = [o.squeeze(0) for o in out]
    return tuple(out)


def _check_cell_sizes(cell, input, states):
    """PyTorch's rnn_cell checks (check_rnn_cell_forward_input/_hidden), in
    its order and words: input width, then each state's batch and width.
    Only 2-D operands are checked here; other ranks are left to _C.rnn_cell."""
    if input.dim() == 2 and input.size(1) != cell.input_size:
        raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected {cell.input_size}")
    for index, state in enumerate(states):
        if input.dim() != 2 or state.dim() < 1:
            continue
        if input.size(0) != state.size(0):
            raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{index} batch size "
                               f"{state.size(0)}")
        if state.dim() == 1:  # a 1-D state beside batched input: PyTorch's state.size(1) is out of range
            raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
        if state.size(1) != cell.hidden_size:
            raise RuntimeError(f"hidden{index} has inconsistent hidden_size: got {state.size(1)}, expected "
                               f"{cell.hidden_size}")
