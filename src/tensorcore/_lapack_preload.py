"""Loads scipy-openblas64's OpenBLAS before _C, which links it (Note [LAPACK
from scipy-openblas64] in CMakeLists.txt).

_C's RPATH finds the library in an installed wheel ($ORIGIN/../scipy_openblas64/lib)
and in a development build tree; this covers any other layout (an editable
install, a copied tree): the dynamic loader reuses a library already loaded
under the same soname. With the package absent, _C's own lookup reports it.
"""
import ctypes
import os

try:
    import scipy_openblas64 as _openblas
except ImportError:  # a build without LAPACK, or _C's RPATH will say what is missing
    _openblas = None

if _openblas is not None:
    try:
        ctypes.CDLL(os.path.join(_openblas.get_lib_dir(), f"lib{_openblas.get_library()}.so"))
    except OSError:
        pass
