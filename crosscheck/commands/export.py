"""crosscheck export: ONNX files of a spec's twins, from the spec's shared initial weights or a
neutral weight file; each passes the ONNX checker and is written atomically."""
from pathlib import Path

from .common import add_seed, load_specs

NAME = "export"
HELP = "export the TF and/or torch twin of specs to ONNX (<out>/<id>_<framework>.onnx)"
ORDER = 8


def add_arguments(parser):
    parser.add_argument("specs", nargs="+", metavar="PATH_OR_ID")
    parser.add_argument("--framework", choices=["tf", "torch", "both"], default="both")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--opset", type=int, default=None, help="ONNX opset (default 18)")
    parser.add_argument("--weights", type=Path, help="neutral .npz (one spec only; default: the spec's initialisers)")
    add_seed(parser)


def run(args) -> int:
    from crosscheck.errors import UserError
    from crosscheck.onnx_export import DEFAULT_OPSET, ExportError, export_model
    from crosscheck.twins import FRAMEWORKS, make_twin
    from spec import init_weights, load_weights, memory

    specs = load_specs(args.specs)
    if args.weights and len(specs) != 1:
        raise UserError("--weights needs exactly one spec")
    frameworks = FRAMEWORKS if args.framework == "both" else (args.framework,)
    opset = args.opset or DEFAULT_OPSET
    for spec in specs:  # one twin and its ONNX graph at a time, traced at batch 1; refused before any file
        memory.ensure_fits(spec, memory.need(spec, 1, copies=2, gradients=False))
    for spec in specs:
        weights = load_weights(args.weights, spec) if args.weights else init_weights(spec, args.seed)
        for fw in frameworks:
            path = args.out / f"{spec.id}_{fw}.onnx"
            try:
                export_model(spec, fw, make_twin(spec, fw, "cpu", weights), path, opset)
            except ExportError as e:
                raise UserError(str(e)) from None
            except Exception as e:  # each exporter raises its own types (e.g. an opset it cannot target)
                raise UserError(f"{spec.id} ({fw}): export at opset {opset} failed: {str(e).strip().splitlines()[0]}") from None
            print(f"wrote {path}")
    return 0
