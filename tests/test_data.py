"""tensorcore.utils.data: datasets, samplers, DataLoader batching and
shuffling, default_collate and random_split."""
from collections import namedtuple

import numpy as np
import pytest

import tensorcore as tc
from tensorcore.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset, IterableDataset,
                                   RandomSampler, SequentialSampler, Subset, TensorDataset, default_collate,
                                   random_split)


def _ds(n=10):
    return TensorDataset(tc.arange(n * 2, dtype=tc.float32).reshape(n, 2), tc.arange(n))


def test_tensor_dataset():
    ds = _ds()
    assert len(ds) == 10
    x, y = ds[3]
    assert x.tolist() == [6.0, 7.0] and int(y) == 3
    with pytest.raises(AssertionError, match="Size mismatch"):
        TensorDataset(tc.zeros(3), tc.zeros(4))


def test_dataloader_batches_in_order():
    dl = DataLoader(_ds(), batch_size=4)
    batches = list(dl)
    assert len(dl) == 3 and len(batches) == 3
    xb, yb = batches[0]
    assert isinstance(batches[0], list)  # default_collate turns tuples into lists, as PyTorch
    assert tuple(xb.shape) == (4, 2) and yb.tolist() == [0, 1, 2, 3]
    assert batches[2][1].tolist() == [8, 9]
    dl = DataLoader(_ds(), batch_size=4, drop_last=True)
    assert len(dl) == 2 and [b[1].tolist() for b in dl] == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_shuffle_is_seeded_and_covers_everything():
    def order(seed):
        dl = DataLoader(_ds(20), batch_size=6, shuffle=True, generator=tc.Generator().manual_seed(seed))
        return [i for _, yb in dl for i in yb.tolist()]

    a, b, c = order(1), order(1), order(2)
    assert a == b and a != c
    assert sorted(a) == list(range(20)) and a != list(range(20))
    # each epoch draws a new permutation from the same generator
    g = tc.Generator().manual_seed(3)
    dl = DataLoader(_ds(20), batch_size=20, shuffle=True, generator=g)
    e1, e2 = next(iter(dl))[1].tolist(), next(iter(dl))[1].tolist()
    assert e1 != e2 and sorted(e1) == sorted(e2)
    # without a generator the global seed decides
    tc.manual_seed(7)
    o1 = [i for _, yb in DataLoader(_ds(20), batch_size=5, shuffle=True) for i in yb.tolist()]
    tc.manual_seed(7)
    o2 = [i for _, yb in DataLoader(_ds(20), batch_size=5, shuffle=True) for i in yb.tolist()]
    assert o1 == o2


def test_batch_sampler_and_samplers():
    assert list(BatchSampler(SequentialSampler(range(7)), 3, False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(range(7), 3, True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(BatchSampler(range(7), 3, False)) == 3
    rs = RandomSampler(range(5), generator=tc.Generator().manual_seed(0))
    assert sorted(rs) == [0, 1, 2, 3, 4]
    rr = list(RandomSampler(range(5), replacement=True, num_samples=12, generator=tc.Generator().manual_seed(0)))
    assert len(rr) == 12 and all(0 <= i < 5 for i in rr)
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        BatchSampler(range(3), 0, False)
    dl = DataLoader(_ds(), batch_sampler=[[9, 0], [5]])
    assert [b[1].tolist() for b in dl] == [[9, 0], [5]]


def test_dataloader_argument_errors():
    ds = _ds()
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(ds, sampler=SequentialSampler(ds), shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(ds, batch_sampler=[[0]], batch_size=2)
    with pytest.raises(ValueError, match="drop_last"):
        DataLoader(ds, batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="num_workers"):
        DataLoader(ds, num_workers=-1)


class Pairs(Dataset):
    Item = namedtuple("Item", "x label")

    def __init__(self, kind):
        self.kind = kind

    def __len__(self):
        return 5

    def __getitem__(self, i):
        if self.kind == "dict":
            return {"img": np.full((2, 2), i, dtype=np.float32), "label": i, "w": float(i) / 2, "name": f"s{i}"}
        if self.kind == "tuple":
            return (tc.full((3,), float(i)), i)
        if self.kind == "namedtuple":
            return self.Item(np.int64(i), [i, i + 1])
        if self.kind == "numbers":
            return i
        raise KeyError(self.kind)


def test_default_collate_kinds():
    b = next(iter(DataLoader(Pairs("dict"), batch_size=3)))
    assert set(b) == {"img", "label", "w", "name"}
    assert tuple(b["img"].shape) == (3, 2, 2) and b["img"].dtype == tc.float32
    assert b["label"].dtype == tc.int64 and b["label"].tolist() == [0, 1, 2]
    assert b["w"].dtype == tc.float64 and b["w"].tolist() == [0.0, 0.5, 1.0]
    assert b["name"] == ["s0", "s1", "s2"]
    x, y = next(iter(DataLoader(Pairs("tuple"), batch_size=2)))
    assert tuple(x.shape) == (2, 3) and y.tolist() == [0, 1]
    nt = next(iter(DataLoader(Pairs("namedtuple"), batch_size=2)))
    assert type(nt).__name__ == "Item" and nt.x.tolist() == [0, 1] and nt.x.dtype == tc.int64
    assert [t.tolist() for t in nt.label] == [[0, 1], [1, 2]]
    assert next(iter(DataLoader(Pairs("numbers"), batch_size=5))).tolist() == [0, 1, 2, 3, 4]
    assert default_collate([True, False]).dtype == tc.bool
    assert default_collate([np.float32(1.5), np.float32(2)]).dtype == tc.float32
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="default_collate"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [3]])


def test_default_collate_vs_torch():
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as t_collate
    samples = [{"a": np.arange(3, dtype=np.float64) + i, "b": (i, float(i)), "c": [np.int32(i)]} for i in range(4)]
    ours, theirs = default_collate(samples), t_collate(samples)

    def same(o, t):
        if isinstance(t, torch.Tensor):
            assert isinstance(o, tc.Tensor) and o.tolist() == t.tolist() and o.dtype.name == str(t.dtype)[6:]
        elif isinstance(t, dict):
            assert type(o) is type(t) and set(o) == set(t)
            for k in t:
                same(o[k], t[k])
        else:
            assert type(o) is type(t) and len(o) == len(t)
            for a, b in zip(o, t):
                same(a, b)

    same(ours, theirs)


def test_no_batching_and_iterable_datasets():
    out = list(DataLoader(Pairs("dict"), batch_size=None))
    assert len(out) == 5 and isinstance(out[0]["img"], tc.Tensor) and out[0]["label"] == 0

    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(7))

        def __len__(self):
            return 7

    dl = DataLoader(Stream(), batch_size=3)
    assert [b.tolist() for b in dl] == [[0, 1, 2], [3, 4, 5], [6]] and len(dl) == 3
    assert [b.tolist() for b in DataLoader(Stream(), batch_size=3, drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError, match="IterableDataset"):
        DataLoader(Stream(), shuffle=True)


def test_random_split():
    ds = _ds(10)
    a, b = random_split(ds, [7, 3], generator=tc.Generator().manual_seed(0))
    assert len(a) == 7 and len(b) == 3
    ids = sorted(int(a[i][1]) for i in range(7)) + sorted(int(b[i][1]) for i in range(3))
    assert sorted(ids) == list(range(10))
    a2, _ = random_split(ds, [7, 3], generator=tc.Generator().manual_seed(0))
    assert a.indices == a2.indices
    parts = random_split(range(11), [0.5, 0.3, 0.2], generator=tc.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [6, 3, 2]
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(ds, [5, 6])
    # Subsets work with the DataLoader
    xb, yb = next(iter(DataLoader(a, batch_size=7)))
    assert sorted(yb.tolist()) == sorted(int(a[i][1]) for i in range(7))


def test_subset_and_concat():
    ds = _ds(6)
    sub = Subset(ds, [5, 0, 2])
    assert len(sub) == 3 and int(sub[0][1]) == 5
    cat = ds + _ds(4)
    assert isinstance(cat, ConcatDataset) and len(cat) == 10 and int(cat[7][1]) == 1 and int(cat[-1][1]) == 3
    assert [b[1].tolist() for b in DataLoader(cat, batch_size=4)] == [[0, 1, 2, 3], [4, 5, 0, 1], [2, 3]]


def test_fast_path_matches_generic_collate():
    ds = _ds(9)
    fast = list(DataLoader(ds, batch_size=4, shuffle=True, generator=tc.Generator().manual_seed(5)))
    slow = list(DataLoader(ds, batch_size=4, shuffle=True, generator=tc.Generator().manual_seed(5),
                           collate_fn=lambda b: default_collate(b)))
    for (fx, fy), (sx, sy) in zip(fast, slow):
        assert fx.tolist() == sx.tolist() and fy.tolist() == sy.tolist()


def test_shuffle_and_split_match_torch_for_the_same_seed():
    """tensorcore's generators reproduce PyTorch's streams, so a seeded
    DataLoader visits samples in the same order as PyTorch's."""
    torch = pytest.importorskip("torch")
    from torch.utils import data as tdata
    n = 23
    ours = DataLoader(_ds(n), batch_size=5, shuffle=True, generator=tc.Generator().manual_seed(11))
    theirs = tdata.DataLoader(tdata.TensorDataset(torch.arange(n)), batch_size=5, shuffle=True,
                              generator=torch.Generator().manual_seed(11))
    for _ in range(2):  # two epochs
        assert [b[1].tolist() for b in ours] == [b[0].tolist() for b in theirs]
    a = random_split(range(10), [0.6, 0.4], generator=tc.Generator().manual_seed(2))
    b = tdata.random_split(range(10), [0.6, 0.4], generator=torch.Generator().manual_seed(2))
    assert [list(s.indices) for s in a] == [list(s.indices) for s in b]
    rs = list(RandomSampler(range(7), replacement=True, num_samples=40, generator=tc.Generator().manual_seed(3)))
    rt = list(tdata.RandomSampler(range(7), replacement=True, num_samples=40,
                                  generator=torch.Generator().manual_seed(3)))
    assert rs == rt
