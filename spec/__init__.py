"""The framework-neutral contract: spec format, schema, validation, shape inference, weights.

See `spec/SEMANTICS.md` for the meaning of every field.
"""
from .errors import SpecError, WeightsError
from .model import Node, Spec, build_spec, load_spec, spec_ids
from .summary import param_counts, summary_text
from .weights import init_weights, load_weights, save_weights

__all__ = [
    "Node", "Spec", "SpecError", "WeightsError", "build_spec", "init_weights", "load_spec",
    "load_weights", "param_counts", "save_weights", "spec_ids", "summary_text",
]
