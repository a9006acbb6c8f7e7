"""torch._dynamo.config: the settings programs write before torch.compile (cache_size_limit,
suppress_errors, verbose, ...). tensorcore compiles nothing (Note [torch._dynamo without a compiler]
in __init__.py), so the values are stored and read back, never acted on. Names PyTorch does not
have raise PyTorch's AttributeError, as its config module does."""
import contextlib
import sys
import types

# PyTorch 2.13's defaults for the settings third-party programs touch.
_DEFAULTS = {
    "verbose": False,
    "suppress_errors": False,
    "cache_size_limit": 8,
    "recompile_limit": 8,
    "accumulated_cache_size_limit": 256,
    "accumulated_recompile_limit": 256,
    "automatic_dynamic_shapes": True,
    "assume_static_by_default": True,
    "capture_scalar_outputs": False,
    "capture_dynamic_output_shape_ops": False,
    "optimize_ddp": True,
    "inline_inbuilt_nn_modules": True,
    "specialize_int": False,
    "specialize_float": False,
    "error_on_recompile": False,
    "force_parameter_static_shapes": True,
    "force_nn_module_property_static_shapes": True,
    "guard_nn_modules": True,
    "allow_unspec_int_on_nn_module": False,
    "dynamic_shapes": True,
    "raise_on_ctx_manager_usage": True,
    "log_compilation_metrics": True,
    "skip_nnmodule_hook_guards": True,
    "compiled_autograd": False,
    "replay_record_enabled": False,
    "allow_rnn": False,
    "use_graph_deduplication": False,
    "prefer_deferred_runtime_asserts_over_guards": False,
}


class _ConfigModule(types.ModuleType):
    """This module's class: known settings read and write, unknown ones raise AttributeError."""

    def __getattr__(self, name):
        values = self.__dict__["_values"]
        if name in values:
            return values[name]
        raise AttributeError(f"{self.__name__}.{name} does not exist")

    def __setattr__(self, name, value):
        if name.startswith("_") or name in self.__dict__:
            super().__setattr__(name, value)
        elif name in self.__dict__["_values"]:
            self.__dict__["_values"][name] = value
        else:
            raise AttributeError(f"{self.__name__}.{name} does not exist")

    def patch(self, arg1=None, arg2=None, **kwargs):
        """Sets settings inside a `with` block or a decorated function, as PyTorch's config.patch."""
        changes = {}
        if isinstance(arg1, str):
            changes[arg1] = arg2
        elif isinstance(arg1, dict):
            changes.update(arg1)
        elif arg1 is not None:
            raise AssertionError(f"unexpected arguments to patch: {arg1!r}")
        changes.update(kwargs)
        for name in changes:
            if name not in self.__dict__["_values"]:
                raise AttributeError(f"{self.__name__}.{name} does not exist")
        config = self

        class _Patch(contextlib.ContextDecorator):
            def __enter__(self):
                self.saved = {name: config.__dict__["_values"][name] for name in changes}
                config.__dict__["_values"].update(changes)

            def __exit__(self, *exc):
                config.__dict__["_values"].update(self.saved)
                return False

        return _Patch()

    def get_config_copy(self):
        return dict(self.__dict__["_values"])

    def load_config(self, saved):
        for name, value in dict(saved).items():
            setattr(self, name, value)


_module = sys.modules[__name__]
_module.__class__ = _ConfigModule
_module.__dict__["_values"] = dict(_DEFAULTS)
