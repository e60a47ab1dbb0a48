"""A pytest plugin (entry point `pytest11: crosscheck`): `pytest --crosscheck DIR` collects every
spec file (`*.json`) under DIR as one test, so a team adds cross-framework conformance to the
suite it already runs. Each test is `crosscheck compare` on that spec (options: `--crosscheck-onnx`,
`--crosscheck-train-steps N`, `--crosscheck-strict`, `--crosscheck-device`); it fails on a fail or
float32-defect verdict (and on float32-limited with `--crosscheck-strict`) with the checks' numbers
as its report, and on a spec that does not validate with the validation's lines."""
from __future__ import annotations

from pathlib import Path

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("crosscheck", "cross-framework conformance of spec files")
    group.addoption("--crosscheck", action="append", default=[], metavar="DIR",
                    help="collect every spec file (*.json) under DIR as a conformance test (repeatable)")
    group.addoption("--crosscheck-onnx", action="store_true", help="also check ONNX Runtime parity of both exports")
    group.addoption("--crosscheck-train-steps", type=int, metavar="N",
                    help="also train both twins N steps in lockstep (the spec's data where here, else synthetic)")
    group.addoption("--crosscheck-strict", action="store_true", help="fail on float32-limited checks too")
    group.addoption("--crosscheck-device", default="cpu", choices=["auto", "cpu", "cuda"])


def _roots(config) -> list[Path]:
    return [Path(d).resolve() for d in config.getoption("crosscheck")]


def pytest_configure(config):
    roots = _roots(config)
    for root in roots:
        if not root.is_dir():
            raise pytest.UsageError(f"--crosscheck {root}: not a directory")
    config.args.extend(str(r) for r in roots if str(r) not in config.args)


def pytest_collect_file(file_path: Path, parent):
    roots = _roots(parent.config)
    if file_path.suffix == ".json" and any(file_path.resolve().is_relative_to(r) for r in roots):
        return SpecFile.from_parent(parent, path=file_path)
    return None


class SpecFile(pytest.File):
    def collect(self):
        yield SpecItem.from_parent(self, name="compare")


class ConformanceFailure(Exception):
    pass


class SpecItem(pytest.Item):
    def runtest(self):
        import crosscheck  # noqa: F401  (torch's side before TensorFlow, see tf_impl)
        from crosscheck import environment
        from crosscheck.compare import compare_spec
        from crosscheck.report import format_result, format_training
        from crosscheck.tolerance import LIMITED
        from spec import SpecError, load_spec

        opt = self.config.getoption
        try:
            spec = load_spec(self.path)
        except SpecError as e:
            raise ConformanceFailure("\n".join(e.lines())) from None
        environment.large_allocations_returned()
        environment.conformance_mode()
        outcomes = [compare_spec(spec, device=opt("crosscheck_device"), onnx=opt("crosscheck_onnx"))]
        report = [format_result(outcomes[0])]
        steps = opt("crosscheck_train_steps")
        if steps:
            outcomes.append(self._train(spec, steps))
            report.append(format_training(outcomes[-1]))
        self.user_properties.append(("verdict", max((o.verdict for o in outcomes), key=_order)))
        strict = opt("crosscheck_strict")
        if any(o.failed or (strict and o.verdict == LIMITED) for o in outcomes):
            raise ConformanceFailure("\n".join(report))

    def _train(self, spec, steps):
        from crosscheck import lockstep
        from crosscheck.datasets import for_spec

        if not spec.optimizer:
            raise ConformanceFailure(f"{spec.source}: --crosscheck-train-steps needs the spec's optimizer section")
        data = for_spec.load(spec, None, synthetic_if_missing=True)
        return lockstep.train_conformance(spec, data, steps, device=self.config.getoption("crosscheck_device"))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ConformanceFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"crosscheck compare {self.path.name}"


def _order(verdict: str) -> int:
    from crosscheck.tolerance import VERDICT_ORDER

    return VERDICT_ORDER.index(verdict)

