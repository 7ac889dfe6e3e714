"""``python -m dashboards.preview CDK_OUT_DIR OUT_DIR``: one PNG per dashboard found in the synthesized templates.

``make preview ENV=prod`` runs it after ``make synth``, so the picture shows exactly the body that deploys.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from dashboards.preview.render import render
from dashboards.preview.resolve import PreviewError, dashboards_in

__all__ = ["main", "preview_directory"]


def preview_directory(assembly: Path, out: Path) -> list[Path]:
    """Render every dashboard of the templates in ``assembly`` into ``out``; returns the PNG paths.

    Raises
    ------
    PreviewError
        When ``assembly`` holds no template or no dashboard, or a body cannot be read back.

    Example
    -------
    >>> preview_directory(Path("cdk.out/dev"), Path("cdk.out/preview"))  # doctest: +SKIP
    [PosixPath('cdk.out/preview/watchtower-dev-ServiceOverview.png'), ...]
    """
    templates = sorted(assembly.glob("*.template.json"))
    if not templates:
        raise PreviewError(f"no templates in {assembly}: run 'make synth ENV=<env>' first")
    written = []
    for path in templates:
        for name, body in dashboards_in(json.loads(path.read_text())).items():
            written.append(render(body, name, out / f"{name}.png"))
    if not written:
        raise PreviewError(f"no AWS::CloudWatch::Dashboard in the templates of {assembly}")
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m dashboards.preview CDK_OUT_DIR OUT_DIR", file=sys.stderr)
        return 2
    try:
        for path in preview_directory(Path(argv[0]), Path(argv[1])):
            print(f"preview: {path}")
    except PreviewError as exc:
        print(f"preview error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
