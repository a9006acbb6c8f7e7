"""GPT-style training step and fused attention benchmark, tensorcore vs PyTorch.

The model is written with plain nn modules (token + position Embedding, 4
blocks of LayerNorm -> causal self-attention through
F.scaled_dot_product_attention -> LayerNorm -> GELU MLP, 4 heads, width 128,
block size 64, batch 12, vocabulary 65), trained with AdamW and
clip_grad_norm_. The same script builds it on either library.

bench_gpt_step() and bench_sdpa() return (tensorcore_ms, torch_ms), the median
of repeated measurements (torch_ms is None without PyTorch); run as a script it
prints both and the ratio tensorcore/torch.
"""
import os
import statistics
import sys
import time

try:
    import tensorcore  # noqa: F401  (installed, or on PYTHONPATH)
except ImportError:  # a development checkout built with scripts/dev_build.sh
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

VOCAB, BLOCK, WIDTH, HEADS, LAYERS, BATCH = 65, 64, 128, 4, 4, 12


def _gpt(T):
    nn = T.nn
    F = nn.functional

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(WIDTH, 3 * WIDTH)
            self.proj = nn.Linear(WIDTH, WIDTH)

        def forward(self, x):
            B, L, C = x.shape
            q, k, v = self.qkv(x).split(WIDTH, dim=2)
            q, k, v = (t.view(B, L, HEADS, C // HEADS).transpose(1, 2) for t in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            return self.proj(y.transpose(1, 2).contiguous().view(B, L, C))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1 = nn.LayerNorm(WIDTH)
            self.attn = CausalSelfAttention()
            self.ln2 = nn.LayerNorm(WIDTH)
            self.mlp = nn.Sequential(nn.Linear(WIDTH, 4 * WIDTH), nn.GELU(), nn.Linear(4 * WIDTH, WIDTH))

        def forward(self, x):
            x = x + self.attn(self.ln1(x))
            return x + self.mlp(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(VOCAB, WIDTH)
            self.pos = nn.Embedding(BLOCK, WIDTH)
            self.blocks = nn.Sequential(*[Block() for _ in range(LAYERS)])
            self.ln_f = nn.LayerNorm(WIDTH)
            self.head = nn.Linear(WIDTH, VOCAB)

        def forward(self, idx):
            pos = T.arange(idx.shape[1])
            x = self.blocks(self.tok(idx) + self.pos(pos))
            return self.head(self.ln_f(x))

    return GPT()


def _step_fn(T):
    T.manual_seed(0)
    model = _gpt(T)
    opt = T.optim.AdamW(model.parameters(), lr=3e-4)
    idx = T.randint(0, VOCAB, (BATCH, BLOCK))
    targets = T.randint(0, VOCAB, (BATCH, BLOCK))

    def step():
        opt.zero_grad(set_to_none=True)
        logits = model(idx)
        loss = T.nn.functional.cross_entropy(logits.view(-1, VOCAB), targets.view(-1))
        loss.backward()
        T.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss
    return step


def _sdpa_fn(T, B, H, L, E):
    T.manual_seed(0)
    q, k, v = (T.randn(B, H, L, E, requires_grad=True) for _ in range(3))

    def step():
        out = T.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        out.sum().backward()
        q.grad = k.grad = v.grad = None
    return step


def _median_ms(step, warmup, iters):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def _compare(make, warmup, iters, rounds):
    """Median per call for both libraries, interleaved in rounds so machine
    load affects both alike; both use tensorcore's thread count."""
    import tensorcore
    tc_step = make(tensorcore)
    try:
        import torch
    except ImportError:
        return _median_ms(tc_step, warmup, iters * rounds), None
    torch.set_num_threads(tensorcore.get_num_threads())
    th_step = make(torch)
    tc_times, th_times = [], []
    for _ in range(rounds):
        tc_times.append(_median_ms(tc_step, warmup, iters))
        th_times.append(_median_ms(th_step, warmup, iters))
    return statistics.median(tc_times), statistics.median(th_times)


def bench_gpt_step(warmup=3, iters=10, rounds=3):
    return _compare(_step_fn, warmup, iters, rounds)


def bench_sdpa(B=2, H=4, L=1024, E=64, warmup=1, iters=5, rounds=3):
    return _compare(lambda T: _sdpa_fn(T, B, H, L, E), warmup, iters, rounds)


def _report(name, tc_ms, th_ms):
    if th_ms is None:
        print(f"{name}: tensorcore {tc_ms:.2f} ms (torch not installed)")
    else:
        print(f"{name}: tensorcore {tc_ms:.2f} ms, torch {th_ms:.2f} ms, ratio {tc_ms / th_ms:.2f}")


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None, help="threads for both libraries (default: tensorcore's)")
    args = parser.parse_args()
    if args.threads:
        import tensorcore
        tensorcore.set_num_threads(args.threads)
    _report(f"gpt_step ({LAYERS} blocks, width {WIDTH}, {HEADS} heads, block {BLOCK}, batch {BATCH}, AdamW)",
            *bench_gpt_step())
    _report("sdpa fwd+bwd (causal, B=2, H=4, L=1024, E=64)", *bench_sdpa())
