"""torch.utils.data._utils.collate: the collate registry (Note [collate
registry] in utils/data/collate.py), re-exported under PyTorch's path. The
map is the same object, so an edit through either path is seen by both."""
from ..collate import (collate as collate, default_collate as default_collate,  # noqa: F401
                       default_convert as default_convert, default_collate_fn_map as default_collate_fn_map,
                       collate_tensor_fn as collate_tensor_fn, collate_numpy_array_fn as collate_numpy_array_fn,
                       collate_numpy_scalar_fn as collate_numpy_scalar_fn, collate_float_fn as collate_float_fn,
                       collate_int_fn as collate_int_fn, collate_str_fn as collate_str_fn,
                       default_collate_err_msg_format as default_collate_err_msg_format,
                       np_str_obj_array_pattern as np_str_obj_array_pattern)
