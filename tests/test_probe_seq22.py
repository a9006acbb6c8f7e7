"""Sequence-model surface side by side with PyTorch (probe22): nn.utils.rnn
argument handling, recurrent cells' size checks, MultiheadAttention's and
TransformerEncoderLayer's inference fast path, scaled_dot_product_attention
edge cases, EmbeddingBag without bags and ctc_loss length errors.

Every test runs the same call under tensorcore and under torch (the oracle)
and compares values (NaN where PyTorch gives NaN), exception types and
messages."""
import warnings

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _numpy(t):
    return t.detach().double().numpy() if t.is_floating_point() else t.detach().numpy()


def assert_same_values(ours, theirs, rtol=1e-5, atol=1e-6):
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_allclose(_numpy(ours), _numpy(theirs), rtol=rtol, atol=atol, equal_nan=True)


def raises_like_torch(make_call, *, same_message=True):
    """make_call(lib) fails under torch; it must fail the same way under tensorcore."""
    with pytest.raises(Exception) as theirs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make_call(torch)
    with pytest.raises(theirs.type) as ours:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make_call(tc)
    if same_message:
        assert str(ours.value) == str(theirs.value).replace("torch.", "tensorcore.")
    return ours.value


def copy_module(torch_module, ours):
    ours.load_state_dict({k: tc.tensor(v.detach().numpy()) for k, v in torch_module.state_dict().items()})
    return ours


# ---- nn.utils.rnn ----

PAD_SEQUENCE_BAD_ARGUMENTS = [
    lambda lib: lib.nn.utils.rnn.pad_sequence([lib.ones(3, 2), lib.ones(2, 2)], batch_first=1),
    lambda lib: lib.nn.utils.rnn.pad_sequence([lib.ones(3, 2), lib.ones(2, 2)], batch_first=None),
    lambda lib: lib.nn.utils.rnn.pad_sequence([lib.ones(3, 2), lib.ones(2, 2)], padding_value="a"),
    lambda lib: lib.nn.utils.rnn.pad_sequence([lib.ones(3, 2), lib.ones(2, 2)], padding_value=None),
    lambda lib: lib.nn.utils.rnn.pad_sequence([lib.ones(3, 2)], padding_side=3),
    lambda lib: lib.nn.utils.rnn.pad_sequence([lib.ones(3, 2), lib.ones(2, 2)], padding_side=None),
    lambda lib: lib.nn.utils.rnn.pad_sequence([lib.ones(3, 2), 5]),
    lambda lib: lib.nn.utils.rnn.pad_sequence([lib.ones(3, 2), None]),
    lambda lib: lib.nn.utils.rnn.pad_sequence([[1.0, 2.0], lib.ones(2)]),
    lambda lib: lib.nn.utils.rnn.pad_sequence([lib.ones(3, 2), lib.ones(2, 3)]),
    lambda lib: lib.nn.utils.rnn.pad_sequence([lib.ones(3, 2), lib.ones(2, 3, 1)]),
    lambda lib: lib.nn.utils.rnn.pad_sequence([lib.ones(3, 2, 1), lib.ones(2, 3)]),
]


@pytest.mark.parametrize("index", range(len(PAD_SEQUENCE_BAD_ARGUMENTS)))
def test_pad_sequence_refuses_bad_arguments_like_torch(index):
    raises_like_torch(PAD_SEQUENCE_BAD_ARGUMENTS[index])


def test_pad_sequence_broadcasts_a_size_one_trailing_dim_and_takes_a_tensor_padding_value():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((2, 1))

    def run(lib):
        x, y = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        out = lib.nn.utils.rnn.pad_sequence([x, y], batch_first=True, padding_value=lib.tensor(2.5))
        (out * lib.arange(out.numel(), dtype=out.dtype).reshape(out.shape)).sum().backward()
        return out, x.grad, y.grad

    for ours, theirs in zip(run(tc), run(torch)):
        assert_same_values(ours, theirs)


@pytest.mark.parametrize("shape", [(5,), ()])
def test_pack_padded_sequence_of_a_low_rank_input_raises_index_error(shape):
    raises_like_torch(lambda lib: lib.nn.utils.rnn.pack_padded_sequence(lib.ones(shape), [5]))
    raises_like_torch(lambda lib: lib.nn.utils.rnn.pack_padded_sequence(lib.ones(shape), [5], batch_first=True,
                                                                         enforce_sorted=False))


def test_list_lengths_and_batch_sizes_fail_as_in_torch():
    raises_like_torch(lambda lib: lib.nn.utils.rnn.unpad_sequence(lib.ones(3, 2, 1), (3, 2), batch_first=True))
    raises_like_torch(lambda lib: lib.nn.utils.rnn.unpad_sequence(lib.ones(3, 2, 1), [3, 2, 1]))
    raises_like_torch(lambda lib: lib.nn.utils.rnn.PackedSequence(lib.ones(3, 2), (2, 1)))
    raises_like_torch(lambda lib: lib.nn.utils.rnn.PackedSequence(lib.ones(3, 2), [2, 1]))


# ---- recurrent modules and cells ----

def test_lstm_with_three_state_tensors_is_refused():
    def call(lib):
        lib.manual_seed(0)
        h = lib.zeros(1, 3, 6)
        return lib.nn.LSTM(4, 6)(lib.zeros(5, 3, 4), (h, h, h))
    raises_like_torch(call)


CELL_SIZE_ERRORS = [
    ("RNNCell", (3, 4), [(6,)]),
    ("RNNCell", (4,), [(1, 6)]),
    ("RNNCell", (3, 5), []),
    ("RNNCell", (3, 4), [(3,)]),
    ("GRUCell", (3, 4), [(2, 6)]),
    ("GRUCell", (3, 4), [(3, 5)]),
    ("GRUCell", (3, 4), [(6,)]),
    ("GRUCell", (4,), [(1, 6)]),
    ("LSTMCell", (3, 4), [(6,), (6,)]),
    ("LSTMCell", (4,), [(1, 6), (1, 6)]),
    ("LSTMCell", (3, 4), [(3, 6), (3, 5)]),
    ("LSTMCell", (3, 4), [(3, 6), (2, 6)]),
    ("LSTMCell", (3, 5), []),
]


@pytest.mark.parametrize("cls,input_shape,state_shapes", CELL_SIZE_ERRORS)
def test_cell_size_errors_match_torch(cls, input_shape, state_shapes):
    def call(lib):
        cell = getattr(lib.nn, cls)(4, 6)
        states = [lib.zeros(s) for s in state_shapes]
        if not states:
            return cell(lib.zeros(input_shape))
        return cell(lib.zeros(input_shape), tuple(states) if cls == "LSTMCell" else states[0])
    raises_like_torch(call)


# ---- MultiheadAttention / TransformerEncoderLayer inference fast path ----

def _padding_mask(lib, batch, length):
    mask = np.zeros((batch, length), bool)
    mask[0, length - 2:] = True
    mask[1, :] = True  # every key of sequence 1 is padding
    return lib.tensor(mask)


def _mha_run(lib, torch_module, *, grad_enabled, need_weights=False, fastpath=True, attn_mask_kind=None):
    embed, batch, length = 8, 3, 4
    m = torch_module if lib is torch else copy_module(torch_module, tc.nn.MultiheadAttention(embed, 2, batch_first=True))
    m.eval()
    x = lib.tensor(np.random.default_rng(1).standard_normal((batch, length, embed)).astype(np.float32))
    attn_mask = None
    if attn_mask_kind == "row":
        rows = np.zeros((length, length), bool)
        rows[1, :] = True
        attn_mask = lib.tensor(rows)
    previous = lib.backends.mha.get_fastpath_enabled()
    lib.backends.mha.set_fastpath_enabled(fastpath)
    try:
        with (lib.enable_grad() if grad_enabled else lib.no_grad()):
            out, weights = m(x, x, x, key_padding_mask=_padding_mask(lib, batch, length) if attn_mask is None else None,
                             attn_mask=attn_mask, need_weights=need_weights)
    finally:
        lib.backends.mha.set_fastpath_enabled(previous)
    return out, weights


@pytest.mark.parametrize("grad_enabled,need_weights,fastpath,attn_mask_kind", [
    (False, False, True, None),    # the fast path: the all-padding sequence is NaN
    (False, False, True, "row"),   # a fully masked query row (attn_mask) is NaN there too
    (False, True, True, None),
    (True, False, True, None),     # parameters require grad: regular path, zeros
    (False, False, False, None),   # fast path switched off: zeros
])
def test_mha_fully_masked_rows_follow_torchs_path(grad_enabled, need_weights, fastpath, attn_mask_kind):
    torch.manual_seed(0)
    module = torch.nn.MultiheadAttention(8, 2, batch_first=True)
    ours = _mha_run(tc, module, grad_enabled=grad_enabled, need_weights=need_weights, fastpath=fastpath,
                    attn_mask_kind=attn_mask_kind)
    theirs = _mha_run(torch, module, grad_enabled=grad_enabled, need_weights=need_weights, fastpath=fastpath,
                      attn_mask_kind=attn_mask_kind)
    assert_same_values(ours[0], theirs[0], rtol=1e-4, atol=1e-5)
    assert (ours[1] is None) == (theirs[1] is None)
    if theirs[1] is not None:
        assert_same_values(ours[1], theirs[1], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("grad_enabled", [False, True])
def test_encoder_layer_fast_path_gives_nan_for_all_padding_sequences(norm_first, grad_enabled):
    torch.manual_seed(0)
    theirs_layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True,
                                                    norm_first=norm_first).eval()
    ours_layer = copy_module(theirs_layer, tc.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True,
                                                                        norm_first=norm_first)).eval()
    src = np.random.default_rng(2).standard_normal((3, 5, 8)).astype(np.float32)
    results = []
    for lib, layer in ((tc, ours_layer), (torch, theirs_layer)):
        with (lib.enable_grad() if grad_enabled else lib.no_grad()):
            results.append(layer(lib.tensor(src), src_key_padding_mask=_padding_mask(lib, 3, 5)))
    assert_same_values(results[0], results[1], rtol=1e-4, atol=1e-5)
    assert bool(np.isnan(_numpy(results[1])).any()) == (not grad_enabled)


def test_key_padding_mask_shape_errors_match_torch():
    def call(lib, shape):
        lib.manual_seed(0)
        m = lib.nn.MultiheadAttention(8, 2)
        x = lib.zeros(4, 3, 8)
        return m(x, x, x, key_padding_mask=lib.zeros(shape, dtype=lib.bool))
    raises_like_torch(lambda lib: call(lib, (3, 5)))
    raises_like_torch(lambda lib: call(lib, (4, 3)))


# ---- scaled_dot_product_attention ----

def _sdpa(lib, q, k, v, mask=None, **kwargs):
    tensors = [lib.tensor(a, requires_grad=True) for a in (q, k, v)]
    out = lib.nn.functional.scaled_dot_product_attention(*tensors, attn_mask=None if mask is None else lib.tensor(mask),
                                                         **kwargs)
    out.sin().sum().backward()
    return [out] + [t.grad for t in tensors]


@pytest.mark.parametrize("case", ["float32 mask, float64 query", "negative dropout", "zero-width embedding"])
def test_sdpa_edge_cases_match_torch(case):
    rng = np.random.default_rng(3)
    e = 0 if case == "zero-width embedding" else 6
    q, k, v = rng.standard_normal((2, 4, 3, e)), rng.standard_normal((2, 4, 5, e)), rng.standard_normal((2, 4, 5, 7))
    kwargs = {}
    mask = None
    if case == "float32 mask, float64 query":
        mask = rng.standard_normal((3, 5)).astype(np.float32)
    if case == "negative dropout":
        kwargs["dropout_p"] = -0.5
    for ours, theirs in zip(_sdpa(tc, q, k, v, mask, **kwargs), _sdpa(torch, q, k, v, mask, **kwargs)):
        assert_same_values(ours, theirs)


# ---- EmbeddingBag, ctc_loss ----

@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_with_a_single_last_offset_has_no_bags(mode):
    # (mode='max' crashes PyTorch itself here, so it is left out of the comparison)
    results = []
    for lib in (tc, torch):
        lib.manual_seed(0)
        bag = lib.nn.EmbeddingBag(10, 3, mode=mode, include_last_offset=True)
        out = bag(lib.tensor([1, 2, 3]), lib.tensor([0]))
        results.append((out, out.requires_grad))
    assert_same_values(results[0][0], results[1][0])
    assert results[0][1] == results[1][1]


@pytest.mark.parametrize("input_lengths,target_lengths", [([12, 10], [4, 2, 3]), ([12, 10, 7], [4, 2])])
def test_ctc_loss_length_count_errors(input_lengths, target_lengths):
    def call(lib):
        log_probs = lib.zeros(12, 3, 5).log_softmax(-1)
        return lib.nn.functional.ctc_loss(log_probs, lib.ones(3, 4, dtype=lib.int64), lib.tensor(input_lengths),
                                          lib.tensor(target_lengths))
    error = raises_like_torch(call, same_message=False)
    with pytest.raises(Exception) as theirs:
        call(torch)
    assert str(error).startswith(str(theirs.value))


@pytest.mark.parametrize("cell_cls", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_outputs_print_torchs_grad_fn_names_and_keep_gradients(cell_cls):
    rng = np.random.default_rng(4)
    x, h = rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    torch.manual_seed(0)
    theirs_cell = getattr(torch.nn, cell_cls)(3, 4)
    ours_cell = copy_module(theirs_cell, getattr(tc.nn, cell_cls)(3, 4))
    results = []
    for lib, cell in ((tc, ours_cell), (torch, theirs_cell)):
        xi = lib.tensor(x.astype(np.float32), requires_grad=True)
        hi = lib.tensor(h.astype(np.float32), requires_grad=True)
        out = cell(xi, (hi, hi * 0.5) if cell_cls == "LSTMCell" else hi)
        outs = list(out) if isinstance(out, tuple) else [out]
        sum((o * (i + 2)).tanh().sum() for i, o in enumerate(outs)).backward()
        names = [type(o.grad_fn).__name__ if lib is torch else o.grad_fn.name() for o in outs]
        results.append((outs + [xi.grad, hi.grad, cell.weight_ih.grad], names, repr(outs[0])))
    (ours, our_names, our_repr), (theirs, their_names, their_repr) = results
    assert our_names == their_names
    assert our_repr == their_repr
    for a, b in zip(ours, theirs):
        assert_same_values(a, b, rtol=1e-5, atol=1e-6)


LSTM_CELL_STATE_FORMS = [
    ((4,), lambda lib: lib.ones(2, 6) * 0.5),                                        # unbatched: a tensor's rows
    ((4,), lambda lib: (lib.ones(6) * 0.5, lib.ones(6) * 0.25, lib.ones(6))),        # unbatched: first two used
    ((3, 4), lambda lib: [lib.ones(3, 6) * 0.5, lib.ones(3, 6) * 0.25]),             # a list pair
]


@pytest.mark.parametrize("index", range(len(LSTM_CELL_STATE_FORMS)))
def test_lstm_cell_accepts_the_state_forms_torch_accepts(index):
    input_shape, make_state = LSTM_CELL_STATE_FORMS[index]
    results = []
    for lib in (tc, torch):
        lib.manual_seed(0)
        cell = lib.nn.LSTMCell(4, 6)
        results.append(cell(lib.ones(input_shape) * 0.3, make_state(lib)))
    for ours, theirs in zip(*results):
        assert_same_values(ours, theirs)


LSTM_CELL_BAD_STATES = [
    ((3, 4), lambda lib: lib.ones(3, 6)),        # batched: a tensor is not a tuple
    ((3, 4), lambda lib: (lib.ones(3, 6),)),     # one state
    ((4,), lambda lib: lib.ones(6)),             # rows of a 1-D tensor are 0-D
    ((5, 2, 4), lambda lib: 3),                  # the input's rank is checked first
    ((4,), lambda lib: 3),                       # not iterable
    ((4,), lambda lib: "hx"),                    # elements without .dim()
]


@pytest.mark.parametrize("index", range(len(LSTM_CELL_BAD_STATES)))
def test_lstm_cell_refuses_bad_states_like_torch(index):
    input_shape, make_state = LSTM_CELL_BAD_STATES[index]
    raises_like_torch(lambda lib: lib.nn.LSTMCell(4, 6)(lib.ones(input_shape), make_state(lib)))


def _mha_call(lib, *, batch_first, evaluate, attn_mask=None, key_padding_mask=None, key=None):
    lib.manual_seed(0)
    m = lib.nn.MultiheadAttention(8, 2, batch_first=batch_first)
    if evaluate:
        m.eval()
    x = lib.zeros(2, 4, 8) if batch_first else lib.zeros(4, 2, 8)
    with lib.no_grad():
        return m(x, x if key is None else key, x, attn_mask=attn_mask(lib) if attn_mask else None,
                 key_padding_mask=key_padding_mask(lib) if key_padding_mask else None)


MHA_BAD_MASKS = [
    # non-tensor masks fail in PyTorch's first statement (torch.is_floating_point)
    dict(attn_mask=lambda lib: [[True] * 4] * 4),
    dict(key_padding_mask=lambda lib: [[True] * 4] * 2),
    # on the inference fast path (eval, no grad, batch_first, self-attention) ill-shaped
    # masks fail with RuntimeErrors; elsewhere with the shape check's AssertionErrors
    dict(attn_mask=lambda lib: lib.zeros(4, dtype=lib.bool)),
    dict(key_padding_mask=lambda lib: lib.zeros(4, 4, dtype=lib.bool)),
    dict(key_padding_mask=lambda lib: lib.zeros(4, dtype=lib.bool)),
    dict(attn_mask=lambda lib: lib.zeros(4, 4, dtype=lib.bool), key_padding_mask=lambda lib: lib.zeros(4, 4, dtype=lib.bool)),
    dict(attn_mask=lambda lib: lib.zeros(4, 5, dtype=lib.bool), key_padding_mask=lambda lib: lib.zeros(2, 4, dtype=lib.bool)),
]


@pytest.mark.parametrize("batch_first,evaluate", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("index", range(len(MHA_BAD_MASKS)))
def test_mha_bad_masks_fail_like_torch_on_and_off_the_fast_path(index, batch_first, evaluate):
    masks = MHA_BAD_MASKS[index]
    raises_like_torch(lambda lib: _mha_call(lib, batch_first=batch_first, evaluate=evaluate, **masks))


def test_mha_without_a_key_fails_like_torch():
    def call(lib):
        lib.manual_seed(0)
        return lib.nn.MultiheadAttention(8, 2)(lib.zeros(8), None, None)
    raises_like_torch(call)


@pytest.mark.parametrize("flag", ["is_causal", "enable_gqa"])
@pytest.mark.parametrize("value", [1, None, "yes"])
def test_sdpa_bool_flags_refuse_other_types(flag, value):
    def call(lib):
        q = lib.zeros(2, 2, 3, 4)
        return lib.nn.functional.scaled_dot_product_attention(q, q, q, **{flag: value})
    raises_like_torch(call)


def test_embedding_renorm_wraps_negative_indices_like_torch():
    # PyTorch's embedding_renorm_ takes rows with select(): -1 renormalizes the last row
    # (EmbeddingBag then refuses the index; F.embedding refuses it after renormalizing)
    weights = []
    for lib in (tc, torch):
        w = lib.ones(10, 3) * 2
        with pytest.raises(RuntimeError):
            lib.nn.functional.embedding_bag(lib.tensor([[1, -1]]), w, max_norm=1.0, mode="sum")
        weights.append(w)
    assert_same_values(weights[0], weights[1])
    raises_like_torch(lambda lib: lib.nn.functional.embedding(lib.tensor([10]), lib.ones(10, 3), max_norm=1.0))
    raises_like_torch(lambda lib: lib.nn.functional.embedding(lib.tensor([-11]), lib.ones(10, 3), max_norm=1.0))


def test_embedding_argument_type_errors_match_torch():
    raises_like_torch(lambda lib: lib.nn.functional.embedding([1, 2], lib.ones(10, 3), max_norm=1.0))
    raises_like_torch(lambda lib: lib.nn.EmbeddingBag(10, 3)(lib.tensor([[True, False]])))


def _encoder_pair(norm_first=False):
    torch.manual_seed(0)
    theirs = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, norm_first=norm_first).eval()
    ours = copy_module(theirs, tc.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True,
                                                             norm_first=norm_first)).eval()
    return ours, theirs


@pytest.mark.parametrize("grad_enabled", [False, True])
def test_encoder_layer_fast_path_reads_an_additive_float_mask_as_bool(grad_enabled):
    # On the fast path (eval, no grad) PyTorch's fused kernel masks every nonzero
    # entry of a float mask; with grad enabled the mask is added to the scores.
    ours_layer, theirs_layer = _encoder_pair()
    src = np.random.default_rng(5).standard_normal((2, 5, 8)).astype(np.float32)
    mask = np.random.default_rng(6).standard_normal((5, 5)).astype(np.float32)
    mask[mask < 0] = 0
    mask[:, 0] = 0
    results = []
    for lib, layer in ((tc, ours_layer), (torch, theirs_layer)):
        with (lib.enable_grad() if grad_enabled else lib.no_grad()):
            results.append(layer(lib.tensor(src), src_mask=lib.tensor(mask)))
    assert_same_values(results[0], results[1], rtol=1e-4, atol=1e-5)


def test_encoder_layer_fast_path_ignores_is_causal_without_a_mask():
    ours_layer, theirs_layer = _encoder_pair()
    src = np.random.default_rng(7).standard_normal((2, 5, 8)).astype(np.float32)
    results = []
    for lib, layer in ((tc, ours_layer), (torch, theirs_layer)):
        with lib.no_grad():
            results.append(layer(lib.tensor(src), is_causal=True))
    assert_same_values(results[0], results[1], rtol=1e-4, atol=1e-5)
    # off the fast path the hint without a mask is refused
    raises_like_torch(lambda lib: (ours_layer if lib is tc else theirs_layer)(lib.tensor(src), is_causal=True),
                      same_message=False)


@pytest.mark.parametrize("padding_shape", [(5,), (2, 5, 1), (2, 4), (5, 2)])
@pytest.mark.parametrize("grad_enabled", [False, True])
def test_encoder_nested_path_refuses_ill_shaped_padding_masks(padding_shape, grad_enabled):
    def call(lib):
        lib.manual_seed(0)
        encoder = lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 1).eval()
        with (lib.enable_grad() if grad_enabled else lib.no_grad()):
            return encoder(lib.zeros(2, 5, 8), src_key_padding_mask=lib.zeros(padding_shape, dtype=lib.bool))
    raises_like_torch(call)


PACK_PADDED_MALFORMED = [
    (lambda lib: None, lambda lib: [2, 1], True),                     # input not a tensor
    (lambda lib: None, lambda lib: [2, 1], False),                    # ... index_select first when sorting
    (lambda lib: lib.ones(3, 2, 2), lambda lib: None, True),          # lengths None
    (lambda lib: lib.ones(3, 2, 2), lambda lib: "ab", True),          # lengths a str
    (lambda lib: lib.ones(3, 2, 2), lambda lib: lib.tensor([[3, 2]]), False),  # 2-D lengths, sorted first
    (lambda lib: lib.ones(3, 2, 2), lambda lib: lib.tensor([[3, 2]]), True),
    (lambda lib: lib.ones(3, 2, 2), lambda lib: [], False),           # nothing left to pack
    (lambda lib: lib.zeros(0, 2, 2), lambda lib: [], True),
    (lambda lib: lib.zeros(3, 0, 2), lambda lib: [], True),
]


@pytest.mark.parametrize("index", range(len(PACK_PADDED_MALFORMED)))
def test_pack_padded_sequence_check_order_matches_torch(index):
    make_input, make_lengths, enforce_sorted = PACK_PADDED_MALFORMED[index]
    raises_like_torch(lambda lib: lib.nn.utils.rnn.pack_padded_sequence(make_input(lib), make_lengths(lib),
                                                                         enforce_sorted=enforce_sorted))


CTC_MALFORMED = [
    # (log_probs shape, targets, input_lengths, target_lengths)
    ((6, 2, 4), lambda lib: lib.tensor([[1, 2], [3, 1]]), lambda lib: 6, lambda lib: 2),
    ((6, 2, 4), lambda lib: lib.tensor([[1, 2], [3, 1]]), lambda lib: [6.0, 5], lambda lib: [2, 1]),
    ((6, 2, 4), lambda lib: lib.tensor([[1, 2], [3, 1]]), lambda lib: (6, 5), lambda lib: lib.tensor([2, 1])),
    ((6, 2, 4), lambda lib: [[1, 2], [3, 1]], lambda lib: [6, 5], lambda lib: [2, 1]),
    ((6, 2, 4), lambda lib: lib.tensor([[1, 2], [3, 1]]), lambda lib: lib.tensor([6.0, 5.0]),
     lambda lib: lib.tensor([2, 1])),
    ((6, 2, 4), lambda lib: lib.tensor([[1, 2], [3, 1]]), lambda lib: lib.tensor([6, 5]),
     lambda lib: lib.tensor([True, True])),
    ((6, 2, 4), lambda lib: lib.ones(2, 2, 1, dtype=lib.int64), lambda lib: [6, 5], lambda lib: [2, 1]),
    ((6, 2, 4), lambda lib: lib.tensor(1), lambda lib: [6, 5], lambda lib: [2, 1]),
    ((6, 2, 4), lambda lib: lib.tensor([1, 2]), lambda lib: [6, 5], lambda lib: [2, 1]),
    ((6, 2, 4), lambda lib: lib.tensor([[1, 2]]), lambda lib: [6, 5], lambda lib: [2, 1]),
    ((6, 2, 4), lambda lib: lib.tensor([[1, 2], [3, 1]]), lambda lib: [6, 5], lambda lib: [3, 1]),
    ((6, 2, 4), lambda lib: lib.tensor([[1, 2], [3, 1]]), lambda lib: [7, 5], lambda lib: [2, 1]),
    ((6, 2, 4), lambda lib: lib.tensor([[1, 2], [3, 1]]), lambda lib: [-1, 5], lambda lib: [-1, 1]),
    ((4,), lambda lib: lib.tensor([1]), lambda lib: [6], lambda lib: [1]),
    ((6, 2, 4, 1), lambda lib: lib.tensor([[1, 2], [3, 1]]), lambda lib: [6, 5], lambda lib: [2, 1]),
]


@pytest.mark.parametrize("index", range(len(CTC_MALFORMED)))
def test_ctc_loss_malformed_calls_fail_like_torch(index):
    shape, targets, input_lengths, target_lengths = CTC_MALFORMED[index]

    def call(lib):
        log_probs = lib.zeros(shape).log_softmax(-1)
        return lib.nn.functional.ctc_loss(log_probs, targets(lib), input_lengths(lib), target_lengths(lib))
    error = raises_like_torch(call, same_message=False)
    with pytest.raises(Exception) as theirs:
        call(torch)
    assert str(error).split("\n")[0].startswith(str(theirs.value).split("\n")[0].split(" - got")[0])


def test_ctc_loss_accepts_two_dimensional_length_tensors_like_torch():
    rng = np.random.default_rng(8)
    log_probs = rng.standard_normal((6, 2, 4))
    results = []
    for lib in (tc, torch):
        lp = lib.tensor(log_probs).log_softmax(-1)
        results.append(lib.nn.functional.ctc_loss(lp, lib.tensor([[1, 2], [3, 1]]), lib.tensor([[6, 5]]),
                                                  lib.tensor([2, 1]), reduction="none"))
    assert_same_values(results[0], results[1])


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_last_offset_short_of_the_input_matches_torch(mode):
    # include_last_offset with a closing offset before len(input): PyTorch's sum
    # stops there, its mean divides by the count to the end (Note [include_last_offset end])
    results = []
    for lib in (tc, torch):
        lib.manual_seed(0)
        bag = lib.nn.EmbeddingBag(10, 3, mode=mode, include_last_offset=True)
        indices = lib.tensor([1, 2, 4, 5, 4, 3])
        weights = lib.arange(6.0) if mode == "sum" else None
        out = bag(indices, lib.tensor([0, 2, 4]), per_sample_weights=weights)
        out.sum().backward()
        results.append((out, bag.weight.grad))
    assert_same_values(results[0][0], results[1][0])
    if mode == "mean":  # (PyTorch's sum backward reads uninitialized memory for the rows past the offset)
        assert_same_values(results[0][1], results[1][1])


EMBEDDING_BAG_MALFORMED = [
    lambda lib: lib.nn.EmbeddingBag(10, 3)(lib.tensor([1, 2]), lib.tensor([0, 1]),
                                           per_sample_weights=lib.ones(2, dtype=lib.float64)),
    lambda lib: lib.nn.EmbeddingBag(10, 3, mode="mean")(lib.tensor([1, 2]), lib.tensor([0.0, 1.0]),
                                                        per_sample_weights=lib.ones(2)),
    lambda lib: lib.nn.EmbeddingBag(10, 3, include_last_offset=True)(lib.tensor([], dtype=lib.int64),
                                                                     lib.tensor([0, 2])),
    lambda lib: lib.nn.functional.embedding(lib.tensor([1.0]), lib.ones(10, 3), max_norm=1.0),
]


@pytest.mark.parametrize("index", range(len(EMBEDDING_BAG_MALFORMED)))
def test_embedding_bag_malformed_calls_fail_like_torch(index):
    raises_like_torch(EMBEDDING_BAG_MALFORMED[index], same_message=False)


PACKED_LSTM_MALFORMED = [
    lambda lib: (lib.ones(5, 3, 2).double(), None),             # input dtype: the kernel's matmul error
    lambda lib: (lib.ones(5, 3, 2), lib.zeros(1, 3, 4)),        # one tensor for (h, c): the parser's TypeError
    lambda lib: (lib.ones(5, 3, 2), (lib.zeros(3, 4), lib.zeros(3, 4))),  # 2-D states: IndexError at dim 2
]


@pytest.mark.parametrize("index", range(len(PACKED_LSTM_MALFORMED)))
def test_packed_lstm_malformed_calls_fail_like_torch(index):
    def call(lib):
        lib.manual_seed(0)
        padded, hx = PACKED_LSTM_MALFORMED[index](lib)
        packed = lib.nn.utils.rnn.pack_padded_sequence(padded, [5, 3, 2])
        lstm = lib.nn.LSTM(2, 4)
        return lstm(packed) if hx is None else lstm(packed, hx)
    raises_like_torch(call, same_message=index != 1)  # (the parser's TypeError lists its per-overload details)
