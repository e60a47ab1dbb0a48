"""The row of a spec with an `rl` section in docs/experiments.md: its Q-network trained by deep Q
learning (`crosscheck.dqn`) in both twins from the same initial weights with the post's schedule,
then each twin's greedy policy evaluated on the environment's own (unshaped) reward, beside
published references for the same environment.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from spec import Spec, init_weights

from . import dqn
from .twins import FRAMEWORKS

# Greedy evaluation returns published for MountainCar-v0 (mean ± std over episodes), and gymnasium's
# registered threshold for "solved".
REFERENCES = {
    "MountainCar-v0": [
        ("stable-baselines3 rl-zoo, tuned DQN", "−100.85 ± 9.93"),
        ("CleanRL, default DQN", "−194.95 ± 8.48"),
        ("gymnasium reward threshold", "−110"),
    ],
}
TABLE_HEADER = ["| spec | episodes (steps) | flag reached in training, TF | flag reached in training, torch | "
                "greedy return, TF | greedy return, torch | references | wall time |",
                "|---|---|---|---|---|---|---|---|"]


def run(spec: Spec, device: str = "cpu", progress: bool = False, episodes: int | None = None) -> dict:
    rl = spec.rl
    episodes = episodes or rl["episodes"]
    n_eval = rl.get("evaluation_episodes", 100)
    weights = init_weights(spec, 0)
    row = {"spec": spec.id, "rl": True, "env": rl["environment"], "episodes": episodes, "schedule_episodes": rl["episodes"],
           "evaluation_episodes": n_eval, "training": {}, "evaluation": {}, "seconds": {},
           "reported": spec.raw.get("reported", {})}
    for fw in FRAMEWORKS:
        start = time.perf_counter()
        agent = dqn.learner(spec, fw, device, weights)
        row["training"][fw] = dqn.train(spec, agent, episodes, seed=0, progress=progress, desc=f"{spec.id} {fw}")
        row["evaluation"][fw] = dqn.evaluate(spec, agent, n_eval, seed=0)
        row["seconds"][fw] = time.perf_counter() - start
    return row


def reached_episodes(episodes: dqn.Episodes) -> list[int]:
    """1-based numbers of the training episodes in which the car reached the flag."""
    return [i + 1 for i, r in enumerate(episodes.reached) if r]


def _reached_cell(episodes: dqn.Episodes) -> str:
    hits = reached_episodes(episodes)
    if not hits:
        return "never"
    return f"{len(hits)} episodes, first #{hits[0]}, last #{hits[-1]}"


def _return_cell(episodes: dqn.Episodes) -> str:
    r = np.asarray(episodes.returns)
    return f"{r.mean():.2f} ± {r.std():.2f} (flag {sum(episodes.reached)}/{len(r)})"


def table_line(row: dict) -> str:
    t, e = row["training"], row["evaluation"]
    refs = "; ".join(f"{name} {value}" for name, value in REFERENCES.get(row["env"], []))
    seconds = sum(row["seconds"].values())
    return (f"| `{row['spec']}` | {row['episodes']} ({t['tf'].steps}, {t['torch'].steps}) | {_reached_cell(t['tf'])} | "
            f"{_reached_cell(t['torch'])} | {_return_cell(e['tf'])} | {_return_cell(e['torch'])} | {refs} | "
            f"{seconds / 60:.1f} min (TF {row['seconds']['tf']:.0f} s, torch {row['seconds']['torch']:.0f} s) |")


def note(row: dict) -> str:
    lines = []
    if row["episodes"] < row["schedule_episodes"]:
        lines.append(f"Trained {row['episodes']} of the post's {row['schedule_episodes']} episodes (time on a shared CPU).")
    a, b = (row["training"][fw].max_position for fw in FRAMEWORKS)
    same = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    if same == len(a):
        lines.append(f"All {same} training episodes are the same in both twins (each episode's furthest position "
                     "equal to the last bit).")
    else:
        lines.append(f"The twins' training episodes 1–{same} are the same (each episode's furthest position equal to "
                     "the last bit): the same random draws, and greedy actions chosen alike; in episode "
                     f"{same + 1} a greedy choice differs and from then on the twins' runs go their own ways.")
    for fw in FRAMEWORKS:
        hits = reached_episodes(row["training"][fw])
        lines.append(f"{fw}: the car reached the flag in training episodes {', '.join(map(str, hits)) or 'none'}; "
                     f"greedy evaluation over {row['evaluation_episodes']} episodes (the environment's reward, "
                     f"no shaping): {_return_cell(row['evaluation'][fw])}.")
    return "\n\n".join(lines)


def plot(row: dict, path: Path) -> None:
    """The environment's return and the furthest position of every training episode, both twins."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from spec.atomic import atomic_path

    fig, (ax_r, ax_x) = plt.subplots(1, 2, figsize=(10, 3.6))
    styles = {"tf": dict(color="#ff8f00", lw=1.6), "torch": dict(color="#1565c0", lw=1.0, ls="--")}
    for fw in FRAMEWORKS:
        t = row["training"][fw]
        x = np.arange(1, len(t.returns) + 1)
        ax_r.plot(x, t.returns, label=f"{fw} twin", **styles[fw])
        ax_x.plot(x, t.max_position, label=f"{fw} twin", **styles[fw])
    ax_r.set_ylabel("return (environment reward)")
    ax_x.axhline(0.5, color="green", lw=0.8, label="flag (0.5)")
    ax_x.set_ylabel("furthest position")
    for ax in (ax_r, ax_x):
        ax.set_xlabel("training episode")
        ax.legend(fontsize=8)
    fig.suptitle(f"{row['spec']}: deep Q learning, {row['episodes']} episodes", fontsize=10)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
