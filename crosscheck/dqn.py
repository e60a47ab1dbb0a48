"""Deep Q learning from a spec's `rl` section, written once for both twins.

Everything outside the Q-network is numpy: the gymnasium environment, the replay memory and its
samples, the ε-greedy draws (seeded `numpy.random.default_rng`s) and the TD targets. The network
is a twin (`crosscheck.twins.make_twin`) and learns through its emitted loss, `make_optimizer` and
train step; its target network is a second twin of the same spec holding a copy of the online
weights, re-synced every `target_update_period` updates. The rules (the post's): spec/SEMANTICS.md,
"Reinforcement learning".
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from spec import Spec, init_weights, rl as rl_rules

from .twins import make_twin

# Seeds of the independent random streams of a run: (seed, stream).
ACTIONS_STREAM, REPLAY_STREAM = 0xD0, 0x5A
EVALUATION_SEED_OFFSET = 1_000_000  # evaluation episodes start from states no training episode started from


@dataclass
class Batch:
    states: np.ndarray  # (n, observations) float32
    actions: np.ndarray  # (n,) int64
    rewards: np.ndarray  # (n,) float64, shaped
    next_states: np.ndarray
    terminal: np.ndarray  # (n,) bool: the episode ended with this transition (goal or time limit)


class Replay:
    """The replay memory: the newest `capacity` transitions (the oldest is dropped first)."""

    def __init__(self, capacity: int, observations: int):
        self.capacity, self.size, self._next = capacity, 0, 0
        self.states = np.zeros((capacity, observations), np.float32)
        self.next_states = np.zeros((capacity, observations), np.float32)
        self.actions = np.zeros(capacity, np.int64)
        self.rewards = np.zeros(capacity, np.float64)
        self.terminal = np.zeros(capacity, bool)

    def add(self, state, action: int, reward: float, next_state, terminal: bool) -> None:
        i = self._next
        self.states[i], self.actions[i], self.rewards[i] = state, action, reward
        self.next_states[i], self.terminal[i] = next_state, terminal
        self._next, self.size = (i + 1) % self.capacity, min(self.size + 1, self.capacity)

    def sample(self, rng: np.random.Generator, n: int) -> Batch:
        """`n` distinct transitions, uniformly (the post's `random.sample`)."""
        idx = rng.choice(self.size, n, replace=False)
        return Batch(self.states[idx], self.actions[idx], self.rewards[idx], self.next_states[idx], self.terminal[idx])


def td_targets(q_next: np.ndarray, batch: Batch, gamma: float) -> np.ndarray:
    """r + γ·max_a′ Q_target(s′, a′), or r where the episode ended; in the network's float type."""
    future = np.where(batch.terminal, 0.0, q_next.max(axis=1).astype(np.float64))
    return (batch.rewards + gamma * future).astype(q_next.dtype)


@dataclass
class Update:
    q: np.ndarray  # Q(s, ·) of the online network before the update
    targets: np.ndarray  # the TD target of each sampled transition's action
    loss: float


class QLearner:
    """One twin's online Q-network and its target network."""

    def __init__(self, online, target, rl: dict):
        """With `target_update_period` 1 the target network is re-synced after every update, so it
        is the online network itself at every update (the post's rule): `target` is then unused."""
        self.online, self.rl = online, rl
        self.target = online if rl["target_update_period"] == 1 else target
        self.updates = 0
        # start_training also compiles the twin's evaluation (TF: a tf.function, ~5x faster than an
        # eager Keras call on this network), through which Q-values are computed
        online.start_training()
        if self.target is not online:
            self.target.start_training()
        self.sync()

    def sync(self) -> None:
        if self.target is not self.online:
            self.target.set_weights(self.online.get_weights())

    def sync_due(self) -> bool:
        return self.updates % self.rl["target_update_period"] == 0

    @staticmethod
    def q_values(twin, states: np.ndarray) -> np.ndarray:
        """Q(s, ·) in inference mode: the outputs of the twin's `evaluate` (its loss against zero
        targets is not used)."""
        zeros = np.zeros((len(states), *twin.spec.output_shape), np.float32)
        return twin.evaluate(twin.to_device(states), twin.to_device(zeros))[1]

    def act(self, state: np.ndarray) -> int:
        return int(np.argmax(self.q_values(self.online, state[None])[0]))

    def update(self, batch: Batch) -> Update:
        """One step of the spec's optimizer on the online network towards the TD targets: the
        target of each sampled action replaced, every other output its own prediction (the post)."""
        q = self.q_values(self.online, batch.states)
        targets = td_targets(self.q_values(self.target, batch.next_states), batch, self.rl["gamma"])
        y = q.copy()
        y[np.arange(len(y)), batch.actions] = targets
        loss = self.online.train_step(self.online.to_device(batch.states), self.online.to_device(y))
        self.updates += 1
        if self.sync_due():
            self.sync()
        return Update(q, targets, loss)


def learner(spec: Spec, framework: str, device: str = "cpu", weights: dict | None = None) -> QLearner:
    """A `QLearner` of `framework`'s twin from `weights` (default `init_weights(spec, 0)`)."""
    online = make_twin(spec, framework, device, weights if weights is not None else init_weights(spec, 0))
    return QLearner(online, make_twin(spec, framework, device), spec.rl)


@dataclass
class Episodes:
    returns: list[float] = field(default_factory=list)  # the environment's own reward, summed
    reached: list[bool] = field(default_factory=list)  # the car reached the flag (terminated, not truncated)
    max_position: list[float] = field(default_factory=list)
    steps: int = 0


def make_env(spec: Spec):
    import gymnasium

    return gymnasium.make(spec.rl["environment"])


def train(spec: Spec, agent: QLearner, episodes: int, seed: int = 0, progress: bool = False, desc: str = "") -> Episodes:
    """The post's GameRunner: ε-greedy episodes, every transition stored, one update per step
    once the memory holds `learning_starts` transitions."""
    from tqdm import tqdm

    rl = spec.rl
    env, out = make_env(spec), Episodes()
    actions = np.random.default_rng([seed, ACTIONS_STREAM])
    samples = np.random.default_rng([seed, REPLAY_STREAM])
    replay = Replay(rl["replay_capacity"], spec.input_shape[0])
    n_actions = spec.output_shape[0]
    for episode in tqdm(range(episodes), desc=desc or spec.id, unit="episode", disable=not progress, mininterval=2.0):
        state, _ = env.reset(seed=seed + episode)
        ret = 0.0
        top = float(state[0])
        while True:
            greedy = actions.random() >= rl_rules.epsilon(rl, out.steps)
            action = agent.act(state) if greedy else int(actions.integers(n_actions))
            next_state, reward, terminated, truncated, _ = env.step(action)
            shaped_reward = rl_rules.shaped(rl, float(reward), float(next_state[0]))
            done = terminated or truncated  # the post stores both as the end of the game
            replay.add(state, action, shaped_reward, next_state, done)
            if replay.size >= rl["learning_starts"]:
                agent.update(replay.sample(samples, rl["batch_size"]))
            out.steps += 1
            ret, top = ret + float(reward), max(top, float(next_state[0]))
            state = next_state
            if done:
                break
        out.returns.append(ret)
        out.reached.append(bool(terminated))
        out.max_position.append(top)
    env.close()
    return out


def evaluate(spec: Spec, agent: QLearner, episodes: int, seed: int = 0) -> Episodes:
    """Greedy episodes (ε = 0), the environment's own reward: what the references report."""
    env, out = make_env(spec), Episodes()
    for episode in range(episodes):
        state, _ = env.reset(seed=seed + EVALUATION_SEED_OFFSET + episode)
        ret, top, terminated, truncated = 0.0, float(state[0]), False, False
        while not (terminated or truncated):
            state, reward, terminated, truncated, _ = env.step(agent.act(state))
            ret, top = ret + float(reward), max(top, float(state[0]))
            out.steps += 1
        out.returns.append(ret)
        out.reached.append(bool(terminated))
        out.max_position.append(top)
    env.close()
    return out
