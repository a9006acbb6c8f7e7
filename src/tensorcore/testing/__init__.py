"""tensorcore.testing (torch.testing): assert_close, assert_allclose (deprecated, kept as in
PyTorch 2.13) and make_tensor. FileCheck (a TorchScript IR checker) is not provided."""
from ._comparison import assert_allclose, assert_close  # noqa: F401
from ._creation import make_tensor  # noqa: F401
