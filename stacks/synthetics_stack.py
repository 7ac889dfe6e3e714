"""``<app>-<env>-Synthetics`` (and ``-Synthetics-<region>`` per extra region): canaries, artifacts, alarms."""
from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from aws_cdk import Stack, aws_cloudwatch as cloudwatch, aws_sns as sns, aws_ssm as ssm
from constructs import Construct

from config.schema import EnvironmentConfig
from dashboards.model import AlarmRef
from stacks.synthetics import ArtifactsBucket, CanaryAlarms, ServiceCanary
from stacks.synthetics.canary import CanaryRef
from stacks.synthetics.targets import CanaryTarget
from stacks.wiring import local_alarm, local_topics

__all__ = ["SyntheticsStack"]


def _construct_id(service: str) -> str:
    return "".join(part.capitalize() for part in service.split("-"))


class SyntheticsStack(Stack):
    """One canary per target, their artifact bucket and alarms.

    In the home region (``extra_region`` unset) every canary's alarms are exposed as ``children``
    (service -> [(alarm, severity)]); services listed in ``composed`` get no direct actions (their composites
    act for them), the others notify ``notify`` (severity -> topic) directly. In an extra region ``notify`` is
    that region's alert topics and ``suppressor`` its maintenance switch (its Alerting-<region> stack): alarm
    actions and composite children cannot cross regions. There each canary's composite notifies the region's
    warning topic, which the home router subscribes to: it reaches people and groups with the service, while
    the home canary (a child of the service's paging composite) pages, so one outage pages once.

    Example
    -------
    >>> from aws_cdk import App
    >>> from config.loader import load_config
    >>> app, cfg = App(), load_config("prod")
    >>> from stacks.synthetics.targets import canary_targets
    >>> synthetics = SyntheticsStack(app, "watchtower-prod-Synthetics", cfg=cfg, targets=canary_targets(cfg))
    >>> sorted(synthetics.children)
    ['orders']
    """

    def __init__(self, scope: Construct, construct_id: str, *, cfg: EnvironmentConfig,
                 targets: Sequence[CanaryTarget], notify: Mapping[str, sns.ITopic] | None = None,
                 composed: Collection[str] = (), extra_region: str | None = None,
                 suppressor: cloudwatch.IAlarm | None = None, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        notify = local_topics(self, dict(notify)) if notify else notify
        self.artifacts = ArtifactsBucket(self, "Artifacts", cfg=cfg)
        if extra_region:
            # This region's copy of the maintenance switch (make maintenance flips every region's), by name.
            suppressor = local_alarm(self, suppressor) if suppressor is not None else None
            if notify:
                notify = {"critical": notify["warning"], "warning": notify["warning"]}
        else:
            suppressor = None
        self.canaries: dict[str, ServiceCanary] = {}
        self.children: dict[str, list[tuple[cloudwatch.IAlarm, str]]] = {}
        # Canaries of composed services: their alarms are made in the service's monitoring stack, next to the
        # composites (CloudWatch will not delete an alarm a composite still names, so the two must change together).
        self.composed: dict[str, CanaryRef] = {}
        self.alarm_refs: list[AlarmRef] = []
        for target in targets:
            name = _construct_id(target.service)
            base_url = target.base_url
            if target.base_url_parameter:  # another stack of the app publishes the URL
                base_url = ssm.StringParameter.value_for_string_parameter(self, target.base_url_parameter)
            canary = ServiceCanary(self, name, cfg=cfg, service=target.service, canary=target.config,
                                   bucket=self.artifacts.bucket, base_url=base_url)
            self.canaries[target.service] = canary
            if not extra_region and target.service in composed:
                self.composed[target.service] = canary.ref
                continue
            direct = dict(notify) if notify else None
            alarms = CanaryAlarms(self, f"{name}Alarms", cfg=cfg, canary=canary, notify=direct,
                                  region_label=extra_region or "",
                                  suppressor=suppressor)
            self.children.setdefault(target.service, []).extend(alarms.children)
            self.alarm_refs.extend(alarms.refs)
