"""Reading a service's CloudFormation template (``template:`` of a service), JSON or YAML.

JSON goes through the standard library. YAML goes through cfn-lint's decoder, the parser AWS maintains for
CloudFormation, so the short-form tags people write (``!Ref``, ``!Sub``, ``!GetAtt``, ``!Join`` ...) come back
in their long form (``{"Ref": ...}``, ``{"Fn::Sub": ...}``) exactly as a JSON template would state them.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["TemplateReadError", "TEMPLATE_SUFFIXES", "read_service_template"]

TEMPLATE_SUFFIXES: tuple[str, ...] = (".json", ".yaml", ".yml", ".template")


class TemplateReadError(ValueError):
    """The template cannot be read or is not a CloudFormation template; the message is one line."""


def read_service_template(path: Path, shown: str | None = None) -> dict[str, Any]:
    """The parsed template at ``path``; ``shown`` is how the path is named in errors (default: ``path``).

    Example
    -------
    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "t.yaml"
    >>> _ = f.write_text("Resources:\\n  T:\\n    Type: AWS::SNS::Topic\\n    Properties: {TopicName: !Sub shop}\\n")
    >>> read_service_template(f)["Resources"]["T"]["Properties"]["TopicName"]
    {'Fn::Sub': 'shop'}
    """
    shown = shown or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateReadError(f"template '{shown}' does not exist (paths are relative to the repository root)") \
            from None
    except UnicodeDecodeError as exc:
        raise TemplateReadError(f"template '{shown}' is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise TemplateReadError(f"template '{shown}' cannot be read ({exc.strerror})") from None
    if Path(path).suffix == ".json":
        try:
            template = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TemplateReadError(f"template '{shown}' is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    else:
        template = _yaml(text, shown)
    _check_shape(template, shown)
    return template


def _yaml(text: str, shown: str) -> Any:
    # Imported here: cfn-lint takes most of a second to import and JSON templates never need it. cfn-lint ships
    # no type information (no stubs, no py.typed).
    from cfnlint.decode import decode_str  # type: ignore[import-untyped]

    template, problems = decode_str(text)
    if problems or template is None:
        first = problems[0] if problems else None
        line = f"line {first.linenumber}: " if first is not None and getattr(first, "linenumber", None) else ""
        message = str(getattr(first, "message", "unreadable")).removeprefix("Parsing error found when parsing the ")
        raise TemplateReadError(f"template '{shown}' is not a valid YAML or JSON template ({line}{message})")
    return template


def _check_shape(template: Any, shown: str) -> None:
    if not isinstance(template, dict) or not isinstance(template.get("Resources", {}), dict):
        raise TemplateReadError(f"template '{shown}' is not a CloudFormation template (no Resources mapping)")
    for logical_id, resource in template.get("Resources", {}).items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Properties", {}), dict):
            raise TemplateReadError(f"template '{shown}' is not a CloudFormation template (resource {logical_id} "
                                    "is not a mapping with a Properties mapping)")
