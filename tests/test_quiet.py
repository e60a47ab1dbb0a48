"""Quiet by default: no TensorFlow / absl / oneDNN / Keras start-up lines on stderr from any CLI
entry point unless `--verbose` (crosscheck.quiet)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crosscheck.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
CONSOLE_SCRIPT = Path(sys.executable).with_name("crosscheck")  # pyproject's crosscheck.cli:main


def run(*cmd, env=None):
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def message(line: str) -> str:
    """A log line without its timestamp and thread id (`I0000 00:00:17... 4842 port.cc:153] ...`)."""
    return line.split("] ", 1)[-1]


def test_list_and_validate_leave_stderr_empty():
    for args in (["list"], ["validate", "ltfn1_softmax"]):
        proc = run(sys.executable, "-m", "crosscheck", *args)
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr


def test_compare_of_a_tiny_spec_leaves_stderr_empty():
    proc = run(sys.executable, "-m", "crosscheck", "compare", "ltfn1_softmax", "--device", "cpu")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert proc.stdout.startswith("PASS ltfn1_softmax")


def test_the_console_script_is_quiet_too(tmp_path):
    weights, native = tmp_path / "w.npz", tmp_path / "w.weights.h5"
    assert run(str(CONSOLE_SCRIPT), "weights", "init", "ltfn1_softmax", "--out", str(weights)).returncode == 0
    proc = run(str(CONSOLE_SCRIPT), "weights", "export", "ltfn1_softmax", "--framework", "tf",
               "--weights", str(weights), "--out", str(native))  # builds the Keras twin: imports TensorFlow
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert native.stat().st_size > 0


def test_verbose_shows_what_tensorflow_prints_at_import():
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    bare = run(sys.executable, "-c", "import crosscheck, tensorflow", env=env)
    expected = {message(line) for line in bare.stderr.splitlines()}
    if not expected:
        pytest.skip("this TensorFlow build prints nothing at import here")
    proc = run(sys.executable, "-m", "crosscheck", "compare", "ltfn1_softmax", "--device", "cpu", "--verbose", env=env)
    assert proc.returncode == 0
    assert expected <= {message(line) for line in proc.stderr.splitlines()}, proc.stderr


def test_stderr_works_again_after_the_muted_import():
    code = ("import crosscheck, os, sys; from crosscheck import quiet; quiet.silence_frameworks(); import tensorflow; "
            "print('after', file=sys.stderr, flush=True); os.write(2, b'fd 2\\n'); print(os.environ['TF_CPP_MIN_LOG_LEVEL'])")
    proc = run(sys.executable, "-c", code)
    assert (proc.returncode, proc.stderr, proc.stdout) == (0, "after\nfd 2\n", "3\n")


@pytest.mark.parametrize("argv,verbose", [(["list"], False), (["--verbose", "list"], True), (["list", "--verbose"], True),
                                          (["--verbose", "compare", "x"], True), (["weights", "--verbose", "init", "x",
                                                                                   "--out", "w.npz"], True)])
def test_verbose_before_or_after_the_subcommand(argv, verbose):
    assert build_parser().parse_args(argv).verbose is verbose
