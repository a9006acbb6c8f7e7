"""Point-to-point: send/recv, isend/irecv, P2POp and batch_isend_irecv."""
import threading

import numpy as np

from .. import _C
from . import _mpi
from ._buffers import DTYPE_BY_CODE, DTYPE_CODES, Writable, array_of, check_tensor, readable
from ._work import DistBackendError, Work, watchdog
from .collectives import _desc
from .distributed_c10d import _group_root, _resolve

#
# Note [point-to-point header]
# A message is a small header (dtype code, element count, shape hash) on tag
# 2*tag followed by the data on tag 2*tag+1, both non-blocking (MPI_Isend),
# so isend/irecv never occupy the group's executor and cannot deadlock
# against collectives queued behind them. The receiver checks the header
# against its tensor: a dtype or shape mismatch raises instead of silently
# reinterpreting bytes, and a larger message is drained before raising, so
# the stream stays consistent.

def _header(t):
    return np.array([DTYPE_CODES[t.dtype], t.numel(), hash(tuple(t.shape)) & ((1 << 62) - 1)], np.int64)


class _P2PWork(Work):
    def __init__(self, description, finish, outputs, timeout_s):
        super().__init__(None, description, outputs)
        self._finish_fn = finish
        self._timeout_s = timeout_s
        self._value = None
        self._wait_lock = threading.Lock()

    def wait(self, timeout=None):
        with self._wait_lock:  # the user and get_future's helper thread may both wait
            self._finish_once()
        if self._exception is not None:
            raise self._exception
        return True

    def _finish_once(self):
        if not self._done.is_set():
            token = watchdog.start(self._description, self._timeout_s)
            try:
                self._value = self._finish_fn()
            except _mpi.load().Exception as e:
                self._exception = DistBackendError(f"{self._description}: MPI error: {e}")
            except BaseException as e:
                self._exception = e
            finally:
                watchdog.finish(token)
                self._set_done()

    def get_future(self):
        """As Work.get_future(); a point-to-point operation progresses only
        inside wait(), so a helper thread waits for it."""
        future = super().get_future()
        if not self._done.is_set():
            threading.Thread(target=self._wait_quietly, name="tensorcore-distributed-p2p-future", daemon=True).start()
        return future

    def _wait_quietly(self):
        try:
            self.wait()
        except BaseException:  # delivered through the future
            pass

    def is_completed(self):
        return self._done.is_set()


def _p2p_peer(pg, peer, op, what):
    if peer is None:
        return None
    r = _group_root(pg, peer, op, what)
    return r


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Starts sending `tensor` to rank `dst`; returns a Work."""
    check_tensor(tensor, "tensor", "isend")
    pg = _resolve(group, "isend")
    if pg is None:
        return None
    peer = group_dst if group_dst is not None else _p2p_peer(pg, dst, "isend", "dst")
    if peer is None:
        raise ValueError("isend(): dst must be given")
    if peer == pg.rank():
        raise ValueError("Invalid destination rank: should not be the same as rank of the current process.")
    MPI = _mpi.load()
    header, data = _header(tensor), readable(tensor)
    reqs = [pg._comm.Isend(header, peer, tag=2 * tag), pg._comm.Isend(data, peer, tag=2 * tag + 1)]

    def finish():
        MPI.Request.Waitall(reqs)
        _ = (header, data)  # keep the buffers alive until MPI is done with them
    return _P2PWork(_desc("send", tensor, pg, f" to rank {dst}"), finish, [tensor], pg._executor.timeout_s)


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Starts receiving into `tensor` from rank `src` (any rank if None);
    wait() then returns; the Work's result names the sender."""
    check_tensor(tensor, "tensor", "irecv")
    pg = _resolve(group, "irecv")
    if pg is None:
        return None
    peer = group_src if group_src is not None else _p2p_peer(pg, src, "irecv", "src")
    MPI = _mpi.load()
    header = np.empty(3, np.int64)
    mine = _header(tensor)
    out = Writable(tensor)
    status = MPI.Status()
    source = MPI.ANY_SOURCE if peer is None else peer
    head_req = pg._comm.Irecv(header, source, tag=2 * tag)
    # With a known sender the data receive is posted at once (overlap); with
    # any-source it waits for the header, which names the sender.
    data_req = pg._comm.Irecv(out.array, peer, tag=2 * tag + 1) if peer is not None else None

    def finish():
        nonlocal data_req
        head_req.Wait(status)
        sender = status.Get_source()
        if (header == mine).all():
            if data_req is None:
                data_req = pg._comm.Irecv(out.array, sender, tag=2 * tag + 1)
            data_req.Wait()
            out.commit()
            return pg._ranks[sender]
        if data_req is not None:
            data_req.Cancel()
            data_req.Wait()
        dtype = DTYPE_BY_CODE.get(int(header[0]))
        np_dtype = array_of(_C.empty([1], dtype)).dtype if dtype is not None else np.uint8
        sink = np.empty(int(header[1]), np_dtype)
        pg._comm.Recv(sink, sender, tag=2 * tag + 1)
        raise RuntimeError(f"recv: rank {pg._ranks[sender]} sent {int(header[1])} elements of {dtype} but the "
                           f"receiving tensor has {tensor.numel()} elements of {tensor.dtype} (shape "
                           f"{list(tensor.shape)}); send and recv need the same dtype and shape")
    work = _P2PWork(_desc("recv", tensor, pg), finish, [tensor], pg._executor.timeout_s)
    return work


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Sends `tensor` to rank `dst` (returns when the buffer can be reused)."""
    isend(tensor, dst, group, tag, group_dst).wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receives into `tensor` from rank `src` (any if None); returns the
    sender's rank."""
    w = irecv(tensor, src, group, tag, group_src)
    if w is None:
        return -1
    w.wait()
    return w._value


class P2POp:
    """One send or receive for batch_isend_irecv: P2POp(dist.isend, t, peer)
    or P2POp(dist.irecv, t, peer)."""

    def __init__(self, op, tensor, peer=None, group=None, tag=0, group_peer=None):
        if op not in (isend, irecv):
            raise ValueError("Invalid ``op``. Expected ``op`` to be of type ``torch.distributed.isend`` or "
                             "``torch.distributed.irecv``.")
        self.op, self.tensor, self.peer, self.group, self.tag, self.group_peer = op, tensor, peer, group, tag, \
            group_peer


def batch_isend_irecv(p2p_op_list):
    """Starts every send and receive of the list; returns their Works."""
    if not isinstance(p2p_op_list, (list, tuple)) or not all(isinstance(p, P2POp) for p in p2p_op_list):
        raise ValueError("Invalid ``p2p_op_list``. Each op is expected to to be of type "
                         "``torch.distributed.P2POp``.")
    works = []
    for p in p2p_op_list:
        if p.op is isend:
            works.append(isend(p.tensor, p.peer, p.group, p.tag, p.group_peer))
        else:
            works.append(irecv(p.tensor, p.peer, p.group, p.tag, p.group_peer))
    return works
