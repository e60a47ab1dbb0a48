"""A spec's reinforcement-learning section (`rl`): the environment its Q-network acts in and the DQN
schedule, framework-neutral. The meaning of every field: spec/SEMANTICS.md, "Reinforcement learning".

The network itself is the spec's ordinary layers (state in, one Q-value per action out), trained by
its `loss` and `optimizer` sections through each twin's emitted code (`crosscheck.dqn`).
"""
from __future__ import annotations

import math

# Environments whose observation and action sizes the spec's input and output must match (gymnasium ids).
ENVIRONMENTS = {"MountainCar-v0": {"observations": 2, "actions": 3}}

_POS_INT = {"type": "integer", "minimum": 1}
_PROB = {"type": "number", "minimum": 0, "maximum": 1}
_BONUS = {"type": "object", "additionalProperties": False, "required": ["position_at_least", "bonus"],
          "properties": {"position_at_least": {"type": "number"}, "bonus": {"type": "number"}}}
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["environment", "gamma", "epsilon", "replay_capacity", "batch_size", "target_update_period",
                 "episodes", "learning_starts"],
    "properties": {
        "environment": {"enum": sorted(ENVIRONMENTS)},
        "gamma": _PROB,
        "epsilon": {"type": "object", "additionalProperties": False, "required": ["start", "end", "decay"],
                    "properties": {"start": _PROB, "end": _PROB, "decay": {"type": "number", "minimum": 0}}},
        "replay_capacity": _POS_INT,
        "batch_size": _POS_INT,
        "target_update_period": _POS_INT,
        "episodes": _POS_INT,
        "learning_starts": _POS_INT,
        # the post's if/elif chain: the first entry whose threshold the new position reaches adds its bonus
        "shaped_reward": {"type": "array", "items": _BONUS},
        "evaluation_episodes": _POS_INT,
        "note": {"type": "string"},
    },
}


def problems(rl: dict, input_shape: tuple, output_shape: tuple) -> list[tuple[str, str]]:
    """What the schema cannot say: sizes that must fit the environment, orders between fields."""
    env = ENVIRONMENTS[rl["environment"]]
    out = []
    if input_shape != (env["observations"],):
        out.append(("input.shape", f"{rl['environment']} observes {env['observations']} values; the spec takes {list(input_shape)}"))
    if output_shape != (env["actions"],):
        out.append(("rl.environment", f"{rl['environment']} has {env['actions']} actions; the network outputs {list(output_shape)}"))
    if rl["epsilon"]["end"] > rl["epsilon"]["start"]:
        out.append(("rl.epsilon.end", f"{rl['epsilon']['end']} is above epsilon.start {rl['epsilon']['start']}"))
    if rl["learning_starts"] < rl["batch_size"]:
        out.append(("rl.learning_starts", f"{rl['learning_starts']} transitions cannot fill a batch of {rl['batch_size']}"))
    if rl["batch_size"] > rl["replay_capacity"]:
        out.append(("rl.batch_size", f"{rl['batch_size']} is more than replay_capacity {rl['replay_capacity']}"))
    return out


def epsilon(rl: dict, steps: int) -> float:
    """ε after `steps` environment steps: end + (start − end)·exp(−decay·steps) (the post's rule)."""
    e = rl["epsilon"]
    return e["end"] + (e["start"] - e["end"]) * math.exp(-e["decay"] * steps)


def shaped(rl: dict, reward: float, position: float) -> float:
    """The environment's reward plus the first bonus whose threshold `position` reaches."""
    for b in rl.get("shaped_reward", []):
        if position >= b["position_at_least"]:
            return reward + b["bonus"]
    return reward
