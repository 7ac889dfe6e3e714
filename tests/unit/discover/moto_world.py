"""moto as the AWS of discovery tests: three accounts (assumed roles), two regions, tagged resources.

moto 5.2.5 keeps each account's resources apart by the account of the credentials (an assumed role's
credentials act in the role's account). Two gaps are filled here, both to behave as AWS does:

- its Resource Groups Tagging API does not list API Gateway REST/HTTP APIs or EventBridge rules (AWS does):
  ``list_missing_kinds`` adds them, read from moto's own API Gateway and EventBridge backends;
- its HTTP API ids have 8 letters where AWS's have 10 characters (which the config checks):
  ``aws_length_http_api_id`` re-keys one to a 10-character id.
"""
from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

__all__ = ["ACCOUNTS", "REGIONS", "ROLE", "session_in", "list_missing_kinds", "aws_length_http_api_id",
           "build_world"]

ACCOUNTS = {"shop": "111111111111", "payments": "222222222222", "search": "333333333333"}
REGIONS = ("us-east-1", "eu-west-1")
ROLE = "watchtower-discovery"


def session_in(account_id: str, region: str) -> boto3.Session:
    """A session acting in ``account_id`` (through moto's STS), as an admin setting up the test would."""
    credentials = boto3.client("sts", region_name=region).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/test-admin", RoleSessionName="test-setup")["Credentials"]
    return boto3.Session(aws_access_key_id=credentials["AccessKeyId"],
                         aws_secret_access_key=credentials["SecretAccessKey"],
                         aws_session_token=credentials["SessionToken"], region_name=region)


class _Listing:
    def __init__(self, items: list[Any]):
        self._items = items

    def iter_tagged_resources(self) -> Iterator[Any]:
        yield from self._items

    def owns_arn(self, arn: str) -> bool:
        return False


def list_missing_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make moto's GetResources also list tagged REST APIs (and stages), HTTP APIs and EventBridge rules."""
    import moto.resourcegroupstaggingapi.models as tagging
    from moto.apigateway.models import apigateway_backends
    from moto.apigatewayv2.models import apigatewayv2_backends
    from moto.core.resource_tagging import TaggedResource
    from moto.events.models import events_backends

    original = tagging.iter_taggable_backends

    def extra(account_id: str, region: str) -> list[Any]:
        items = []
        for api in apigateway_backends[account_id][region].apis.values():
            base = f"arn:aws:apigateway:{region}::/restapis/{api.id}"
            items.append(TaggedResource(arn=base, tags=dict(api.tags or {}), resource_type="apigateway:restapis"))
            for stage in api.stages.values():
                if stage.tags:
                    items.append(TaggedResource(arn=f"{base}/stages/{stage.name}", tags=dict(stage.tags),
                                                resource_type="apigateway:restapis/stages"))
        v2 = apigatewayv2_backends[account_id][region]
        for api in v2.apis.values():
            items.append(TaggedResource(arn=api.arn, tags=v2.get_tags(api.arn), resource_type="apigateway:apis"))
        events = events_backends[account_id][region]
        for bus in events.event_buses.values():
            for rule in bus.rules.values():
                items.append(TaggedResource(arn=rule.arn, tags=events.tagger.get_tag_dict_for_resource(rule.arn),
                                            resource_type="events:rule"))
        return [item for item in items if item.tags]

    def with_missing(account_id: str, region: str) -> Iterator[Any]:
        yield from original(account_id, region)
        yield _Listing(extra(account_id, region))

    monkeypatch.setattr(tagging, "iter_taggable_backends", with_missing)


def aws_length_http_api_id(account_id: str, region: str, api_id: str, new_id: str) -> str:
    """Give moto's HTTP API ``api_id`` the 10-character id ``new_id`` (the length AWS's ids have)."""
    from moto.apigatewayv2.models import apigatewayv2_backends

    backend = apigatewayv2_backends[account_id][region]
    api = backend.apis.pop(api_id)
    tags = backend.get_tags(api.arn)
    api.api_id = new_id
    api.arn = f"arn:aws:apigateway:{region}::/apis/{new_id}"
    backend.apis[new_id] = api
    backend.tag_resource(api.arn, tags)
    return new_id


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return None\n")
    return buffer.getvalue()


def build_world(tag_key: str = "service") -> dict[str, Any]:
    """Tagged resources of three services over three accounts and two regions, and decoys.

    - orders (shop, us-east-1): an API function with a 30 s timeout behind a REST API (stage prod), a stream
      consumer of a Kinesis stream, an async worker (event invoke config), a table, a queue with its DLQ
      (both tagged), a state machine, a rule on a custom bus, a topic;
    - payments (payments, eu-west-1): an HTTP API and its function, a queue whose DLQ is
      not tagged, a rule on the default bus, a function SNS invokes (resource policy);
    - search (search, us-east-1): one function and one table; and in search eu-west-1 a function tagged
      search (the wrong region for it), plus an untagged function and one tagged for an unknown service.
    """
    def tags(service: str) -> dict[str, str]:
        return {tag_key: service, "team": "x"}

    def tag_list(service: str, key: str = "Key", value: str = "Value") -> list[dict[str, str]]:
        return [{key: k, value: v} for k, v in tags(service).items()]

    def function(session: boto3.Session, name: str, service: str | None, timeout: int, **extra: Any) -> str:
        role = session.client("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]
        kwargs: dict[str, Any] = {"Tags": tags(service)} if service else {}
        return session.client("lambda").create_function(
            FunctionName=name, Runtime="python3.11", Role=role["Arn"], Handler="handler.handler",
            Code={"ZipFile": _zip()}, Timeout=timeout, **kwargs, **extra)["FunctionArn"]

    # orders in shop, us-east-1
    shop = session_in(ACCOUNTS["shop"], "us-east-1")
    function(shop, "orders-api", "orders", 30)
    function(shop, "orders-stream", "orders", 120)
    stream = shop.client("kinesis")
    stream.create_stream(StreamName="orders-events", ShardCount=1)
    stream_arn = stream.describe_stream(StreamName="orders-events")["StreamDescription"]["StreamARN"]
    shop.client("lambda").create_event_source_mapping(EventSourceArn=stream_arn, FunctionName="orders-stream",
                                                      StartingPosition="LATEST")
    function(shop, "orders-worker", "orders", 300)
    shop.client("lambda").put_function_event_invoke_config(FunctionName="orders-worker", MaximumRetryAttempts=1)
    api = shop.client("apigateway")
    rest = api.create_rest_api(name="orders-rest", tags=tags("orders"))
    root = api.get_resources(restApiId=rest["id"])["items"][0]["id"]
    api.put_method(restApiId=rest["id"], resourceId=root, httpMethod="GET", authorizationType="NONE")
    api.put_integration(restApiId=rest["id"], resourceId=root, httpMethod="GET", type="MOCK")
    api.create_deployment(restApiId=rest["id"], stageName="prod")
    shop.client("dynamodb").create_table(
        TableName="orders", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        Tags=tag_list("orders"))
    sqs = shop.client("sqs")
    dlq = sqs.create_queue(QueueName="orders-jobs-dlq", tags=tags("orders"))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.create_queue(QueueName="orders-jobs", tags=tags("orders"), Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"})})
    role = shop.client("iam").create_role(RoleName="sfn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    shop.client("stepfunctions").create_state_machine(
        name="orders-checkout", roleArn=role, tags=tag_list("orders", "key", "value"),
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}))
    events = shop.client("events")
    events.create_event_bus(Name="orders-bus")
    events.put_rule(Name="orders-placed", EventBusName="orders-bus", EventPattern=json.dumps({"source": ["shop"]}),
                    Tags=tag_list("orders"))
    shop.client("sns").create_topic(Name="orders-notices", Tags=tag_list("orders"))

    # payments in payments, eu-west-1
    pay = session_in(ACCOUNTS["payments"], "eu-west-1")
    function(pay, "payments-api", "payments", 20)
    http = pay.client("apigatewayv2").create_api(Name="payments-http", ProtocolType="HTTP", Tags=tags("payments"))
    api_id = aws_length_http_api_id(ACCOUNTS["payments"], "eu-west-1", http["ApiId"], "pay0http01")
    pay.client("apigatewayv2").create_stage(ApiId=api_id, StageName="$default")
    psqs = pay.client("sqs")
    pdlq = psqs.create_queue(QueueName="payments-dlq")["QueueUrl"]
    pdlq_arn = psqs.get_queue_attributes(QueueUrl=pdlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    psqs.create_queue(QueueName="payments-settle", tags=tags("payments"), Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": pdlq_arn, "maxReceiveCount": "5"})})
    pay.client("events").put_rule(Name="payments-nightly", ScheduleExpression="rate(1 day)",
                                  Tags=tag_list("payments"))
    function(pay, "payments-notify", "payments", 60)
    pay.client("lambda").add_permission(FunctionName="payments-notify", StatementId="sns",
                                        Action="lambda:InvokeFunction", Principal="sns.amazonaws.com")

    # search in search, us-east-1; decoys in eu-west-1
    search = session_in(ACCOUNTS["search"], "us-east-1")
    function(search, "search-query", "search", 15)
    search.client("dynamodb").create_table(
        TableName="search-index", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        Tags=tag_list("search"))
    elsewhere = session_in(ACCOUNTS["search"], "eu-west-1")
    function(elsewhere, "search-misplaced", "search", 5)
    function(elsewhere, "untagged", None, 5)
    function(elsewhere, "someone-else", "billing", 5)
    return {"http_api_id": api_id}


def build_more_kinds(account_id: str = "111111111111", region: str = "us-east-1") -> None:
    """Tagged resources of the kinds beyond the serverless core, of service ``fleet``, as far as moto lists them
    by tag (it does not list Kinesis streams, schedule groups or pipes; its AppSync and CloudFront ids do not
    have AWS's format): a Firehose stream to S3, an ALB with a target group, a Fargate ECS service on a cluster
    with Container Insights, an Aurora Serverless v2 cluster, a bucket, an SES configuration set with
    reputation metrics and one without, and a WebSocket API with one stage."""
    session = session_in(account_id, region)
    tags = [{"Key": "service", "Value": "fleet"}]
    session.client("firehose").create_delivery_stream(
        DeliveryStreamName="fleet-to-s3", Tags=tags, S3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{account_id}:role/firehose", "BucketARN": "arn:aws:s3:::fleet-archive"})
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{region}{zone}")
               ["Subnet"]["SubnetId"] for i, zone in ((1, "a"), (2, "b"))]
    elb = session.client("elbv2")
    balancer = elb.create_load_balancer(Name="fleet-web", Subnets=subnets, Tags=tags)["LoadBalancers"][0]
    group = elb.create_target_group(Name="fleet-web-tg", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]
    elb.create_listener(LoadBalancerArn=balancer["LoadBalancerArn"], Protocol="HTTP", Port=80,
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}])
    ecs = session.client("ecs")
    ecs.create_cluster(clusterName="fleet", settings=[{"name": "containerInsights", "value": "enabled"}])
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": "web", "memory": 128}])
    ecs.create_service(cluster="fleet", serviceName="fleet-web", taskDefinition="web", desiredCount=1,
                       launchType="FARGATE", tags=[{"key": "service", "value": "fleet"}])
    session.client("rds").create_db_cluster(
        DBClusterIdentifier="fleet-db", Engine="aurora-postgresql", MasterUsername="fleet",
        MasterUserPassword="not-a-real-one-1", ServerlessV2ScalingConfiguration={"MinCapacity": 0.5,
                                                                                 "MaxCapacity": 4}, Tags=tags)
    s3 = session.client("s3")
    s3.create_bucket(Bucket="fleet-exports")
    s3.put_bucket_tagging(Bucket="fleet-exports", Tagging={"TagSet": tags})
    ses = session.client("sesv2")
    ses.create_configuration_set(ConfigurationSetName="fleet-mail", Tags=tags,
                                 ReputationOptions={"ReputationMetricsEnabled": True})
    ses.create_configuration_set(ConfigurationSetName="fleet-quiet", Tags=tags,
                                 ReputationOptions={"ReputationMetricsEnabled": False})
    v2 = session.client("apigatewayv2")
    api = v2.create_api(Name="fleet-ws", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action",
                        Tags={"service": "fleet"})
    api_id = aws_length_http_api_id(account_id, region, api["ApiId"], "fleet0ws01")
    v2.create_stage(ApiId=api_id, StageName="live")
