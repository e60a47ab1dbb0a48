"""The posts' regression and optimisation experiments, both twins per row, next to what each post
says happens (`crosscheck experiments` writes docs/experiments.md and its pictures).

Each experiment is a zoo spec that makes its own data (`data.generate`): it is trained with its
post's schedule in both twins from the same initial weights and batches (`crosscheck.training`),
and the row gives each twin's final cost over all the points, the largest difference between the
twins' outputs, and the post's expected outcome (`reported` in the spec). The picture of a row is
the data with both twins' fits drawn over it, or what the experiment learned. A spec whose layers
take weights from another spec (`weights_from`) starts from that spec trained first
(`crosscheck.weight_sources`, in the TF twin, once per run, the same arrays for both twins).
A spec with an `rl` section is trained by deep Q learning instead, in a table of its own
(`crosscheck.rl_experiment`).

Rewriting the file for some specs keeps the other specs' rows and sections as they were.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from spec import Spec, generators, init_weights, load_spec, spec_ids

from . import ideal_inputs, rl_experiment, training, weight_sources
from .datasets import for_spec
from .twins import FRAMEWORKS, make_twin

# The twin that trains a source spec: TF, the faster of the two on one CPU core for the MLP post 003's
# frozen layers come from (docs/reproduce.md: dorian_mlp300 172 s against torch's 263 s).
SOURCE_FRAMEWORK = "tf"


def experiment_ids() -> list[str]:
    specs = [load_spec(i) for i in spec_ids()]
    return [s.id for s in specs if "generate" in s.data or s.rl]


def run(spec: Spec, device: str = "cpu", progress: bool = False, sources: dict | None = None) -> dict:
    """Both twins trained; `sources` (spec id → `weight_sources.TrainedSource`) are the trained
    specs the `weights_from` layers take their weights from."""
    data = for_spec.load(spec, None)
    bs, total = training.schedule(spec, len(data.x_train))
    start = weight_sources.overlay(spec, init_weights(spec, 0), sources or {})
    row = {"spec": spec.id, "steps": total, "batch": bs, "loss": spec.loss["type"], "fits": {}, "final_cost": {},
           "weights": {}, "objective": {}, "reported": spec.raw.get("reported", {})}
    for fw in FRAMEWORKS:
        twin = make_twin(spec, fw, device)
        r = training.train(spec, fw, data, total_steps=total, batch_size=bs, device=device, progress=progress, twin=twin,
                           weights=start)
        row["final_cost"][fw] = r.final_test_loss
        row["weights"][fw] = twin.get_weights()
        row["fits"][fw] = twin.forward(data.x_test)
        if ideal_inputs.applies(spec):
            row["objective"][fw] = ideal_inputs.objective(spec, twin, data)
    row["x"], row["y"] = data.x_test, data.y_test
    row["curve_difference"] = float(np.abs(row["fits"]["tf"] - row["fits"]["torch"]).max())
    return row


def plot(spec: Spec, row: dict, path: Path) -> None:
    """A curve over its data; a painted image beside the original; X·A for the matrix inverse."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from spec.atomic import atomic_path

    gen = spec.data["generate"]
    title = f"{row['spec']}: {row['steps']} steps of batch {row['batch']}"
    if "image" in gen:
        h, w = gen["image"]["size"]
        fig, axes = plt.subplots(1, 3, figsize=(9, 3.4))
        pictures = [("original", row["y"])] + [(f"{fw} twin (cost {row['final_cost'][fw]:.4g})", row["fits"][fw])
                                               for fw in FRAMEWORKS]
        for ax, (label, pixels) in zip(axes, pictures):
            ax.imshow(np.clip(pixels.reshape(h, w, 3), 0, 255).astype(np.uint8))
            ax.set_title(label, fontsize=9)
            ax.axis("off")
    elif "matrix_inverse" in gen:
        fig, axes = plt.subplots(1, 2, figsize=(8, 3.6))
        for ax, fw in zip(axes, FRAMEWORKS):
            im = ax.imshow(row["products"][fw], cmap="RdBu_r", vmin=-1.2, vmax=1.2)
            ax.set_title(f"X·A, {fw} twin (max |X·A − I| {row['residual'][fw]:.2g})", fontsize=9)
        fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.8)
    else:
        fig, ax = plt.subplots(figsize=(6, 3.6))
        order = np.argsort(row["x"][:, 0])
        ax.scatter(row["x"][:, 0], row["y"][:, 0], s=6, alpha=0.3, color="gray", label="data (data.generate)")
        for fw, style in (("tf", dict(color="#ff8f00", lw=2.5)), ("torch", dict(color="#1565c0", lw=1.2, ls="--"))):
            ax.plot(row["x"][order, 0], row["fits"][fw][order, 0], label=f"{fw} twin (cost {row['final_cost'][fw]:.4g})",
                    **style)
        ax.set_xlabel("x")
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    if "matrix_inverse" not in gen:
        fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)


def _matrix_note(spec: Spec, row: dict) -> str:
    """matrix_inverse: X = Kᵀ against A⁻¹, and how far X·A is from I."""
    a = generators.matrix(spec.data["generate"]["matrix_inverse"]).astype(np.float64)
    inverse = np.linalg.inv(a)
    row["products"], row["residual"], errors = {}, {}, {}
    for fw in FRAMEWORKS:
        x = row["weights"][fw]["x_transposed.kernel"].astype(np.float64).T
        row["products"][fw] = x @ a
        row["residual"][fw] = float(np.abs(x @ a - np.eye(len(a))).max())
        errors[fw] = float(np.abs(x - inverse).max() / np.abs(inverse).max())
    return (f"max |X·A − I|: TF {row['residual']['tf']:.3g}, torch {row['residual']['torch']:.3g}; "
            f"max |X − A⁻¹| / max |A⁻¹|: TF {errors['tf']:.3g}, torch {errors['torch']:.3g} "
            f"(A: the seeded integer matrix, condition number {np.linalg.cond(a):.3g}).")


def _note(spec: Spec, row: dict) -> str:
    """eager_polyfit: the learned w, in the post's order (x³ … 1), against the target and the
    exact least-squares fit of the same noisy points."""
    if "matrix_inverse" in spec.data["generate"]:
        return _matrix_note(spec, row)
    if spec.id != "eager_polyfit":
        return ""
    w = {fw: row["weights"][fw]["cubic.kernel"][:, 0][::-1] for fw in FRAMEWORKS}
    exact = np.polyfit(row["x"][:, 0].astype(np.float64), row["y"][:, 0].astype(np.float64), 3)
    fmt = lambda v: "[" + ", ".join(f"{a:.3f}" for a in v) + "]"  # noqa: E731
    return (f"w (x³, x², x, 1): TF {fmt(w['tf'])}, torch {fmt(w['torch'])}; the generating polynomial "
            f"{fmt(spec.data['generate']['target']['polynomial'])}; least squares on these points {fmt(exact)}")


REGRESSION_HEADER = ["| spec | steps × batch | cost, TF | cost, torch | outputs differ by | the post says |",
                     "|---|---|---|---|---|---|"]
_ROW = re.compile(r"^\| `(\w+)` \|")


def _regression_line(r: dict) -> str:
    return (f"| `{r['spec']}` | {r['steps']} × {r['batch']} | {r['final_cost']['tf']:.5g} | "
            f"{r['final_cost']['torch']:.5g} | {r['curve_difference']:.1e} | {r['reported'].get('outcome', '')} |")


def kept_parts(text: str) -> tuple[dict, dict, dict]:
    """(regression table lines, RL table lines, sections), each keyed by spec id, of a file this
    module wrote."""
    tables, sections, table, section = ({}, {}), {}, None, None
    for line in text.splitlines():
        if line == REGRESSION_HEADER[0] or line == rl_experiment.TABLE_HEADER[0]:
            table = tables[line != REGRESSION_HEADER[0]]
        elif line.startswith("## "):
            section = sections.setdefault(line[3:].strip(), [])
        m = _ROW.match(line)
        if m and table is not None:
            table[m.group(1)] = line
        elif section is not None:
            section.append(line)
        if not line.startswith("|"):
            table = None
    return tables[0], tables[1], {k: "\n".join(v).strip() for k, v in sections.items()}


def markdown(rows: list[dict], command: str, previous: str = "") -> str:
    regression, rl, sections = kept_parts(previous)
    for r in rows:
        (rl if r.get("rl") else regression)[r["spec"]] = (rl_experiment.table_line(r) if r.get("rl")
                                                          else _regression_line(r))
        body = [f"## {r['spec']}", "", f"![{r['spec']}](experiments/{r['spec']}.png)"]
        sections[r["spec"]] = "\n".join(body + (["", r["note"]] if r.get("note") else []))
    lines = ["# Experiments: the posts' regressions, optimisations and reinforcement learning, both twins", "",
             f"Generated by `{command}` (other specs' rows kept from the file it rewrote); do not edit.",
             "Each spec makes its own data (`data.generate`, `spec/generators.py`) and is trained with its post's",
             "schedule in both twins from the same initial weights and batches. *Cost*: the spec's loss (without",
             "penalties) over all the points after the last step. *Outputs differ by*: the largest |TF output − torch",
             "output| over the points (the fits, pixels, X·A columns, or the frozen classifier's probabilities).", ""]
    lines += REGRESSION_HEADER + [regression[k] for k in sorted(regression)] + [""]
    if rl:
        lines += ["**Reinforcement learning.** A spec with an `rl` section (`spec/rl.py`) is a Q-network trained by",
                  "deep Q learning (`crosscheck/dqn.py`) in both twins from the same initial weights, each acting on its",
                  "own ε-greedy choices (the random draws are the same; the greedy actions are each twin's). *Flag",
                  "reached*: training episodes in which the car got to the flag. *Greedy return*: mean ± std of the",
                  "environment's own reward (no shaping) over the evaluation episodes, ε = 0, after training.", ""]
        lines += rl_experiment.TABLE_HEADER + [rl[k] for k in sorted(rl)] + [""]
    for k in sorted(sections):
        lines += [sections[k], ""]
    return "\n".join(lines)


def write(out: Path, ids: list[str], command: str, device: str = "cpu", progress: bool = True,
          episodes: int | None = None, source_epochs: int | None = None) -> list[dict]:
    """Run the experiments `ids` and rewrite `out`, keeping the rows of the specs not run.
    `episodes`: fewer training episodes than an RL spec's schedule; `source_epochs`: train the specs
    that `weights_from` layers name for this many epochs instead of their own schedules."""
    from spec.atomic import write_text_atomic

    rows, sources = [], {}
    for spec_id in ids:
        spec = load_spec(spec_id)
        if spec.rl:
            row = rl_experiment.run(spec, device, progress, episodes)
            row["note"] = rl_experiment.note(row)
            rl_experiment.plot(row, out.parent / "experiments" / f"{spec_id}.png")
            print(rl_experiment.table_line(row), flush=True)
            rows.append(row)
            continue
        for source_id in weight_sources.source_ids(spec):
            if source_id not in sources:
                sources[source_id] = weight_sources.trained_source(source_id, SOURCE_FRAMEWORK, device, source_epochs,
                                                                   progress=progress)
                r = sources[source_id].result
                print(f"{source_id} (weights for {spec_id}): {r.steps_done} steps in the {SOURCE_FRAMEWORK} twin, "
                      f"test accuracy {r.final_accuracy:.4f}", flush=True)
        mine = {i: sources[i] for i in weight_sources.source_ids(spec)}
        row = run(spec, device, progress, mine)
        picture = out.parent / "experiments" / f"{spec_id}.png"
        if ideal_inputs.applies(spec):
            row["note"] = "\n".join(ideal_inputs.note(spec, row, mine))
            ideal_inputs.picture(spec, row, mine, picture)
        else:
            row["note"] = _note(spec, row)
            plot(spec, row, picture)
        rows.append(row)
        print(f"{spec_id}: cost tf {row['final_cost']['tf']:.5g}, torch {row['final_cost']['torch']:.5g}, "
              f"outputs differ by {row['curve_difference']:.1e}", flush=True)
    previous = out.read_text(encoding="utf-8") if out.exists() else ""
    write_text_atomic(out, markdown(rows, command, previous) + "\n")
    return rows
