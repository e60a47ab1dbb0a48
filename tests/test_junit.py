"""`compare --junit FILE`: JUnit XML that CI systems render, read back by junitparser (an
independent JUnit reader): one test case per check, and a twin broken on purpose shows up as a
failure carrying its numbers."""
import pytest
from junitparser import Error, Failure, JUnitXml

from crosscheck import defects, junit
from crosscheck.cli import main
from crosscheck.compare import SpecResult, compare_twins
from crosscheck.tolerance import Check
from spec import load_spec
from tf_impl.twin import TFTwin
from torch_impl.twin import TorchTwin


def _cases(xml):
    return [(suite.name, case) for suite in xml for case in suite]


def test_compare_writes_one_test_case_per_check(tmp_path, capsys):
    out = tmp_path / "ci" / "conformance.xml"
    assert main(["compare", "ltfn3_mlp", "--device", "cpu", "--junit", str(out)]) == 0
    printed = capsys.readouterr().out
    xml = JUnitXml.fromfile(str(out))
    cases = _cases(xml)
    assert {name for name, _ in cases} == {"ltfn3_mlp"}
    assert [c.name for _, c in cases] == ["logits", "loss"] + [f"grad:{k}" for k in
                                                              ("fc1.kernel", "fc1.bias", "fc2.kernel", "fc2.bias",
                                                               "logits.kernel", "logits.bias")]
    assert xml.tests == len(cases) and xml.failures == 0 and xml.errors == 0
    assert all(c.is_passed for _, c in cases) and "PASS ltfn3_mlp" in printed
    assert not [p for p in out.parent.iterdir() if p.name != "conformance.xml"]  # nothing half-written beside it


def test_a_broken_twin_is_a_failure_with_its_numbers():
    spec = load_spec("ltfn6_convnet_he")
    broken = defects.inject(TorchTwin(spec, "cpu"), defects.Defect("gradient", "torch", "conv1.kernel", 1e-3))
    result = compare_twins(spec, TFTwin(spec, "cpu"), broken, batch=4)
    xml = JUnitXml.fromstring(junit.document([result]))
    failed = [c for _, c in _cases(xml) if not c.is_passed]
    assert [c.name for c in failed] == ["grad:conv1.kernel"] and xml.failures == 1
    (failure,) = failed[0].result
    assert isinstance(failure, Failure) and failure.type == "float32-defect"
    assert "float32 defect in torch" in failure.message and "float32 sensitivity" in failure.message


@pytest.mark.parametrize("strict", [False, True])
def test_float32_limited_passes_unless_strict_and_a_crash_is_an_error(strict):
    limited = Check("grad:bn.beta", "float32-limited", note="agrees within tol, but float32 sensitivity 1e-4 > tol/2")
    xml = JUnitXml.fromstring(junit.document([SpecResult("a", [limited]), SpecResult("b", error="export crashed")],
                                             strict=strict))
    (_, a), (_, b) = _cases(xml)
    assert a.is_passed is not strict and (a.system_out or "").startswith("float32-limited" if not strict else "")
    assert isinstance(b.result[0], Error) and b.result[0].message == "export crashed"
    assert (xml.failures, xml.errors) == (int(strict), 1)
