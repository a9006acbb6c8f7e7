"""Collectives of picklable Python objects (mpi4py's pickling calls, through
the group's executor): broadcast_object_list, all_gather_object,
gather_object, scatter_object_list; and their point-to-point pair
send_object_list/recv_object_list."""
from . import _mpi, _signature
from ._work import DistBackendError, watchdog
from .distributed_c10d import _group_root, _resolve

def _object_group(group, op):
    pg = _resolve(group, op)
    return pg, _mpi.load()


def broadcast_object_list(object_list, src=0, group=None, device=None, group_src=None):
    """Replaces object_list's items with rank `src`'s (pickled)."""
    pg, MPI = _object_group(group, "broadcast_object_list")
    if pg is None:
        return
    root = group_src if group_src is not None else _group_root(pg, src, "broadcast_object_list", "src")
    sig = _signature.make("broadcast_object_list", numel=len(object_list), root=root)

    def body():
        if pg._check:
            pg._checker.check(sig, "broadcast_object_list")
        return pg._comm.bcast(list(object_list) if pg.rank() == root else None, root=root)
    result = pg._executor.run(body, f"broadcast_object_list (group {pg._name}, rank {pg.rank()})")
    object_list[:] = result


def all_gather_object(object_list, obj, group=None):
    """object_list[i] = `obj` of group rank i (pickled)."""
    pg, MPI = _object_group(group, "all_gather_object")
    if pg is None:
        return
    if len(object_list) != pg.size():
        raise ValueError(f"all_gather_object(): object_list must have {pg.size()} (the group's size) items, "
                         f"got {len(object_list)}")

    def body():
        if pg._check:
            pg._checker.check(_signature.make("all_gather_object"), "all_gather_object")
        return pg._comm.allgather(obj)
    object_list[:] = pg._executor.run(body, f"all_gather_object (group {pg._name}, rank {pg.rank()})")


def gather_object(obj, object_gather_list=None, dst=0, group=None, group_dst=None):
    """object_gather_list[i] on rank `dst` = `obj` of group rank i."""
    pg, MPI = _object_group(group, "gather_object")
    if pg is None:
        return
    root = group_dst if group_dst is not None else _group_root(pg, dst, "gather_object", "dst")
    if pg.rank() == root and (object_gather_list is None or len(object_gather_list) != pg.size()):
        raise ValueError(f"gather_object(): object_gather_list must have {pg.size()} items on the destination rank")

    def body():
        if pg._check:
            pg._checker.check(_signature.make("gather_object", root=root), "gather_object")
        return pg._comm.gather(obj, root=root)
    result = pg._executor.run(body, f"gather_object (group {pg._name}, rank {pg.rank()})")
    if pg.rank() == root:
        object_gather_list[:] = result


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=0, group=None,
                        group_src=None):
    """scatter_object_output_list[0] on group rank i = item i of rank `src`'s
    scatter_object_input_list."""
    pg, MPI = _object_group(group, "scatter_object_list")
    if pg is None:
        return
    if not isinstance(scatter_object_output_list, list) or len(scatter_object_output_list) < 1:
        raise ValueError("Expected argument scatter_object_output_list to be a list of size at least 1.")
    root = group_src if group_src is not None else _group_root(pg, src, "scatter_object_list", "src")
    if pg.rank() == root and (scatter_object_input_list is None or len(scatter_object_input_list) != pg.size()):
        raise ValueError(f"scatter_object_list(): the source rank needs {pg.size()} input objects")

    def body():
        if pg._check:
            pg._checker.check(_signature.make("scatter_object_list", root=root), "scatter_object_list")
        return pg._comm.scatter(list(scatter_object_input_list) if pg.rank() == root else None, root=root)
    scatter_object_output_list[0] = pg._executor.run(body, f"scatter_object_list (group {pg._name})")


def _object_tag(pg, MPI):
    """The tag of object messages: MPI's largest, above every tensor
    message's (p2p.py uses 2 * tag and 2 * tag + 1 for user tags)."""
    return pg._comm.Get_attr(MPI.TAG_UB)


def _guarded_p2p(pg, MPI, description, fn):
    token = watchdog.start(description, pg._executor.timeout_s)
    try:
        return fn()
    except MPI.Exception as e:
        raise DistBackendError(f"{description}: MPI error: {e}") from None
    finally:
        watchdog.finish(token)


def send_object_list(object_list, dst=None, group=None, device=None, group_dst=None):
    """Sends the picklable objects of `object_list` to rank `dst`, whose
    recv_object_list receives them (into a list of the same length)."""
    pg, MPI = _object_group(group, "send_object_list")
    if pg is None:
        return
    if dst is None and group_dst is None:
        raise ValueError("send_object_list(): dst must be given")
    peer = group_dst if group_dst is not None else _group_root(pg, dst, "send_object_list", "dst")
    if peer == pg.rank():
        raise ValueError("Invalid destination rank: destination rank should not be the same as the rank of the "
                         "current process.")
    payload = list(object_list)
    _guarded_p2p(pg, MPI, f"send_object_list to rank {pg._ranks[peer]}",
                 lambda: pg._comm.send(payload, dest=peer, tag=_object_tag(pg, MPI)))


def recv_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Replaces the items of `object_list` with the objects rank `src` (any
    rank if None) sent with send_object_list; returns the sender's rank."""
    pg, MPI = _object_group(group, "recv_object_list")
    if pg is None:
        return -1
    peer = group_src if group_src is not None else (
        None if src is None else _group_root(pg, src, "recv_object_list", "src"))
    status = MPI.Status()
    source = MPI.ANY_SOURCE if peer is None else peer
    received = _guarded_p2p(pg, MPI, "recv_object_list",
                            lambda: pg._comm.recv(source=source, tag=_object_tag(pg, MPI), status=status))
    sender = pg._ranks[status.Get_source()]
    if len(received) != len(object_list):
        raise RuntimeError(f"recv_object_list: rank {sender} sent {len(received)} objects but object_list has "
                           f"{len(object_list)} items; send_object_list and recv_object_list need lists of the "
                           f"same length")
    object_list[:] = received
    return sender
