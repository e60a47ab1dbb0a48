"""dqn_mountaincar (post 001's deep Q learning): the spec's `rl` section, the agent written once for
both twins (crosscheck/dqn.py), and DQN conformance (crosscheck/dqn_lockstep.py)."""
import copy
import json
import subprocess
import sys

import numpy as np
import pytest

from crosscheck import dqn, dqn_lockstep, experiments
from spec import SpecError, build_spec, load_spec
from spec import rl as rl_rules


def with_rl(**changes):
    raw = copy.deepcopy(load_spec("dqn_mountaincar").raw)
    raw["rl"].update(changes)
    return raw


def test_the_posts_schedule_rules():
    rl = load_spec("dqn_mountaincar").rl
    assert rl_rules.epsilon(rl, 0) == 1.0
    assert rl_rules.epsilon(rl, 10_000) == pytest.approx(0.01 + 0.99 * np.exp(-1.0))
    # the post's if/elif chain: the first threshold reached adds its bonus, so past 0.1 it is always +10
    assert [rl_rules.shaped(rl, -1.0, p) for p in (0.05, 0.1, 0.3, 0.6)] == [-1.0, 9.0, 9.0, 9.0]


def test_replay_keeps_the_newest_and_samples_without_replacement():
    memory = dqn.Replay(3, 2)
    for i in range(5):
        memory.add([i, -i], i % 3, float(i), [i + 1, 0], i == 4)
    assert memory.size == 3 and sorted(memory.rewards) == [2.0, 3.0, 4.0]
    batch = memory.sample(np.random.default_rng(0), 3)
    assert sorted(batch.rewards) == [2.0, 3.0, 4.0]
    assert np.array_equal(batch.terminal, batch.rewards == 4.0)
    targets = dqn.td_targets(np.array([[1.0, 5.0, 2.0]] * 3, np.float32), batch, 0.5)
    assert targets.dtype == np.float32
    assert np.array_equal(targets, np.where(batch.terminal, batch.rewards, batch.rewards + 2.5).astype(np.float32))


@pytest.mark.parametrize("changes,where", [
    ({"environment": "MountainCar-v9"}, "rl.environment"),
    ({"gamma": 1.5}, "rl.gamma"),
    ({"batch_size": 0}, "rl.batch_size"),
    ({"learning_starts": 10}, "rl.learning_starts"),
    ({"epsilon": {"start": 0.1, "end": 0.5, "decay": 0.001}}, "rl.epsilon.end"),
    ({"shaped_reward": [{"position_at_least": 0.1}]}, "rl.shaped_reward[0]"),
])
def test_a_bad_rl_section_names_its_field(changes, where):
    with pytest.raises(SpecError) as err:
        build_spec(with_rl(**changes), "q.json")
    assert len(err.value.lines()) == 1 and err.value.lines()[0].startswith(f"q.json: {where}: ")


def test_cli_refuses_an_unknown_environment_with_one_line(tmp_path):
    path = tmp_path / "q.json"
    path.write_text(json.dumps(with_rl(environment="CartPole-v9")))
    proc = subprocess.run([sys.executable, "-m", "crosscheck", "validate", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [f"{path}: rl.environment: 'CartPole-v9' is not one of ['MountainCar-v0']"]


@pytest.fixture
def one_torch_thread():
    """The learners run thousands of tiny ops: on a busy CPU torch's spinning OpenMP threads made the
    200 updates 10x slower than one thread (crosscheck.environment.set_threads)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def ten_update_target():
    """The zoo spec syncs after every update (the post): a period of 10 gives the target network a
    life of its own."""
    return build_spec(with_rl(target_update_period=10), "dqn10.json")


def test_dqn_lockstep_over_200_updates_passes(one_torch_thread):
    result = dqn_lockstep.dqn_conformance(ten_update_target(), 200, device="cpu")
    names = {c.name for c in result.checks}
    assert {"q_values", "td_targets", "loss", "online:fc1.kernel", "target:q_values.bias"} <= names and len(names) == 15
    for c in result.checks:
        assert c.verdict == "pass", (c.name, c.note)
        assert c.max_scaled <= c.tol and c.float64_scaled < 1e-9
    assert result.passed and result.steps == 200


class LateSync(dqn.QLearner):
    """Syncs the target network one update late (after updates 1, 11, 21, … instead of 10, 20, …)."""

    def sync_due(self) -> bool:
        return (self.updates - 1) % self.rl["target_update_period"] == 0


def test_a_target_network_synced_one_update_late_fails_and_is_named(one_torch_thread):
    result = dqn_lockstep.dqn_conformance(ten_update_target(), 25, device="cpu", draws=1, learners={"torch": LateSync})
    by_name = {c.name: c for c in result.checks}
    assert result.failed
    targets = [c for n, c in by_name.items() if n.startswith("target:")]
    assert len(targets) == 6 and all(c.verdict == "fail" and "float64 twins differ" in c.note for c in targets)
    assert by_name["td_targets"].verdict == "fail"
    # the first update's TD targets come from the initial weights in both; the late learner's target
    # network is synced after update 1, the right one is not, so the second update's differ
    batches = dqn_lockstep.replay_samples(ten_update_target(), 2, 0)
    runs = [dqn_lockstep.run_updates(ten_update_target(), "torch", batches, 0, "cpu", float64=True, learner=cls)
            for cls in (dqn.QLearner, LateSync)]
    assert np.array_equal(runs[0].targets[0], runs[1].targets[0])
    assert not np.array_equal(runs[0].targets[1], runs[1].targets[1])


def test_experiments_keeps_the_rows_it_did_not_run():
    previous = experiments.markdown([], "crosscheck experiments",
                                    "| spec | steps × batch | cost, TF | cost, torch | outputs differ by | the post says |\n"
                                    "|---|---|---|---|---|---|\n| `kadenze_linear` | 500 × 1000 | 0.4 | 0.4 | 1e-07 | a line |\n\n"
                                    "## kadenze_linear\n\n![kadenze_linear](experiments/kadenze_linear.png)\n")
    regression, rl, sections = experiments.kept_parts(previous)
    assert list(regression) == ["kadenze_linear"] and rl == {} and list(sections) == ["kadenze_linear"]
    assert experiments.markdown([], "crosscheck experiments", previous) == previous
