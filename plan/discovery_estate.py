"""Discovery of the kinds beyond the serverless core from a CloudFormation or SAM template.

Like the core kinds, a resource is found when the template states what its metrics are keyed by (a literal
name); otherwise it is reported as skipped with the reason and the config line that would include it. Four
kinds are keyed by an id the service generates at deploy (AppSync and WebSocket API ids, a load balancer's
``app/NAME/ID`` and its target groups' ``targetgroup/NAME/ID``, a CloudFront distribution id), so the template
alone never names them: with the service's ``stack:`` they are found with a key read from that stack at deploy
(plan/deploy_time.py), labelled by the template's own name or their logical id; without it they are reported,
with the line to add.

Example
-------
>>> from plan.discovery import discover
>>> found = discover({"Resources": {"S": {"Type": "AWS::Kinesis::Stream", "Properties": {"Name": "orders"}}}})
>>> found.resources.kinesis_streams[0].name
'orders'
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from config.kinds import (
    AppSyncApiRef,
    AuroraClusterRef,
    BucketRef,
    CloudFrontDistributionRef,
    EcsServiceRef,
    FirehoseStreamRef,
    KinesisStreamRef,
    LoadBalancerRef,
    PipeRef,
    ScheduleGroupRef,
    SesConfigurationSetRef,
    TargetGroupRef,
    WebSocketApiRef,
)

if TYPE_CHECKING:
    from plan.discovery import _Reader

__all__ = ["discover_estate", "ESTATE_TYPES"]

# Every CloudFormation/SAM type this module reads, for the report of what a template holds.
ESTATE_TYPES: tuple[str, ...] = (
    "AWS::Kinesis::Stream", "AWS::KinesisFirehose::DeliveryStream", "AWS::AppSync::GraphQLApi",
    "AWS::Serverless::GraphQLApi", "AWS::ApiGatewayV2::Api", "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ECS::Service", "AWS::RDS::DBCluster", "AWS::CloudFront::Distribution", "AWS::S3::Bucket",
    "AWS::Scheduler::ScheduleGroup", "AWS::Scheduler::Schedule", "AWS::Pipes::Pipe", "AWS::SES::ConfigurationSet",
)
# Firehose destination configuration -> the DeliveryTo<destination>.DataFreshness metric it publishes.
_FIREHOSE_DESTINATIONS = {
    "ExtendedS3DestinationConfiguration": "S3", "S3DestinationConfiguration": "S3",
    "RedshiftDestinationConfiguration": "S3", "SplunkDestinationConfiguration": "Splunk",
    "AmazonopensearchserviceDestinationConfiguration": "AmazonOpenSearchService",
    "AmazonOpenSearchServerlessDestinationConfiguration": "AmazonOpenSearchServerless",
    "HttpEndpointDestinationConfiguration": "HttpEndpoint", "IcebergDestinationConfiguration": "Iceberg",
}

# Buckets frameworks add to hold deployment artifacts: no traffic of the service goes through them.
_DEPLOYMENT_BUCKETS = {"ServerlessDeploymentBucket": "Serverless Framework deployment bucket",
                       "StagingBucket": "CDK bootstrap staging bucket"}


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def discover_estate(reader: "_Reader") -> None:
    """Add what ``reader``'s template holds of the extra kinds to ``reader.found`` and ``reader.skips``."""
    from plan.discovery import Skip, _int, _label, _literal, _ref_target, keep_deployed

    found = reader.found
    for kind in ("kinesis_streams", "firehose_streams", "appsync_apis", "websocket_apis", "load_balancers",
                 "ecs_services", "aurora_clusters", "cloudfront_distributions", "buckets", "schedule_groups",
                 "pipes", "ses_configuration_sets"):
        found.setdefault(kind, [])

    for logical_id in reader.ids("AWS::Kinesis::Stream"):
        name = reader.named(logical_id, "Name", "Kinesis stream", "resources.kinesis_streams: [<its name>]")
        if name:
            hours = _int(reader.props(logical_id).get("RetentionPeriodHours"), 24)
            found["kinesis_streams"].append(KinesisStreamRef(name=name, retention_hours=max(24, hours)))

    for logical_id in reader.ids("AWS::KinesisFirehose::DeliveryStream"):
        name = reader.named(logical_id, "DeliveryStreamName", "Firehose stream",
                            "resources.firehose_streams: [{name: <its name>, destination: S3}]")
        if name:
            props = reader.props(logical_id)
            destination = next((d for key, d in _FIREHOSE_DESTINATIONS.items() if key in props), "S3")
            found["firehose_streams"].append(FirehoseStreamRef(name=name, destination=destination))

    for logical_id in reader.ids("AWS::AppSync::GraphQLApi", "AWS::Serverless::GraphQLApi"):
        name = reader.props(logical_id).get("Name")
        label = _label(name, logical_id)
        api_id = reader.deployed(logical_id, label)
        if api_id is None:
            shown = _literal(name) or "<label>"
            reader.skips.append(Skip(logical_id, "AppSync API", "is keyed by the GraphQLAPIId AppSync generates",
                                     reader.deploy_include(f"resources.appsync_apis: [{{name: {shown}, "
                                                           "api_id: <its API id>}]")))
            continue
        found["appsync_apis"].append(keep_deployed(AppSyncApiRef(name=label, api_id="0" * 26), api_id=api_id))

    for logical_id in reader.ids("AWS::ApiGatewayV2::Api"):
        if reader.props(logical_id).get("ProtocolType") != "WEBSOCKET":
            continue
        name = reader.props(logical_id).get("Name")
        stage = reader.v2_stage(logical_id)
        include = (f"resources.websocket_apis: [{{name: {_literal(name) or '<label>'}, api_id: <its ApiId>, "
                   f"stage: {stage or '<stage>'}}}]")
        api_id = reader.deployed(logical_id, _label(name, logical_id))
        if api_id is None:
            reader.skips.append(Skip(logical_id, "WebSocket API", "is keyed by a generated ApiId",
                                     reader.deploy_include(include)))
        elif stage is None:
            reader.skips.append(Skip(logical_id, "WebSocket API", "has no AWS::ApiGatewayV2::Stage with a literal "
                                     "StageName (WebSocket metrics are per stage)", include))
        else:
            ref = WebSocketApiRef(name=str(api_id), api_id="0" * 10, stage=stage)
            found["websocket_apis"].append(keep_deployed(ref, api_id=api_id))

    for logical_id in reader.ids("AWS::ElasticLoadBalancingV2::LoadBalancer"):
        props = reader.props(logical_id)
        if str(props.get("Type", "application")) != "application":
            reader.skips.append(Skip(logical_id, "load balancer", f"is a {props.get('Type')} load balancer: only "
                                     "Application Load Balancers are monitored"))
            continue
        _load_balancer(reader, logical_id)

    for logical_id in reader.ids("AWS::ECS::Service"):
        props = reader.props(logical_id)
        service = reader.named(logical_id, "ServiceName", "ECS service",
                               "resources.ecs_services: [{cluster: <cluster>, service: <its name>}]")
        if not service:
            continue
        cluster_value = props.get("Cluster")
        cluster_id = _ref_target(cluster_value)
        cluster = _literal(cluster_value) if cluster_id is None else \
            _literal(reader.props(cluster_id).get("ClusterName"))
        if cluster is None:
            reader.skips.append(Skip(logical_id, "ECS service", "runs on a cluster without a literal ClusterName",
                                     f"resources.ecs_services: [{{cluster: <cluster>, service: {service}}}]"))
            continue
        launch = "EC2" if str(props.get("LaunchType", "FARGATE")) == "EC2" else "FARGATE"
        settings = reader.props(cluster_id).get("ClusterSettings") if cluster_id else None
        insights = any(isinstance(s, dict) and s.get("Name") == "containerInsights"
                       and str(s.get("Value")) in ("enabled", "enhanced") for s in settings or ())
        found["ecs_services"].append(EcsServiceRef(cluster=cluster, name=service, launch_type=launch,
                                                   container_insights=insights))

    for logical_id in reader.ids("AWS::RDS::DBCluster"):
        props = reader.props(logical_id)
        if not str(props.get("Engine", "")).startswith("aurora"):
            reader.skips.append(Skip(logical_id, "RDS cluster", "is not an Aurora cluster (only Aurora is "
                                     "monitored)"))
            continue
        name = reader.named(logical_id, "DBClusterIdentifier", "Aurora cluster",
                            "resources.aurora_clusters: [<its identifier>]")
        if name:
            found["aurora_clusters"].append(AuroraClusterRef(
                name=name, serverless_v2="ServerlessV2ScalingConfiguration" in props))

    for logical_id in reader.ids("AWS::CloudFront::Distribution"):
        distribution = reader.deployed(logical_id)
        if distribution is None:
            reader.skips.append(Skip(logical_id, "CloudFront distribution", "is keyed by the distribution id "
                                     "CloudFront generates",
                                     reader.deploy_include("resources.cloudfront_distributions: [<its id, E...>]")))
            continue
        distribution_ref = CloudFrontDistributionRef(name="E" + "0" * 12)
        found["cloudfront_distributions"].append(keep_deployed(distribution_ref, name=distribution))

    for logical_id in reader.ids("AWS::S3::Bucket"):
        if logical_id in _DEPLOYMENT_BUCKETS:
            continue  # the framework's, not the service's: it only ever sees deploys
        name = reader.named(logical_id, "BucketName", "S3 bucket", "resources.buckets: [<its name>]")
        if name:
            configs = reader.props(logical_id).get("MetricsConfigurations") or []
            whole = [c for c in configs if isinstance(c, dict) and not c.get("Prefix") and not c.get("TagFilters")]
            chosen = (whole or configs or [None])[0]
            filter_id = _literal(chosen.get("Id")) if isinstance(chosen, dict) else None
            found["buckets"].append(BucketRef(name=name, request_metrics_filter=filter_id))

    groups: list[str] = []
    for logical_id in reader.ids("AWS::Scheduler::ScheduleGroup"):
        name = reader.named(logical_id, "Name", "schedule group", "resources.schedule_groups: [<its name>]")
        if name:
            groups.append(name)
    for logical_id in reader.ids("AWS::Scheduler::Schedule"):
        group_value = reader.props(logical_id).get("GroupName")
        target = _ref_target(group_value)
        group = "default" if group_value is None else (
            _literal(reader.props(target).get("Name")) if target else _literal(group_value))
        if group is None:
            reader.skips.append(Skip(logical_id, "schedule", "is in a schedule group without a literal Name",
                                     "resources.schedule_groups: [<its group>]"))
        elif group not in groups:
            groups.append(group)
    for function_id in reader.ids("AWS::Serverless::Function"):
        events = reader.props(function_id).get("Events") or {}
        for event in events.values() if isinstance(events, dict) else ():
            if isinstance(event, dict) and event.get("Type") == "ScheduleV2":
                group = _literal((event.get("Properties") or {}).get("GroupName", "default"))
                if group and group not in groups:
                    groups.append(group)
    found["schedule_groups"].extend(ScheduleGroupRef(name=g) for g in groups)

    for logical_id in reader.ids("AWS::Pipes::Pipe"):
        name = reader.named(logical_id, "Name", "EventBridge pipe", "resources.pipes: [<its name>]")
        if name:
            found["pipes"].append(PipeRef(name=name))

    for logical_id in reader.ids("AWS::SES::ConfigurationSet"):
        name = reader.named(logical_id, "Name", "SES configuration set",
                            "resources.ses_configuration_sets: [<its name>]")
        if not name:
            continue
        reputation = (reader.props(logical_id).get("ReputationOptions") or {}).get("ReputationMetricsEnabled")
        if not _truthy(reputation):
            reader.skips.append(Skip(logical_id, "SES configuration set", "publishes no reputation metrics "
                                     "(ReputationOptions.ReputationMetricsEnabled is not true)",
                                     f"turn them on, then resources.ses_configuration_sets: [{name}]"))
            continue
        found["ses_configuration_sets"].append(SesConfigurationSetRef(name=name))


def _target_groups(reader: "_Reader", balancer_id: str) -> list[str]:
    """Logical ids of the target groups the balancer's listeners and listener rules forward to, in order."""
    from plan.discovery import _ref_target

    listeners = [i for i in reader.ids("AWS::ElasticLoadBalancingV2::Listener")
                 if _ref_target(reader.props(i).get("LoadBalancerArn")) == balancer_id]
    actions: list[Any] = []
    for listener in listeners:
        actions.extend(reader.props(listener).get("DefaultActions") or [])
    for rule in reader.ids("AWS::ElasticLoadBalancingV2::ListenerRule"):
        if _ref_target(reader.props(rule).get("ListenerArn")) in listeners:
            actions.extend(reader.props(rule).get("Actions") or [])
    groups: list[str] = []
    for action in actions:
        if not isinstance(action, dict):
            continue
        forwards = [action.get("TargetGroupArn")] + [
            t.get("TargetGroupArn") for t in ((action.get("ForwardConfig") or {}).get("TargetGroups") or [])
            if isinstance(t, dict)]
        for target in (_ref_target(f) for f in forwards if f is not None):
            if target is not None and target in reader.resources and target not in groups:
                groups.append(target)
    return groups


def _load_balancer(reader: "_Reader", logical_id: str) -> None:
    """An Application Load Balancer with the target groups its listeners forward to, keyed at deploy. The
    placeholders that pass validation are replaced by the deploy-time keys right after it."""
    from plan.discovery import Skip, _label, keep_deployed

    label = _label(reader.props(logical_id).get("Name"), logical_id)
    balancer = reader.deployed(logical_id, f"app/{label}/{logical_id}")
    if balancer is None:
        reader.skips.append(Skip(logical_id, "Application Load Balancer",
                                 "is keyed by app/NAME/ID, whose ID is generated at deploy",
                                 reader.deploy_include("resources.load_balancers: [{name: <its ARN>, target_groups: "
                                                       "[<target group ARNs>]}]")))
        return
    groups = []
    for group_id in _target_groups(reader, logical_id):
        props = reader.props(group_id)
        group_label = _label(props.get("Name"), group_id)
        group = TargetGroupRef(id=f"targetgroup/placeholder/{'0' * 16}",
                               lambda_target=str(props.get("TargetType", "")).lower() == "lambda")
        groups.append(keep_deployed(group, id=reader.deployed(group_id, f"targetgroup/{group_label}/{group_id}")))
    hosts = [g for g in groups if not g.lambda_target][:5]
    lambdas = [g for g in groups if g.lambda_target][:3]
    if len(hosts) + len(lambdas) < len(groups):
        reader.skips.append(Skip(logical_id, "Application Load Balancer", f"forwards to {len(groups)} target "
                                 "groups: the first 5 host and 3 Lambda target groups are watched (CloudWatch's 10 "
                                 "metrics per alarm)"))
    ref = LoadBalancerRef(name=f"app/placeholder/{'0' * 16}", target_groups=tuple(hosts + lambdas))
    reader.found["load_balancers"].append(ref.model_copy(update={"name": label, "load_balancer": balancer}))
