"""How much memory running a spec takes, estimated from its shapes, and the guard that refuses a
run that cannot fit before anything is allocated (a spec far too large otherwise validates and
then dies in an out-of-memory traceback, or takes the machine down with it).

Counted in elements: P, every parameter of every layer; A, per sample, the input plus every
layer's output (Σ prod(out_shape)). Bytes per element: 4 in float32, 8 in float64. A model copy
(a twin, an ONNX graph) computing in dtype d on a batch of b needs
* forward only: P·d for its weights, and b·L·d for activations, where L is the largest set one
  layer holds at once (its inputs and its output; earlier outputs are freed by then);
* a gradient step: P·d·(2 + s), the weights, their gradients and s optimiser slots per weight
  (0 for plain SGD, 1 for momentum and Adagrad, 2 for Adam), and A·b·d·2: every output is kept
  for the backward pass, and the backward pass allocates its gradient.
On top come the neutral float32 weights every command samples or loads first (P·4), and a
training set held by numpy in float32 and copied to each model's device in its dtype:
N·(prod(input) + prod(output))·(4 + copies·d). Copies alive at once hold their parameters at
once, but run one batch at a time, so activations count once, at the widest dtype.
This is a floor, not a forecast: framework workspaces, allocator caches and the interpreter
come on top. Only host memory is consulted; a CUDA device's own memory is not.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

from . import optimizers
from .errors import SpecError
from .model import Spec

BYTES = {"float32": 4, "float64": 8}


@dataclass(frozen=True)
class Need:
    """Bytes a run needs: parameters (all copies), activations (at `batch`, the batch of the pass
    that needs the most), training data."""

    parameters: int
    activations: int
    data: int
    batch: int
    float64: bool  # a float64 copy is counted (the rounding-floor reference)

    @property
    def total(self) -> int:
        return self.parameters + self.activations + self.data


def parameter_count(spec: Spec) -> int:
    return sum(n.n_params() for n in spec.nodes)


def activation_count(spec: Spec) -> int:
    """Elements per sample of the input and every layer's output."""
    return math.prod(spec.input_shape) + sum(math.prod(n.out_shape) for n in spec.nodes)


def live_count(spec: Spec) -> int:
    """Elements per sample one layer holds at once in a forward pass: its inputs and its output."""
    return max([math.prod(spec.input_shape)]
               + [math.prod(n.out_shape) + sum(math.prod(s) for s in n.in_shapes) for n in spec.nodes])


def optimizer_slots(optimizer: dict | None) -> int:
    """State tensors the optimiser keeps per parameter (see spec.optimizers)."""
    if not optimizer:
        return 0
    o = optimizers.resolve(optimizer)
    if o["type"] == "sgd":
        return 1 if o["momentum"] else 0
    return {"adam": 2, "adagrad": 1}[o["type"]]


def need(spec: Spec, batch: int, *, dtypes=("float32",), copies: int = 1, gradients: bool = True,
         slots: int = 0, eval_batch: int = 0, data_examples: int = 0) -> Need:
    """The estimate of the module docstring for `copies` model copies in each of `dtypes`, running
    a gradient step (or with `gradients` false a forward pass) at `batch`, plus a forward-only
    evaluation at `eval_batch` and a training set of `data_examples` examples."""
    widest = max(BYTES[d] for d in dtypes)
    p = parameter_count(spec)
    per_weight = 2 + slots if gradients else 1
    parameters = p * BYTES["float32"] + sum(copies * p * BYTES[d] * per_weight for d in dtypes)
    step = (activation_count(spec) * 2 if gradients else live_count(spec)) * batch
    evaluation = live_count(spec) * eval_batch
    activations = max(step, evaluation) * widest
    per_example = math.prod(spec.input_shape) + math.prod(spec.output_shape)
    data = data_examples * per_example * (BYTES["float32"] + copies * widest)
    return Need(parameters, activations, data, batch if step >= evaluation else eval_batch, "float64" in dtypes)


def available_memory(meminfo: str = "/proc/meminfo") -> tuple[int, str]:
    """(bytes, "available" or "installed"): MemAvailable of /proc/meminfo (free memory plus what the
    kernel can reclaim), else the machine's physical memory."""
    try:
        with open(meminfo) as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024, "available"
    except OSError:
        pass
    return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"), "installed"


def format_bytes(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if n < 999.5:  # what rounds to 1000 is the next unit's 1
            return f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} EB"


def describe(need: Need) -> str:
    """`~310 GB (parameters 12 GB, activations 298 GB at batch 8, float64 reference included)`."""
    parts = [f"parameters {format_bytes(need.parameters)}"]
    if need.activations:
        parts.append(f"activations {format_bytes(need.activations)} at batch {need.batch}")
    if need.data:
        parts.append(f"training data {format_bytes(need.data)}")
    if need.float64:
        parts.append("float64 reference included")
    return f"~{format_bytes(need.total)} ({', '.join(parts)})"


def largest_part(spec: Spec, need: Need) -> str:
    """The field to blame: the layer with the most parameters when parameters dominate, else the
    largest tensor (`input.shape` when that is the input, or the data dominate)."""
    if need.parameters >= need.activations + need.data:
        return max(spec.nodes, key=lambda n: n.n_params()).path
    node = max(spec.nodes, key=lambda n: math.prod(n.out_shape))
    if need.data > need.activations or math.prod(spec.input_shape) >= math.prod(node.out_shape):
        return "input.shape"
    return node.path


def ensure_fits(spec: Spec, need: Need, available: tuple[int, str] | None = None) -> None:
    """Raise a SpecError (one line, at `largest_part`) when `need` exceeds the memory available."""
    have, how = available or available_memory()
    if need.total > have:
        raise SpecError((largest_part(spec, need), f"model needs {describe(need)} but {format_bytes(have)} are {how}"),
                        spec.source)
