"""tensorcore.onnx: export a model to an ONNX file (torch.onnx.export's API).

    tensorcore.onnx.export(model, (x,), "model.onnx", input_names=["x"],
                           output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})

Needs the `onnx` package (pip install "tensorcore[onnx]", which brings
onnxruntime too for running the file).

Note [module-level tracing]: tensorcore has no op-level graph recorder, so the
exporter traces at the level of nn modules. It runs the model once on the
example args, module by module: every module it visits is a known type
(Sequential and the other containers below, Linear, Conv1d/Conv2d, pooling,
BatchNorm, LayerNorm, Embedding, Dropout, the common activations, LSTM, GRU, RNN,
TransformerEncoderLayer/TransformerEncoder), whose forward it knows, so it
emits the ONNX nodes that compute the same thing and also runs the module in
tensorcore, which gives the exact shape and dtype of every intermediate value
(ranks for Softmax's implicit dim, shapes for the output declarations). A
module of any other type, or a subclass that overrides forward, cannot be
followed this way and raises NotImplementedError naming it; PyTorch's exporter
records the ops instead, and so handles any forward.

The model is exported in eval mode (Dropout is the identity, BatchNorm uses
its running statistics), as torch.onnx.export does by default; its mode is
restored afterwards.
"""
import contextlib
import math

__all__ = ["export", "is_in_onnx_export", "OnnxExporterError"]


class OnnxExporterError(RuntimeError):
    """Errors raised by the ONNX exporter (torch.onnx.OnnxExporterError)."""


_EXPORTING = [False]


def is_in_onnx_export():
    """True while export() runs the model (a forward may check it)."""
    return _EXPORTING[0]


@contextlib.contextmanager
def _exporting():
    prev = _EXPORTING[0]
    _EXPORTING[0] = True
    try:
        yield
    finally:
        _EXPORTING[0] = prev


def _pair(v, n=2):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


class _Graph:
    """The nodes and initializers of the ONNX graph being built, with fresh names."""

    def __init__(self, onnx, numpy_helper):
        self.onnx, self.numpy_helper = onnx, numpy_helper
        self.nodes, self.initializers, self._count = [], [], 0

    def fresh(self, hint):
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, array, hint="const"):
        import numpy as np
        name = self.fresh(hint)
        self.initializers.append(self.numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def param(self, tensor, hint):
        return self.const(tensor.detach().numpy(), hint)

    def ints(self, values, hint="shape"):
        import numpy as np
        return self.const(np.asarray(values, dtype=np.int64), hint)

    def node(self, op, inputs, hint=None, n_out=1, **attrs):
        outs = [self.fresh(hint or op.lower()) for _ in range(n_out)]
        self.nodes.append(self.onnx.helper.make_node(op, list(inputs), outs, name=self.fresh("n_" + op), **attrs))
        return outs[0] if n_out == 1 else outs


class _Tracer:
    """Walks the module tree; each handler gets (module, [(name, tensor)])
    and returns [(name, tensor)] for its outputs (Note [module-level tracing])."""

    def __init__(self, graph):
        import numpy as np
        import tensorcore.nn as nn
        self.g, self.np, self.nn = graph, np, nn
        # (class, handler): the first class in a module's MRO found here decides.
        self.handlers = [
            (nn.Sequential, self._sequential), (nn.Linear, self._linear), (nn.Identity, self._identity),
            (nn.Conv1d, self._conv), (nn.Conv2d, self._conv),
            (nn.MaxPool2d, self._maxpool), (nn.AvgPool2d, self._avgpool),
            (nn.AdaptiveAvgPool2d, self._adaptive_avgpool),
            (nn.Flatten, self._flatten), (nn.ReLU, self._unary("Relu")), (nn.Sigmoid, self._unary("Sigmoid")),
            (nn.Tanh, self._unary("Tanh")), (nn.GELU, self._gelu), (nn.SiLU, self._silu),
            (nn.LeakyReLU, self._leaky_relu), (nn.ELU, self._elu),
            (nn.LogSoftmax, self._softmax("LogSoftmax")), (nn.Softmax, self._softmax("Softmax")),
            (nn.Dropout, self._identity), (nn.BatchNorm1d, self._batchnorm), (nn.BatchNorm2d, self._batchnorm),
            (nn.LayerNorm, self._layernorm), (nn.Embedding, self._embedding), (nn.LSTM, self._recurrent),
            (nn.GRU, self._recurrent), (nn.RNN, self._recurrent),
            (nn.TransformerEncoderLayer, self._encoder_layer), (nn.TransformerEncoder, self._encoder),
        ]

    # ------------------------------------------------------------ dispatch
    def run(self, module, values):
        for cls, handler in self.handlers:
            if isinstance(module, cls):
                if type(module).forward is not cls.forward:
                    raise NotImplementedError(
                        f"tensorcore.onnx.export: {type(module).__name__} overrides the forward of {cls.__name__}; "
                        f"the exporter traces at the module level and only follows the forward of the modules it "
                        f"knows. Build the model from nn.Sequential and the supported modules ({self.supported()}).")
                return handler(module, values)
        raise NotImplementedError(
            f"tensorcore.onnx.export does not support the module {type(module).__name__}: the exporter traces at "
            f"the module level and knows only {self.supported()}. A model with its own forward must be expressed "
            f"with nn.Sequential of these to be exported.")

    def supported(self):
        return ", ".join(sorted({cls.__name__ for cls, _ in self.handlers}))

    def _single(self, module, values):
        if len(values) != 1:
            raise NotImplementedError(f"tensorcore.onnx.export: {type(module).__name__} is exported with one "
                                      f"input, got {len(values)}")
        return values[0]

    # ------------------------------------------------------------ handlers
    def _sequential(self, m, values):
        for child in m:
            values = self.run(child, values)
        return values

    def _identity(self, m, values):
        return values

    def _linear(self, m, values):
        name, x = self._single(m, values)
        y = self.g.node("MatMul", [name, self.g.const(m.weight.detach().numpy().T, "linear_wT")])
        if m.bias is not None:
            y = self.g.node("Add", [y, self.g.param(m.bias, "linear_b")])
        return [(y, m(x))]

    def _conv(self, m, values):
        name, x = self._single(m, values)
        if m.padding_mode != "zeros":
            raise NotImplementedError(f"tensorcore.onnx.export: {type(m).__name__} with padding_mode="
                                      f"'{m.padding_mode}' is not supported (only 'zeros')")
        nd = len(m.kernel_size)
        attrs = dict(kernel_shape=list(m.kernel_size), strides=list(m.stride), dilations=list(m.dilation),
                     group=m.groups)
        if m.padding == "valid":
            attrs["pads"] = [0] * (2 * nd)
        elif m.padding == "same":
            # PyTorch pads the extra element (for an even total) at the end, as ONNX's SAME_UPPER.
            total = [d * (k - 1) for d, k in zip(m.dilation, m.kernel_size)]
            attrs["pads"] = [t // 2 for t in total] + [t - t // 2 for t in total]
        else:
            attrs["pads"] = list(m.padding) * 2
        inputs = [name, self.g.param(m.weight, "conv_w")] + ([self.g.param(m.bias, "conv_b")] if m.bias is not None
                                                             else [])
        return [(self.g.node("Conv", inputs, **attrs), m(x))]

    def _maxpool(self, m, values):
        name, x = self._single(m, values)
        if m.return_indices:
            raise NotImplementedError("tensorcore.onnx.export: MaxPool2d(return_indices=True) is not supported")
        pad = list(_pair(m.padding))
        y = self.g.node("MaxPool", [name], kernel_shape=list(_pair(m.kernel_size)), strides=list(_pair(m.stride)),
                        pads=pad * 2, dilations=list(_pair(m.dilation)), ceil_mode=int(bool(m.ceil_mode)))
        return [(y, m(x))]

    def _avgpool(self, m, values):
        name, x = self._single(m, values)
        if m.divisor_override is not None:
            raise NotImplementedError("tensorcore.onnx.export: AvgPool2d(divisor_override=...) is not supported")
        pad = list(_pair(m.padding))
        y = self.g.node("AveragePool", [name], kernel_shape=list(_pair(m.kernel_size)),
                        strides=list(_pair(m.stride)), pads=pad * 2, ceil_mode=int(bool(m.ceil_mode)),
                        count_include_pad=int(bool(m.count_include_pad)))
        return [(y, m(x))]

    def _adaptive_avgpool(self, m, values):
        name, x = self._single(m, values)
        if _pair(m.output_size) != (1, 1):
            raise NotImplementedError("tensorcore.onnx.export: AdaptiveAvgPool2d is supported for output_size 1 "
                                      f"(GlobalAveragePool), got {m.output_size}")
        return [(self.g.node("GlobalAveragePool", [name]), m(x))]

    def _flatten(self, m, values):
        name, x = self._single(m, values)
        nd = x.dim()
        start, end = m.start_dim % nd, m.end_dim % nd
        # Reshape, not ONNX's Flatten (which always makes 2-D): 0 copies a leading dim, so a dynamic batch
        # axis stays dynamic; -1 takes the flattened span.
        if end == nd - 1:
            shape = [0] * start + [-1]
        else:
            shape = [0] * start + [-1] + list(x.shape[end + 1:])
        return [(self.g.node("Reshape", [name, self.g.ints(shape)]), m(x))]

    def _unary(self, op):
        def handler(m, values):
            name, x = self._single(m, values)
            return [(self.g.node(op, [name]), m(x))]
        return handler

    def _gelu_node(self, name, approximate, dtype):
        np, g = self.np, self.g
        half, one = g.const(np.asarray(0.5, dtype)), g.const(np.asarray(1.0, dtype))
        if approximate == "tanh":
            # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            x3 = g.node("Mul", [g.node("Mul", [name, name]), name])
            inner = g.node("Add", [name, g.node("Mul", [x3, g.const(np.asarray(0.044715, dtype))])])
            t = g.node("Tanh", [g.node("Mul", [inner, g.const(np.asarray(math.sqrt(2 / math.pi), dtype))])])
        else:  # 0.5 x (1 + erf(x / sqrt 2)): Gelu itself is opset 20
            t = g.node("Erf", [g.node("Div", [name, g.const(np.asarray(math.sqrt(2.0), dtype))])])
        return g.node("Mul", [g.node("Mul", [name, half]), g.node("Add", [t, one])])

    def _gelu(self, m, values):
        name, x = self._single(m, values)
        return [(self._gelu_node(name, m.approximate, x.detach().numpy().dtype), m(x))]

    def _silu(self, m, values):
        name, x = self._single(m, values)
        return [(self.g.node("Mul", [name, self.g.node("Sigmoid", [name])]), m(x))]

    def _leaky_relu(self, m, values):
        name, x = self._single(m, values)
        return [(self.g.node("LeakyRelu", [name], alpha=float(m.negative_slope)), m(x))]

    def _elu(self, m, values):
        name, x = self._single(m, values)
        return [(self.g.node("Elu", [name], alpha=float(m.alpha)), m(x))]

    def _softmax(self, op):
        def handler(m, values):
            name, x = self._single(m, values)
            dim = m.dim
            if dim is None:  # PyTorch's implicit dim (deprecated, but still what it computes)
                dim = 0 if x.dim() in (0, 1, 3) else 1
            return [(self.g.node(op, [name], axis=int(dim)), m(x))]
        return handler

    def _batchnorm(self, m, values):
        name, x = self._single(m, values)
        if m.running_mean is None:
            raise NotImplementedError(f"tensorcore.onnx.export: {type(m).__name__}(track_running_stats=False) uses "
                                      "batch statistics in eval mode, which ONNX's BatchNormalization does not")
        np, c = self.np, m.num_features
        dt = m.running_mean.numpy().dtype
        w = m.weight.detach().numpy() if m.weight is not None else np.ones(c, dt)
        b = m.bias.detach().numpy() if m.bias is not None else np.zeros(c, dt)
        y = self.g.node("BatchNormalization", [name, self.g.const(w, "bn_w"), self.g.const(b, "bn_b"),
                                               self.g.param(m.running_mean, "bn_mean"),
                                               self.g.param(m.running_var, "bn_var")], epsilon=float(m.eps))
        return [(y, m(x))]

    def _layernorm_node(self, m, name, dtype):
        np = self.np
        shape = tuple(m.normalized_shape)
        w = m.weight.detach().numpy() if m.weight is not None else np.ones(shape, dtype)
        b = m.bias.detach().numpy() if getattr(m, "bias", None) is not None else np.zeros(shape, dtype)
        return self.g.node("LayerNormalization", [name, self.g.const(w, "ln_w"), self.g.const(b, "ln_b")],
                           axis=-len(shape), epsilon=float(m.eps))

    def _layernorm(self, m, values):
        name, x = self._single(m, values)
        return [(self._layernorm_node(m, name, x.detach().numpy().dtype), m(x))]

    def _embedding(self, m, values):
        name, x = self._single(m, values)
        if m.max_norm is not None:
            raise NotImplementedError("tensorcore.onnx.export: Embedding(max_norm=...) renormalises its weight "
                                      "in place on every call; not supported")
        return [(self.g.node("Gather", [self.g.param(m.weight, "emb_w"), name], axis=0), m(x))]

    # ------------------------------------------------------------ LSTM
    def _recurrent(self, m, values):
        """LSTM, GRU and RNN as ONNX's LSTM, GRU and RNN nodes, one per layer.

        The ONNX ops differ from PyTorch's modules in gate order only (GRU
        with linear_before_reset=1 applies the reset gate after the hidden
        projection, as PyTorch does), so the weights are the module's, with
        their gate blocks reordered."""
        np, g, nn = self.np, self.g, self.nn
        kind = "LSTM" if isinstance(m, nn.LSTM) else "GRU" if isinstance(m, nn.GRU) else "RNN"
        is_lstm = kind == "LSTM"
        if len(values) != 1:
            raise NotImplementedError(f"tensorcore.onnx.export: {kind} is exported with its input only (zero "
                                      "initial state); passing an initial state is not supported")
        name, x = values[0]
        if getattr(m, "proj_size", 0):
            raise NotImplementedError("tensorcore.onnx.export: LSTM(proj_size>0) is not supported")
        if x.dim() != 3:
            raise NotImplementedError(f"tensorcore.onnx.export: {kind} is exported for batched 3-D input")
        H, dirs = m.hidden_size, 2 if m.bidirectional else 1
        # Gate blocks in ONNX's order, as indices into PyTorch's: LSTM i,f,g,o -> i,o,f,c; GRU r,z,n -> z,r,h.
        order = {"LSTM": [0, 3, 1, 2], "GRU": [1, 0, 2], "RNN": [0]}[kind]
        attrs = dict(hidden_size=H, direction="bidirectional" if dirs == 2 else "forward")
        if kind == "GRU":
            attrs["linear_before_reset"] = 1
        if kind == "RNN":
            attrs["activations"] = [{"tanh": "Tanh", "relu": "Relu"}[m.nonlinearity]] * dirs

        def reorder(w):
            blocks = np.split(w, len(order), axis=0)
            return np.concatenate([blocks[i] for i in order], axis=0)
        # ONNX's recurrent ops take [seq, batch, feature].
        seq = g.node("Transpose", [name], perm=[1, 0, 2]) if m.batch_first else name
        finals = [[] for _ in range(2 if is_lstm else 1)]
        for layer in range(m.num_layers):
            W, R, B = [], [], []
            for d in range(dirs):
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                W.append(reorder(getattr(m, "weight_ih" + sfx).detach().numpy()))
                R.append(reorder(getattr(m, "weight_hh" + sfx).detach().numpy()))
                if m.bias:
                    B.append(np.concatenate([reorder(getattr(m, "bias_ih" + sfx).detach().numpy()),
                                             reorder(getattr(m, "bias_hh" + sfx).detach().numpy())]))
            low = kind.lower()
            inputs = [seq, g.const(np.stack(W), low + "_W"), g.const(np.stack(R), low + "_R")]
            if m.bias:
                inputs.append(g.const(np.stack(B), low + "_B"))
            y, *states = g.node(kind, inputs, n_out=1 + len(finals), **attrs)
            # Y is [seq, dirs, batch, H]; the next layer (and the output) want [seq, batch, dirs*H].
            y = g.node("Transpose", [y], perm=[0, 2, 1, 3])
            seq = g.node("Reshape", [y, g.ints([0, 0, dirs * H])])
            for acc, st in zip(finals, states):
                acc.append(st)
        out = g.node("Transpose", [seq], perm=[1, 0, 2]) if m.batch_first else seq
        ref_out, ref_state = m(x)
        names = [f[0] if len(f) == 1 else g.node("Concat", f, axis=0) for f in finals]
        refs = list(ref_state) if is_lstm else [ref_state]
        return [(out, ref_out)] + list(zip(names, refs))

    # ------------------------------------------------------------ Transformer encoder
    def _linear_node(self, name, weight, bias, hint):
        y = self.g.node("MatMul", [name, self.g.const(weight.T, hint + "_wT")])
        return self.g.node("Add", [y, self.g.const(bias, hint + "_b")]) if bias is not None else y

    def _self_attention(self, attn, name, dtype):
        """Multi-head self-attention on [batch, seq, E] (no masks)."""
        np, g = self.np, self.g
        if not attn._qkv_same_embed_dim:
            raise NotImplementedError("tensorcore.onnx.export: MultiheadAttention with kdim/vdim != embed_dim")
        if getattr(attn, "bias_k", None) is not None or getattr(attn, "add_zero_attn", False):
            raise NotImplementedError("tensorcore.onnx.export: MultiheadAttention with add_bias_kv or "
                                      "add_zero_attn is not supported")
        E, h = attn.embed_dim, attn.num_heads
        d = E // h
        w = attn.in_proj_weight.detach().numpy()
        b = attn.in_proj_bias.detach().numpy() if attn.in_proj_bias is not None else None
        heads = []
        for i in range(3):  # q, k, v: [B, T, E] -> [B, h, T, d]
            p = self._linear_node(name, w[i * E:(i + 1) * E], None if b is None else b[i * E:(i + 1) * E], "qkv"[i])
            p = g.node("Reshape", [p, g.ints([0, 0, h, d])])
            heads.append(g.node("Transpose", [p], perm=[0, 2, 1, 3]))
        q, k, v = heads
        scores = g.node("MatMul", [q, g.node("Transpose", [k], perm=[0, 1, 3, 2])])
        scores = g.node("Mul", [scores, g.const(np.asarray(1.0 / math.sqrt(d), dtype))])
        ctx = g.node("MatMul", [g.node("Softmax", [scores], axis=-1), v])
        ctx = g.node("Reshape", [g.node("Transpose", [ctx], perm=[0, 2, 1, 3]), g.ints([0, 0, E])])
        ob = attn.out_proj.bias.detach().numpy() if attn.out_proj.bias is not None else None
        return self._linear_node(ctx, attn.out_proj.weight.detach().numpy(), ob, "attn_out")

    def _encoder_layer_nodes(self, m, name, dtype):
        """One layer on [batch, seq, E]."""
        g, F = self.g, self.nn.functional
        act = m.activation
        if act is F.relu or isinstance(act, self.nn.ReLU):
            def activation(n):
                return g.node("Relu", [n])
        elif act is F.gelu or isinstance(act, self.nn.GELU):
            approx = getattr(act, "approximate", "none")

            def activation(n):
                return self._gelu_node(n, approx, dtype)
        else:
            raise NotImplementedError(f"tensorcore.onnx.export: TransformerEncoderLayer with activation {act!r} "
                                      "(only relu and gelu)")

        def ff(n):
            l1, l2 = m.linear1, m.linear2
            hmid = self._linear_node(n, l1.weight.detach().numpy(),
                                     None if l1.bias is None else l1.bias.detach().numpy(), "ff1")
            return self._linear_node(activation(hmid), l2.weight.detach().numpy(),
                                     None if l2.bias is None else l2.bias.detach().numpy(), "ff2")
        x = name
        if m.norm_first:
            x = g.node("Add", [x, self._self_attention(m.self_attn, self._layernorm_node(m.norm1, x, dtype), dtype)])
            x = g.node("Add", [x, ff(self._layernorm_node(m.norm2, x, dtype))])
        else:
            x = self._layernorm_node(m.norm1, g.node("Add", [x, self._self_attention(m.self_attn, x, dtype)]), dtype)
            x = self._layernorm_node(m.norm2, g.node("Add", [x, ff(x)]), dtype)
        return x

    def _encoder_common(self, m, values, layers, final_norm, batch_first):
        if len(values) != 1:
            raise NotImplementedError(f"tensorcore.onnx.export: {type(m).__name__} is exported without masks "
                                      "(src_mask / src_key_padding_mask are not supported)")
        name, x = values[0]
        dtype = x.detach().numpy().dtype
        y = name if batch_first else self.g.node("Transpose", [name], perm=[1, 0, 2])
        for layer in layers:
            y = self._encoder_layer_nodes(layer, y, dtype)
        if final_norm is not None:
            if not isinstance(final_norm, self.nn.LayerNorm):
                raise NotImplementedError(f"tensorcore.onnx.export: TransformerEncoder norm "
                                          f"{type(final_norm).__name__} (only LayerNorm)")
            y = self._layernorm_node(final_norm, y, dtype)
        if not batch_first:
            y = self.g.node("Transpose", [y], perm=[1, 0, 2])
        return [(y, m(x))]

    def _encoder_layer(self, m, values):
        return self._encoder_common(m, values, [m], None, m.self_attn.batch_first)

    def _encoder(self, m, values):
        layers = list(m.layers)
        for layer in layers:
            if not isinstance(layer, self.nn.TransformerEncoderLayer) or \
                    type(layer).forward is not self.nn.TransformerEncoderLayer.forward:
                raise NotImplementedError(f"tensorcore.onnx.export: TransformerEncoder layer "
                                          f"{type(layer).__name__} is not supported")
        return self._encoder_common(m, values, layers, m.norm, layers[0].self_attn.batch_first)


def _value_info(onnx, name, tensor, dyn):
    shape = [dyn.get(i, dyn.get(i - tensor.dim(), s)) if dyn else s for i, s in enumerate(tensor.shape)]
    return onnx.helper.make_tensor_value_info(
        name, onnx.helper.np_dtype_to_tensor_dtype(tensor.detach().numpy().dtype), shape)


def _axes(spec, name):
    """dynamic_axes entry -> {axis: dim_param} (PyTorch takes a dict or a list of axes)."""
    if spec is None:
        return {}
    if isinstance(spec, dict):
        return {int(k): str(v) for k, v in spec.items()}
    return {int(a): f"{name}_dynamic_axes_{i + 1}" for i, a in enumerate(spec)}


def export(model, args=(), f=None, *, kwargs=None, export_params=True, verbose=False, training=None,
           input_names=None, output_names=None, opset_version=None, dynamic_axes=None,
           keep_initializers_as_inputs=False, do_constant_folding=True, dynamo=False, **unused):
    """Exports `model` (traced on `args`) to the ONNX file `f` (a path or a
    binary file object). See the module docstring for what can be exported.

    input_names/output_names name the graph's inputs and outputs (default
    input_0..., output_0...); dynamic_axes maps those names to the axes that
    may vary ({"x": {0: "batch"}}); opset_version defaults to 17 (the lowest
    that has LayerNormalization)."""
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError:
        raise ImportError("tensorcore.onnx.export needs the onnx package: pip install onnx "
                          "(or pip install \"tensorcore[onnx]\", which adds onnxruntime to run the file)") from None
    import tensorcore
    if kwargs:
        raise NotImplementedError("tensorcore.onnx.export: keyword arguments to the model (kwargs=) are not "
                                  "supported; pass the inputs positionally in args")
    if not export_params:
        raise NotImplementedError("tensorcore.onnx.export: export_params=False is not supported; the weights are "
                                  "always stored in the file")
    if f is None:
        raise TypeError("tensorcore.onnx.export: f (the file name or a binary file object) is required")
    opset = 17 if opset_version is None else int(opset_version)
    if opset < 17:
        raise ValueError(f"tensorcore.onnx.export: opset_version {opset} is not supported; use 17 or newer "
                         "(LayerNormalization is opset 17)")
    if not isinstance(args, tuple):
        args = (args,)
    for i, a in enumerate(args):
        if not isinstance(a, tensorcore.Tensor):
            raise NotImplementedError(f"tensorcore.onnx.export: args[{i}] is a {type(a).__name__}; only tensors are "
                                      "supported as model inputs")
    input_names = list(input_names or [])
    input_names += [f"input_{i}" for i in range(len(input_names), len(args))]
    dynamic_axes = dynamic_axes or {}

    graph = _Graph(onnx, numpy_helper)
    was_training = model.training
    model.eval()
    try:
        with _exporting(), tensorcore.no_grad():
            tracer = _Tracer(graph)
            outs = tracer.run(model, list(zip(input_names, args)))
    finally:
        model.train(was_training)

    output_names = list(output_names or [])
    output_names += [f"output_{i}" for i in range(len(output_names), len(outs))]
    # Graph outputs need their own names: an Identity renames each (and lets an
    # input pass straight through, as nn.Identity does).
    for (name, _), out_name in zip(outs, output_names):
        graph.nodes.append(onnx.helper.make_node("Identity", [name], [out_name], name=graph.fresh("n_output")))
    unknown = set(dynamic_axes) - set(input_names) - set(output_names)
    if unknown:
        raise ValueError(f"tensorcore.onnx.export: dynamic_axes names {sorted(unknown)}, which are neither "
                         f"input_names {input_names} nor output_names {output_names}")
    inputs = [_value_info(onnx, n, t, _axes(dynamic_axes.get(n), n)) for n, t in zip(input_names, args)]
    outputs = [_value_info(onnx, n, t, _axes(dynamic_axes.get(n), n)) for n, (_, t) in zip(output_names, outs)]
    g = onnx.helper.make_graph(graph.nodes, type(model).__name__, inputs, outputs, graph.initializers)
    proto = onnx.helper.make_model(g, producer_name="tensorcore", producer_version=tensorcore.__tensorcore_version__,
                                   opset_imports=[onnx.helper.make_opsetid("", opset)])
    # onnx writes its newest IR version, which a runtime older than the onnx package rejects; IR 10
    # (onnx 1.16) has everything these graphs use.
    proto.ir_version = min(proto.ir_version, 10)
    onnx.checker.check_model(proto)
    data = proto.SerializeToString()
    if hasattr(f, "write"):
        f.write(data)
    else:
        with open(f, "wb") as fh:
            fh.write(data)
    if verbose:
        print(onnx.helper.printable_graph(proto.graph))
    return None
