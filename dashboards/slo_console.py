"""Names and console links of the Application Signals SLOs the app creates.

The SLO stack names each native SLO with ``native_slo_name`` and the SLO dashboard links it with
``slo_console_url``; both live here because dashboards never import stacks.
"""
from __future__ import annotations

from urllib.parse import quote

__all__ = ["native_slo_name", "slo_console_url", "slo_list_url"]


def native_slo_name(app: str, env: str, service: str, sli: str) -> str:
    """``{app}-{env}-{service}-{sli}``: unique per account and region, within Application Signals' pattern
    (letters, digits, ``-._`` and spaces, at most 128 characters). Stable: renaming replaces the SLO and
    loses its attainment history.

    Example
    -------
    >>> native_slo_name("watchtower", "prod", "orders", "availability")
    'watchtower-prod-orders-availability'
    """
    return f"{app}-{env}-{service}-{sli}"


def slo_console_url(region: str | None, name: str) -> str:
    """The SLO's page in the CloudWatch console (Application Signals, SLO detail); without a region, the
    console opens it in the region the reader last used.

    The fragment format is the console's own and not documented by AWS; when it changes the link lands on
    the Application Signals start page, where the SLO list is one click away.

    Example
    -------
    >>> slo_console_url("eu-west-1", "watchtower-prod-orders-availability")
    'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#application-signals:slo/watchtower-prod-orders-availability'
    >>> slo_console_url(None, "a b")
    'https://console.aws.amazon.com/cloudwatch/home#application-signals:slo/a%20b'
    """
    base = (f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}" if region
            else "https://console.aws.amazon.com/cloudwatch/home")
    return f"{base}#application-signals:slo/{quote(name, safe='')}"


def slo_list_url(region: str) -> str:
    """The console's list of every SLO of the region.

    Example
    -------
    >>> slo_list_url("eu-west-1")
    'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#application-signals:slos'
    """
    return f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#application-signals:slos"
