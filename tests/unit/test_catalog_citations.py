"""The catalog's citations of AWS's recommended alarms hold together: every cited family exists for the kind AWS
names, watches the metric AWS names, and says so in its source; every AWS row no family implements says why;
no family claims AWS's recommendation without a row to show for it."""
from __future__ import annotations

import doctest

import pytest

from config.services import ServiceConfig
from plan import recommended as module
from plan.catalog import CATALOG
from plan.metrics import MetricContext, applies, signal_for
from plan.recommended import AWS_RECOMMENDED, implemented, recommended_for
from plan.signals import MathSpec
from stacks.monitoring.kinds_table import SOURCES

# One resource of each kind AWS lists alarms for, with every switch on that an AWS-cited family needs.
RESOURCES = ServiceConfig(name="cited", resources={
    "functions": [{"name": "cited-fn", "timeout_seconds": 10}],
    "rest_apis": [{"name": "cited-rest", "stage": "live", "routes": ["POST /orders"]}],
    "http_apis": [{"name": "cited-http", "api_id": "a1b2c3d4e5", "routes": ["PUT /cart"]}],
    "tables": ["cited-table"],
    "queues": [{"name": "cited-jobs", "dlq": "cited-jobs-dlq"}],
    "topics": ["cited-events"],
    "kinesis_streams": ["cited-clicks"],
    "websocket_apis": [{"name": "cited-chat", "api_id": "b1b2c3d4e5", "stage": "live"}],
    "ecs_services": [{"cluster": "cited", "service": "cited-web", "container_insights": True}],
    "aurora_clusters": [{"name": "cited-db", "serverless_v2": True}],
    "cloudfront_distributions": [{"name": "E2QWRUHEXAMPLE", "additional_metrics": True}],
    "buckets": [{"name": "cited-uploads", "request_metrics_filter": "EntireBucket"}],
    "schedule_groups": ["cited-billing"],
}).resources
CTX = MetricContext("watchtower/test/ErrorLogs", "cited", "cited")
KINDS = sorted({row.kind for row in AWS_RECOMMENDED} - {"account"})


def _metrics_read(kind: str, family: str) -> set[tuple[str, str]]:
    ref = getattr(RESOURCES, kind)[0]
    assert applies(kind, family, ref), (kind, family)
    threshold = next(iter(CATALOG[family].thresholds.values()))
    watched = signal_for(kind, family, ref, CTX, threshold).metric
    specs = [spec for _, spec in watched.using] if isinstance(watched, MathSpec) else [watched]
    return {(spec.namespace, spec.name) for spec in specs}


def test_every_cited_family_is_a_catalog_family_of_that_kind_and_every_other_row_says_why():
    for row in AWS_RECOMMENDED:
        assert row.datapoints <= row.evaluation_periods and row.period % 60 == 0, row
        if row.family:
            assert row.family in CATALOG and row.kind in CATALOG[row.family].kinds, row
        else:
            assert row.why.strip(), f"{row.kind} {row.metric}: AWS recommends it; say why no family does"


@pytest.mark.parametrize("kind", KINDS)
def test_each_cited_family_watches_the_metric_aws_names(kind):
    # GIVEN a resource of the kind WHEN each family citing an AWS row builds its signal THEN it reads that metric
    for family, metrics in implemented(kind).items():
        read = _metrics_read(kind, family)
        for row in recommended_for(kind):
            if row.family == family:
                assert (row.namespace, row.metric) in read, (kind, family, row.metric, sorted(read))


def test_the_account_concurrency_alarm_watches_claimed_account_concurrency():
    from config.loader import load_config
    from plan.account import account_signals

    (cited,) = [row for row in AWS_RECOMMENDED if row.kind == "account"]
    signals = {s.family: s for s in account_signals(load_config("prod"))}
    assert (signals[cited.family].namespace, signals[cited.family].metric) == (cited.namespace, cited.metric)
    assert signals[cited.family].statistic == cited.statistic


def test_a_family_implementing_an_aws_row_says_so_and_none_claims_one_it_lacks():
    # GIVEN the families that implement one of AWS's rows THEN exactly those say "AWS recommend..." in the README
    citing = {row.family for row in AWS_RECOMMENDED if row.family}
    claiming = {family for family, source in SOURCES.items() if "AWS recommend" in source}
    assert claiming == citing, {"claims without a row": claiming - citing, "rows not said": citing - claiming}


def test_the_module_examples_run():
    assert doctest.testmod(module).failed == 0
