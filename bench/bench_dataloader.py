"""DataLoader throughput with worker processes, tensorcore vs PyTorch.

Two datasets, each read for one epoch with num_workers = 0, 1, 2:
- "slow sample": __getitem__ waits 2 ms (I/O, decoding) and normalizes a
  3x32x32 image: workers overlap the waits, so throughput should scale
  with the number of workers;
- "transport": __getitem__ returns a 3x64x64 float32 slice of a tensor in
  memory (no work): what is left is the cost of batching and of passing
  batches (64 x 48 KiB each) from the workers to the main process.
Prints samples per second (best of `repeats` epochs) for both libraries.
"""
import os
import sys
import time

try:
    import tensorcore  # noqa: F401  (installed, or on PYTHONPATH)
except ImportError:  # a development checkout built with scripts/dev_build.sh
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))


class SlowSample:
    def __init__(self, T, n):
        self.T, self.n = T, n
        self.images = T.randn(n, 3, 32, 32)

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        time.sleep(0.002)
        x = self.images[i]
        return (x - x.mean()) / (x.std() + 1e-5), i


class Transport:
    def __init__(self, T, n):
        self.n = n
        self.images = T.randn(n, 3, 64, 64)

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return self.images[i], i


def samples_per_second(T, dataset_cls, n, num_workers, repeats=3):
    data = T.utils.data
    ds = dataset_cls(T, n)
    dl = data.DataLoader(ds, batch_size=64, num_workers=num_workers, timeout=60 if num_workers else 0)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in dl:
            pass
        best = min(best, time.perf_counter() - t0)
    return n / best


def main():
    import tensorcore
    libs = [("tensorcore", tensorcore)]
    try:
        import torch
        torch.set_num_threads(1)
        libs.append(("torch", torch))
    except ImportError:
        pass
    tensorcore.set_num_threads(1)
    for dataset_cls, n in ((SlowSample, 1024), (Transport, 4096)):
        for name, T in libs:
            rates = [samples_per_second(T, dataset_cls, n, w) for w in (0, 1, 2)]
            print(f"{dataset_cls.__name__:10s} {name:10s} samples/s  workers=0: {rates[0]:8.0f}  "
                  f"workers=1: {rates[1]:8.0f}  workers=2: {rates[2]:8.0f}  (2 vs 0: {rates[2] / rates[0]:.2f}x)")


if __name__ == "__main__":
    main()
