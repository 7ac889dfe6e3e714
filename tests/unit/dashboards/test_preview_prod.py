"""Previews of the synthesized prod dashboards read as an SRE needs: nothing clipped without saying so, every
series in the legend, thresholds that do not flatten the data, and simulated numbers that agree with the state.

Each test reads the deployed bodies back from the templates itself, so the drawing is checked against what
deploys, not against the renderer's own bookkeeping.
"""
from __future__ import annotations

import json
import re

import pytest

from dashboards.preview.__main__ import draw_directory, main
from dashboards.preview.resolve import dashboards_in

ENV = "prod"


@pytest.fixture(scope="module")
def assembly(synth):
    return synth.result(ENV).outdir


@pytest.fixture(scope="module")
def bodies(synth):
    return {name: body for template in synth.templates(ENV).values() for name, body in dashboards_in(template).items()}


@pytest.fixture(scope="module")
def healthy(assembly, tmp_path_factory):
    return {d.name: d for d in draw_directory(assembly, tmp_path_factory.mktemp("healthy"))}


@pytest.fixture(scope="module")
def outage(assembly, tmp_path_factory):
    return {d.name: d for d in draw_directory(assembly, tmp_path_factory.mktemp("outage"), "outage", "orders")}


def _pairs(drawings, bodies):
    """(dashboard name, deployed widget, drawn widget) for every widget of every dashboard."""
    for name, drawing in drawings.items():
        assert len(drawing.widgets) == len(bodies[name]["widgets"])
        for deployed, drawn in zip(bodies[name]["widgets"], drawing.widgets, strict=True):
            yield name, deployed, drawn


def _visible_labels(properties):
    """What the console's legend lists: every metric entry not marked invisible, by its label."""
    labels = []
    for entry in properties.get("metrics", []):
        options = entry[0] if isinstance(entry[0], dict) else (entry[-1] if isinstance(entry[-1], dict) else {})
        if options.get("visible") is False:
            continue
        search = re.search(r'MetricName="([^"]+)"', str(options.get("expression", "")))
        # a SEARCH draws one line per match, named by what it finds; the preview draws one for them all
        labels.append(options.get("label") or (search and search.group(1)) or options.get("id"))
    return labels


def _inside(box, outer):
    return outer[0] - 1 <= box[0] and outer[1] - 1 <= box[1] and box[2] <= outer[2] + 1 and box[3] <= outer[3] + 1


def test_healthy_prod_shows_no_alarm_in_alarm(healthy, bodies):
    # GIVEN the default (healthy) preview of every prod dashboard
    listed = 0
    for name, deployed, drawn in _pairs(healthy, bodies):
        if deployed["type"] != "alarm":
            continue
        # THEN no alarm list shows an alarm in ALARM, not even among those behind "+N more"
        assert all(state == "OK" for _, state in drawn.alarms), (name, drawn.title)
        assert "ALARM" not in (drawn.more or "")
        listed += len(deployed["properties"]["alarms"])
        if deployed["properties"].get("states") == ["ALARM"]:
            # AND the "in ALARM now" lists say they are empty
            assert drawn.text("summary") and drawn.text("summary")[0].startswith("no alarm in ALARM")
    assert listed > 300  # prod's lists really were drawn (composites, per-service lists, "in ALARM now")


def test_a_clipped_alarm_list_ends_with_how_many_more(healthy, outage, bodies):
    clipped = 0
    for drawings in (healthy, outage):
        for name, deployed, drawn in _pairs(drawings, bodies):
            if deployed["type"] != "alarm" or not drawn.alarms:
                continue
            total = len(drawn.alarms)
            if not deployed["properties"].get("states"):
                assert total == len(deployed["properties"]["alarms"])  # every deployed alarm is accounted for
            rows = drawn.text("alarm")
            if total > len(rows):
                clipped += 1
                # THEN the last entry says how many were left out, computed from the list
                more = drawn.text("more")
                assert more and re.match(rf"\+{total - len(rows)} more \(", more[0]), (name, drawn.title, more)
                hidden = drawn.alarms[len(rows):]
                for state in ("ALARM", "OK"):
                    count = sum(1 for _, s in hidden if s == state)
                    assert (f"{count} {state}" in more[0]) == (count > 0)
            else:
                assert not drawn.text("more")
            # AND the shared name prefix is written once, each row is the rest of a real alarm name
            summary = " ".join(drawn.text("summary"))
            prefix = summary.split("every name starts with ")[1] if "every name starts with" in summary else ""
            for text, (full, _) in zip(rows, drawn.alarm_rows, strict=True):
                assert prefix + text == full
    assert clipped >= 3  # prod has lists longer than their widgets (orders' 90 alarms)


def test_the_outage_in_alarm_list_is_ordered_by_state(outage, bodies):
    for _, deployed, drawn in _pairs(outage, bodies):
        if deployed["type"] == "alarm" and drawn.alarms:
            order = [{"ALARM": 0, "INSUFFICIENT_DATA": 1, "OK": 2}[s] for _, s in drawn.alarms]
            assert order == sorted(order)  # what is firing is never hidden behind "+N more" OK alarms


@pytest.mark.parametrize("state", ["healthy", "outage"])
def test_every_series_is_in_the_legend_and_every_text_fits(state, request, bodies):
    drawings = request.getfixturevalue(state)
    graphs = 0
    for name, deployed, drawn in _pairs(drawings, bodies):
        if deployed["type"] == "text":
            continue
        properties = deployed["properties"]
        # the title is drawn whole (wrapped, not cut)
        assert " ".join(drawn.text("title")) == properties.get("title", ""), (name, drawn.title)
        if deployed["type"] == "metric":
            expected = _visible_labels(properties)
            # THEN the legend has one entry per series the console would draw, none cut short
            assert [label.split(" (one line per match)")[0] for label in drawn.legend] == expected, (name, drawn.title)
            legend_texts = drawn.text("legend")
            assert len(legend_texts) == len(expected)
            graphs += 1
        if properties.get("view") != "singleValue" and deployed["type"] == "metric":
            unit = properties["yAxis"]["left"]["label"]
            assert "".join(drawn.text("axis")).replace(" ", "") == unit.replace(" ", "")
        for item in drawn.texts:
            assert "…" not in item.text, (name, drawn.title, item)
            assert _inside(item.box, drawn.box), (name, drawn.title, item.role, item.text, item.box, drawn.box)
    assert graphs > 40


def test_a_threshold_far_above_the_data_is_an_edge_arrow_not_a_stretched_axis(healthy, bodies):
    widget = next(w for w in healthy["watchtower-prod-Performance"].widgets if w.title == "orders: Lambda duration p99")
    deployed = next(w for w in bodies["watchtower-prod-Performance"]["widgets"]
                    if w["properties"].get("title") == "orders: Lambda duration p99")
    thresholds = {a["value"] for a in deployed["properties"]["annotations"]["horizontal"]}
    data_top = max(v for values in widget.values.values() for v in values if v is not None)
    high = widget.y_range[1]
    # GIVEN timeout thresholds of 5.4 s to 54 s over p99 durations of well under a second
    assert max(thresholds) > 20 * data_top
    # THEN the axis is sized by the data, and those thresholds are arrows at the top edge with their values
    assert data_top <= high < 2 * data_top
    assert {value for _, value, where in widget.edge_markers if where == "top"} == {t for t in thresholds if t > high}
    assert any("54k" in text for text in widget.text("edge"))


def test_every_threshold_is_either_a_line_in_range_or_an_edge_marker(healthy, outage, bodies):
    for drawings in (healthy, outage):
        for name, deployed, drawn in _pairs(drawings, bodies):
            if deployed["type"] != "metric" or deployed["properties"].get("view") == "singleValue":
                continue
            low, high = drawn.y_range
            values = [v for series in drawn.values.values() for v in series if v is not None]
            # the data is always on the axis
            assert all(low - 1e-9 <= v <= high + 1e-9 for v in values), (name, drawn.title)
            shown = {v for _, v in drawn.lines} | {v for _, v, _ in drawn.edge_markers}
            deployed_values = {a["value"] for a in deployed["properties"].get("annotations", {}).get("horizontal", [])}
            assert shown == deployed_values, (name, drawn.title)
            assert all(low <= v <= high for _, v in drawn.lines)
            assert all((v > high) if where == "top" else (v < low) for _, v, where in drawn.edge_markers)


def test_availability_is_zoomed_around_its_objective(healthy, bodies):
    for widget in (w for w in healthy["watchtower-prod-ServiceOverview"].widgets if w.title.endswith(": availability")):
        objective = next(v for label, v in widget.lines if label.startswith("objective"))
        low, high = widget.y_range
        # 99.9 % -> 99-100, 99.5 % -> 95-100: ten error budgets below 100
        assert high == 100 and low == pytest.approx(100 - 10 * (100 - objective))
        assert widget.note and "console" in widget.note  # the console's 0-100 axis is named in the picture
        assert any(v == 50 and where == "bottom" for _, v, where in widget.edge_markers)  # ServiceDown < 50


def _value(drawing, title):
    widget = next(w for w in drawing.widgets if w.title == title)
    (values,) = widget.values.values()
    return values[-1]


def test_healthy_numbers_agree_with_each_other(healthy, synth):
    slo, executive = healthy["watchtower-prod-SLO"], healthy["watchtower-prod-Executive"]
    executive_availability = next(w for w in executive.widgets if w.title.startswith("Availability, 30 days"))
    for service in synth.app_config(ENV).services:
        objective = service.slo.availability
        compliance = _value(slo, f"{service.name} availability: compliance, 30 days (objective {objective:g}%) "
                                 "(Percent)")
        budget = _value(slo, f"{service.name} availability: error budget remaining, 30 days (Percent)")
        # the remaining budget is what the compliance leaves of 100 - objective
        assert budget == pytest.approx(100 * (1 - (100 - compliance) / (100 - objective)), abs=0.01)
        # healthy: within the objective, with budget left
        assert compliance > objective and 0 < budget <= 100
        # the executive view reads the same requests and errors over the same 30 days
        assert executive_availability.values[service.name][-1] == pytest.approx(compliance, abs=1e-6)
    operations = healthy["watchtower-prod-Operations"]
    for title in ("Alert router: DLQ depth", "Service DLQ depth"):
        widget = next(w for w in operations.widgets if w.title == title)
        # dead-letter queues are empty while their alarms (threshold 0) are OK
        assert all(v == 0 for values in widget.values.values() for v in values)
        assert {v for _, v in widget.lines} == {0.0}
    router = next(w for w in operations.widgets if w.title == "Alert router: invocations and errors")
    assert all(v == 0 for v in router.values["errors"]) and any(v > 0 for v in router.values["invocations"])
    canary = next(w for w in operations.widgets if w.title == "Canary success")
    assert all(v == 100 for values in canary.values.values() for v in values)


def _simulator_fires(assembly, service):
    """What the offline simulator sends to ALARM in a hard outage of ``service``, asked directly."""
    import tools.alarmsim.scenarios as simulator
    from tools.alarmsim import load_alarms

    alarms = load_alarms([assembly])
    hard = next(s for s in simulator.scenarios() if s.name == "hard-outage")
    if hasattr(simulator, "run_scenario"):
        return set(simulator.run_scenario(alarms, hard, service_prefixes=[f"watchtower-prod-{service}-"]).fired)
    environment = simulator.Environment(name=ENV, alarms=alarms, prefix="watchtower-prod-",
                                        services=[simulator.ServiceInfo(service)])
    return set(simulator.run_seed(environment, hard, 0).alarms_fired)


def test_outage_shows_the_alarms_the_simulator_fires(outage, assembly, synth):
    # GIVEN what the offline simulator says a hard outage of orders fires
    fired = _simulator_fires(assembly, "orders")
    assert any(name.endswith("service-Critical-critical") for name in fired)
    # THEN exactly those listed alarms are drawn in ALARM, across every dashboard's lists
    shown_in_alarm, shown = set(), set()
    for drawing in outage.values():
        for widget in (w for w in drawing.widgets if w.type == "alarm"):
            shown |= {name for name, _ in widget.alarms}
            shown_in_alarm |= {name for name, state in widget.alarms if state == "ALARM"}
    assert fired & shown <= shown_in_alarm and shown_in_alarm
    # AND anything else drawn in ALARM is a composite with a child drawn in ALARM (already in ALARM at the onset)
    children = {}
    for template in synth.templates(ENV).values():
        named = {logical: r["Properties"].get("AlarmName") for logical, r in template["Resources"].items()
                 if r["Type"] in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")}
        for resource in template["Resources"].values():
            if resource["Type"] == "AWS::CloudWatch::CompositeAlarm":
                rule = json.dumps(resource["Properties"]["AlarmRule"])
                children[resource["Properties"]["AlarmName"]] = {
                    name for logical, name in named.items() if f'"{logical}"' in rule or f'\\"{name}\\"' in rule}
    for name in shown_in_alarm - fired:
        assert children[name] & shown_in_alarm, name
    critical = "watchtower-prod-orders-service-Critical-critical"
    assert critical in shown_in_alarm and "watchtower-prod-orders-service-Health-info" in shown_in_alarm
    # AND the graphs show the outage: orders' requests all fail now, payments' do not
    overview = outage["watchtower-prod-ServiceOverview"]
    assert _value(overview, "orders: availability") < 1 and _value(overview, "orders: error rate") > 99
    assert _value(overview, "payments: availability") > 99.9
    operations = outage["watchtower-prod-Operations"]
    router = next(w for w in operations.widgets if w.title == "Alert router: invocations and errors")
    # the router's Errors alarm is in ALARM per the simulator: its graph shows errors, never more than invocations
    if "watchtower-prod-alerting-router-Errors-critical" in shown_in_alarm:
        assert router.values["errors"][-1] > 0
    assert all(e <= i for e, i in zip(router.values["errors"], router.values["invocations"], strict=True))
    dlq = next(w for w in operations.widgets if w.title == "Service DLQ depth")
    assert dlq.values["orders orders-fulfilment-dlq"][-1] > 0 and dlq.values[
        "notifications notifications-outbox-dlq"][-1] == 0


def test_a_simulator_api_change_is_one_line(assembly, tmp_path, monkeypatch, capsys):
    import tools.alarmsim.scenarios as scenarios_module

    # GIVEN a simulator whose run_scenario no longer returns what the preview reads
    monkeypatch.setattr(scenarios_module, "run_scenario", lambda *args, **kwargs: object(), raising=False)
    # WHEN the outage preview runs THEN exit 2 with one line saying so, and the healthy preview still works
    assert main([str(assembly), str(tmp_path), "--scenario", "outage"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "alarm simulator's API changed" in error
    assert main([str(assembly), str(tmp_path)]) == 0


def test_a_simulator_that_cannot_be_imported_is_one_line(assembly, tmp_path, monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "tools.alarmsim.scenarios", None)  # importing it now raises ImportError
    assert main([str(assembly), str(tmp_path), "--scenario", "outage"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "not importable" in error and "healthy preview still works" in error


def test_an_unknown_service_or_scenario_is_one_line(assembly, tmp_path, capsys):
    assert main([str(assembly), str(tmp_path), "--scenario", "outage", "--service", "nope"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "orders" in error and "nope" in error
    assert main([str(assembly), str(tmp_path), "--scenario", "meteor"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "invalid choice" in error


@pytest.mark.parametrize("state", ["healthy", "outage"])
def test_percentages_of_requests_stay_between_0_and_100(state, request):
    # errors are a share of the same requests the request graphs show: never more failures than requests
    checked = 0
    for drawing in request.getfixturevalue(state).values():
        for widget in (w for w in drawing.widgets if w.type == "metric"):
            for label, values in widget.values.items():
                if label.endswith("%") or "availability" in label or "budget remaining" in label:
                    present = [v for v in values if v is not None]
                    assert all(v <= 100 + 1e-9 for v in present), (drawing.name, widget.title, label)
                    if "budget remaining" not in label:  # a spent budget goes negative, a percentage does not
                        assert all(v >= -1e-9 for v in present), (drawing.name, widget.title, label)
                    checked += 1
    assert checked > 20
