"""What produced a number: framework versions, devices, TF32 and determinism switches.

`conformance_mode()` sets the switches the harness runs under (TF32 off in both frameworks,
deterministic kernels) and `describe()` records them in every report: TensorFlow enables TF32
by default on Ampere+ GPUs and torch does not, which alone breaks 1e-5 agreement.
"""
from __future__ import annotations

import platform
import sys

_STATE: dict = {}


def conformance_mode() -> None:
    import tensorflow as tf
    import torch

    tf.config.experimental.enable_tensor_float_32_execution(False)
    tf.config.experimental.enable_op_determinism()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = False
    torch.use_deterministic_algorithms(True, warn_only=True)
    _STATE["determinism"] = {
        "tf.config.experimental.enable_op_determinism": True,
        "torch.use_deterministic_algorithms": "True (warn_only)",
        "torch.backends.cudnn.benchmark": False,
    }


def describe(tf_device: str, torch_device: str) -> dict:
    import keras
    import numpy as np
    import onnx
    import onnxruntime
    import tensorflow as tf
    import torch

    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "numpy": np.__version__,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "onnxruntime": onnxruntime.__version__,
        "tf_device": tf_device,
        "torch_device": torch_device,
        "cuda_device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "tf32": {
            "tensorflow": bool(tf.config.experimental.tensor_float_32_execution_enabled()),
            "torch_matmul": bool(torch.backends.cuda.matmul.allow_tf32),
            "torch_cudnn": bool(torch.backends.cudnn.allow_tf32),
        },
        "determinism": _STATE.get("determinism", "defaults (conformance_mode() not called)"),
        "threads": _STATE.get("threads", "framework defaults"),
        "malloc": _STATE.get("malloc", "C library defaults"),
    }


def set_threads(n: int) -> None:
    """Limit both frameworks to `n` intra-op threads (call before TensorFlow runs any op). On a
    CPU shared with other jobs, torch's OpenMP threads spin-wait for busy cores: at the default
    2 threads on 2 loaded cores a step was measured 10× slower than with 1."""
    import tensorflow as tf
    import torch

    tf.config.threading.set_intra_op_parallelism_threads(n)
    tf.config.threading.set_inter_op_parallelism_threads(n)
    torch.set_num_threads(n)
    _STATE["threads"] = n


MMAP_THRESHOLD = 256 * 1024


def large_allocations_returned() -> None:
    """Freed memory goes back to the system, in TensorFlow and in the C library; call before
    TensorFlow is imported.

    TensorFlow with oneDNN (the x86 default) allocates every tensor of 256 KiB or more from a pool
    (a BFC allocator) that keeps its high-water mark for the life of the process: after one float64
    ResNet50 gradient TF holds 0.35 GB more than it uses, beside all torch's runs. TF's own switch
    TF_ONEDNN_USE_SYSTEM_ALLOCATOR sends them to the system allocator instead (the kernels are the
    same; only where their buffers come from changes). A value the user set is kept.

    glibc is asked to map every allocation of 256 KiB or more on its own, so that freeing it gives
    the memory back. Its default raises that threshold as large blocks are freed, after which the
    activation-sized tensors of successive float64 runs fragment the heap: `crosscheck compare
    resnet50` measured 7.6 GB peak with the default, 5.9 GB with this (each mapping costs a page
    fault per page on first touch; nothing else changes). A no-op where the C library is not glibc."""
    import ctypes
    import os

    os.environ.setdefault("TF_ONEDNN_USE_SYSTEM_ALLOCATOR", "1")
    try:
        ctypes.CDLL("libc.so.6").mallopt(-3, MMAP_THRESHOLD)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass
    _STATE["malloc"] = (f"glibc M_MMAP_THRESHOLD {MMAP_THRESHOLD}; "
                        f"TF_ONEDNN_USE_SYSTEM_ALLOCATOR={os.environ['TF_ONEDNN_USE_SYSTEM_ALLOCATOR']}")


def peak_rss_bytes() -> int | None:
    """This process's peak resident set size so far (Linux and macOS; None elsewhere)."""
    try:
        import resource
    except ImportError:  # not a POSIX system
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB on Linux
