"""LSTM language-model training step, tensorcore vs PyTorch.

PyTorch's word_language_model example, small configuration: vocabulary
10000, embedding 200, 2-layer LSTM with 200 hidden units, dropout 0.2,
sequence length 35, batch 20, decoder to the vocabulary, cross entropy,
clip_grad_norm_(0.25) and SGD. One step = forward, backward, clipping and the
update, with the hidden state carried (detached) from the previous step.

Run as a script it prints the median step time of each library (the two are
interleaved, so machine load hits both alike) and the ratio tensorcore/torch.
Usage: python bench/bench_lstm.py [--steps N] [--rounds R] [--threads N] [--clock wall|cpu]
--clock cpu times process CPU time instead of wall time: with --threads 1 it is
much less sensitive to other programs on a shared machine (with more threads it
adds up every thread's time, spin-waiting included, so use wall time there).
"""
import argparse
import os
import statistics
import sys
import time

try:
    import tensorcore  # noqa: F401  (installed, or on PYTHONPATH)
except ImportError:  # a development checkout built with scripts/dev_build.sh
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

VOCAB, EMB, HIDDEN, LAYERS, DROPOUT = 10000, 200, 200, 2, 0.2
SEQ, BATCH, LR, CLIP = 35, 20, 20.0, 0.25


def _step_fn(T):
    nn = T.nn
    T.manual_seed(0)

    class LanguageModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.drop = nn.Dropout(DROPOUT)
            self.encoder = nn.Embedding(VOCAB, EMB)
            self.rnn = nn.LSTM(EMB, HIDDEN, LAYERS, dropout=DROPOUT)
            self.decoder = nn.Linear(HIDDEN, VOCAB)

        def forward(self, tokens, hidden):
            emb = self.drop(self.encoder(tokens))
            out, hidden = self.rnn(emb, hidden)
            return self.decoder(self.drop(out)).view(-1, VOCAB), hidden

    model = LanguageModel()
    model.train()
    opt = T.optim.SGD(model.parameters(), lr=LR)
    loss_fn = nn.CrossEntropyLoss()
    tokens = T.randint(0, VOCAB, (SEQ + 1, BATCH))
    data, targets = tokens[:-1], tokens[1:].reshape(-1)
    state = [(T.zeros(LAYERS, BATCH, HIDDEN), T.zeros(LAYERS, BATCH, HIDDEN))]

    def step():
        hidden = tuple(h.detach() for h in state[0])
        opt.zero_grad()
        logits, hidden = model(data, hidden)
        loss = loss_fn(logits, targets)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        state[0] = hidden
        return loss
    return step


def _median_ms(step, steps, clock=time.perf_counter):
    times = []
    for _ in range(steps):
        t0 = clock()
        step()
        times.append((clock() - t0) * 1e3)
    return statistics.median(times)


def bench_lstm_step(steps=10, rounds=5, warmup=3, clock=time.perf_counter):
    """(tensorcore_ms, torch_ms): the median over `rounds` of the median step
    time of `steps` steps (torch_ms is None without PyTorch)."""
    import tensorcore
    tc_step = _step_fn(tensorcore)
    for _ in range(warmup):
        tc_step()
    try:
        import torch
    except ImportError:
        return statistics.median(_median_ms(tc_step, steps, clock) for _ in range(rounds)), None
    torch.set_num_threads(tensorcore.get_num_threads())
    th_step = _step_fn(torch)
    for _ in range(warmup):
        th_step()
    tc_runs, th_runs = [], []
    for _ in range(rounds):
        tc_runs.append(_median_ms(tc_step, steps, clock))
        th_runs.append(_median_ms(th_step, steps, clock))
    return statistics.median(tc_runs), statistics.median(th_runs)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    args = ap.parse_args()
    import tensorcore
    if args.threads:
        tensorcore.set_num_threads(args.threads)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    tc_ms, th_ms = bench_lstm_step(args.steps, args.rounds, clock=clock)
    what = (f"lstm_lm_step (vocab {VOCAB}, emb {EMB}, 2x LSTM {HIDDEN}, seq {SEQ}, batch {BATCH}, "
            f"{tensorcore.get_num_threads()} threads, {args.clock} time)")
    if th_ms is None:
        print(f"{what}: tensorcore {tc_ms:.2f} ms (torch not installed)")
    else:
        print(f"{what}: tensorcore {tc_ms:.2f} ms, torch {th_ms:.2f} ms, ratio {tc_ms / th_ms:.2f}")
