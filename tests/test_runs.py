"""Independent runs (`crosscheck.runs`): the same table whichever engine ran them (this process,
spawned processes, Ray), and a store that resumes: a finished task is never run again while its
key and the code and environment are the same."""
import json

import pytest

from crosscheck import runs
from crosscheck.cli import main
from crosscheck.errors import TaskFailed, UserError

EQUIVALENCE = ["equivalence", "ltfn1_softmax", "--seeds", "2", "--steps", "20", "--data", "fallback", "--json",
               "--no-progress"]


def equivalence(capsys, *extra) -> dict:
    assert main([*EQUIVALENCE, *extra]) in (0, 1)
    return json.loads(capsys.readouterr().out)


def test_equivalence_table_is_the_same_on_every_engine(tmp_path, capsys):
    """Four runs (2 seeds × 2 twins), in this process one after another, then each in a fresh process
    (2 at a time, 1 thread each) and on a local Ray instance: every accuracy bit for bit the same."""
    serial = equivalence(capsys, "--store", str(tmp_path / "store"))
    for tf_acc, torch_acc in zip(serial["tf"]["accuracies"], serial["torch"]["accuracies"]):
        assert 0.0 < tf_acc < 1.0 and 0.0 < torch_acc < 1.0
    # the seeds matter (native initialisers differ), so agreement below is not a constant's
    assert len(set(serial["tf"]["accuracies"])) == 2 and len(set(serial["torch"]["accuracies"])) == 2
    assert len(list((tmp_path / "store").glob("*.json"))) == 4
    for engine in (["--workers", "2"], ["--ray", "local"]):
        other = equivalence(capsys, *engine)
        assert other == serial, engine


def test_a_rerun_takes_finished_runs_from_the_store(tmp_path, capsys, monkeypatch):
    from crosscheck.commands import equivalence as command

    store = ["--store", str(tmp_path)]
    first = equivalence(capsys, *store)
    calls = []
    real = command.train_native
    monkeypatch.setattr(command, "train_native", lambda *a: calls.append(a[1:3]) or real(*a))
    assert equivalence(capsys, *store) == first and calls == []
    (stored,) = tmp_path.glob("ltfn1_softmax_torch_seed_1.*.json")
    stored.unlink()
    assert equivalence(capsys, *store) == first and calls == [("torch", 1)]
    # a different key (more steps) is a different run: nothing of the store is reused
    calls.clear()
    equivalence(capsys, *store, "--steps", "21")
    assert sorted(calls) == [("tf", 0), ("tf", 1), ("torch", 0), ("torch", 1)]


def square(x: int, calls) -> int:
    calls.touch()
    if x < 0:
        raise UserError(f"negative input {x}")
    if x == 13:
        raise ZeroDivisionError("unlucky")
    return x * x


def tasks(xs, tmp_path):
    return [runs.Task(f"square {x}", {"x": x}, square, (x, tmp_path / f"called.{x}")) for x in xs]


def test_store_resumes_and_keys_by_version(tmp_path, monkeypatch):
    store = runs.Store(tmp_path / "store")
    assert runs.run_tasks(tasks([1, 2], tmp_path), store=store, progress=False) == [1, 4]
    for f in tmp_path.glob("called.*"):
        f.unlink()
    seen = []
    assert runs.run_tasks(tasks([1, 2, 3], tmp_path), store=store, progress=False,
                          on_done=lambda t, r: seen.append((t.name, r))) == [1, 4, 9]
    assert sorted(f.name for f in tmp_path.glob("called.*")) == ["called.3"]  # only the new task ran
    assert sorted(seen) == [("square 1", 1), ("square 2", 4), ("square 3", 9)]
    # another version of the code: every task runs again
    monkeypatch.setattr(runs, "version", lambda: {"code": "other"})
    runs.run_tasks(tasks([1, 2, 3], tmp_path), store=store, progress=False)
    assert sorted(f.name for f in tmp_path.glob("called.*")) == ["called.1", "called.2", "called.3"]


def test_failed_tasks_are_one_line_each_and_the_rest_is_stored(tmp_path):
    store = runs.Store(tmp_path / "store")
    with pytest.raises(TaskFailed) as e:
        runs.run_tasks(tasks([2, -1, 3], tmp_path), store=store, progress=False)
    assert e.value.user and e.value.lines == ["square -1: negative input -1"]
    assert store.get(tasks([3], tmp_path)[0]) == 9 and store.get(tasks([-1], tmp_path)[0]) is None
    with pytest.raises(TaskFailed) as e:
        runs.run_tasks(tasks([13, -1], tmp_path), progress=False)
    assert not e.value.user  # a crash is not the user's error: exit 1
    assert e.value.lines == ["square 13: ZeroDivisionError: unlucky", "square -1: negative input -1"]
    assert "ZeroDivisionError" in e.value.details[0] and "Traceback" in e.value.details[0]
    (stored,) = (tmp_path / "store").glob("square_3.*.json")
    stored.write_text("{not json")
    with pytest.raises(UserError, match="square_3.*not a stored result"):
        runs.run_tasks(tasks([3], tmp_path), store=store, progress=False)


def test_cli_exit_codes_of_failed_runs(capsys, monkeypatch):
    from crosscheck.commands import equivalence as command

    assert main([*EQUIVALENCE, "--workers", "0"]) == 2
    assert main([*EQUIVALENCE, "--workers", "2", "--ray", "local"]) == 2
    err = capsys.readouterr().err
    assert "--workers must be at least 1" in err and "give one of them" in err and "Traceback" not in err

    def crash(spec, framework, seed, *rest):
        raise RuntimeError(f"boom {framework} {seed}")

    monkeypatch.setattr(command, "train_native", crash)
    assert main(EQUIVALENCE) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"ltfn1_softmax {fw} seed {s}: RuntimeError: boom {fw} {s}" for s in (0, 1) for fw in ("tf", "torch")]
    assert main([*EQUIVALENCE, "--verbose"]) == 1
    assert "Traceback" in capsys.readouterr().err
