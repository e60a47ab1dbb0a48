"""One module per `crosscheck` subcommand (see `crosscheck.cli`)."""
