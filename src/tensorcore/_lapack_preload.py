"""Loads scipy-openblas64's OpenBLAS before _C, which links it (Note [LAPACK
from scipy-openblas64] in CMakeLists.txt).

_C's RPATH finds the library in an installed wheel ($ORIGIN/../scipy_openblas64/lib)
and in a development build tree; this covers any other layout (an editable
install, a copied tree): the dynamic loader reuses a library already loaded
under the same soname. With the package absent, _C's own lookup reports it.

Note [OpenBLAS stays out of the global scope]
The library is located WITHOUT importing the ``scipy_openblas64`` package: its
``__init__`` opens the library with RTLD_GLOBAL, and not every symbol it exports
carries the ``scipy_`` prefix (``sroundup_lwork_``, ``droundup_lwork_`` and some
fifty more LAPACK helpers are plain Fortran names compiled for 64-bit integers).
In the global scope those interpose the same-named routines of SciPy's own
32-bit-integer OpenBLAS loaded later, so after ``import tensorcore`` SciPy's
float32 workspace queries read an 8-byte integer where it passed 4 bytes:
``scipy.linalg.qr`` of a float32 array, hence scikit-learn's PCA and TSNE,
failed with "OverflowError: Python int too large to convert to C int". Opened
RTLD_LOCAL (ctypes' default) the library serves _C alone.
"""
import ctypes
import glob
import importlib.util
import os


def _openblas_library():
    """Path of the wheel's shared library, or None where the package is absent."""
    try:
        spec = importlib.util.find_spec("scipy_openblas64")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for package_dir in spec.submodule_search_locations:
        found = sorted(glob.glob(os.path.join(package_dir, "lib", "libscipy_openblas*.so*")))
        if found:
            return found[0]
    return None


_library = _openblas_library()
if _library is not None:
    try:
        ctypes.CDLL(_library, mode=ctypes.RTLD_LOCAL)
    except OSError:  # _C's own lookup reports what is missing
        pass
