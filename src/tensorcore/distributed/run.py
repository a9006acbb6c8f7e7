"""torchrun-style launcher over MPI's mpiexec:

    python -m tensorcore.distributed.run --nproc-per-node 2 train.py --epochs 3
    python -m tensorcore.distributed.run --nnodes 2 --nproc-per-node 4 --hostfile hosts train.py

runs `mpiexec -n NNODES*NPROC [-ppn NPROC -f HOSTFILE] python -m
tensorcore.distributed._worker train.py ...`. The worker sets torchrun's
environment variables from MPI's (RANK, WORLD_SIZE, LOCAL_RANK,
LOCAL_WORLD_SIZE, and MASTER_ADDR/MASTER_PORT placeholders) before running
the script as __main__, so scripts written for torchrun that read them work
unchanged. init_process_group then takes the ranks from MPI; the variables
agree by construction. The exit status is mpiexec's: non-zero when any rank
failed (mpiexec then ends the others).
"""
import argparse
import os
import shutil
import subprocess
import sys
import sysconfig

from ._mpi import INSTALL_HINT


def find_mpiexec():
    """mpiexec next to this interpreter (where the mpich wheel puts it), else
    on PATH; None if there is none."""
    scripts = sysconfig.get_path("scripts")
    for candidate in (os.path.join(scripts, "mpiexec"), os.path.join(os.path.dirname(sys.executable), "mpiexec")):
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("mpiexec")


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m tensorcore.distributed.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--nproc-per-node", "--nproc_per_node", type=int, default=1,
                   help="processes (ranks) per machine (default 1)")
    p.add_argument("--nnodes", type=int, default=1, help="number of machines (default 1; >1 needs --hostfile or "
                                                         "--hosts)")
    p.add_argument("--hostfile", "-f", default=None, help="MPI host file: one machine name per line")
    p.add_argument("--hosts", default=None, help="comma-separated machine names (instead of --hostfile)")
    p.add_argument("--mpiexec", default=None, help="the mpiexec to use (default: the mpich wheel's, else PATH)")
    p.add_argument("--mpiexec-arg", action="append", default=[], metavar="ARG",
                   help="an extra argument for mpiexec (repeatable), e.g. --mpiexec-arg=-bind-to=core")
    p.add_argument("-m", "--module", action="store_true", help="run SCRIPT as a module (python -m SCRIPT)")
    p.add_argument("--no-python", "--no_python", action="store_true",
                   help="run SCRIPT as an executable, not with this Python")
    p.add_argument("--dry-run", action="store_true", help="print the mpiexec command instead of running it")
    p.add_argument("script", help="the training script (or module with -m)")
    p.add_argument("script_args", nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    if args.nproc_per_node < 1 or args.nnodes < 1:
        p.error("--nproc-per-node and --nnodes must be at least 1")
    if args.nnodes > 1 and not (args.hostfile or args.hosts):
        p.error("--nnodes > 1 needs --hostfile FILE or --hosts a,b,...: the machines to start ranks on")
    return args


def build_command(args, mpiexec):
    cmd = [mpiexec, "-n", str(args.nproc_per_node * args.nnodes)]
    if args.hostfile or args.hosts:
        cmd += ["-ppn", str(args.nproc_per_node)]
        cmd += ["-f", args.hostfile] if args.hostfile else ["-hosts", args.hosts]
    cmd += list(args.mpiexec_arg)
    if args.no_python:
        cmd += [args.script]
    else:
        cmd += [sys.executable, "-m", "tensorcore.distributed._worker"] + (["-m"] if args.module else []) + \
            [args.script]
    return cmd + list(args.script_args)


def main(argv=None):
    args = parse_args(argv)
    mpiexec = args.mpiexec or find_mpiexec()
    if mpiexec is None:
        sys.stderr.write(f"error: no mpiexec found. {INSTALL_HINT}\n")
        return 2
    cmd = build_command(args, mpiexec)
    env = dict(os.environ)
    if args.nproc_per_node > 1 and "OMP_NUM_THREADS" not in env:
        # As torchrun: N ranks on one machine each using every core would
        # oversubscribe it; the user can set OMP_NUM_THREADS to override.
        env["OMP_NUM_THREADS"] = "1"
    if args.dry_run:
        print(" ".join(cmd))
        return 0
    return subprocess.call(cmd, env=env)


if __name__ == "__main__":
    sys.exit(main())
