"""Spec → PyTorch: emits an `nn.Module` as Python source and runs exactly it.

The module takes and returns the spec's logical layout (channels last) and computes in NCHW
inside; `torch_impl.layout` holds every conversion that implies.
"""
