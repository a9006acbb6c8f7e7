"""Train an MLP on scikit-learn's bundled digits data set (1,797 8x8 images,
no download) with tensorcore -- or, with --backend torch, run the identical
script on PyTorch as well and compare the times.

    pip install ".[examples]"           # scikit-learn and tqdm (as the README)
    python examples/train_digits.py                  # tensorcore
    python examples/train_digits.py --backend torch  # PyTorch, then tensorcore: both times
    python examples/train_digits.py --no-progress    # per-epoch lines only (logs, CI)
    python examples/train_digits.py --plot curves.png   # loss and accuracy per epoch (pip install ".[plot]")
    mpiexec -n 2 python examples/train_digits.py --distributed   # data parallel on 2 ranks (MPI)
    python -m tensorcore.distributed.run --nproc-per-node 2 examples/train_digits.py --distributed

The script splits the data (stratified, 80/20), standardises the pixels with
the training set's statistics, trains a 64-256-128-10 MLP with Adam, a cosine
learning-rate schedule and cross entropy with label smoothing, and shows a
tqdm progress bar (redrawn about ten times per epoch, so a logged run stays
small; --no-progress turns it off) with per-epoch loss and accuracy. With
--plot FILE it draws the training loss and the train/test accuracy per epoch
into FILE (matplotlib). It then saves the
model's state_dict, loads it into a fresh model and checks that the reloaded
model scores the same test accuracy.

With --distributed (pip install "tensorcore[distributed]") every rank trains
on its DistributedSampler share of each epoch, the global batch of
--batch-size split evenly across the ranks, and DistributedDataParallel
averages the gradients, so each step sees the same number of images as one
process would; rank 0 prints, saves and checks.
"""
import argparse
import importlib
import os
import sys
import tempfile
import time

import numpy as np

# Use the installed package; in a development checkout that was built with
# scripts/dev_build.sh but not installed, fall back to ../src.
try:
    import tensorcore  # noqa: F401
except ImportError:
    sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")))


def load_data(seed):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    x, y = load_digits(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)
    mean, std = x_tr.mean(0), x_tr.std(0) + 1e-6
    x_tr, x_te = (x_tr - mean) / std, (x_te - mean) / std
    return (x_tr.astype(np.float32), y_tr.astype(np.int64)), (x_te.astype(np.float32), y_te.astype(np.int64))


def build_model(nn):
    return nn.Sequential(
        nn.Linear(64, 256), nn.ReLU(), nn.Dropout(0.1),
        nn.Linear(256, 128), nn.ReLU(), nn.Dropout(0.1),
        nn.Linear(128, 10),
    )


def accuracy(torch, model, x, y):
    model.eval()
    with torch.no_grad():
        pred = model(x).argmax(1)
    model.train()
    return float((pred == y).float().mean()) * 100


def run(backend, args, data, progress=True):
    """Trains with `backend` ("tensorcore" or "torch"); returns a dict of
    results. The body uses only the API the two libraries share."""
    torch = importlib.import_module(backend)
    if args.threads:
        torch.set_num_threads(args.threads)
    nn = torch.nn
    (x_tr, y_tr), (x_te, y_te) = data
    torch.manual_seed(args.seed)
    t0 = time.perf_counter()
    xtr, ytr = torch.from_numpy(x_tr), torch.from_numpy(y_tr)
    xte, yte = torch.from_numpy(x_te), torch.from_numpy(y_te)
    train_set = torch.utils.data.TensorDataset(xtr, ytr)
    sampler = None
    if args.distributed:
        world = torch.distributed.get_world_size()
        sampler = torch.utils.data.distributed.DistributedSampler(train_set, shuffle=True, seed=args.seed)
        loader = torch.utils.data.DataLoader(train_set, batch_size=args.batch_size // world, sampler=sampler)
    else:
        loader = torch.utils.data.DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                                             generator=torch.Generator().manual_seed(args.seed))
    model = build_model(nn)
    if args.distributed:
        # Wrapping broadcasts rank 0's initial weights; .module is the plain model.
        model = nn.parallel.DistributedDataParallel(model)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=args.epochs * len(loader), desc=f"{backend:>10}", unit="batch", leave=False,
                   dynamic_ncols=True)
    history = []
    # About ten redraws per epoch: tqdm redraws on every set_postfix(refresh=True)
    # and on update() after mininterval, which on this small data set was every batch.
    stride = max(1, len(loader) // 10)
    for epoch in range(1, args.epochs + 1):
        if sampler is not None:
            sampler.set_epoch(epoch)  # a new shuffle each epoch, the same on every rank
        total, count, pending = 0.0, 0, 0
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += float(loss) * len(yb)
            count += len(yb)
            if bar is not None:
                pending += 1
                if pending == stride:
                    bar.set_postfix(epoch=epoch, loss=f"{float(loss):.4f}", refresh=False)
                    bar.update(pending)
                    pending = 0
        if bar is not None and pending:
            bar.update(pending)
        sched.step()
        train_acc, test_acc = accuracy(torch, model, xtr, ytr), accuracy(torch, model, xte, yte)
        history.append((epoch, total / count, train_acc, test_acc))
        line = (f"[{backend}] epoch {epoch:2d}/{args.epochs}  loss {total / count:.4f}  "
                f"train acc {train_acc:6.2f}%  test acc {test_acc:6.2f}%")
        if args.rank == 0:
            (bar.write(line) if bar is not None else print(line))
    if bar is not None:
        bar.close()
    train_time = time.perf_counter() - t0
    if args.distributed:
        model = model.module  # the trained model (identical on every rank)
        if args.rank != 0:
            final_acc = history[-1][3]
            return {"backend": backend, "train_time": train_time, "test_acc": final_acc, "reloaded_acc": final_acc,
                    "path": None, "total_time": time.perf_counter() - t0, "history": history}

    # save, reload into a fresh model, re-evaluate
    suffix = ".pt"  # both write PyTorch's checkpoint format
    path = os.path.join(tempfile.gettempdir(), f"digits_mlp_{backend}{suffix}")
    if args.out and backend == "tensorcore":
        path = args.out
    torch.save(model.state_dict(), path)
    fresh = build_model(nn)
    fresh.load_state_dict(torch.load(path))
    reloaded_acc = accuracy(torch, fresh, xte, yte)
    final_acc = history[-1][3]
    return {"backend": backend, "train_time": train_time, "test_acc": final_acc, "reloaded_acc": reloaded_acc,
            "path": path, "total_time": time.perf_counter() - t0, "history": history}


def plot_curves(results, path):
    """Training loss (left) and train/test accuracy (right) per epoch, one line
    style per backend."""
    import matplotlib
    matplotlib.use("Agg")  # files only: no display needed
    import matplotlib.pyplot as plt
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    for backend, r in results.items():
        epochs = [h[0] for h in r["history"]]
        ax_loss.plot(epochs, [h[1] for h in r["history"]], label=backend)
        ax_acc.plot(epochs, [h[2] for h in r["history"]], label=f"{backend} train")
        ax_acc.plot(epochs, [h[3] for h in r["history"]], "--", label=f"{backend} test")
    ax_loss.set(xlabel="epoch", ylabel="training loss", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def report(r):
    same = "matches" if abs(r["reloaded_acc"] - r["test_acc"]) < 1e-9 else "DIFFERS from"
    print(f"[{r['backend']}] final test accuracy {r['test_acc']:.2f}% in {r['train_time']:.2f} s of training; "
          f"saved to {r['path']}; reloaded model scores {r['reloaded_acc']:.2f}% ({same} the trained model)")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", choices=["tensorcore", "torch"], default="tensorcore",
                   help="tensorcore (default), or torch: run on PyTorch and then on tensorcore, printing both times")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None,
                   help="where to save the tensorcore model (default: a file in the temporary directory)")
    p.add_argument("--threads", type=int, default=1,
                   help="intra-op threads for both libraries (default 1: these matrices are small, so a second "
                        "thread gains little on an idle machine and costs much on a busy one; 0 = the "
                        "libraries' default, all cores)")
    p.add_argument("--no-progress", action="store_true",
                   help="no tqdm progress bar, per-epoch lines only (for logs; the bar redraws ~10 times per epoch)")
    p.add_argument("--plot", default=None, metavar="FILE",
                   help="draw training loss and train/test accuracy per epoch into FILE, e.g. curves.png "
                        "(needs matplotlib: pip install \".[plot]\")")
    p.add_argument("--distributed", action="store_true",
                   help="data-parallel training over the MPI ranks this was started on (mpiexec -n N ...); "
                        "--batch-size is the global batch, split across the ranks")
    p.add_argument("--min-accuracy", type=float, default=97.0,
                   help="exit with status 1 if the tensorcore test accuracy is lower (default 97)")
    args = p.parse_args(argv)
    args.rank = 0
    if args.plot:
        try:
            import matplotlib  # noqa: F401  (checked before training, not after)
        except ImportError:
            p.error("--plot needs matplotlib, which is not installed: pip install matplotlib "
                    "(or pip install \".[plot]\" in the checkout)")
    if args.distributed:
        if args.backend != "tensorcore":
            p.error("--distributed runs on tensorcore only (--backend tensorcore)")
        import tensorcore.distributed as dist
        dist.init_process_group("mpi")
        args.rank, world = dist.get_rank(), dist.get_world_size()
        if args.batch_size % world:
            p.error(f"--batch-size {args.batch_size} must be divisible by the number of ranks ({world})")
        if args.rank != 0:
            args.no_progress = True

    data = load_data(args.seed)
    if args.rank != 0:
        results = run("tensorcore", args, data, progress=False)
        return 0 if results["test_acc"] >= args.min_accuracy else 1
    if args.distributed:
        print(f"distributed: {world} ranks, {args.batch_size // world} images per rank per step")
    print(f"digits: {len(data[0][1])} training and {len(data[1][1])} test images of 8x8 pixels, 10 classes; "
          f"threads: {args.threads or 'library default'}")
    backends = ["torch", "tensorcore"] if args.backend == "torch" else ["tensorcore"]
    results = {}
    for b in backends:
        results[b] = run(b, args, data, progress=not args.no_progress)
        report(results[b])
    if args.plot:
        plot_curves(results, args.plot)
        print(f"loss and accuracy curves written to {args.plot}")
    ok = True
    tc_res = results["tensorcore"]
    if tc_res["reloaded_acc"] != tc_res["test_acc"]:
        print("error: the reloaded tensorcore model does not reproduce the trained model's accuracy")
        ok = False
    if tc_res["test_acc"] < args.min_accuracy:
        print(f"error: tensorcore test accuracy {tc_res['test_acc']:.2f}% is below {args.min_accuracy}%")
        ok = False
    if "torch" in results:
        t_tc, t_th = tc_res["train_time"], results["torch"]["train_time"]
        print(f"time: tensorcore {t_tc:.2f} s, torch {t_th:.2f} s (tensorcore/torch = {t_tc / t_th:.2f}); "
              f"test accuracy: tensorcore {tc_res['test_acc']:.2f}%, torch {results['torch']['test_acc']:.2f}%")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
