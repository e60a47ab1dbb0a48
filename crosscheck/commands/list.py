"""crosscheck list: spec ids, one per line."""
NAME = "list"
HELP = "list the spec ids of the zoo, one per line"
ORDER = 1


def add_arguments(parser):
    pass


def run(args) -> int:
    from spec import spec_ids

    print("\n".join(spec_ids()))
    return 0
