"""torch.hub: the checkpoint cache and hubconf.py entry points.

Model code copied from torchvision-style repositories imports ``load_state_dict_from_url`` (or
``torch.utils.model_zoo.load_url``) at module level and calls it only for pretrained weights, so the import has to
work offline; a call finds a checkpoint already in the cache (``$TORCH_HOME/hub/checkpoints``) without the network,
as PyTorch does. ``load`` runs a ``hubconf.py`` entry point from a local folder (source='local'), or from a GitHub
archive downloaded into the hub folder (source='github', which needs the network).
"""
import errno
import hashlib
import importlib.util
import os
import re
import shutil
import sys
import urllib.request
import uuid
import warnings
import zipfile
from urllib.error import HTTPError, URLError  # noqa: F401  (PyTorch's torch.hub exports them)
from urllib.parse import urlparse

ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
MODULE_HUBCONF = "hubconf.py"
VAR_DEPENDENCY = "dependencies"
READ_DATA_CHUNK = 128 * 1024
# A checkpoint named name-<sha256 prefix>.ext carries the prefix of its hash (check_hash=True compares it).
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")

_hub_dir = None

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url", "set_dir"]


def _get_torch_home():
    return os.path.expanduser(os.getenv(ENV_TORCH_HOME, os.path.join(
        os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "torch")))


def get_dir():
    """The hub folder: set_dir's, else $TORCH_HOME/hub (default ~/.cache/torch/hub)."""
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d):
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Downloads url into dst through a temporary file beside it (checked against hash_prefix when given)."""
    dst = os.path.expanduser(dst)
    request = urllib.request.Request(url, headers={"User-Agent": "torch.hub"})
    with urllib.request.urlopen(request) as response:
        folder = os.path.dirname(os.path.abspath(dst))
        tmp = os.path.join(folder, f"{os.path.basename(dst)}.{uuid.uuid4().hex}.partial")
        digest = hashlib.sha256() if hash_prefix is not None else None
        try:
            with open(tmp, "wb") as f:
                while True:
                    chunk = response.read(READ_DATA_CHUNK)
                    if not chunk:
                        break
                    f.write(chunk)
                    if digest is not None:
                        digest.update(chunk)
            if digest is not None and not digest.hexdigest().startswith(hash_prefix):
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest.hexdigest()}")')
            shutil.move(tmp, dst)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)


def _is_legacy_zip_format(filename):
    # A checkpoint zipped by hand (one .pth inside), as opposed to torch.save's own zip format.
    if not zipfile.is_zipfile(filename):
        return False
    infos = zipfile.ZipFile(filename).infolist()
    return len(infos) == 1 and not infos[0].is_dir()


def _legacy_zip_load(filename, model_dir, map_location, weights_only):
    import tensorcore
    with zipfile.ZipFile(filename) as f:
        member = f.infolist()[0].filename
        f.extractall(model_dir)
    return tensorcore.load(os.path.join(model_dir, member), map_location=map_location, weights_only=weights_only)


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False,
                             file_name=None, weights_only=False):
    """torch.load of the checkpoint at url, downloaded into model_dir (default get_dir()/checkpoints) once."""
    import tensorcore
    if os.getenv("TORCH_MODEL_ZOO"):
        warnings.warn("TORCH_MODEL_ZOO is deprecated, please use env TORCH_HOME instead")
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')  # stdout, as PyTorch
        hash_prefix = None
        if check_hash:
            found = HASH_REGEX.search(filename)
            hash_prefix = found.group(1) if found else None
        download_url_to_file(url, cached_file, hash_prefix, progress=progress)
    if _is_legacy_zip_format(cached_file):
        return _legacy_zip_load(cached_file, model_dir, map_location, weights_only)
    return tensorcore.load(cached_file, map_location=map_location, weights_only=weights_only)


def _parse_repo_info(github):
    repo_info, _, ref = github.partition(":")
    owner, _, name = repo_info.partition("/")
    if not owner or not name:
        raise ValueError(f'Invalid input: {github} (expected "repo_owner/repo_name[:ref]")')
    return owner, name, ref or "main"


def _github_dir(github, force_reload, verbose):
    owner, name, ref = _parse_repo_info(github)
    hub_dir = get_dir()
    os.makedirs(hub_dir, exist_ok=True)
    repo_dir = os.path.join(hub_dir, "_".join([owner, name, ref.replace("/", "_")]))
    if os.path.exists(repo_dir) and not force_reload:
        if verbose:
            sys.stderr.write(f"Using cache found in {repo_dir}\n")
        return repo_dir
    archive = os.path.join(hub_dir, ref.replace("/", "_") + ".zip")
    url = f"https://github.com/{owner}/{name}/zipball/{ref}"
    sys.stdout.write(f'Downloading: "{url}" to {archive}\n')
    download_url_to_file(url, archive, progress=False)
    with zipfile.ZipFile(archive) as f:
        top = f.infolist()[0].filename
        extracted = os.path.join(hub_dir, top)
        shutil.rmtree(extracted, ignore_errors=True)
        f.extractall(hub_dir)
    os.remove(archive)
    shutil.rmtree(repo_dir, ignore_errors=True)
    shutil.move(extracted, repo_dir)
    return repo_dir


def _import_hubconf(repo_dir):
    path = os.path.join(repo_dir, MODULE_HUBCONF)
    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
    sys.path.insert(0, repo_dir)  # hubconf imports its repository's modules
    try:
        spec = importlib.util.spec_from_file_location(MODULE_HUBCONF[:-3], path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(repo_dir)
    missing = [d for d in getattr(module, VAR_DEPENDENCY, []) if importlib.util.find_spec(d) is None]
    if missing:
        raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")
    return module


def _entry(module, model):
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    func = getattr(module, model, None)
    if func is None or not callable(func):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return func


def _repo_dir(repo_or_dir, source, force_reload, verbose):
    source = source.lower()
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    return repo_or_dir if source == "local" else _github_dir(repo_or_dir, force_reload, verbose)


def list(github, force_reload=False, skip_validation=False, trust_repo="check", verbose=True):  # noqa: A001
    """The entry points of github's hubconf.py (callables not starting with '_')."""
    module = _import_hubconf(_github_dir(github, force_reload, verbose))
    return [f for f in dir(module) if callable(getattr(module, f)) and not f.startswith("_")]


def help(github, model, force_reload=False, skip_validation=False, trust_repo="check"):  # noqa: A001
    return _entry(_import_hubconf(_github_dir(github, force_reload, True)), model).__doc__


def load(repo_or_dir, model, *args, source="github", trust_repo="check", force_reload=False, verbose=True,
         skip_validation=False, **kwargs):
    """Calls the entry point `model` of the hubconf.py in repo_or_dir with args and kwargs."""
    module = _import_hubconf(_repo_dir(repo_or_dir, source, force_reload, verbose))
    return _entry(module, model)(*args, **kwargs)
