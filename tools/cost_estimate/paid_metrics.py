"""Metrics an alarm reads that the watched service bills as custom metrics: S3 request metrics.

S3 publishes request metrics only for a bucket with a metrics configuration, and bills each of its request
metrics like a custom metric; S3 lists 16 of them (AllRequests, Get/Put/Delete/Head/Post/List/SelectRequests,
SelectBytesScanned/Returned, BytesDownloaded/Uploaded, 4xxErrors, 5xxErrors, FirstByteLatency,
TotalRequestLatency) per configuration. A configuration is counted once, however many alarms read it.

Example
-------
>>> alarm = {"Metrics": [{"MetricStat": {"Metric": {"Namespace": "AWS/S3", "MetricName": "5xxErrors",
...          "Dimensions": [{"Name": "BucketName", "Value": "b"}, {"Name": "FilterId", "Value": "All"}]}}}]}
>>> s3_request_metric_configurations([alarm])
{('b', 'All')}
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

__all__ = ["S3_REQUEST_METRICS_PER_CONFIGURATION", "s3_request_metric_configurations"]

S3_REQUEST_METRICS_PER_CONFIGURATION = 16


def s3_request_metric_configurations(alarm_props: Iterable[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """``(bucket, filter id)`` of every S3 request-metrics configuration the alarms read."""
    found: set[tuple[str, str]] = set()
    for props in alarm_props:
        stats = [m.get("MetricStat", {}).get("Metric", {}) for m in props.get("Metrics", []) or []]
        stats.append({"Namespace": props.get("Namespace"), "Dimensions": props.get("Dimensions", [])})
        for metric in stats:
            if metric.get("Namespace") != "AWS/S3":
                continue
            dims = {d.get("Name"): d.get("Value") for d in metric.get("Dimensions", []) or []}
            if isinstance(dims.get("FilterId"), str) and isinstance(dims.get("BucketName"), str):
                found.add((dims["BucketName"], dims["FilterId"]))
    return found
