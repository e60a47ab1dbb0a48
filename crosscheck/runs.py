"""Independent runs (specs × seeds × frameworks) on one engine: in this process, on N local
processes, or on a Ray cluster; each finished run kept in a resumable store.

A `Task` is a module-level function and its picklable arguments, returning a JSON-able result,
with the key its result depends on. Every result goes through JSON whichever engine ran it, so a
table built from a store, from local processes or from Ray is the one a serial run builds.

- in this process (`workers=None`): the caller has set threads and conformance mode itself;
- `workers=N`: N spawned processes, one run per process (it exits when its run is done, so each
  run's peak memory is its own and nothing of one run's framework state reaches the next);
- `ray=ADDRESS`: one Ray worker process per run (`max_calls=1`), `ray.init(address=ADDRESS)`;
  `local` starts a Ray instance on this machine for the command's duration.

A fresh process gets the same settings as the CLI's own: framework chatter off unless verbose,
freed memory returned, a fixed number of threads per framework (1 unless given: a result must
not depend on how many cores the machine that ran it had), conformance mode.

The store (`Store`) writes each finished result atomically to DIR/NAME.HASH.json, HASH covering
the task's key and `version()` — the project's code and the numeric environment — so a run
interrupted at any point carries on with the tasks not yet in it, and a change of code,
packages or CPU settings starts afresh instead of mixing results.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
import traceback
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from spec.atomic import write_text_atomic

from .errors import TaskFailed, UserError

PACKAGES = ("numpy", "tensorflow", "tensorflow-cpu", "keras", "torch", "onnx", "onnxruntime", "tf2onnx")
# settings that change float results while leaving the code and packages alone
NUMERIC_ENV = ("TF_ENABLE_ONEDNN_OPTS", "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA", "CUDA_VISIBLE_DEVICES")
SOURCE_DIRS = ("crosscheck", "spec", "tf_impl", "torch_impl")


@dataclass(frozen=True)
class Task:
    name: str  # readable ("ltfn1_softmax tf seed 0"): in messages and the store's file names
    key: dict  # everything besides `version()` that the result depends on (JSON-able)
    fn: Callable  # module-level, so that a fresh process can import it
    args: tuple = ()


def spec_digest(spec) -> str:
    """A spec's content: a stored result is for this content, whatever file or id named it."""
    return hashlib.sha256(json.dumps(spec.raw, sort_keys=True).encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def version() -> dict:
    """The code and environment a result depends on: a digest of the project's Python sources,
    the Python and package versions, and the numeric settings of NUMERIC_ENV."""
    from importlib import metadata

    root = Path(__file__).resolve().parents[1]
    code = hashlib.sha256()
    for d in SOURCE_DIRS:
        for f in sorted((root / d).rglob("*.py")):
            code.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    packages = {}
    for p in PACKAGES:
        try:
            packages[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            continue
    return {"code": code.hexdigest()[:16], "python": sys.version.split()[0], "packages": packages,
            "env": {k: os.environ[k] for k in NUMERIC_ENV if k in os.environ}}


class Store:
    """Finished results, one JSON file per task, in `root`."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, task: Task) -> tuple[Path, dict]:
        key = {**task.key, "version": version()}
        digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]
        stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in task.name)
        return self.root / f"{stem}.{digest}.json", key

    def get(self, task: Task):
        """The stored result, or None when the task has not finished under this key."""
        path, key = self._path(task)
        if not path.exists():
            return None
        try:
            doc = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise UserError(f"{path}: not a stored result ({e}); remove it to run the task again") from None
        return doc["result"] if isinstance(doc, dict) and doc.get("key") == key and "result" in doc else None

    def put(self, task: Task, result) -> None:
        path, key = self._path(task)
        write_text_atomic(path, json.dumps({"task": task.name, "key": key, "result": result,
                                            "finished_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
                                           indent=1) + "\n")


def run_tasks(tasks: list[Task], *, workers: int | None = None, ray: str | None = None, store: Store | None = None,
              threads: int | None = None, verbose: bool = False, progress: bool = True, desc: str = "runs",
              on_done: Callable | None = None) -> list:
    """Run every task not already in `store` and return all results in task order. `on_done(task,
    result)` is called here as each result arrives (stored ones first). A task that fails does not
    stop the others: their results are stored, then `TaskFailed` names every failure, one line each."""
    from tqdm import tqdm

    results: list = [None] * len(tasks)
    todo = []
    for i, task in enumerate(tasks):
        stored = store.get(task) if store else None
        if stored is None:
            todo.append(i)
        else:
            results[i] = stored
            if on_done:
                on_done(task, stored)
    failures = []

    def finished(i: int, outcome: tuple) -> None:
        kind, value, detail = outcome
        bar.update(1)
        if kind != "ok":
            failures.append((tasks[i].name, kind, value, detail))
            return
        if store:
            store.put(tasks[i], value)
        results[i] = value
        if on_done:
            on_done(tasks[i], value)

    with (_ray_session(ray, verbose) if ray is not None and todo else nullcontext(),
          tqdm(total=len(tasks), initial=len(tasks) - len(todo), desc=desc, unit="run", disable=not progress) as bar):
        if ray is not None:
            _on_ray([tasks[i] for i in todo], todo, threads or 1, verbose, finished)
        elif workers is not None:
            _on_processes(workers, [tasks[i] for i in todo], todo, threads or 1, verbose, finished)
        else:
            for i in todo:
                finished(i, _outcome(tasks[i]))
    if failures:
        raise TaskFailed([f"{name}: {line}" for name, _, lines, _ in failures for line in lines],
                         user=all(kind == "user" for _, kind, _, _ in failures),
                         details=[d for *_, d in failures if d])
    return results


def _outcome(task: Task) -> tuple:
    """("ok", JSON-round-tripped result, None), ("user", lines, None) or ("crash", [line], traceback)."""
    from spec import SpecError, WeightsError

    try:
        return "ok", json.loads(json.dumps(task.fn(*task.args))), None
    except SpecError as e:  # not picklable as itself: its lines travel instead
        return "user", e.lines(), None
    except (UserError, WeightsError) as e:
        return "user", [str(e)], None
    except Exception as e:
        return "crash", [f"{type(e).__name__}: {e}"], traceback.format_exc()


def in_fresh_process(task: Task, threads: int, verbose: bool) -> tuple:
    """A task's outcome in a process started for it, set up as the CLI sets up its own."""
    from . import environment, quiet

    if not verbose:
        quiet.silence_frameworks()
    environment.large_allocations_returned()  # before TensorFlow is imported
    environment.set_threads(threads)
    environment.conformance_mode()
    return _outcome(task)


def _on_processes(workers: int, tasks: list[Task], index: list[int], threads: int, verbose: bool, finished) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               max_tasks_per_child=1)
    with pool:
        futures = {pool.submit(in_fresh_process, t, threads, verbose): i for t, i in zip(tasks, index)}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except BrokenProcessPool as e:  # killed (out of memory, a signal): no Python error to report
                outcome = ("crash", [f"its process died ({e})"], None)
            finished(futures[future], outcome)


@contextmanager
def _ray_session(address: str, verbose: bool):
    """Connected to the Ray cluster at `address` (`local`: a Ray instance started here) for the block."""
    import logging

    import ray

    from . import quiet

    _reachable(address)
    try:
        # Ray's C++ client writes every failed connection attempt to descriptor 2
        with nullcontext() if verbose else quiet.stderr_muted():
            ray.init(address=address, include_dashboard=False, log_to_driver=verbose,
                     logging_level=logging.INFO if verbose else logging.ERROR)
    except (ConnectionError, ValueError, RuntimeError) as e:
        raise UserError(f"--ray {address}: {str(e).splitlines()[0] if str(e) else type(e).__name__} (a cluster "
                        "with token authentication needs RAY_AUTH_MODE=token and its token here)") from None
    try:
        yield
    finally:
        ray.shutdown()


def _on_ray(tasks: list[Task], index: list[int], threads: int, verbose: bool, finished) -> None:
    import ray

    # one worker process per run (max_calls=1), holding `threads` CPUs of the cluster
    remote = ray.remote(max_calls=1, num_cpus=threads)(in_fresh_process)
    refs = {remote.remote(t, threads, verbose): i for t, i in zip(tasks, index)}
    pending = list(refs)
    while pending:
        ready, pending = ray.wait(pending, num_returns=1)
        try:
            outcome = ray.get(ready[0])
        except ray.exceptions.RayError as e:  # the worker or its node died
            outcome = ("crash", [f"Ray: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"], str(e))
        finished(refs[ready[0]], outcome)


def _reachable(address: str) -> None:
    """Refuse at once a HOST:PORT nobody listens on (Ray itself retries for minutes)."""
    import socket

    if address in ("local", "auto") or "://" in address:
        return
    host, _, port = address.rpartition(":")
    if not (host and port.isdigit()):
        raise UserError(f"--ray {address}: give HOST:PORT as `ray start --head` printed it, or `local`")
    try:
        socket.create_connection((host, int(port)), timeout=10).close()
    except OSError as e:
        raise UserError(f"--ray {address}: cannot reach a Ray head there ({e}); give HOST:PORT as `ray start --head` "
                        "printed it, or `local`") from None
