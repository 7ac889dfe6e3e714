"""Reading synthesized CloudFormation templates, shared by every offline tool (synth report, cost estimate,
alarm simulator): one place decides what a readable template is and how a bad one is reported."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

__all__ = ["TemplateError", "read_template", "read_templates"]


class TemplateError(ValueError):
    """A template that cannot be read or is not a CloudFormation template; one line naming the file."""


def read_template(path: Path) -> dict[str, Any]:
    """One template file, checked to be an object whose resources each have a Type and mapping Properties.

    Example
    -------
    >>> import json, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "app.template.json").write_text(json.dumps({"Resources": {}}))
    >>> read_template(folder / "app.template.json")["Resources"]
    {}
    """
    try:
        template = json.loads(Path(path).read_text())
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read template ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise TemplateError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except UnicodeDecodeError as exc:
        raise TemplateError(f"{path}: not UTF-8 text (byte {exc.start}); expected a JSON template") from None
    resources = template.get("Resources", {}) if isinstance(template, dict) else None
    if not isinstance(resources, dict) or not all(isinstance(r, dict) and isinstance(r.get("Type"), str)
                                                  and isinstance(r.get("Properties", {}), dict)
                                                  for r in resources.values()):
        raise TemplateError(f"{path}: not a CloudFormation template (an object whose Resources map names to "
                            "resources; each resource must be a mapping with a Type and a Properties mapping)")
    return template


def read_templates(paths: Path | str | Iterable[Path | str]) -> dict[str, dict[str, Any]]:
    """Templates by stack name from files or directories (a directory gives its ``*.template.json``, as cdk.out).

    Example
    -------
    >>> import json, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "app.template.json").write_text(json.dumps({"Resources": {}}))
    >>> sorted(read_templates(folder))
    ['app']
    """
    templates: dict[str, dict[str, Any]] = {}
    for raw in [paths] if isinstance(paths, (str, Path)) else paths:
        path = Path(raw)
        files = sorted(path.glob("*.template.json")) if path.is_dir() else [path]
        if not files:
            raise TemplateError(f"no *.template.json in {path}: run `make synth ENV=<env>` first")
        for file in files:
            templates[file.name.removesuffix(".template.json").removesuffix(".json")] = read_template(file)
    return templates
