"""One module per `warta` subcommand; each defines `command`."""
