"""tensorcore.onnx.export: the exported file passes onnx.checker and computes,
in onnxruntime, what the tensorcore model computes (to 1e-5), with a dynamic
batch axis. Skips only where onnx or onnxruntime is not installed (CI installs
the [onnx] extra)."""
import io

import numpy as np
import pytest

import tensorcore as tc
import tensorcore.nn as nn

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def export_and_run(model, args, feeds, **kw):
    """Exports model traced on args; returns the checked ModelProto and
    onnxruntime's outputs for the numpy inputs `feeds` (a list)."""
    buf = io.BytesIO()
    tc.onnx.export(model, args, buf, **kw)
    proto = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(proto, full_check=True)
    sess = ort.InferenceSession(buf.getvalue(), providers=["CPUExecutionProvider"])
    names = [i.name for i in sess.get_inputs()]
    return proto, sess.run(None, dict(zip(names, feeds)))


def reference(model, *inputs):
    """The model's eval-mode output (what export records), its mode kept."""
    was_training = model.training
    model.eval()
    with tc.no_grad():
        out = model(*[tc.from_numpy(x) for x in inputs])
    model.train(was_training)
    if isinstance(out, tuple):  # LSTM: (out, (h, c)); GRU, RNN: (out, h)
        flat = [out[0], *out[1]] if isinstance(out[1], tuple) else list(out)
        return [t.numpy() for t in flat]
    return [out.numpy()]


def check(model, shape_export, shape_run, dtype=np.float32, ints=None, **kw):
    rng = np.random.default_rng(0)
    make = (lambda s: rng.integers(0, ints, s).astype(np.int64)) if ints else \
        (lambda s: rng.standard_normal(s).astype(dtype))
    x_export = tc.from_numpy(make(shape_export))
    x_run = make(shape_run)
    proto, got = export_and_run(model, (x_export,), [x_run], **kw)
    want = reference(model, x_run)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
    return proto


DYN = dict(input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})


def test_mlp_matches_and_batch_axis_is_dynamic():
    tc.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 32), nn.GELU(),
                          nn.LayerNorm(32), nn.Linear(32, 10), nn.LogSoftmax(dim=1))
    model.train()
    proto = check(model, (4, 20), (7, 20), **DYN)  # exported at batch 4, run at batch 7
    assert model.training  # the mode is restored
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param == "batch" and dims[1].dim_value == 20
    assert proto.graph.output[0].name == "y"
    assert proto.opset_import[0].version == 17


def test_mlp_without_dynamic_axes_has_fixed_shapes():
    model = nn.Sequential(nn.Linear(5, 3), nn.Tanh(), nn.Linear(3, 2), nn.Softmax(dim=-1))
    proto = check(model, (6, 5), (6, 5))
    assert [d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim] == [6, 5]
    assert proto.graph.input[0].name == "input_0" and proto.graph.output[0].name == "output_0"


def test_cnn_matches():
    tc.manual_seed(1)
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, stride=1, padding="same"), nn.SiLU(), nn.AvgPool2d(2),
        nn.Conv2d(16, 16, 3, groups=4, dilation=2, padding=2), nn.LeakyReLU(0.1),
        nn.Flatten(), nn.Linear(16 * 7 * 7, 10))
    # Non-trivial running statistics, so eval-mode BatchNorm is really checked.
    bn = model[1]
    bn.running_mean.copy_(tc.randn(8) * 0.1)
    bn.running_var.copy_(tc.rand(8) + 0.5)
    check(model, (2, 1, 28, 28), (5, 1, 28, 28), **DYN)


def test_cnn_global_pool_and_conv1d():
    tc.manual_seed(2)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ELU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Sigmoid())
    check(model, (2, 3, 9, 9), (3, 3, 9, 9), **DYN)
    model1d = nn.Sequential(nn.Conv1d(2, 3, 5, stride=2, padding=2), nn.BatchNorm1d(3), nn.ReLU())
    check(model1d, (2, 2, 16), (4, 2, 16), **DYN)


@pytest.mark.parametrize("batch_first,bidirectional,layers", [(True, False, 1), (False, True, 2), (True, True, 2)])
def test_lstm_matches(batch_first, bidirectional, layers):
    tc.manual_seed(3)
    model = nn.LSTM(6, 8, num_layers=layers, batch_first=batch_first, bidirectional=bidirectional)
    b_axis = 0 if batch_first else 1
    shape = (3, 5, 6) if batch_first else (5, 3, 6)
    run_shape = (4, 5, 6) if batch_first else (5, 4, 6)
    check(model, shape, run_shape, input_names=["x"], output_names=["out", "h", "c"],
          dynamic_axes={"x": {b_axis: "batch"}, "out": {b_axis: "batch"}, "h": {1: "batch"}, "c": {1: "batch"}})


@pytest.mark.parametrize("kind,batch_first,bidirectional,layers,extra", [
    ("GRU", True, False, 1, {}), ("GRU", False, True, 2, {}), ("GRU", True, True, 1, {"bias": False}),
    ("RNN", True, False, 2, {}), ("RNN", False, True, 1, {"nonlinearity": "relu"}),
])
def test_gru_and_rnn_match(kind, batch_first, bidirectional, layers, extra):
    tc.manual_seed(7)
    model = getattr(nn, kind)(6, 8, num_layers=layers, batch_first=batch_first, bidirectional=bidirectional, **extra)
    b_axis = 0 if batch_first else 1
    shape = (3, 5, 6) if batch_first else (5, 3, 6)
    run_shape = (4, 5, 6) if batch_first else (5, 4, 6)
    proto = check(model, shape, run_shape, input_names=["x"], output_names=["out", "h"],
                  dynamic_axes={"x": {b_axis: "batch"}, "out": {b_axis: "batch"}, "h": {1: "batch"}})
    assert kind in {n.op_type for n in proto.graph.node}


def test_embedding_lstm_language_model():
    tc.manual_seed(4)
    model = nn.Sequential(nn.Embedding(50, 12), nn.LSTM(12, 16, batch_first=True))
    # Sequential passes LSTM's tuple on as one value: this is the whole model's output here.
    check(model, (2, 7), (3, 7), ints=50, input_names=["tokens"], output_names=["out", "h", "c"],
          dynamic_axes={"tokens": {0: "batch"}, "out": {0: "batch"}, "h": {1: "batch"}, "c": {1: "batch"}})


@pytest.mark.parametrize("norm_first,activation,batch_first", [(False, "relu", True), (True, "gelu", False)])
def test_transformer_encoder_matches(norm_first, activation, batch_first):
    tc.manual_seed(5)
    layer = nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32, dropout=0.1,
                                       activation=activation, batch_first=batch_first, norm_first=norm_first)
    b_axis = 0 if batch_first else 1
    shape, run_shape = ((2, 6, 16), (3, 6, 16)) if batch_first else ((6, 2, 16), (6, 3, 16))
    dyn = dict(input_names=["x"], output_names=["y"], dynamic_axes={"x": {b_axis: "batch"}, "y": {b_axis: "batch"}})
    check(layer, shape, run_shape, **dyn)
    encoder = nn.TransformerEncoder(layer, num_layers=2, norm=nn.LayerNorm(16), enable_nested_tensor=False)
    check(encoder, shape, run_shape, **dyn)


def test_writes_a_file_by_path(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2))
    path = tmp_path / "m.onnx"
    tc.onnx.export(model, (tc.randn(1, 3),), str(path))
    onnx.checker.check_model(onnx.load(str(path)))


def test_is_in_onnx_export_is_true_only_while_exporting():
    seen = []

    class Probe(nn.Identity):
        pass  # inherits Identity.forward: exportable

    model = nn.Sequential(Probe(), nn.Linear(2, 2))
    orig = nn.Linear.forward

    def spy(self, x):
        seen.append(tc.onnx.is_in_onnx_export())
        return orig(self, x)
    nn.Linear.forward = spy
    try:
        tc.onnx.export(model, (tc.randn(1, 2),), io.BytesIO())
    finally:
        nn.Linear.forward = orig
    assert seen == [True]
    assert tc.onnx.is_in_onnx_export() is False


def test_unsupported_modules_raise_naming_the_module():
    class MyNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)

        def forward(self, x):
            return self.fc(x) * 2

    with pytest.raises(NotImplementedError, match="MyNet"):
        tc.onnx.export(MyNet(), (tc.randn(1, 2),), io.BytesIO())
    with pytest.raises(NotImplementedError, match="GRUCell"):
        tc.onnx.export(nn.Sequential(nn.GRUCell(2, 2)), (tc.randn(3, 2),), io.BytesIO())
    with pytest.raises(NotImplementedError, match="GRU is exported with its input only"):
        tc.onnx.export(nn.GRU(2, 2), (tc.randn(3, 1, 2), tc.zeros(1, 1, 2)), io.BytesIO())

    class MyLinear(nn.Linear):
        def forward(self, x):
            return super().forward(x) + 1

    with pytest.raises(NotImplementedError, match="MyLinear overrides the forward of Linear"):
        tc.onnx.export(nn.Sequential(MyLinear(2, 2)), (tc.randn(1, 2),), io.BytesIO())


def test_bad_arguments():
    model = nn.Sequential(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="opset_version 13"):
        tc.onnx.export(model, (tc.randn(1, 2),), io.BytesIO(), opset_version=13)
    with pytest.raises(ValueError, match="dynamic_axes"):
        tc.onnx.export(model, (tc.randn(1, 2),), io.BytesIO(), input_names=["x"], dynamic_axes={"z": {0: "b"}})
