"""Runs one rank of `python -m tensorcore.distributed.run`: torchrun's
environment variables from MPI's, then the user's script as __main__."""
import os
import runpy
import sys


def _mpi_environment():
    """RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE from the launcher's
    variables (MPICH's hydra, or Open MPI's), without initialising MPI."""
    env = os.environ
    pairs = [("RANK", ("PMI_RANK", "OMPI_COMM_WORLD_RANK")), ("WORLD_SIZE", ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE")),
             ("LOCAL_RANK", ("MPI_LOCALRANKID", "OMPI_COMM_WORLD_LOCAL_RANK")),
             ("LOCAL_WORLD_SIZE", ("MPI_LOCALNRANKS", "OMPI_COMM_WORLD_LOCAL_SIZE"))]
    out = {}
    for name, sources in pairs:
        for s in sources:
            if s in env:
                out[name] = env[s]
                break
    out.setdefault("RANK", "0")
    out.setdefault("WORLD_SIZE", "1")
    out.setdefault("LOCAL_RANK", out["RANK"])
    out.setdefault("LOCAL_WORLD_SIZE", out["WORLD_SIZE"])
    out.setdefault("GROUP_RANK", str(int(out["RANK"]) // max(1, int(out["LOCAL_WORLD_SIZE"]))))
    # torchrun scripts sometimes read these; MPI does the rendezvous instead.
    out["MASTER_ADDR"] = env.get("MASTER_ADDR", "127.0.0.1")
    out["MASTER_PORT"] = env.get("MASTER_PORT", "29500")
    return out


def main(argv):
    if not argv:
        sys.stderr.write("usage: python -m tensorcore.distributed._worker [-m] SCRIPT [ARGS...]\n")
        return 2
    os.environ.update(_mpi_environment())
    as_module = argv[0] == "-m"
    if as_module:
        argv = argv[1:]
    target, sys.argv = argv[0], list(argv)
    if as_module:
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
        runpy.run_path(target, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
