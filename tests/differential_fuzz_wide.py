"""The differential fuzzer's wide op families (`--ops wide`): nn.functional,
torch.linalg, torch.fft, torch.special and the torch/Tensor ops the classic
families leave out, each with malformed variants.

    PYTHONPATH=src python tests/differential_fuzz.py --ops wide --calls 3000 --seed 1 --dtypes all

Note [Wide ops]
The classic run promises that a seed generates the sequence it always did
(differential_fuzz.py, Note [Two dtype sets]), and adding a family or an op to
a classic list changes which calls a seed draws. So the wide ops live here, in
a `Gen` subclass that only `ops="wide"` builds: the classic families keep
their weights, and the wide families are drawn besides them. Within a wide
family a new op may be appended at any time (the wide sequences make no
promise); the CI run pins one seed of it only for crashes and wrong values.

Each generator draws a mostly well-formed call and, with a small
probability per argument, a malformed one: a wrong dtype, a wrong, negative
or out-of-range dim, mismatched shapes, empty and 0-dim tensors,
non-contiguous or expanded inputs (`T`'s layouts), None/str/float where an int
belongs (`Gen.maybe`), out= of the wrong dtype or shape, in-place writes on a
leaf that requires grad or on an expanded view.

Two `T` options keep the well-formed calls meaningful: `bound` draws integers
in [0, bound) (class targets, indices, embedding ids), `wellcond` adds 8 on
the diagonal of square matrices, so solvers and inverses compare at the usual
tolerances (a nearly singular matrix's inverse is not a property of either
library). Such matrices keep layouts that leave the diagonal where it is.
Results that are unique only up to signs or order (qr, svd, eigh, eig's
vectors) compare shapes and dtypes only; their unique parts (svdvals,
eigvalsh) compare values.
"""
import differential_fuzz as df
from differential_fuzz import D, GRAD_DTYPES, Call, Gen, T


class WideGen(Gen):
    """`Gen` with the wide families (Note [Wide ops])."""

    FAMILIES = Gen.FAMILIES + ["nn", "linalg", "spectral", "tensor_ops", "inplace_wide", "out_wide",
                               "autograd_wide"]
    WEIGHTS = Gen.WEIGHTS + [6, 4, 3, 7, 4, 3, 3]

    # -- building blocks
    def fl(self, shape=None, rg=None, layout=None, dtype=None):
        """A floating tensor, now and then of another dtype (a malformed call)."""
        if dtype is None:
            dtype = self.dtype(floats=True) if self.r.random() < 0.9 else self.dtype()
        return self.tensor(shape, dtype, rg=rg, layout=layout)

    def idx(self, shape, bound, dtype="int64"):
        """Indices in [0, bound) (sometimes out of range, or of another dtype)."""
        r = self.r
        if r.random() < 0.08:
            dtype = r.choice(["int32", "float32", "bool", "int16" if self.all_dtypes else "int32"])
        t = self.tensor(shape, dtype, rg=False, layout=r.choice(["contiguous"] * 4 + ["strided", "expanded"]))
        t.bound = bound + (r.randint(1, 3) if r.random() < 0.06 else 0)
        return t

    def mat(self, shape, dtype=None, rg=None):
        """A well-conditioned matrix (Note [Wide ops]): layouts that keep its diagonal."""
        r = self.r
        dt = dtype or r.choice(["float64", "float64", "float32", "complex128" if self.all_dtypes else "float64"])
        layout = r.choice(["contiguous", "contiguous", "offset"] + (["transposed"] if len(shape) == 2 else []))
        t = self.tensor(shape, dt, rg=rg, layout=layout)
        t.wellcond, t.special = True, False
        return t

    def some_dims(self, nd):
        r = self.r
        if r.random() < 0.15:
            return r.choice([self.bad_dim(nd), [0, 0], (nd,), "x"])
        n = max(nd, 1)
        return tuple(sorted(set(r.randint(-n, n - 1) for _ in range(r.randint(1, 2)))))

    def call(self):
        """As Gen.call, resolving dotted names (nn.functional.relu) inside the library."""
        while True:
            c = getattr(self, self.r.choices(self.FAMILIES, self.WEIGHTS)[0])()
            name = c.target if isinstance(c.target, str) else c.target[1]
            if c.kind == "fn" or (c.kind == "backward" and isinstance(c.target, str)):
                ok = _has(self.tc, name)
            elif c.kind in ("method", "attr", "backward"):
                ok = hasattr(self.tc.Tensor, name)
            else:
                ok = True
            if ok:
                return c
            self.missing[name] += 1

    # -- nn.functional
    ACTIVATIONS = ["relu", "gelu", "silu", "leaky_relu", "elu", "softplus", "hardtanh", "logsigmoid", "softsign",
                   "hardswish", "hardsigmoid", "mish", "relu6", "selu", "celu", "glu", "softmin", "tanhshrink",
                   "softshrink", "hardshrink", "threshold", "prelu", "rrelu"]
    LOSSES = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
              "binary_cross_entropy_with_logits", "kl_div", "cross_entropy", "nll_loss", "soft_margin_loss",
              "poisson_nll_loss", "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss"]

    def nn(self):
        r = self.r
        kind = r.choice(["act", "act", "act", "linear", "norm", "conv", "pool", "pad", "interp", "loss", "loss",
                         "misc"])
        F = "nn.functional."
        if kind == "act":
            op = r.choice(self.ACTIVATIONS)
            x = self.fl(rg=r.random() < 0.2)
            kw = {}
            args = (x,)
            if op == "gelu" and r.random() < 0.4:
                kw["approximate"] = r.choice(["tanh", "none", "bad"])
            elif op == "leaky_relu":
                args = (x, r.choice([0.01, 0.2, -1.0, "a"]))
            elif op in ("elu", "celu"):
                kw["alpha"] = r.choice([1.0, 0.5, 0.0, -1.0])
            elif op == "softplus":
                kw = {"beta": r.choice([1, 2, 0.5, 0]), "threshold": r.choice([20, 1, -1])}
            elif op == "hardtanh":
                args = (x, r.choice([-1.0, 0.0, 2.0]), r.choice([1.0, -2.0, 0.5]))
            elif op in ("glu", "softmin"):
                args = (x, self.dim(len(x.shape)))
            elif op in ("softshrink", "hardshrink"):
                args = (x, r.choice([0.5, 0.0, -1.0, 2]))
            elif op == "threshold":
                args = (x, r.choice([0.1, 1, -1.0]), r.choice([0.0, 20, -2.5]))
            elif op == "prelu":
                c = x.shape[1] if len(x.shape) > 1 else 1
                args = (x, self.fl([r.choice([1, c, c + 1])], rg=r.random() < 0.3))
            elif op == "rrelu":
                kw["training"] = False
            if op in ("relu", "leaky_relu", "elu", "hardtanh", "relu6", "selu", "celu", "threshold", "rrelu",
                      "hardswish", "hardsigmoid", "silu", "mish") and r.random() < 0.25:
                kw["inplace"] = True  # a leaf that requires grad, an expanded view: refused as PyTorch
            return Call("nn", "fn", F + op, args, kw, "values")
        if kind == "linear":
            fin, fout = r.randint(0, 4), r.randint(1, 3)
            x = self.fl(self.shape(r.randint(0, 2)) + [fin])
            w = self.fl([fout, fin + (r.random() < 0.1)])
            if r.random() < 0.5:
                op, args = "linear", (x, self.maybe(w), r.choice([None, self.fl([fout]), self.fl([fout + 1])]))
            else:
                x2 = self.fl(list(x.shape[:-1]) + [r.randint(1, 3)])
                w = self.fl([fout, fin, x2.shape[-1] + (r.random() < 0.1)])
                op, args = "bilinear", (x, x2, w, r.choice([None, self.fl([fout])]))
            return Call("nn", "fn", F + op, args, {}, "values")
        if kind == "norm":
            op = r.choice(["layer_norm", "batch_norm", "group_norm", "instance_norm", "normalize", "rms_norm",
                           "local_response_norm"])
            x = self.fl(self.shape(r.randint(1, 4), zero=0.04))
            nd, sh = len(x.shape), list(x.shape)
            c = sh[1] if nd > 1 else 1
            if op in ("layer_norm", "rms_norm"):
                ns = sh[-r.randint(1, nd):] if r.random() < 0.9 else [s + 1 for s in sh[-1:]]
                w = r.choice([None, self.fl(ns), self.fl([7])])
                args = (x, self.maybe(ns))
                kw = {"weight": w, "eps": r.choice([1e-5, 0.1])}
                if op == "layer_norm":
                    kw["bias"] = r.choice([None, self.fl(ns)])
                return Call("nn", "fn", F + op, args, kw, "values")
            if op == "batch_norm":
                rm = r.choice([None, self.fl([c], rg=False), self.fl([c + 1], rg=False)])
                rv = None if rm is None else self.fl([c], rg=False, dtype=rm.dtype)
                if rv is not None:
                    rv.bound = 3  # a non-negative running variance
                kw = {"weight": r.choice([None, self.fl([c])]), "bias": r.choice([None, self.fl([c])]),
                      "training": r.choice([True, False]) if rm is not None else True,
                      "momentum": r.choice([0.1, 0.5]), "eps": 1e-5}
                return Call("nn", "fn", F + op, (x, rm, rv), kw, "values")
            if op == "group_norm":
                g = r.choice([1, 2, c, 3])
                return Call("nn", "fn", F + op, (x, self.maybe(g)), {"weight": r.choice([None, self.fl([c])]),
                                                                     "bias": r.choice([None, self.fl([c])])},
                            "values")
            if op == "instance_norm":
                return Call("nn", "fn", F + op, (x,), {"weight": r.choice([None, self.fl([c])]),
                                                        "bias": r.choice([None, self.fl([c])])}, "values")
            if op == "local_response_norm":
                return Call("nn", "fn", F + op, (x, r.choice([1, 2, 3, 0])), {}, "values")
            return Call("nn", "fn", F + op, (x,), {"p": r.choice([2, 1, 0, float("inf"), -1]),
                                                   "dim": self.dim(nd)}, "values")
        if kind == "conv":
            op = r.choice(["conv1d", "conv2d", "conv2d", "conv_transpose2d"])
            n_sp = 1 if op == "conv1d" else 2
            g = r.choice([1, 1, 2])
            cin = g * r.randint(1, 2)
            cout = g * r.randint(1, 2)
            k = [r.randint(1, 3) for _ in range(n_sp)]
            x = self.fl([r.randint(1, 2), cin] + [r.randint(2, 5) for _ in range(n_sp)])
            if r.random() < 0.1:
                x.shape = x.shape[1:]  # unbatched (valid) or a wrong rank
            if op == "conv_transpose2d":
                w = self.fl([cin + (r.random() < 0.05), cout // g] + k)
            else:
                w = self.fl([cout, cin // g + (r.random() < 0.05)] + k)
            kw = {"stride": self.maybe(r.choice([1, 2, 0, -1]) if r.random() < 0.2 else 1),
                  "padding": r.choice([0, 1, 0, "same", "valid", -1]) if op != "conv_transpose2d" else r.choice(
                      [0, 1]), "dilation": r.choice([1, 1, 2, 0]), "groups": r.choice([g, g, g, 0, 3])}
            if kw["padding"] == "same" and kw["stride"] != 1:
                kw["stride"] = 1 if r.random() < 0.7 else kw["stride"]
            bias = r.choice([None, self.fl([cout]), self.fl([cout + 1])])
            return Call("nn", "fn", F + op, (x, w, bias), kw, "values")
        if kind == "pool":
            op = r.choice(["max_pool2d", "avg_pool2d", "max_pool1d", "avg_pool1d", "adaptive_avg_pool2d",
                           "adaptive_max_pool2d", "adaptive_avg_pool1d", "lp_pool2d"])
            n_sp = 1 if op.endswith("1d") else 2
            x = self.fl([r.randint(1, 2), r.randint(1, 2)][:r.choice([1, 2, 2])] +
                        [r.randint(0 if r.random() < 0.05 else 1, 5) for _ in range(n_sp)])
            if op.startswith("adaptive"):
                out = r.choice([1, 2, 3, (2, 1), (None, 2), 0, -1]) if n_sp == 2 else r.choice([1, 2, 3, 0])
                return Call("nn", "fn", F + op, (x, out), {}, "values")
            ksz = r.choice([1, 2, 3, (2, 1), 0]) if n_sp == 2 else r.choice([1, 2, 3, 0])
            if op == "lp_pool2d":
                return Call("nn", "fn", F + op, (x, r.choice([1, 2, 3.0]), ksz), {}, "values")
            kw = {"stride": r.choice([None, 1, 2]), "padding": r.choice([0, 0, 1, 2]),
                  "ceil_mode": r.random() < 0.3}
            if op.startswith("max") and r.random() < 0.3:
                kw["dilation"] = r.choice([1, 2])
            if op.startswith("avg") and r.random() < 0.3:
                kw["count_include_pad"] = False
            return Call("nn", "fn", F + op, (x, ksz), kw, "values")
        if kind == "pad":
            x = self.tensor()
            nd = len(x.shape)
            pad = [r.randint(-1, 2) for _ in range(r.choice([2, 2, 4, 2 * nd + 2, 1, 0]))]
            mode = r.choice(["constant", "constant", "reflect", "replicate", "circular", "bad"])
            kw = {"mode": mode}
            if mode == "constant" and r.random() < 0.5:
                kw["value"] = r.choice([1.5, -1, 0])
            return Call("nn", "fn", F + "pad", (x, tuple(pad) if r.random() < 0.5 else pad), kw, "values")
        if kind == "interp":
            n_sp = r.choice([1, 2])
            x = self.fl([r.randint(1, 2), r.randint(1, 2)] + [r.randint(1, 4) for _ in range(n_sp)])
            mode = r.choice(["nearest", "nearest", "linear", "bilinear", "bicubic", "nearest-exact", "area"])
            kw = {"mode": mode}
            if r.random() < 0.5:
                kw["size"] = r.choice([3, 2, (3, 2), 0, [4]] if n_sp == 2 else [3, 2, 5, 0, (2, 2)])
            else:
                kw["scale_factor"] = r.choice([2, 0.5, 1.5, (2, 1), -1])
            if mode in ("linear", "bilinear", "bicubic") and r.random() < 0.5:
                kw["align_corners"] = r.choice([True, False])
            return Call("nn", "fn", F + "interpolate", (x,), kw, "values")
        if kind == "loss":
            op = r.choice(self.LOSSES)
            red = r.choice(["mean", "mean", "sum", "none", "bad"])
            if op in ("cross_entropy", "nll_loss"):
                n, c = r.randint(0, 3), r.randint(1, 4)
                extra = [r.randint(1, 2)] if r.random() < 0.2 else []
                x = self.fl(([n] if r.random() < 0.9 else []) + [c] + extra, rg=r.random() < 0.2)
                if op == "cross_entropy" and r.random() < 0.2:
                    tgt = self.fl(list(x.shape), rg=False)  # class probabilities
                else:
                    tgt = self.idx([n] + extra if len(x.shape) > 1 else [], c)
                    if r.random() < 0.05:
                        tgt.shape = tgt.shape + (1,)
                kw = {"reduction": red}
                if r.random() < 0.3:
                    kw["weight"] = self.fl([c + (r.random() < 0.1)], rg=False)
                if r.random() < 0.2:
                    kw["ignore_index"] = r.choice([0, -100, 1])
                if op == "cross_entropy" and r.random() < 0.2:
                    kw["label_smoothing"] = r.choice([0.1, 0.0, 1.5])
                return Call("nn", "fn", F + op, (x, tgt), kw, "values")
            x = self.fl(rg=r.random() < 0.2)
            y = self.fl(self.bcast_shape(x.shape) if r.random() < 0.25 else list(x.shape), rg=r.random() < 0.1)
            kw = {"reduction": red}
            if op == "binary_cross_entropy" and r.random() < 0.7:
                x.bound = y.bound = 2  # values 0 and 1 (an in-range probability); else PyTorch's range check
                x.special = False
            if op in ("smooth_l1_loss", "huber_loss") and r.random() < 0.4:
                kw["beta" if op == "smooth_l1_loss" else "delta"] = r.choice([0.5, 0.0, 2.0, -1.0])
            if op == "kl_div" and r.random() < 0.4:
                kw["log_target"] = True
            if op == "binary_cross_entropy_with_logits" and r.random() < 0.3:
                kw["pos_weight"] = self.fl(self.bcast_shape(x.shape), rg=False)
            if op == "margin_ranking_loss":
                return Call("nn", "fn", F + op, (x, y, self.fl(list(x.shape), rg=False)), kw, "values")
            if op == "cosine_embedding_loss":
                return Call("nn", "fn", F + op, (x, y, self.fl(list(x.shape[:1]), rg=False)), kw, "values")
            return Call("nn", "fn", F + op, (x, y), kw, "values")
        op = r.choice(["one_hot", "embedding", "cosine_similarity", "pairwise_distance", "dropout", "unfold",
                       "fold", "pixel_shuffle", "pixel_unshuffle", "scaled_dot_product_attention", "softmax",
                       "log_softmax", "gumbel_softmax", "affine_grid", "channel_shuffle", "alpha_dropout"])
        if op == "one_hot":
            n = r.randint(1, 4)
            return Call("nn", "fn", F + op, (self.idx(self.shape(r.randint(0, 2)), n),
                                             r.choice([-1, n, n + 2, 0, 2.5])), {}, "values")
        if op == "embedding":
            n, d = r.randint(1, 4), r.randint(1, 3)
            kw = {}
            if r.random() < 0.3:
                kw["padding_idx"] = r.choice([0, -1, n, n + 5])
            if r.random() < 0.15:
                kw["max_norm"] = 1.0  # renormalises the weight rows in place
            return Call("nn", "fn", F + op, (self.idx(self.shape(r.randint(0, 2)), n), self.fl([n, d])), kw,
                        "values")
        if op in ("cosine_similarity", "pairwise_distance"):
            x = self.fl()
            y = self.fl(self.bcast_shape(x.shape))
            kw = {"dim": self.dim(len(x.shape))} if op == "cosine_similarity" else {
                "p": r.choice([2, 1, 0, -1, float("inf")]), "keepdim": r.random() < 0.3}
            return Call("nn", "fn", F + op, (x, y), kw, "values")
        if op in ("dropout", "alpha_dropout"):
            x = self.fl(rg=r.random() < 0.2)
            p = r.choice([0.0, 1.0, 0.5, -0.1, 1.5])
            training = r.choice([False, True])
            deterministic = not training or p in (0.0, 1.0) and op == "dropout"
            kw = {"p": p, "training": training}
            if r.random() < 0.2:
                kw["inplace"] = True
            return Call("nn", "fn", F + op, (x,), kw, "values" if deterministic else "meta")
        if op in ("unfold", "fold"):
            if op == "unfold":
                x = self.fl([r.randint(1, 2), r.randint(1, 2), r.randint(1, 4), r.randint(1, 4)][r.choice([0, 0, 1]):])
                return Call("nn", "fn", F + op, (x, r.choice([1, 2, (2, 1), 5, 0])),
                            {"stride": r.choice([1, 2]), "padding": r.choice([0, 1])}, "values")
            k = r.choice([1, 2])
            blocks = (4 - k + 1) ** 2 if r.random() < 0.9 else 3
            x = self.fl([r.randint(1, 2), r.randint(1, 2) * k * k, blocks])
            return Call("nn", "fn", F + op, (x, (4, 4), k), {}, "values")
        if op in ("pixel_shuffle", "pixel_unshuffle", "channel_shuffle"):
            f = r.choice([1, 2, 3])
            x = self.tensor([1, r.choice([1, 2, 4, 8]), r.choice([2, 4]), r.choice([2, 4, 3])][r.choice([0, 0, 1]):])
            return Call("nn", "fn", F + op, (x, f), {}, "values")
        if op == "scaled_dot_product_attention":
            b, L, S, e = r.randint(1, 2), r.randint(0, 3), r.randint(1, 3), r.randint(1, 3)
            q = self.fl([b, L, e])
            k = self.fl([b, S, e + (r.random() < 0.05)], dtype=q.dtype)
            v = self.fl([b, S, r.randint(1, 3)], dtype=q.dtype)
            kw = {}
            if r.random() < 0.3:
                kw["attn_mask"] = self.tensor([L, S], r.choice(["bool", q.dtype]), rg=False)
            elif r.random() < 0.3:
                kw["is_causal"] = True
            if r.random() < 0.2:
                kw["scale"] = r.choice([0.5, 1.0])
            return Call("nn", "fn", F + op, (q, k, v), kw, "values")
        if op in ("softmax", "log_softmax"):
            x = self.tensor()
            kw = {"dim": self.dim(len(x.shape))}
            if r.random() < 0.3:
                kw["dtype"] = D(self.dtype())
            return Call("nn", "fn", F + op, (x,), kw, "values")
        if op == "gumbel_softmax":
            return Call("nn", "fn", F + op, (self.fl(),), {"hard": r.random() < 0.5}, "meta")
        if op == "affine_grid":
            n = r.randint(1, 2)
            theta = self.fl([n, 2, 3] if r.random() < 0.9 else [n, 3, 3])
            return Call("nn", "fn", F + op, (theta, [n, 1, r.randint(1, 3), r.randint(1, 3)]),
                        {"align_corners": r.random() < 0.5}, "values")
        raise AssertionError(op)

    # -- torch.linalg
    def linalg(self):
        r = self.r
        op = r.choice(["inv", "det", "slogdet", "solve", "cholesky", "qr", "svd", "svdvals", "eigh", "eigvalsh",
                       "eigvals", "norm", "vector_norm", "matrix_norm", "pinv", "matrix_power", "matrix_rank",
                       "lstsq", "cross", "multi_dot", "vecdot", "solve_triangular", "lu_factor", "inv_ex",
                       "matrix_exp", "diagonal", "cond", "trace", "logdet", "inverse", "cholesky_solve", "lu",
                       "eig", "vander", "tensorinv"])
        n = r.choice([1, 2, 3, 3, 0])
        batch = r.choice([[], [], [2], [0], [2, 1]])
        sq = batch + [n, n]
        if r.random() < 0.08:
            sq = batch + [n, n + 1]  # not square
        if r.random() < 0.05:
            sq = [n]  # a vector
        dt = r.choice(["float64", "float64", "float32", "complex128" if self.all_dtypes else "float64"])
        if r.random() < 0.07:
            dt = r.choice(["int64", "bool", "int32", "float16" if self.all_dtypes else "int64"])
        A = self.mat(sq, dt, rg=r.random() < 0.1)
        L = "linalg."
        if op in ("inv", "det", "slogdet", "matrix_exp", "inv_ex", "cond", "pinv"):
            return Call("linalg", "fn", L + op, (A,), {}, "values")
        if op in ("trace", "logdet", "inverse"):
            return Call("linalg", "fn", op, (A if op != "trace" else self.tensor(self.shape(r.choice([1, 2, 2, 3]))),),
                        {}, "values")
        if op in ("solve", "cholesky_solve", "solve_triangular"):
            k = r.choice([1, 2])
            B = self.fl(r.choice([batch + [n, k], batch + [n, k], batch + [n], [n + 1, k], [3, n, k]]),
                        dtype=A.dtype if r.random() < 0.9 else None)
            B.special = False
            if op == "solve":
                kw = {"left": False} if r.random() < 0.15 else {}
                if kw:
                    B.shape = tuple(B.shape[:-2]) + (k, n) if len(B.shape) >= 2 else B.shape
                return Call("linalg", "fn", L + op, (A, B), kw, "values")
            if op == "solve_triangular":
                return Call("linalg", "fn", L + op, (A, B), {"upper": r.choice([True, False, None])}, "values")
            return Call("linalg", "fn", op, (B, A), {"upper": r.random() < 0.5}, "values")
        if op in ("cholesky", "eigvalsh", "svdvals", "eigvals"):
            kw = {"upper": r.random() < 0.5} if op == "cholesky" and r.random() < 0.3 else {}
            if op == "eigvalsh" and r.random() < 0.3:
                kw["UPLO"] = r.choice(["L", "U", "X"])
            return Call("linalg", "fn", L + op, (A,), kw, "values" if op != "eigvals" else "meta")
        if op in ("qr", "svd", "eigh", "lu_factor", "lu", "eig"):
            kw = {}
            if op == "qr" and r.random() < 0.4:
                kw["mode"] = r.choice(["reduced", "complete", "r", "bad"])
            if op == "svd" and r.random() < 0.4:
                kw["full_matrices"] = r.choice([True, False])
            return Call("linalg", "fn", L + op, (A,), kw, "meta")
        if op in ("norm", "vector_norm", "matrix_norm"):
            x = self.tensor(self.shape(r.randint(0, 3)), dt)
            nd = len(x.shape)
            if op == "vector_norm":
                kw = {"ord": r.choice([2, 1, 0, float("inf"), -float("inf"), 3, 0.5, -1, "fro"])}
                if r.random() < 0.5:
                    kw["dim"] = self.some_dims(nd)
            elif op == "matrix_norm":
                kw = {"ord": r.choice(["fro", "nuc", 1, -1, 2, float("inf"), 3, "bad"])}
            else:
                kw = {"ord": r.choice([None, None, 2, 1, "fro", "nuc", float("inf"), 0])}
                if r.random() < 0.5:
                    kw["dim"] = r.choice([self.dim(nd), (0, 1), (-2, -1), None])
            if r.random() < 0.3:
                kw["keepdim"] = True
            if r.random() < 0.1:
                kw["dtype"] = D(self.dtype())
            if kw.get("ord") in ("nuc", 2, -2) and op != "vector_norm":
                x.special = False  # an SVD of NaN/inf: LAPACK's error or garbage
            return Call("linalg", "fn", L + op, (x,), kw, "values")
        if op == "matrix_power":
            return Call("linalg", "fn", L + op, (A, self.maybe(r.choice([0, 1, 2, 3, -1, -2]))), {}, "values")
        if op == "matrix_rank":
            return Call("linalg", "fn", L + op, (A,), {"hermitian": r.random() < 0.2}, "values")
        if op == "lstsq":
            B = self.fl(batch + [n, r.randint(1, 2)], dtype=A.dtype)
            B.special = False
            return Call("linalg", "fn", L + op, (A, B), {}, "meta")
        if op == "cross":
            s = self.shape(r.randint(1, 2)) + [r.choice([3, 3, 3, 2])]
            x = self.tensor(s, dt if dt in GRAD_DTYPES else "int64")
            y = self.tensor(self.bcast_shape(s) if r.random() < 0.3 else s, x.dtype)
            return Call("linalg", "fn", L + op, (x, y), {"dim": r.choice([-1, -1, 0, 5])}, "values")
        if op == "multi_dot":
            mats = [self.fl([2, 3]), self.fl([3, r.choice([1, 4])]), self.fl([r.choice([1, 4, 2]), 2])]
            for m in mats:
                m.dtype = mats[0].dtype if r.random() < 0.9 else m.dtype
            return Call("linalg", "fn", L + op, (mats[:r.randint(0, 3)],), {}, "values")
        if op == "vecdot":
            x = self.tensor(dtype=dt if dt in GRAD_DTYPES else "float32")
            y = self.tensor(self.bcast_shape(x.shape), x.dtype)
            return Call("linalg", "fn", L + op, (x, y), {"dim": self.dim(len(x.shape))}, "values")
        if op == "diagonal":
            return Call("linalg", "fn", L + op, (self.tensor(),), {"offset": r.randint(-1, 1)}, "values")
        if op == "vander":
            return Call("linalg", "fn", L + op, (self.tensor(self.shape(r.randint(0, 2))),),
                        {"N": r.choice([None, 3, 0, -1])} if r.random() < 0.5 else {}, "values")
        if op == "tensorinv":
            return Call("linalg", "fn", L + op, (self.mat([2, 2, 4] if r.random() < 0.8 else [2, 3, 4]),),
                        {"ind": r.choice([2, 1])}, "meta")
        raise AssertionError(op)

    # -- torch.fft and torch.special
    def spectral(self):
        r = self.r
        if r.random() < 0.55:
            op = r.choice(["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2", "irfft2",
                           "fftn", "ifftn", "rfftn", "irfftn", "fftshift", "ifftshift", "fftfreq", "rfftfreq"])
            if op in ("fftfreq", "rfftfreq"):
                kw = {"d": r.choice([1.0, 0.5, 0])} if r.random() < 0.4 else {}
                if r.random() < 0.2:
                    kw["dtype"] = D(self.dtype())
                return Call("spectral", "fn", "fft." + op, (r.choice([0, 1, 4, 5, -1]),), kw, "values")
            x = self.tensor(self.shape(r.choice([1, 1, 2, 3, 0])))
            nd = len(x.shape)
            if op in ("fftshift", "ifftshift"):
                kw = {"dim": self.some_dims(nd)} if r.random() < 0.5 else {}
                return Call("spectral", "fn", "fft." + op, (x,), kw, "values")
            kw = {}
            if r.random() < 0.3:
                kw["norm"] = r.choice(["forward", "backward", "ortho", None, "bad"])
            if op[-1] in "tn" or not op[-1].isdigit():
                pass
            if op.endswith("2") or op.endswith("n"):
                if r.random() < 0.4:
                    kw["s"] = r.choice([(2, 2), (3,), (0, 1), (-1, 2)])
                if r.random() < 0.4:
                    kw["dim"] = self.some_dims(nd)
            else:
                if r.random() < 0.3:
                    kw["n"] = r.choice([1, 4, 0, -1, 2.5])
                if r.random() < 0.4:
                    kw["dim"] = self.dim(nd)
            return Call("spectral", "fn", "fft." + op, (x,), kw, "values")
        op = r.choice(["expit", "erfc", "xlog1py", "ndtr", "entr", "i0", "sinc", "gammaln", "logit", "multigammaln",
                       "polygamma", "psi", "round", "xlogy", "logsumexp", "softmax", "exp2", "expm1", "log1p",
                       "erfinv", "gammainc", "ndtri", "log_ndtr", "i0e", "i1", "erfcx", "bessel_j0", "zeta"])
        x = self.tensor()
        S = "special."
        if op in ("xlog1py", "xlogy", "gammainc", "zeta"):
            return Call("spectral", "fn", S + op, (x, r.choice([self.tensor(self.bcast_shape(x.shape)),
                                                                self.scalar()])), {}, "values")
        if op == "logit":
            return Call("spectral", "fn", S + op, (x,), {"eps": r.choice([None, 1e-6, 0.1])}, "values")
        if op == "multigammaln":
            x.special = False
            return Call("spectral", "fn", S + op, (x, r.choice([1, 2, 0])), {}, "values")
        if op == "polygamma":
            return Call("spectral", "fn", S + op, (r.choice([0, 1, 2, -1]), x), {}, "values")
        if op == "round":
            return Call("spectral", "fn", S + op, (x,), {"decimals": r.choice([0, 1, -1])}, "values")
        if op in ("logsumexp", "softmax"):
            return Call("spectral", "fn", S + op, (x, self.dim(len(x.shape))), {}, "values")
        return Call("spectral", "fn", S + op, (x,), {}, "values")

    # -- torch functions and Tensor methods the classic families leave out
    UNARY_MORE = ["tan", "acos", "cosh", "asinh", "atanh", "acosh", "erfc", "sinc", "i0", "rad2deg", "absolute",
                  "angle", "negative", "arcsin", "arctan", "isposinf", "isneginf", "isreal", "conj_physical",
                  "ravel", "fliplr", "flipud", "atleast_1d", "atleast_2d", "atleast_3d", "nonzero", "argwhere",
                  "cummin", "nanmedian", "frexp", "real", "imag", "view_as_real", "logdet", "trace", "diagflat",
                  "adjoint", "resolve_conj", "is_nonzero", "numel", "msort", "corrcoef", "cov"]
    BINARY_MORE = ["logaddexp", "logaddexp2", "gcd", "lcm", "bitwise_right_shift", "clamp_min", "clamp_max",
                   "divide", "subtract", "greater", "less_equal", "not_equal", "equal", "allclose", "dist",
                   "polar", "complex", "isin", "rsub", "arctan2", "igamma", "xlogy"]

    def tensor_ops(self):
        r = self.r
        kind = r.choice(["unary", "unary", "binary", "binary", "shape", "shape", "index", "index", "stat",
                         "misc", "method"])
        x = self.tensor()
        nd, sh = len(x.shape), list(x.shape)
        if kind == "unary":
            op = r.choice(self.UNARY_MORE)
            if op in ("corrcoef", "cov"):
                x.shape = tuple(sh[:2])
                return Call("tensor_ops", "fn", op, (x,), {}, "values")
            if op in ("cummin", "nanmedian") and (r.random() < 0.6 or op == "cummin"):
                return Call("tensor_ops", "fn" if r.random() < 0.5 else "method", op, (x, self.dim(nd)), {},
                            "values")
            if op == "nanmedian" and x.layout == "expanded":
                x.layout = "contiguous"  # PyTorch's median of a stride-0 input reads garbage (Gen.reductions)
            if op == "nanmedian" and 0 in x.shape and x.dtype not in GRAD_DTYPES:
                x.dtype = "float64"  # NaN cast to an integer (Gen.reductions)
            if op == "nonzero" and r.random() < 0.3:
                return Call("tensor_ops", "fn", op, (x,), {"as_tuple": True}, "values")
            return Call("tensor_ops", "fn" if r.random() < 0.7 else "method", op, (self.maybe(x, 0.04),), {},
                        "values")
        if kind == "binary":
            op = r.choice(self.BINARY_MORE)
            other = r.choice([self.tensor(self.bcast_shape(sh)), self.tensor(self.bcast_shape(sh), x.dtype),
                              self.scalar(), self.junk()])
            if op in ("clamp_min", "clamp_max") and isinstance(other, T) and r.random() < 0.5:
                other = self.scalar()
            kw = {}
            if op == "dist" and r.random() < 0.5:
                kw["p"] = r.choice([0, 1, 3, float("inf")])
            if op in ("subtract", "rsub") and r.random() < 0.3:
                kw["alpha"] = r.choice([2, 0.5])
            if op == "divide" and r.random() < 0.3:
                kw["rounding_mode"] = r.choice(["floor", "trunc"])
            if op == "isin" and r.random() < 0.3:
                kw["invert"] = True
            return Call("tensor_ops", "fn" if r.random() < 0.7 or not hasattr(self.tc.Tensor, op) else "method",
                        op, (x, other), kw, "values")
        if kind == "shape":
            op = r.choice(["tensor_split", "repeat_interleave", "tile", "diag", "diag_embed", "diff", "rot90",
                           "broadcast_to", "broadcast_tensors", "meshgrid", "block_diag", "cartesian_prod",
                           "combinations", "hsplit", "vsplit", "dsplit", "split_with_sizes", "moveaxis",
                           "swapaxes", "unfold", "sum_to_size", "concatenate", "row_stack", "select_scatter",
                           "slice_scatter", "diagonal_scatter", "unsafe_chunk", "narrow_copy", "atleast_2d"])
            if op == "tensor_split":
                sec = r.choice([2, 3, 0, -1, [1, 2], (0, 5), self.tensor([2], "int64", rg=False)])
                return Call("tensor_ops", "fn", op, (x, sec), {"dim": self.dim(nd)} if r.random() < 0.6 else {},
                            "values")
            if op == "repeat_interleave":
                rep = r.choice([2, 0, -1, self.idx([sh[0] if sh else 1], 3), self.idx([2], 3)])
                kw = {"dim": self.dim(nd)} if r.random() < 0.5 else {}
                if r.random() < 0.2:
                    kw["output_size"] = r.randint(0, 6)
                return Call("tensor_ops", "fn", op, (x, rep), kw, "values")
            if op == "tile":
                return Call("tensor_ops", "fn", op, (x, r.choice([(2,), (1, 2), (), (2, 1, 1, 1, 1), (-1,)])), {},
                            "values")
            if op in ("diag", "diagflat"):
                x = self.tensor(self.shape(r.choice([0, 1, 1, 2, 2, 3])))
                return Call("tensor_ops", "fn", op, (x, r.randint(-2, 2)), {}, "values")
            if op == "diag_embed":
                return Call("tensor_ops", "fn", op, (x,), {"offset": r.randint(-1, 1), "dim1": self.dim(nd + 1),
                                                           "dim2": self.dim(nd + 1)}, "values")
            if op == "diff":
                kw = {"n": r.choice([1, 1, 2, 0, -1]), "dim": self.dim(nd)}
                if r.random() < 0.3:
                    kw["prepend"] = self.tensor(sh[:-1] + [1] if sh else [], x.dtype)
                if r.random() < 0.2:
                    kw["append"] = r.choice([self.tensor(sh, self.dtype()), 1.5])
                return Call("tensor_ops", "fn", op, (x,), kw, "values")
            if op == "rot90":
                return Call("tensor_ops", "fn", op, (x, r.randint(-1, 5), r.choice([[0, 1], [1, 0], [0, 0], [-1, 0],
                                                                                    [0], [0, 5]])), {}, "values")
            if op == "broadcast_to":
                return Call("tensor_ops", "fn", op, (x, r.choice([self.bcast_shape(sh), [2] + sh, [-1] + sh[1:],
                                                                  sh[1:]])), {}, "values")
            if op in ("broadcast_tensors", "meshgrid", "block_diag", "cartesian_prod"):
                ts = [self.tensor(self.bcast_shape(sh) if op == "broadcast_tensors" else self.shape(
                    r.choice([1, 1, 2] if op == "block_diag" else [1, 1, 1, 0])), x.dtype if r.random() < 0.8 else None)
                      for _ in range(r.randint(0, 3))]
                kw = {"indexing": r.choice(["ij", "xy", "bad"])} if op == "meshgrid" and r.random() < 0.7 else {}
                return Call("tensor_ops", "fn", op, tuple(ts), kw, "values")
            if op == "combinations":
                x = self.tensor([r.randint(0, 4)] if r.random() < 0.9 else [2, 2])
                return Call("tensor_ops", "fn", op, (x,), {"r": r.choice([2, 1, 3, 0, -1]),
                                                           "with_replacement": r.random() < 0.3}, "values")
            if op in ("hsplit", "vsplit", "dsplit"):
                return Call("tensor_ops", "fn", op, (x, r.choice([1, 2, [1], [0, 2], 0])), {}, "values")
            if op == "split_with_sizes":
                total = sh[0] if sh else 0
                sizes = r.choice([[total], [1, total - 1], [total + 1], [-1, total + 1], []])
                return Call("tensor_ops", "method", op, (x, sizes), {}, "values")
            if op in ("moveaxis", "swapaxes"):
                return Call("tensor_ops", "fn", op, (x, self.dim(nd), self.dim(nd)), {}, "values")
            if op == "unfold":
                return Call("tensor_ops", "method", op, (x, self.dim(nd), r.choice([1, 2, 0, 5]), r.choice([1, 2, 0])),
                            {}, "values")
            if op == "sum_to_size":
                return Call("tensor_ops", "method", op, (x, r.choice([[1] * nd, sh[1:], [1], sh + [1], []])), {},
                            "values")
            if op in ("concatenate", "row_stack"):
                ts = [x, self.tensor(sh, x.dtype if r.random() < 0.8 else self.dtype())]
                return Call("tensor_ops", "fn", op, (ts,), {"dim": self.dim(nd)} if op == "concatenate" else {},
                            "values")
            if op == "select_scatter":
                d = self.dim(nd)
                src_shape = [s for i, s in enumerate(sh) if isinstance(d, int) and i != d % builtin_max(nd, 1)]
                return Call("tensor_ops", "fn", op, (x, self.tensor(src_shape, x.dtype), d, r.randint(-2, 2)), {},
                            "values")
            if op == "slice_scatter":
                d = r.randint(0, builtin_max(nd - 1, 0))
                src = list(sh)
                if src:
                    src[d] = r.choice([1, sh[d], 0])
                return Call("tensor_ops", "fn", op, (x, self.tensor(src, x.dtype)),
                            {"dim": d, "start": r.choice([None, 0, 1]), "end": r.choice([None, 1, 2]),
                             "step": r.choice([1, 1, 2])}, "values")
            if op == "diagonal_scatter":
                x = self.tensor(self.shape(2))
                m = builtin_min(x.shape) if x.shape else 0
                return Call("tensor_ops", "fn", op, (x, self.tensor([r.choice([m, m, m + 1])], x.dtype)),
                            {"offset": r.choice([0, 0, 1])}, "values")
            if op == "unsafe_chunk":
                return Call("tensor_ops", "fn", op, (x, r.choice([1, 2, 0]), self.dim(nd)), {}, "values")
            if op == "narrow_copy":
                return Call("tensor_ops", "fn", op, (x, self.dim(nd), r.randint(-1, 2), r.randint(0, 2)), {},
                            "values")
            return Call("tensor_ops", "fn", op, (x,), {}, "values")
        if kind == "index":
            op = r.choice(["index_add", "index_copy", "index_fill", "scatter", "scatter_reduce", "take_along_dim",
                           "bincount", "bucketize", "searchsorted", "masked_scatter", "put", "index_reduce",
                           "gather", "scatter_value"])
            d = self.dim(nd)
            size = sh[d] if isinstance(d, int) and -nd <= d < nd else 1
            if op in ("index_add", "index_copy", "index_fill", "index_reduce"):
                k = r.randint(0, 3)
                idx = self.idx([k] if r.random() < 0.95 else [k, 1], builtin_max(size, 1))
                if op == "index_copy":  # duplicate indices: which write wins is unspecified
                    idx = self.tensor([builtin_min(k, size)], "int64", layout="contiguous", rg=False)
                    idx.bound = None
                    idx = _arange_like(idx)
                if op == "index_fill":
                    return Call("tensor_ops", "fn", op, (x, d, idx, self.scalar()), {}, "values")
                src_shape = list(sh)
                if src_shape and isinstance(d, int) and -nd <= d < nd:
                    src_shape[d] = idx.shape[0] if r.random() < 0.9 else idx.shape[0] + 1
                src = self.tensor(src_shape, x.dtype if r.random() < 0.85 else None)
                if op == "index_reduce":
                    return Call("tensor_ops", "fn", op, (x, d, idx, src, r.choice(["prod", "mean", "amax", "amin",
                                                                                   "bad"])),
                                {"include_self": r.random() < 0.5}, "values")
                kw = {"alpha": r.choice([2, 0.5])} if op == "index_add" and r.random() < 0.3 else {}
                return Call("tensor_ops", "fn", op, (x, d, idx, src), kw, "values")
            if op in ("scatter", "scatter_reduce", "gather", "take_along_dim", "scatter_value"):
                ishape = [r.randint(0, s) for s in sh] if r.random() < 0.9 else self.shape()
                idx = self.idx(ishape, builtin_max(size, 1))
                if op == "gather":
                    return Call("tensor_ops", "fn", op, (x, d, idx), {"sparse_grad": False}, "values")
                if op == "take_along_dim":
                    return Call("tensor_ops", "fn", op, (x, idx), {"dim": d} if r.random() < 0.7 else {}, "values")
                if op == "scatter" and r.random() < 0.5:  # duplicate targets: which write wins is unspecified
                    idx.shape = tuple(builtin_min(s, 1) for s in idx.shape)
                src = self.tensor(ishape if r.random() < 0.8 else sh, x.dtype if r.random() < 0.85 else None)
                if op == "scatter_reduce":
                    return Call("tensor_ops", "fn", op, (x, d, idx, src, r.choice(["sum", "prod", "mean", "amax",
                                                                                   "amin", "bad"])),
                                {"include_self": r.random() < 0.5}, "values")
                if op == "scatter_value":
                    return Call("tensor_ops", "fn", "scatter", (x, d, idx, self.scalar()),
                                {"reduce": r.choice(["add", "multiply"])} if r.random() < 0.3 else {}, "values")
                return Call("tensor_ops", "fn", op, (x, d, idx, src), {}, "values")
            if op == "bincount":
                x = self.idx([r.randint(0, 5)] if r.random() < 0.9 else [2, 2], 5)
                if r.random() < 0.1:
                    x.bound = None  # negatives: PyTorch's RuntimeError
                kw = {}
                if r.random() < 0.4:
                    kw["weights"] = self.tensor(list(x.shape), r.choice(["float32", "float64", "int64"]))
                if r.random() < 0.3:
                    kw["minlength"] = r.choice([0, 3, 7, -1])
                return Call("tensor_ops", "fn", op, (x,), kw, "values")
            if op in ("bucketize", "searchsorted"):
                bounds = self.tensor([r.randint(0, 4)], r.choice([x.dtype, x.dtype, "float32"]), rg=False)
                bounds = _sorted(bounds)
                kw = {"right": r.random() < 0.5}
                if r.random() < 0.2:
                    kw["out_int32"] = True
                if op == "bucketize":
                    return Call("tensor_ops", "fn", op, (r.choice([x, x, 2.5]), bounds), kw, "values")
                if r.random() < 0.3:
                    kw = {"side": r.choice(["left", "right", "bad"])}
                return Call("tensor_ops", "fn", op, (bounds, r.choice([x, x, 2.5])), kw, "values")
            if op == "masked_scatter":
                mask = self.tensor(self.bcast_shape(sh), "bool", rg=False)
                return Call("tensor_ops", "fn", op, (x, mask, self.tensor([r.randint(0, 30)], x.dtype)), {},
                            "values")
            n = int(_prod(sh))
            return Call("tensor_ops", "method", "put", (x, self.idx([r.randint(0, 3)], builtin_max(n, 1)),
                                                        self.tensor([r.randint(0, 3)], x.dtype)),
                        {"accumulate": r.random() < 0.5}, "values")
        if kind == "stat":
            op = r.choice(["quantile", "nanquantile", "histc", "cdist", "cummin", "addcdiv", "addr", "addbmm",
                           "trapezoid", "cumulative_trapezoid", "vander", "cross", "renorm", "logcumsumexp"])
            if op in ("quantile", "nanquantile"):
                x = self.fl()
                q = r.choice([0.5, 0.0, 1.0, 1.5, -0.1, self.fl([r.randint(0, 3)], rg=False)])
                if isinstance(q, T):
                    q.bound, q.dtype = 2, x.dtype  # 0 and 1
                kw = {}
                if r.random() < 0.6:
                    kw["dim"] = self.dim(len(x.shape))
                    kw["keepdim"] = r.random() < 0.3
                if r.random() < 0.3:
                    kw["interpolation"] = r.choice(["linear", "lower", "higher", "midpoint", "nearest", "bad"])
                return Call("tensor_ops", "fn", op, (x, q), kw, "values")
            if op == "histc":
                return Call("tensor_ops", "fn", op, (self.fl(), ), {"bins": r.choice([4, 1, 0, -1]),
                                                                   "min": r.choice([0, -1, 2]),
                                                                   "max": r.choice([0, 1, 3])}, "values")
            if op == "cdist":
                d = r.randint(1, 3)
                a = self.fl(r.choice([[], [2]]) + [r.randint(0, 3), d])
                b = self.fl(list(a.shape[:-2]) + [r.randint(1, 3), d + (r.random() < 0.08)], dtype=a.dtype)
                return Call("tensor_ops", "fn", op, (a, b), {"p": r.choice([2.0, 1.0, 0.0, float("inf"), -1.0])},
                            "values")
            if op == "cummin":
                return Call("tensor_ops", "fn", op, (x, self.dim(nd)), {}, "values")
            if op == "addcdiv":
                return Call("tensor_ops", "fn", op, (x, self.tensor(self.bcast_shape(sh)),
                                                     self.tensor(self.bcast_shape(sh))),
                            {"value": r.choice([1, 0.5, 2])}, "values")
            if op == "addr":
                a_, b_ = r.randint(0, 3), r.randint(1, 3)
                return Call("tensor_ops", "fn", op, (self.tensor(self.bcast_shape([a_, b_])), self.tensor([a_]),
                                                     self.tensor([b_])),
                            {"beta": r.choice([1, 0.5, 0]), "alpha": r.choice([1, 2])}, "values")
            if op == "addbmm":
                a_, b_, c_ = r.randint(1, 3), r.randint(1, 3), r.randint(1, 3)
                dt = r.choice(["float32", "float64", "int64"])
                return Call("tensor_ops", "fn", op, (self.tensor(self.bcast_shape([a_, c_]), dt),
                                                     self.tensor([2, a_, b_], dt), self.tensor([2, b_, c_], dt)),
                            {}, "values")
            if op in ("trapezoid", "cumulative_trapezoid"):
                kw = {"dim": self.dim(nd)} if r.random() < 0.5 else {}
                if r.random() < 0.3:
                    kw["dx"] = r.choice([0.5, 2])
                return Call("tensor_ops", "fn", op, (x,), kw, "values")
            if op == "vander":
                return Call("tensor_ops", "fn", op, (self.tensor(self.shape(r.choice([1, 1, 2]))),),
                            {"N": r.choice([None, 3, 0])}, "values")
            if op == "cross":
                s = self.shape(r.randint(0, 2)) + [3]
                return Call("tensor_ops", "fn", op, (self.tensor(s), self.tensor(self.bcast_shape(s))),
                            {"dim": r.choice([None, -1, 0])} if r.random() < 0.6 else {}, "values")
            if op == "renorm":
                return Call("tensor_ops", "fn", op, (self.fl(), r.choice([1, 2, 0]), self.dim(nd),
                                                     r.choice([1.0, 0.5, -1])), {}, "values")
            return Call("tensor_ops", "fn", op, (x, self.dim(nd)), {}, "values")
        if kind == "misc":
            op = r.choice(["triu_indices", "unique_consecutive", "result_type", "promote_types", "can_cast",
                           "scalar_tensor", "empty_strided", "randperm", "full_like", "randint_like", "normal",
                           "bernoulli", "multinomial", "poisson", "view_as_complex", "is_same_size", "is_complex",
                           "is_floating_point", "clone_format", "hamming_window", "hann_window"])
            if op == "triu_indices":
                return Call("tensor_ops", "fn", op, (r.randint(-1, 4), r.randint(0, 4), r.randint(-2, 2)), {},
                            "values")
            if op == "unique_consecutive":
                x = self.tensor(dtype=self.dtype())
                x.bound = 3 if x.dtype not in GRAD_DTYPES + ("bool",) else None
                kw = {"return_counts": r.random() < 0.5, "return_inverse": r.random() < 0.5}
                if r.random() < 0.4:
                    kw["dim"] = self.dim(nd)
                return Call("tensor_ops", "fn", op, (x,), kw, "values")
            if op == "result_type":
                return Call("tensor_ops", "fn", op, (x, r.choice([self.tensor(), 2, 2.5, True, 1j, "x"])), {},
                            "values")
            if op in ("promote_types", "can_cast"):
                return Call("tensor_ops", "fn", op, (D(self.dtype()), r.choice([D(self.dtype()), "float32"])), {},
                            "values")
            if op == "scalar_tensor":
                return Call("tensor_ops", "fn", op, (self.scalar(),), {"dtype": D(self.dtype())} if r.random() < 0.5
                            else {}, "values")
            if op == "empty_strided":
                return Call("tensor_ops", "fn", op, (r.choice([(2, 3), (0,), (-1,)]), r.choice([(3, 1), (1,), (1, 1)])),
                            {}, "meta")
            if op == "randperm":
                return Call("tensor_ops", "fn", op, (r.choice([0, 3, 5, -1, 2.5]),), {"dtype": D(self.dtype())}
                            if r.random() < 0.3 else {}, "meta")
            if op == "full_like":
                return Call("tensor_ops", "fn", op, (x, self.scalar()), {"dtype": D(self.dtype())}, "values")
            if op == "randint_like":
                return Call("tensor_ops", "fn", op, (x, r.choice([5, 0, -1])), {}, "meta")
            if op in ("normal", "poisson", "bernoulli", "multinomial"):
                p = self.fl()
                p.bound = 2 if op != "normal" else None
                if op == "multinomial":
                    return Call("tensor_ops", "fn", op, (p, r.choice([1, 2, 0, 5])),
                                {"replacement": r.random() < 0.5}, "meta")
                if op == "normal":
                    return Call("tensor_ops", "fn", op, (p, r.choice([1.0, 0.0, -1.0, self.fl(self.bcast_shape(
                        list(p.shape)))])), {}, "meta")
                return Call("tensor_ops", "fn", op, (p,), {}, "meta")
            if op == "view_as_complex":
                x = self.fl(self.shape(r.randint(0, 2)) + [r.choice([2, 2, 3])])
                return Call("tensor_ops", "fn", op, (x,), {}, "values")
            if op == "is_same_size":
                return Call("tensor_ops", "method", op, (x, self.tensor(r.choice([sh, self.shape()]))), {}, "values")
            if op == "clone_format":
                return Call("tensor_ops", "method", "clone", (x,), {"memory_format": r.choice(
                    ["x", None])}, "values")
            if op in ("hamming_window", "hann_window"):
                return Call("tensor_ops", "fn", op, (r.choice([0, 1, 4, -1]),), {"periodic": r.random() < 0.5},
                            "values")
            return Call("tensor_ops", "fn", op, (x,), {}, "values")
        op = r.choice(["new_zeros", "new_ones", "new_full", "new_tensor", "new_empty", "size", "stride",
                       "is_contiguous", "byte", "char", "short", "half", "type", "element_size", "dim", "nelement",
                       "storage_offset", "numel", "ndimension", "H", "mH", "mT", "ndim", "itemsize", "nbytes",
                       "is_leaf", "bfloat16", "cfloat", "requires_grad"])
        if op in ("new_zeros", "new_ones", "new_empty"):
            return Call("tensor_ops", "method", op, (x, self.maybe(self.shape())),
                        {"dtype": D(self.dtype())} if r.random() < 0.3 else {}, "values" if op != "new_empty" else
                        "meta")
        if op == "new_full":
            return Call("tensor_ops", "method", op, (x, self.shape(), self.scalar()), {}, "values")
        if op == "new_tensor":
            return Call("tensor_ops", "method", op, (x, r.choice([[1, 2], 3.5, [[1], [2]], [True]])), {}, "values")
        if op in ("size", "stride"):
            return Call("tensor_ops", "method", op, (x, self.dim(nd)) if r.random() < 0.6 else (x,), {}, "values")
        if op == "type":
            return Call("tensor_ops", "method", op, (x, r.choice(["torch.FloatTensor", "torch.LongTensor", "float",
                                                                  D(self.dtype())])) if r.random() < 0.7 else (x,),
                        {}, "values")
        if op in ("H", "mH", "mT", "ndim", "itemsize", "nbytes", "is_leaf", "requires_grad"):
            return Call("tensor_ops", "attr", op, (x,), {}, "values")
        return Call("tensor_ops", "method", op, (x,), {}, "values")

    # -- in-place methods the classic inplace family leaves out
    INPLACE_UNARY = ["sign_", "sgn_", "lgamma_", "digamma_", "erfinv_", "relu_", "sigmoid_", "tanh_", "sin_",
                     "cos_", "log_", "tan_", "acos_", "nan_to_num_", "reciprocal_", "rsqrt_", "ceil_", "trunc_",
                     "frac_", "exp2_", "log1p_", "expm1_", "square_", "bitwise_not_", "logit_", "i0_", "sinc_",
                     "deg2rad_", "rad2deg_", "cumsum_", "cumprod_", "tril_", "triu_", "fill_diagonal_", "absolute_",
                     "negative_"]
    INPLACE_BINARY = ["atan2_", "hypot_", "eq_", "lt_", "ge_", "ne_", "logical_and_", "logical_or_", "bitwise_or_",
                      "bitwise_xor_", "floor_divide_", "true_divide_", "copysign_", "nextafter_", "heaviside_",
                      "clamp_max_", "xlogy_", "logaddexp", "gcd_", "lcm_", "float_power_", "ldexp_", "multiply_",
                      "subtract_", "divide_", "bitwise_left_shift_", "__iadd__", "__isub__", "__imul__",
                      "__itruediv__", "__ifloordiv__", "__imod__", "__ipow__", "__iand__", "__ior__", "__ixor__"]
    INPLACE_OTHER = ["addcmul_", "addcdiv_", "addmm_", "index_add_", "index_copy_", "scatter_", "scatter_add_",
                     "scatter_reduce_", "masked_scatter_", "put_", "exponential_", "cauchy_", "log_normal_",
                     "geometric_", "baddbmm_", "addmv_", "addr_", "index_put_", "masked_fill_", "clamp_",
                     "renorm_", "resize_as_", "copy_"]

    def inplace_wide(self):
        r = self.r
        # a leaf that requires grad (PyTorch refuses in-place writes on it), or an expanded view (writes
        # through stride 0: PyTorch refuses most), or a plain tensor
        x = self.tensor(rg=r.random() < 0.3)
        if r.random() < 0.15 and x.shape:
            x.layout = "expanded"
        nd, sh = len(x.shape), list(x.shape)
        group = r.choice(["unary", "binary", "binary", "other"])
        if group == "unary":
            op = r.choice(self.INPLACE_UNARY)
            if op in ("cumsum_", "cumprod_"):
                return Call("inplace_wide", "method", op, (x, self.dim(nd)), {}, "values")
            if op in ("tril_", "triu_"):
                return Call("inplace_wide", "method", op, (x, r.randint(-1, 1)), {}, "values")
            if op == "fill_diagonal_":
                return Call("inplace_wide", "method", op, (x, self.scalar()), {"wrap": r.random() < 0.3}, "values")
            return Call("inplace_wide", "method", op, (x,), {}, "values")
        if group == "binary":
            op = r.choice(self.INPLACE_BINARY)
            other = r.choice([self.tensor(self.bcast_shape(sh)), self.tensor(self.bcast_shape(sh), x.dtype),
                              self.scalar(), self.junk()])
            return Call("inplace_wide", "method", op, (x, other), {}, "values")
        op = r.choice(self.INPLACE_OTHER)
        d = self.dim(nd)
        size = sh[d] if isinstance(d, int) and -nd <= d < nd else 1
        if op in ("addcmul_", "addcdiv_"):
            return Call("inplace_wide", "method", op, (x, self.tensor(self.bcast_shape(sh)),
                                                       self.tensor(self.bcast_shape(sh))),
                        {"value": r.choice([1, 0.5])}, "values")
        if op in ("addmm_", "baddbmm_", "addmv_", "addr_"):
            a_, b_ = r.randint(1, 3), r.randint(1, 3)
            dt = x.dtype if x.dtype in ("float32", "float64", "int64") else "float32"
            x.shape = (2, a_, a_) if op == "baddbmm_" else (a_, a_) if op != "addmv_" else (a_,)
            x.dtype = dt
            if op == "addmm_":
                args = (x, self.tensor([a_, b_], dt), self.tensor([b_, a_], dt))
            elif op == "baddbmm_":
                args = (x, self.tensor([2, a_, b_], dt), self.tensor([2, b_, a_], dt))
            elif op == "addmv_":
                args = (x, self.tensor([a_, b_], dt), self.tensor([b_], dt))
            else:
                args = (x, self.tensor([a_], dt), self.tensor([a_], dt))
            return Call("inplace_wide", "method", op, args, {}, "values")
        if op in ("index_add_", "index_copy_"):
            k = builtin_min(r.randint(0, 3), builtin_max(size, 0))
            idx = _arange_like(self.tensor([k], "int64", layout="contiguous", rg=False))
            src_shape = list(sh)
            if src_shape and isinstance(d, int) and -nd <= d < nd:
                src_shape[d] = k
            return Call("inplace_wide", "method", op, (x, d, idx, self.tensor(src_shape, x.dtype if r.random() < 0.9
                                                                              else None)), {}, "values")
        if op in ("scatter_", "scatter_add_", "scatter_reduce_"):
            ishape = [builtin_min(r.randint(0, s), 1) if op == "scatter_" else r.randint(0, s) for s in sh]
            idx = self.idx(ishape, builtin_max(size, 1))
            src = self.tensor(ishape, x.dtype if r.random() < 0.9 else None)
            if op == "scatter_reduce_":
                return Call("inplace_wide", "method", op, (x, d, idx, src, r.choice(["sum", "amax", "mean"])), {},
                            "values")
            return Call("inplace_wide", "method", op, (x, d, idx, src), {}, "values")
        if op == "masked_scatter_":
            return Call("inplace_wide", "method", op, (x, self.tensor(self.bcast_shape(sh), "bool", rg=False),
                                                       self.tensor([r.randint(0, 30)], x.dtype)), {}, "values")
        if op == "put_":
            n = int(_prod(sh))
            return Call("inplace_wide", "method", op, (x, self.idx([r.randint(0, 2)], builtin_max(n, 1)),
                                                       self.tensor([r.randint(0, 2)], x.dtype)), {}, "values")
        if op in ("exponential_", "cauchy_", "log_normal_", "geometric_"):
            arg = {"exponential_": 1.0, "cauchy_": 0.0, "log_normal_": 1.0, "geometric_": 0.5}[op]
            return Call("inplace_wide", "method", op, (x, r.choice([arg, arg, -1.0, 0.0])), {}, "meta")
        if op == "index_put_":
            idx = self.idx([r.randint(0, 2)], builtin_max(sh[0], 1) if sh else 1)
            return Call("inplace_wide", "method", op, (x, (idx,), self.tensor([1], x.dtype)), {}, "values")
        if op == "masked_fill_":
            return Call("inplace_wide", "method", op, (x, self.tensor(self.bcast_shape(sh), "bool", rg=False),
                                                       r.choice([self.scalar(), self.tensor([], rg=False)])), {},
                        "values")
        if op == "clamp_":
            return Call("inplace_wide", "method", op, (x, self.tensor(self.bcast_shape(sh)), None), {}, "values")
        if op == "renorm_":
            return Call("inplace_wide", "method", op, (x, 2, self.dim(nd), 1.0), {}, "values")
        if op == "resize_as_":
            return Call("inplace_wide", "method", op, (x, self.tensor()), {}, "meta")
        return Call("inplace_wide", "method", op, (x, r.choice([self.tensor(self.bcast_shape(sh)),
                                                                self.tensor([2, 2])])),
                    {"non_blocking": r.random() < 0.3}, "values")

    # -- out= of the wide ops
    OUT_WIDE = ["logaddexp", "addcdiv", "addcmul", "diag", "tril", "triu", "cummin", "nonzero", "linalg.inv",
                "linalg.vector_norm", "fft.fft", "special.expit", "special.erfc", "index_add", "searchsorted",
                "bucketize", "linalg.cross", "dot", "mv", "outer", "logsumexp", "std", "var", "median", "topk",
                "kthvalue", "argmax", "any", "all", "atan2", "hypot", "remainder", "bitwise_and", "logical_and",
                "gather", "take", "masked_select", "clamp_min", "nan_to_num", "sin", "log", "sigmoid", "round",
                "cross", "linalg.det", "linalg.solve", "mode", "aminmax", "cumprod", "norm", "eye", "randperm",
                "linalg.matrix_norm", "fft.rfft", "special.xlogy", "lerp", "where"]

    def out_wide(self):
        r = self.r
        op = r.choice(self.OUT_WIDE)
        x = self.tensor(rg=False)
        nd, sh = len(x.shape), list(x.shape)
        shape = r.choice([sh, sh, [0], [1], self.shape(), [2, 2]])
        odt = r.choice([x.dtype, x.dtype, self.dtype(), "int64", "float64"])
        out = self.tensor(shape, odt, layout=r.choice(["contiguous"] * 3 + ["transposed", "strided", "expanded"]),
                          rg=r.random() < 0.05)
        d = self.dim(nd)
        y = self.tensor(self.bcast_shape(sh), x.dtype if r.random() < 0.8 else None, rg=False)
        if op in ("cummin", "median", "topk", "kthvalue", "mode", "aminmax"):
            out = (out, self.tensor(shape, r.choice(["int64", "int64", "int32", odt]), rg=False))
            if op == "aminmax":
                return Call("out_wide", "fn", op, (x,), {"dim": d, "out": out}, "values")
            if op in ("topk", "kthvalue"):
                x.special = False  # ties among NaNs: which index is unspecified
                return Call("out_wide", "fn", op, (x, r.randint(1, 2), d), {"out": out}, "first")
            if op == "median" and x.layout == "expanded":
                x.layout = "contiguous"  # PyTorch reads garbage for a stride-0 input (Gen.reductions)
            if op == "mode":
                x.special = False
            return Call("out_wide", "fn", op, (x, d), {"out": out}, "values")
        if op in ("logaddexp", "atan2", "hypot", "remainder", "bitwise_and", "logical_and", "special.xlogy",
                  "dot", "outer"):
            if op in ("dot", "outer"):
                x, y = self.tensor([3]), self.tensor([r.choice([3, 3, 2])])
            args = (x, y)
        elif op in ("addcdiv", "addcmul", "lerp"):
            args = (x, y, self.tensor(self.bcast_shape(sh), rg=False)) if op != "lerp" else (x, y, 0.5)
        elif op in ("diag", "tril", "triu"):
            args = (x, r.randint(-1, 1))
        elif op in ("linalg.inv", "linalg.det"):
            args = (self.mat(r.choice([[2, 2], [3, 3], [2, 3, 3]])),)
        elif op == "linalg.solve":
            args = (self.mat([2, 2]), self.fl([2, 1], dtype="float64"))
        elif op in ("linalg.vector_norm", "logsumexp", "std", "var", "norm", "argmax", "any", "all", "cumprod"):
            args = (x, d) if op != "linalg.vector_norm" else (x, 2, d)
        elif op == "linalg.matrix_norm":
            args = (self.fl(r.choice([[2, 2], [3, 2]])),)
        elif op in ("fft.fft", "fft.rfft"):
            args = (x,)
        elif op in ("index_add", "gather"):
            idx = self.idx([1] * builtin_max(nd, 1) if op == "gather" else [1], 1)
            args = (x, 0, idx, self.tensor([1] * builtin_max(nd, 1), x.dtype)) if op == "index_add" else (x, 0, idx)
        elif op in ("searchsorted", "bucketize"):
            b = _sorted(self.tensor([3], x.dtype, rg=False))
            args = (b, x) if op == "searchsorted" else (x, b)
        elif op in ("linalg.cross", "cross"):
            args = (self.tensor([2, 3], x.dtype), self.tensor([2, 3], x.dtype))
        elif op == "mv":
            args = (self.tensor([2, 3], x.dtype), self.tensor([3], x.dtype))
        elif op == "take":
            args = (x, self.idx([2], builtin_max(int(_prod(sh)), 1)))
        elif op == "masked_select":
            args = (x, self.tensor(self.bcast_shape(sh), "bool", rg=False))
        elif op == "clamp_min":
            args = (x, r.choice([0, 0.5]))
        elif op == "eye":
            args = (r.choice([2, 3]),)
        elif op == "randperm":
            return Call("out_wide", "fn", op, (r.choice([0, 3]),), {"out": out}, "meta")
        elif op == "where":
            args = (self.tensor(sh, "bool", rg=False), x, y)
        elif op == "round":
            return Call("out_wide", "fn", op, (x,), {"decimals": r.choice([0, 1]), "out": out}, "values")
        else:
            args = (x,)
        return Call("out_wide", "fn", op, args, {"out": out}, "values")

    # -- gradients through the wide ops
    AUTOGRAD_WIDE = ["nn.functional.linear", "nn.functional.layer_norm", "nn.functional.conv2d",
                     "nn.functional.cross_entropy", "nn.functional.mse_loss", "nn.functional.gelu",
                     "nn.functional.silu", "nn.functional.softplus", "nn.functional.normalize",
                     "nn.functional.cosine_similarity", "nn.functional.pad", "nn.functional.interpolate",
                     "nn.functional.max_pool2d", "nn.functional.avg_pool2d", "nn.functional.embedding",
                     "nn.functional.group_norm", "nn.functional.batch_norm", "nn.functional.elu",
                     "nn.functional.smooth_l1_loss", "nn.functional.binary_cross_entropy_with_logits",
                     "nn.functional.scaled_dot_product_attention", "logaddexp", "cdist", "linalg.inv", "linalg.det",
                     "linalg.vector_norm", "linalg.matrix_norm", "linalg.solve", "diag", "diff", "cumprod",
                     "repeat_interleave", "index_add", "scatter", "take_along_dim", "quantile", "addcdiv", "trace",
                     "tile", "rot90", "fft.irfft", "fft.hfft", "special.xlog1py", "special.entr", "cummin",
                     "nanmedian", "lerp", "hypot", "amin", "kthvalue", "masked_scatter", "fmod"]

    def autograd_wide(self):
        r = self.r
        op = r.choice(self.AUTOGRAD_WIDE)
        F = "nn.functional."

        def g(shape, rg=True):
            t = self.tensor(shape, "float64", rg=rg, layout=r.choice(["contiguous"] * 3 + ["transposed", "offset"]))
            t.special = False  # Gen.autograd: no NaN/inf in gradients
            return t
        x = g(self.shape(r.randint(1, 3), zero=0.03))
        nd, sh = len(x.shape), list(x.shape)
        if op == F + "linear":
            args = (x, g([2, sh[-1]]), g([2], r.random() < 0.5))
        elif op == F + "layer_norm":
            args = (x, sh[-1:], g(sh[-1:]), g(sh[-1:]))
        elif op == F + "conv2d":
            args = (g([1, 2, 4, 4]), g([3, 2, 2, 2]), g([3]))
            return Call("autograd_wide", "backward", op, args, {"padding": r.choice([0, 1]),
                                                                "stride": r.choice([1, 2])}, "values")
        elif op == F + "cross_entropy":
            c = r.randint(1, 3)
            args = (g([2, c]), self.idx([2], c))
            if r.random() < 0.5:
                return Call("autograd_wide", "backward", op, args, {"label_smoothing": 0.1,
                                                                    "weight": g([c], False)}, "values")
        elif op in (F + "mse_loss", F + "smooth_l1_loss", F + "binary_cross_entropy_with_logits", "logaddexp",
                    "hypot", "fmod"):
            args = (x, g(sh, r.random() < 0.5))
        elif op in (F + "normalize", F + "cosine_similarity"):
            args = (x, g(sh)) if op.endswith("similarity") else (x,)
            return Call("autograd_wide", "backward", op, args, {"dim": r.randint(-nd, nd - 1)}, "values")
        elif op == F + "pad":
            args = (x, (1, 0, 0, 1)[:2 * builtin_min(nd, 2)], r.choice(["constant", "replicate", "reflect"]))
            if args[2] != "constant" and (nd < 2 or builtin_min(sh) < 2):
                args = args[:2]
        elif op == F + "interpolate":
            return Call("autograd_wide", "backward", op, (g([1, 1, 3, 2]),),
                        {"scale_factor": 2, "mode": r.choice(["nearest", "bilinear", "bicubic"])}, "values")
        elif op in (F + "max_pool2d", F + "avg_pool2d"):
            return Call("autograd_wide", "backward", op, (g([1, 2, 4, 3]), 2), {"stride": r.choice([1, 2])},
                        "values")
        elif op == F + "embedding":
            args = (self.idx([3], 4), g([4, 2]))
        elif op in (F + "group_norm", F + "batch_norm"):
            xx = g([2, 2, 3])
            if op.endswith("group_norm"):
                args = (xx, r.choice([1, 2]), g([2]), g([2]))
            else:
                return Call("autograd_wide", "backward", op, (xx, None, None, g([2]), g([2])), {"training": True},
                            "values")
        elif op == F + "scaled_dot_product_attention":
            args = (g([1, 2, 3]), g([1, 3, 3]), g([1, 3, 2]))
            return Call("autograd_wide", "backward", op, args, {"is_causal": r.random() < 0.5}, "values")
        elif op == "cdist":
            args = (g([2, 3]), g([3, 3]), r.choice([2.0, 1.0, 3.0]))
        elif op in ("linalg.inv", "linalg.det"):
            m = self.mat([3, 3], "float64", rg=True)
            args = (m,)
        elif op == "linalg.solve":
            args = (self.mat([3, 3], "float64", rg=True), g([3, 2]))
        elif op == "linalg.vector_norm":
            return Call("autograd_wide", "backward", op, (x,), {"ord": r.choice([2, 1, 3, float("inf")])}, "values")
        elif op == "linalg.matrix_norm":
            return Call("autograd_wide", "backward", op, (g([3, 2]),), {"ord": r.choice(["fro", 1, float("inf")])},
                        "values")
        elif op in ("diag", "trace"):
            args = (g(r.choice([[3], [3, 3], [2, 3]]) if op == "diag" else [3, 3]),)
        elif op in ("diff", "cumprod", "cummin", "nanmedian"):
            args = (x, r.randint(-nd, nd - 1))
        elif op == "repeat_interleave":
            args = (x, 2, 0)
        elif op == "index_add":
            args = (x, 0, self.idx([2], sh[0]), g([2] + sh[1:]))
        elif op in ("scatter", "take_along_dim"):
            idx = self.idx([1] * nd, sh[0])
            args = (x, 0, idx, g([1] * nd)) if op == "scatter" else (x, idx, 0)
        elif op == "quantile":
            args = (x, r.choice([0.5, 0.25]))
        elif op == "addcdiv":
            args = (x, g(sh), g(sh))
        elif op == "tile":
            args = (x, (2,))
        elif op == "rot90":
            args = (x, 1, [0, nd - 1] if nd > 1 else [0, 0])
        elif op in ("fft.irfft", "fft.hfft"):  # real results of real input: .sum().backward() is defined
            kw = {"n": r.choice([2, 4])} if r.random() < 0.5 else {}
            return Call("autograd_wide", "backward", op, (x,), kw, "values")
        elif op in ("special.xlog1py", "special.entr"):
            y = g(sh)
            y.bound = 3  # non-negative
            args = (x, y) if op == "special.xlog1py" else (y,)
        elif op == "lerp":
            args = (x, g(sh), r.choice([0.5, g(sh)]))
        elif op in ("amin", "kthvalue"):
            args = (x, 0) if op == "amin" else (x, 1, 0)
            if op == "kthvalue":
                return Call("autograd_wide", "backward", op, args, {}, "none")
        elif op == "masked_scatter":
            args = (x, self.tensor(sh, "bool", rg=False), g([int(_prod(sh))]))
        else:
            args = (x,)
        return Call("autograd_wide", "backward", op, args, {}, "values")


# ------------------------------------------------------------------ helpers
builtin_max, builtin_min = max, min


def _prod(shape):
    out = 1
    for s in shape:
        out *= s
    return out


def _has(lib, dotted):
    obj = lib
    for part in dotted.split("."):
        if not hasattr(obj, part):
            return False
        obj = getattr(obj, part)
    return True


class _Sorted(T):
    """A tensor whose values are sorted along its last dim (searchsorted's, bucketize's boundaries)."""
    __slots__ = ()

    def values(self, shape):
        a = T.values(self, shape)
        return a if a.ndim == 0 or a.dtype.kind == "c" else df.np.sort(a, axis=-1)


class _Arange(T):
    """0, 1, 2, ...: distinct indices (index_copy's, where duplicates write in an unspecified order)."""
    __slots__ = ()

    def values(self, shape):
        return df.np.arange(_prod(shape)).reshape(shape).astype(self.dtype)


def _sorted(t):
    return _Sorted(t.shape, t.dtype, t.layout, t.requires_grad, t.seed, t.special, t.bound, t.wellcond)


def _arange_like(t):
    return _Arange(t.shape, t.dtype, t.layout, t.requires_grad, t.seed, False, None, False)

