"""`python -m replayweb serve`: run the replay web in the foreground until SIGTERM or SIGINT.

Once every outlet listens, prints one JSON line {"outlet": "http://127.0.0.1:PORT"} and writes
the same to `--port-file` (atomically), which is how `warta demo` finds the servers.

Example:
    python -m replayweb serve --faults http_503,telisik:reset --port-file /tmp/replay.json
    python -m replayweb serve --generate 12000 --seed 1
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from replayweb.corpus import Corpus, load_corpus, seed_articles
from replayweb.faults import FAULTS
from replayweb.generate import generate_corpus
from replayweb.outlets import registry_origins
from replayweb.server import ReplayWeb


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m replayweb",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the replay web until SIGTERM/SIGINT")
    source = serve.add_mutually_exclusive_group()
    source.add_argument(
        "--corpus", type=Path, help="corpus directory (default: the packaged corpus)"
    )
    source.add_argument(
        "--generate", type=int, metavar="N", help="serve a generated corpus of N articles"
    )
    serve.add_argument("--seed", type=int, default=0, help="seed for --generate (default 0)")
    serve.add_argument("--outlets", help="comma-separated outlets for --generate")
    serve.add_argument("--seeds-dir", type=Path, help="also serve the seed texts in this directory")
    serve.add_argument(
        "--faults",
        default="",
        help=f"comma-separated fault names or outlet:name, or all; known: {', '.join(FAULTS)}",
    )
    serve.add_argument(
        "--origin",
        action="append",
        default=[],
        metavar="OUTLET=URL",
        help="origin an outlet's pages link to (repeatable)",
    )
    serve.add_argument(
        "--registry",
        type=Path,
        help="sources.toml: pages link each outlet's real base_url (for origin-rewriting crawlers)",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port-file", type=Path, help="write the {outlet: base_url} JSON here")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        corpus: Corpus
        if args.generate is not None:
            outlets = (
                [o.strip() for o in args.outlets.split(",") if o.strip()] if args.outlets else None
            )
            corpus = generate_corpus(args.generate, outlets, args.seed)
        else:
            corpus = load_corpus(args.corpus)
        extra = seed_articles(args.seeds_dir) if args.seeds_dir else []
        origins = registry_origins(args.registry) if args.registry else {}
        origins.update(item.split("=", 1) for item in args.origin)
        faults = [name for name in args.faults.split(",") if name.strip()]
        web = ReplayWeb(
            corpus, host=args.host, faults=faults, extra_articles=extra, origins=origins
        )
    except (ValueError, OSError) as error:
        parser.error(str(error))
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with web:
        payload = json.dumps(web.base_urls)
        if args.port_file:
            partial = args.port_file.with_name(args.port_file.name + ".tmp")
            partial.write_text(payload + "\n", encoding="utf-8")
            os.replace(partial, args.port_file)
        print(payload, flush=True)
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
