"""Discovery against moto: three accounts, two regions, assumed roles; read-only; errors as one line each."""
from __future__ import annotations

import boto3
import botocore.client
import pytest
from botocore.awsrequest import AWSResponse

import tools.discover.engine as engine
from tests.unit.discover.moto_world import ACCOUNTS, REGIONS, ROLE
from tools.discover.engine import DiscoverError, Target, WriteRefusedError, discover

HOMES = {"orders": (ACCOUNTS["shop"], "us-east-1"), "payments": (ACCOUNTS["payments"], "eu-west-1"),
         "search": (ACCOUNTS["search"], "us-east-1")}


def targets() -> list[Target]:
    return [Target(account_id, region, account=name, role_arn=f"arn:aws:iam::{account_id}:role/{ROLE}")
            for name, account_id in ACCOUNTS.items() for region in REGIONS]


def test_finds_each_service_in_its_account_and_region_with_what_alarms_need(world):
    # GIVEN tagged resources over three accounts and two regions WHEN discovered through assumed roles
    found = discover(boto3.Session(), targets(), sorted(HOMES), "service", HOMES)
    orders = found.services["orders"]["resources"]
    # THEN every kind is found with the facts its alarms need
    assert orders["functions"] == [
        {"name": "orders-api", "timeout_seconds": 30, "stream_source": False, "async_invoked": False},
        {"name": "orders-stream", "timeout_seconds": 120, "stream_source": True, "async_invoked": False},
        {"name": "orders-worker", "timeout_seconds": 300, "stream_source": False, "async_invoked": True},
    ]
    assert orders["rest_apis"] == [{"name": "orders-rest", "stage": "prod"}]
    # the tagged DLQ is the queue's dlq, not a queue of its own
    assert orders["queues"] == [{"name": "orders-jobs", "dlq": "orders-jobs-dlq"}]
    assert orders["event_rules"] == [{"name": "orders-placed", "event_bus": "orders-bus"}]
    assert (orders["tables"], orders["state_machines"], orders["topics"]) == (
        [{"name": "orders"}], [{"name": "orders-checkout"}], [{"name": "orders-notices"}])
    payments = found.services["payments"]
    assert (payments["account_id"], payments["region"], payments["account"]) == (ACCOUNTS["payments"],
                                                                                 "eu-west-1", "payments")
    assert payments["resources"]["http_apis"] == [{"name": "payments-http", "api_id": "pay0http01",
                                                   "stage": "$default"}]
    # an untagged DLQ of a tagged queue is still its dlq; SNS in the resource policy means async invocation
    assert payments["resources"]["queues"] == [{"name": "payments-settle", "dlq": "payments-dlq"}]
    assert {f["name"]: f["async_invoked"] for f in payments["resources"]["functions"]} == {
        "payments-api": False, "payments-notify": True}
    # AND a resource tagged for a service but in another region is left out, with a note naming where it is
    assert [f["name"] for f in found.services["search"]["resources"]["functions"]] == ["search-query"]
    assert any("search-misplaced" in note and "333333333333" in note and "eu-west-1" in note
               for note in found.notes)


def test_makes_only_describe_list_get_calls(world, monkeypatch):
    # GIVEN resources of every kind moto lists, and every API call any boto3 client makes recorded on its way out
    from tests.unit.discover.moto_world import build_more_kinds

    build_more_kinds()
    homes = {**HOMES, "fleet": (ACCOUNTS["shop"], "us-east-1")}
    calls: list[tuple[str, str]] = []
    real = botocore.client.BaseClient._make_api_call

    def recording(self, operation_name, params):
        calls.append((self.meta.service_model.service_name, operation_name))
        return real(self, operation_name, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    # WHEN discovery runs over every account and region
    discover(boto3.Session(), targets(), sorted(homes), "service", homes)
    # THEN it read every kind, and each call was a Describe/List/Get, or the STS AssumeRole giving credentials
    made = sorted(set(calls))
    assert {"GetResources", "GetFunctionConfiguration", "ListEventSourceMappings", "GetQueueAttributes",
            "GetRestApi", "GetStages", "GetApi", "DescribeDeliveryStream", "DescribeTargetGroups",
            "DescribeServices", "DescribeClusters", "DescribeDBClusters", "ListBucketMetricsConfigurations",
            "GetConfigurationSet"} <= {op for _, op in made}
    assert [c for c in made if not engine.READ_ONLY.match(c[1]) and c != ("sts", "AssumeRole")] == []


def test_a_write_call_is_refused_before_it_leaves():
    # GIVEN a session of discovery's WHEN code tries a call that changes something THEN it never reaches AWS
    session = engine._guarded(boto3.Session(region_name="us-east-1"))
    with pytest.raises(WriteRefusedError, match="sqs:CreateQueue"):
        session.client("sqs").create_queue(QueueName="x")


def _error_response(status: int, code: str, message: str):
    def respond(**_):
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
                "</Error><RequestId>1</RequestId></ErrorResponse>").encode()
        return AWSResponse("https://aws", status, {}, _Raw(body))
    return respond


class _Raw:
    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **_):
        yield self._body

    def read(self, *_):
        return self._body


def test_access_denied_on_assume_role_is_one_line_naming_account_and_region(world):
    # GIVEN the payments account refuses the role (AWS answers AccessDenied)
    session = boto3.Session()
    denied = _error_response(403, "AccessDenied", "User is not authorized to perform: sts:AssumeRole")

    def refuse_payments(request, **kwargs):
        if ACCOUNTS["payments"] in str(request.body):
            return denied()
        return None

    session.events.register_first("before-send.sts.AssumeRole", refuse_payments)
    # WHEN discovery runs THEN it fails with one line per refused region, naming the account, and no traceback text
    with pytest.raises(DiscoverError) as failure:
        discover(session, targets(), sorted(HOMES), "service", HOMES)
    lines = failure.value.lines
    assert len(lines) == 2
    for line, region in zip(lines, REGIONS, strict=True):
        assert line.startswith(f"account payments ({ACCOUNTS['payments']}) {region}: cannot assume ")
        assert "AccessDenied" in line and "\n" not in line and "Traceback" not in line


def test_throttling_that_outlasts_the_retries_is_one_line(aws, monkeypatch):
    # GIVEN the tagging API throttles every call (few retries, to keep the test fast)
    monkeypatch.setattr(engine, "_RETRIES", botocore.config.Config(retries={"mode": "standard", "max_attempts": 2}))
    session = boto3.Session()
    session.events.register_first("before-send.resource-groups-tagging-api.GetResources",
                            _json_error(400, "ThrottlingException", "Rate exceeded"))
    target = Target(ACCOUNTS["shop"], "us-east-1", account="shop")
    with pytest.raises(DiscoverError) as failure:
        discover(session, [target], ["orders"], "service", {"orders": (ACCOUNTS["shop"], "us-east-1")})
    assert failure.value.lines == ["account shop (111111111111) us-east-1: throttled by AWS on GetResources "
                                   "(ThrottlingException), still after retrying; run make discover again later"]


def _json_error(status: int, code: str, message: str):
    def respond(**_):
        body = ('{"__type": "%s", "message": "%s"}' % (code, message)).encode()
        return AWSResponse("https://aws", status, {"x-amzn-query-error": f"{code};Sender"}, _Raw(body))
    return respond


def test_the_kinds_beyond_the_serverless_core_with_what_their_alarms_need(aws):
    # GIVEN tagged resources of the other kinds (as far as moto lists them by tag)
    from tests.unit.discover.moto_world import build_more_kinds

    build_more_kinds()
    home = {"fleet": (ACCOUNTS["shop"], "us-east-1")}
    target = Target(ACCOUNTS["shop"], "us-east-1", account="shop", role_arn=f"arn:aws:iam::{ACCOUNTS['shop']}:role/r")
    # WHEN discovered
    found = discover(boto3.Session(), [target], ["fleet"], "service", home)
    resources = found.services["fleet"]["resources"]
    # THEN each is found with the facts its alarms need
    assert resources["firehose_streams"] == [{"name": "fleet-to-s3", "destination": "S3"}]
    (balancer,) = resources["load_balancers"]
    assert balancer["name"].startswith("app/fleet-web/")
    assert [(g["id"].split("/")[1], g["lambda_target"]) for g in balancer["target_groups"]] == [
        ("fleet-web-tg", False)]
    assert resources["ecs_services"] == [{"name": "fleet-web", "cluster": "fleet", "launch_type": "FARGATE",
                                          "container_insights": True}]
    assert resources["aurora_clusters"] == [{"name": "fleet-db", "serverless_v2": True}]
    assert resources["buckets"] == [{"name": "fleet-exports"}]
    assert resources["websocket_apis"] == [{"name": "fleet-ws", "api_id": "fleet0ws01", "stage": "live"}]
    # AND a configuration set without reputation metrics (no metric to alarm on) is left out, with a note
    assert resources["ses_configuration_sets"] == [{"name": "fleet-mail"}]
    assert any("fleet-quiet" in note and "reputation metrics" in note for note in found.notes)
