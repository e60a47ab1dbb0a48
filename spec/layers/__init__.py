"""Layer types of the spec, one module each; importing this package registers them all."""
import importlib
import pkgutil

from .base import LayerType, ShapeError, registry, register

for _m in pkgutil.iter_modules(__path__):
    if _m.name != "base":
        importlib.import_module(f"{__name__}.{_m.name}")

__all__ = ["LayerType", "ShapeError", "registry", "register"]
