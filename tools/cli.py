"""The argument parser every tool's command line uses: a usage mistake is one line on stderr and exit 2."""
from __future__ import annotations

import argparse
from typing import NoReturn

__all__ = ["ArgumentParser"]


class ArgumentParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` whose errors print one line (``PROG: error: MESSAGE``), not the usage text.

    Example
    -------
    >>> ArgumentParser(prog="tool").parse_args(["--nope"])  # doctest: +SKIP
    tool: error: unrecognized arguments: --nope (see --help)
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")
