"""``python -m config validate ENV``: check one environment's config; one line per problem, exit 2 if any."""
from __future__ import annotations

import sys

from config.loader import ConfigError, load_config


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "validate":
        print("usage: python -m config validate ENV", file=sys.stderr)
        return 2
    try:
        cfg = load_config(argv[1])
    except ConfigError as exc:
        for line in exc.lines:
            print(f"config error: {line}", file=sys.stderr)
        return 2
    print(f"config/{cfg.env}.yaml is valid: {len(cfg.services)} service(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
