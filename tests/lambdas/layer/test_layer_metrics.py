"""EMF output of @instrument and business_metric, checked against the embedded metric format specification."""
from __future__ import annotations

import pytest

from observability import instrument
from observability.business import BusinessMetricError, CardinalityGuard, business_metric
from tests.lambdas.layer.emf_spec import emf_violations


def test_metrics_are_flushed_as_valid_emf_with_service_and_environment(make_runtime, output, lambda_context):
    # GIVEN a handler emitting five metrics
    rt = make_runtime()

    @instrument(runtime=rt)
    def handler(event, context):
        for index, name in enumerate(["Orders", "Items", "Revenue", "Latency", "Retries"]):
            rt.metrics.add_metric(name=name, unit="Count", value=index + 1)
        return "ok"

    output()
    # WHEN invoked twice
    handler({}, lambda_context)
    handler({}, lambda_context)
    blobs = output().emf

    # THEN every blob is valid EMF; the application blob has service and environment dimensions
    assert blobs and all(emf_violations(blob) == [] for blob in blobs)
    app_blobs = [blob for blob in blobs if "Orders" in blob]
    assert len(app_blobs) == 2  # one flush per invocation, nothing left over between invocations
    directive = app_blobs[0]["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "Tests"
    assert sorted(directive["Dimensions"][0]) == ["environment", "service"]
    assert app_blobs[0]["service"] == rt.settings.service and app_blobs[0]["environment"] == "test"
    assert [app_blobs[0][name] for name in ("Orders", "Retries")] == [[1.0], [5.0]]


def test_cold_start_metric_is_recorded_once_per_container(make_runtime, output, lambda_context):
    # GIVEN an instrumented handler that emits nothing itself
    rt = make_runtime()

    @instrument(runtime=rt)
    def handler(event, context):
        return None

    output()
    # WHEN invoked three times
    for _ in range(3):
        handler({}, lambda_context)
    cold = [blob for blob in output().emf if "ColdStart" in blob]

    # THEN exactly one ColdStart blob, valid, keyed by function name
    assert len(cold) == 1 and emf_violations(cold[0]) == []
    assert cold[0]["function_name"] == "orders-fn" and cold[0]["ColdStart"] == [1.0]


def test_metrics_are_flushed_even_when_the_handler_fails(make_runtime, output, lambda_context):
    rt = make_runtime()

    @instrument(runtime=rt)
    def handler(event, context):
        rt.metrics.add_metric(name="Attempted", unit="Count", value=1)
        raise RuntimeError("boom")

    output()
    with pytest.raises(RuntimeError):
        handler({}, lambda_context)
    assert any("Attempted" in blob for blob in output().emf)


def test_enable_metrics_false_emits_no_emf(make_runtime, output, lambda_context):
    rt = make_runtime(ENABLE_METRICS="false")

    @instrument(runtime=rt)
    def handler(event, context):
        rt.metrics.add_metric(name="Hidden", unit="Count", value=1)
        business_metric("AlsoHidden", 1, dimensions={"plan": "pro"}, rt=rt)

    output()
    handler({}, lambda_context)
    assert output().emf == []


def test_business_metric_with_dimensions_is_one_valid_blob(make_runtime, output, lambda_context):
    # GIVEN a business metric with an extra dimension
    rt = make_runtime()
    output()
    # WHEN emitted
    business_metric("QualityScore", 87.5, "Percent", {"device_type": "scale-x"}, rt=rt)
    blobs = output().emf
    # THEN one valid blob with service, environment and the extra dimension
    assert len(blobs) == 1 and emf_violations(blobs[0]) == []
    dimensions = blobs[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]
    assert sorted(dimensions) == ["device_type", "environment", "service"]
    assert blobs[0]["QualityScore"] == [87.5] and blobs[0]["device_type"] == "scale-x"


def test_business_metric_without_dimensions_joins_the_invocation_blob(make_runtime, output, lambda_context):
    rt = make_runtime()

    @instrument(runtime=rt)
    def handler(event, context):
        business_metric("MeasurementsProcessed", 1, rt=rt)

    output()
    handler({}, lambda_context)
    blobs = [blob for blob in output().emf if "MeasurementsProcessed" in blob]
    assert len(blobs) == 1 and sorted(blobs[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]) == [
        "environment", "service"]


def test_cardinality_guard_folds_new_values_into_other_with_one_warning(make_runtime, output):
    # GIVEN a dimension limit of 3 distinct values
    rt = make_runtime(METRICS_DIMENSION_VALUE_LIMIT="3")
    output()
    # WHEN ten customers emit the metric, twice each
    for _ in range(2):
        for customer in range(10):
            business_metric("Orders", 1, dimensions={"customer": f"c{customer}"}, rt=rt)
    out = output()
    values = [blob["customer"] for blob in out.emf]
    warnings = [log for log in out.logs if log["level"] == "WARNING"]

    # THEN only the first 3 values pass, the rest are "other", and there is a single warning
    assert set(values) == {"c0", "c1", "c2", "other"}
    assert values.count("other") == 14
    assert len(warnings) == 1 and "'customer'" in warnings[0]["message"]
    assert all(emf_violations(blob) == [] for blob in out.emf)


def test_cardinality_guard_counts_each_dimension_separately():
    warnings = []
    guard = CardinalityGuard(limit=1, warn=warnings.append)
    assert guard.admit({"a": "x", "b": "y"}) == {"a": "x", "b": "y"}
    assert guard.admit({"a": "x", "b": "z"}) == {"a": "x", "b": "other"}
    assert len(warnings) == 1


def test_unknown_unit_is_one_clear_error(make_runtime):
    rt = make_runtime()
    with pytest.raises(BusinessMetricError, match=r"unknown metric unit 'Bananas' for 'Orders': allowed .*Count"):
        business_metric("Orders", 1, "Bananas", rt=rt)


def test_the_spec_checker_rejects_broken_blobs():
    # GIVEN blobs that break the specification in different ways; THEN each is reported
    base = {"_aws": {"Timestamp": 1, "CloudWatchMetrics": [
        {"Namespace": "N", "Dimensions": [["service"]], "Metrics": [{"Name": "M", "Unit": "Count"}]}]},
        "service": "s", "M": 1}
    assert emf_violations(base) == []
    assert emf_violations({**base, "service": 3})
    assert emf_violations({**base, "M": "1"})
    assert emf_violations({k: v for k, v in base.items() if k != "_aws"})
    broken_unit = {**base, "_aws": {"Timestamp": 1, "CloudWatchMetrics": [
        {"Namespace": "N", "Dimensions": [["service"]], "Metrics": [{"Name": "M", "Unit": "Widgets"}]}]}}
    assert emf_violations(broken_unit)


def test_a_handler_called_without_a_lambda_context_still_works(make_runtime, output):
    # GIVEN a local call with context None (scripts, unit tests of service code)
    rt = make_runtime()

    @instrument(runtime=rt)
    def handler(event, context):
        rt.logger.info("local")
        return "ok"

    output()
    # THEN it runs and logs, without a ColdStart metric (there is no function to attribute it to)
    assert handler({}, None) == "ok"
    out = output()
    assert [log["message"] for log in out.logs] == ["local"] and not any("ColdStart" in b for b in out.emf)
