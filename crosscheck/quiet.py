"""Keeping the frameworks' start-up chatter off stderr, so that a command's stderr holds only
its own messages (the CLI does this unless `--verbose`).

TensorFlow's C++ logging obeys TF_CPP_MIN_LOG_LEVEL, read once, when it first logs. But the
oneDNN notice (`I0000 ... port.cc:153] oneDNN custom operations are on ...`) is written through
absl before absl's logging is initialised, which no setting reaches: it goes to file descriptor
2 while `tensorflow` is imported. So that import, whenever a command first makes it, runs with
descriptor 2 pointed at /dev/null; an import that fails still raises, after stderr is back.
"""
from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import sys
import warnings

FRAMEWORKS = r"(tensorflow|keras|tf_keras|torch|absl)(\.|$)"


def silence_frameworks() -> None:
    """TF C++ logs at FATAL only, Python loggers of TF, absl and torch at ERROR, framework warnings off,
    and the first import of `tensorflow` with stderr muted. Call before TensorFlow is imported."""
    import absl.logging  # absl's own call, not logging.getLogger("absl"): that would pre-empt its logger class

    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    # torch sets its loggers' levels when imported, from TORCH_LOGS ("-torch": ERROR and above), so not
    # setLevel: e.g. inductor's "No CUDA runtime is found" under torch.compile
    os.environ.setdefault("TORCH_LOGS", "-torch")
    absl.logging.set_verbosity(absl.logging.ERROR)
    warnings.filterwarnings("ignore", module=FRAMEWORKS)
    if "tensorflow" not in sys.modules:
        sys.meta_path.insert(0, _MutedImport("tensorflow"))


@contextlib.contextmanager
def stderr_muted():
    """File descriptor 2 to /dev/null (C++ writes there directly, bypassing sys.stderr)."""
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


class _MutedImport:
    """A meta-path finder for one top-level module: finds it as usual, once, and executes it muted."""

    def __init__(self, name: str):
        self.name = name

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _MutedLoader(spec.loader)
        return spec


class _MutedLoader:
    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):  # create_module, get_resource_reader, ... as the real loader has them
        return getattr(self._loader, name)

    def exec_module(self, module) -> None:
        module.__loader__ = module.__spec__.loader = self._loader  # the module keeps the real loader
        with stderr_muted():
            self._loader.exec_module(module)
