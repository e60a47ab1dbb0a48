"""Spec → TensorFlow/Keras: emits a Keras functional `Model` as Python source and runs exactly it.

Import order matters in a process that also uses torch: torch 2.14's triton and TensorFlow each
bundle LLVM, and when TensorFlow loads first, a later triton import (torch._dynamo, torchvision,
torch.onnx's exporter) segfaults. Loading triton first (0.3 s) avoids it, so this package does,
and `crosscheck` imports this package before anything else.
"""
try:  # pragma: no cover - depends on what is installed
    import triton  # noqa: F401
except ImportError:
    pass
