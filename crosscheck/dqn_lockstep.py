"""DQN conformance: both twins' Q-learners (`crosscheck.dqn`) fed the same transitions and the same
replay samples, update for update, judged by `crosscheck.verdict` as lockstep training is
(`crosscheck.lockstep`).

The transitions come from the spec's environment under uniformly random actions (a seeded numpy
stream, so they depend on neither twin); update t samples `batch_size` of the first
`learning_starts + t` of them, as a memory filled one transition per step would hold. Each twin
starts from `init_weights(spec, seed)` and runs the same updates in float32 and in float64 (the
proof), and the float64 torch learner runs them again under the float32 rounding model
(`crosscheck.sensitivity.Rounding`, on its online and its target network) for the sensitivity.

Checks: `q_values` — Q(s, ·) of the online network at every update; `td_targets` — every
update's TD targets (they come from the target network); `loss` — every update's loss, relative to
the float64 loss; `online:<layer>.<param>` and `target:<layer>.<param>` — both networks' parameters
after the last update, a parameter's scale floored by its travel |θ₀| + Σ|Δθ| as in lockstep
training. A target network synced at other updates than the spec's rule fails the `target:` checks
and, from the first missed sync on, `td_targets`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from spec import Spec, init_weights, rl as rl_rules

from . import dqn
from .lockstep import TrainConformance, train_rounding
from .sensitivity import DRAWS, FLOAT64_ROUNDOFF, UNIT_ROUNDOFF, Rounding
from .tolerance import TOL_TRAIN_LOSS, TOL_TRAIN_PARAM
from .twins import FRAMEWORKS, make_twin
from .verdict import distance, judge

EXPERIENCE_STREAM = 0xE7


def transitions(spec: Spec, n: int, seed: int) -> dqn.Replay:
    """`n` transitions of the spec's environment under uniformly random actions, shaped rewards."""
    rl = spec.rl
    env, rng = dqn.make_env(spec), np.random.default_rng([seed, EXPERIENCE_STREAM])
    memory = dqn.Replay(n, spec.input_shape[0])
    state, episode = env.reset(seed=seed)[0], 0
    while memory.size < n:
        action = int(rng.integers(spec.output_shape[0]))
        next_state, reward, terminated, truncated, _ = env.step(action)
        memory.add(state, action, rl_rules.shaped(rl, float(reward), float(next_state[0])), next_state,
                   terminated or truncated)
        state = next_state
        if terminated or truncated:
            episode += 1
            state = env.reset(seed=seed + episode)[0]
    env.close()
    return memory


def replay_samples(spec: Spec, updates: int, seed: int) -> list[dqn.Batch]:
    """The batch of every update: update t samples the first `learning_starts + t` transitions."""
    rl = spec.rl
    memory = transitions(spec, rl["learning_starts"] + updates - 1, seed)
    rng = np.random.default_rng([seed, dqn.REPLAY_STREAM])
    batches = []
    for t in range(updates):
        idx = rng.choice(rl["learning_starts"] + t, rl["batch_size"], replace=False)
        batches.append(dqn.Batch(memory.states[idx], memory.actions[idx], memory.rewards[idx],
                                 memory.next_states[idx], memory.terminal[idx]))
    return batches


@dataclass
class Run:
    q: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    losses: list = field(default_factory=list)
    online: dict = field(default_factory=dict)
    target: dict = field(default_factory=dict)
    travel: dict | None = None  # |θ₀| + Σ|Δθ| of the online network (float64 runs)


def run_updates(spec: Spec, framework: str, batches: list[dqn.Batch], seed: int, device: str, float64: bool = False,
                rounding_draw: int | None = None, rounding_size: float = UNIT_ROUNDOFF, learner=dqn.QLearner) -> Run:
    """One learner of `framework` through `batches`; `rounding_draw`: the (torch, float64) learner
    under that draw of the rounding model. `learner`: the class that makes it (a deliberately wrong
    one in the negative controls)."""
    weights = init_weights(spec, seed)
    online, target = make_twin(spec, framework, device, weights), make_twin(spec, framework, device)
    if float64:
        online.to_float64()
        target.to_float64()
    agent = learner(online, target, spec.rl)
    roundings = []
    if rounding_draw is not None:
        roundings.append(train_rounding(spec, online, seed, rounding_draw, rounding_size))
        if agent.target is not online:
            roundings.append(Rounding(spec, target, seed + 1, rounding_draw, rounding_size).__enter__())
    run = Run(travel={k: np.abs(v.astype(np.float64)) for k, v in weights.items()} if float64 else None)
    try:
        for batch in batches:
            before = online.get_weights() if run.travel is not None else None
            u = agent.update(batch)
            run.q.append(u.q)
            run.targets.append(u.targets)
            run.losses.append(roundings[0].scalar(u.loss) if roundings else u.loss)
            if before is not None:
                after = online.get_weights()
                for k in run.travel:
                    run.travel[k] += np.abs(after[k].astype(np.float64) - before[k])
    finally:
        for r in roundings:
            r.__exit__()
    run.online, run.target = online.get_weights(), agent.target.get_weights()
    return run


def dqn_conformance(spec: Spec, updates: int, seed: int = 0, device: str = "cpu", draws: int = DRAWS,
                    learners: dict | None = None) -> TrainConformance:
    """Both twins' learners over the same `updates` replay batches; the checks. `learners`:
    framework → learner class, for a deliberately wrong twin."""
    learners = learners or {}
    batches = replay_samples(spec, updates, seed)

    def go(fw, **kw):
        return run_updates(spec, fw, batches, seed, device, learner=learners.get(fw, dqn.QLearner), **kw)

    f32 = {fw: go(fw) for fw in FRAMEWORKS}
    f64 = {fw: go(fw, float64=True) for fw in FRAMEWORKS}
    model = [go("torch", float64=True, rounding_draw=k) for k in range(draws)]
    model64 = go("torch", float64=True, rounding_draw=draws, rounding_size=FLOAT64_ROUNDOFF)
    result = TrainConformance(spec.id, updates, spec.optimizer)
    origin_run = f64["torch"]
    ref = np.abs(np.asarray(origin_run.losses, np.float64))

    def series(r: Run, what: str) -> np.ndarray:
        if what == "loss":
            return np.asarray(r.losses, np.float64) / ref
        return np.stack(getattr(r, what))

    for name, what, tol, scale in (("q_values", "q", TOL_TRAIN_LOSS, None), ("td_targets", "targets", TOL_TRAIN_LOSS, None),
                                   ("loss", "loss", TOL_TRAIN_LOSS, 1.0)):
        origin = series(origin_run, what)
        result.checks.append(judge(name, tol, series(f32["tf"], what), series(f32["torch"], what), series(f64["tf"], what),
                                   origin, [distance(series(r, what), origin) for r in model], scale=scale,
                                   float64_noise=distance(series(model64, what), origin)))
    for network in ("online", "target"):
        for k, origin in getattr(origin_run, network).items():
            result.checks.append(judge(
                f"{network}:{k}", TOL_TRAIN_PARAM, getattr(f32["tf"], network)[k], getattr(f32["torch"], network)[k],
                getattr(f64["tf"], network)[k], origin, [distance(getattr(r, network)[k], origin) for r in model],
                magnitude=float(np.max(origin_run.travel[k], initial=0.0)),
                float64_noise=distance(getattr(model64, network)[k], origin)))
    return result
