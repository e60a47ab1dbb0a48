"""Run both twins of a spec, compare them, export to ONNX, report; the `crosscheck` CLI."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TF C++ start-up chatter hides our output
import tf_impl  # noqa: F401  (loads triton before any TensorFlow import; see tf_impl/__init__.py)
