"""A checker for the CloudWatch embedded metric format specification (the rules are written out below).

Source: CloudWatch user guide, "Specification: Embedded metric format". Rules checked:
- root is a JSON object with an ``_aws`` object holding ``Timestamp`` (number, ms since epoch) and
  ``CloudWatchMetrics`` (array of MetricDirective);
- MetricDirective: ``Namespace`` (string, 1..255 chars), ``Dimensions`` (array of DimensionSet: arrays of
  strings, at most 30 keys each), ``Metrics`` (array of MetricDefinition, at most 100);
- MetricDefinition: ``Name`` (required string), optional ``Unit`` from the CloudWatch unit list, optional
  ``StorageResolution`` of 1 or 60;
- every referenced dimension key is a root member whose value is a string (at most 1024 chars); every metric
  name is a root member holding a number or an array of at most 100 numbers.
"""
from __future__ import annotations

from typing import Any

UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
    "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
    "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
    "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
}


def emf_violations(blob: Any) -> list[str]:
    """Return every way ``blob`` breaks the EMF specification (empty when valid)."""
    problems: list[str] = []
    if not isinstance(blob, dict) or not isinstance(blob.get("_aws"), dict):
        return ["root must be an object with an _aws object"]
    meta = blob["_aws"]
    if not isinstance(meta.get("Timestamp"), (int, float)) or isinstance(meta.get("Timestamp"), bool):
        problems.append("_aws.Timestamp must be a number")
    directives = meta.get("CloudWatchMetrics")
    if not isinstance(directives, list) or not directives:
        return problems + ["_aws.CloudWatchMetrics must be a non-empty array"]
    for directive in directives:
        namespace = directive.get("Namespace")
        if not isinstance(namespace, str) or not 1 <= len(namespace) <= 255:
            problems.append(f"Namespace must be 1..255 chars: {namespace!r}")
        dimension_sets = directive.get("Dimensions")
        if not isinstance(dimension_sets, list):
            problems.append("Dimensions must be an array")
            dimension_sets = []
        for dimension_set in dimension_sets:
            if not isinstance(dimension_set, list) or len(dimension_set) > 30:
                problems.append(f"DimensionSet must be an array of <= 30 keys: {dimension_set!r}")
                continue
            for key in dimension_set:
                value = blob.get(key)
                if not isinstance(value, str) or len(value) > 1024:
                    problems.append(f"dimension {key!r} must be a root string member, got {value!r}")
        metrics = directive.get("Metrics")
        if not isinstance(metrics, list) or len(metrics) > 100:
            problems.append("Metrics must be an array of <= 100 definitions")
            continue
        for definition in metrics:
            name = definition.get("Name")
            if not isinstance(name, str) or not name:
                problems.append(f"MetricDefinition.Name must be a string: {definition!r}")
                continue
            if "Unit" in definition and definition["Unit"] not in UNITS:
                problems.append(f"unit {definition['Unit']!r} of {name} is not a CloudWatch unit")
            if "StorageResolution" in definition and definition["StorageResolution"] not in (1, 60):
                problems.append(f"StorageResolution of {name} must be 1 or 60")
            value = blob.get(name)
            values = value if isinstance(value, list) else [value]
            if len(values) > 100 or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                            for v in values):
                problems.append(f"metric {name!r} must be a number or <= 100 numbers, got {value!r}")
    return problems
