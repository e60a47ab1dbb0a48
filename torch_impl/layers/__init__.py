"""PyTorch translation of each spec layer type, one module each; importing registers them."""
import importlib
import pkgutil

from .base import TorchLayer, register, registry

for _m in pkgutil.iter_modules(__path__):
    if _m.name != "base":
        importlib.import_module(f"{__name__}.{_m.name}")

__all__ = ["TorchLayer", "register", "registry"]
