"""A registry of one instance per type name: spec layer types (`spec.layers`) and each backend's
translations of them (`tf_impl.layers`, `torch_impl.layers`) register the same way."""
from __future__ import annotations


class Registry:
    def __init__(self, what: str):
        self.what = what  # for the error: "layer type", "TF translation", ...
        self.entries: dict = {}

    def register(self, cls):
        """Class decorator: one instance of `cls` under `cls.type` (one name, used everywhere)."""
        if not cls.type:
            raise ValueError(f"{cls.__name__} has no type name")
        if cls.type in self.entries:
            raise ValueError(f"{self.what} {cls.type!r} registered twice")
        self.entries[cls.type] = cls()
        return cls
