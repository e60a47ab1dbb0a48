"""Machine independence, tested on one machine: the test suite and `crosscheck report` (the checks
of `crosscheck compare --onnx`, one process per spec) over the zoo under three CPU settings — oneDNN uncapped, oneDNN capped to AVX2, TensorFlow's oneDNN off —
and a diff of every verdict. The numbers differ from setting to setting (other kernels, other
rounding); the verdicts must not.

    .venv/bin/python scripts/cpu_settings.py [--out reports/cpu_settings] [--no-tests] [ID ...]

Writes OUT/<setting>/report.{md,json} and OUT/diff.md; exit 1 when a verdict differs or a test
fails under any setting.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = {
    "default": {},
    "onednn-avx2": {"ONEDNN_MAX_CPU_ISA": "AVX2"},
    "tf-onednn-off": {"TF_ENABLE_ONEDNN_OPTS": "0"},
}


def run(cmd: list[str], extra_env: dict, out: Path, err: Path | None = None) -> int:
    """`cmd` under the setting; stdout to `out`, stderr to `err` (default: `out` too)."""
    env = {**os.environ, **extra_env}
    with open(out, "w") as f, open(err or os.devnull, "w") as e:
        return subprocess.run(cmd, cwd=ROOT, env=env, stdout=f, stderr=e if err else subprocess.STDOUT).returncode


def verdicts(path: Path) -> dict[tuple[str, str], str]:
    doc = json.loads(path.read_text())
    out = {}
    for r in doc["results"]:
        out[(r["spec"], "(spec)")] = r["verdict"]
        out.update({(r["spec"], c["name"]): c["verdict"] for c in r["checks"]})
    return out


def peak(path: Path) -> str:
    doc = json.loads(path.read_text())
    rss = [r.get("peak_rss_bytes") or 0 for r in doc["results"]]
    worst = max(doc["results"], key=lambda r: r.get("peak_rss_bytes") or 0)
    return f"{max(rss) / 2**30:.2f} GiB ({worst['spec']}), {sum(r['seconds'] for r in doc['results']) / 60:.1f} min of compares"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("specs", nargs="*", help="spec ids (default: the whole zoo)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "cpu_settings")
    parser.add_argument("--no-tests", action="store_true", help="only the zoo's verdicts, not the test suite")
    parser.add_argument("--tests-only-under", nargs="+", choices=list(SETTINGS), metavar="SETTING",
                        help="run the test suite under these settings only (e.g. when CI runs it under the default)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    specs = args.specs or json.loads(subprocess.run([py, "-c", "import json; from spec import spec_ids; print(json.dumps(spec_ids()))"],
                                                    cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    failed_tests = []
    for name, env in SETTINGS.items():
        print(f"[{name}] {' '.join(f'{k}={v}' for k, v in env.items()) or '(defaults)'}", flush=True)
        # `report` compares each spec in a process of its own, with the same checks as `compare --onnx`
        rc = run([py, "-m", "crosscheck", "report", *specs, "--out", str(args.out / name), "--device", "cpu"], env,
                 args.out / f"{name}.log")
        if rc not in (0, 1):
            print(f"  report exited {rc}: see {args.out / f'{name}.log'}")
            return 1
        (args.out / f"{name}.json").write_text((args.out / name / "report.json").read_text())
        if not args.no_tests and (not args.tests_only_under or name in args.tests_only_under):
            rc = run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=20"], env, args.out / f"{name}.tests.log")
            print(f"  test suite: {'passed' if rc == 0 else f'FAILED (exit {rc})'}", flush=True)
            if rc != 0:
                failed_tests.append(name)
    tables = {name: verdicts(args.out / f"{name}.json") for name in SETTINGS}
    keys = sorted(set().union(*tables.values()))
    differ = [k for k in keys if len({t.get(k) for t in tables.values()}) > 1]
    lines = ["# Verdicts under three CPU settings", "",
             f"`{' '.join(['scripts/cpu_settings.py', *sys.argv[1:]])}`: {len(keys)} verdicts (specs and checks) "
             f"of `crosscheck report`, {len(differ)} differ between " + ", ".join(SETTINGS) + ".", ""]
    if differ:
        lines += ["| spec | check | " + " | ".join(SETTINGS) + " |", "|---|---|" + "---|" * len(SETTINGS)]
        lines += [f"| {s} | {c} | " + " | ".join(t.get((s, c), "-") for t in tables.values()) + " |" for s, c in differ]
    lines += ["", "Largest peak RSS of one spec's process, and the report's wall time, per setting: " + ", ".join(
        f"{name} {peak(args.out / f'{name}.json')}" for name in SETTINGS) + "."]
    if failed_tests:
        lines += ["", f"The test suite failed under: {', '.join(failed_tests)} (logs beside this file)."]
    (args.out / "diff.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if differ or failed_tests else 0


if __name__ == "__main__":
    raise SystemExit(main())
