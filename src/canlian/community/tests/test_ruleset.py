"""The rules files: the shipped ones load, and broken ones fail naming file and field."""

import textwrap
from pathlib import Path

import pytest
import yaml

from canlian.community import (
    emergency_rules,
    inspection_rules,
    models,
    poverty_rules,
    ruleset,
    volunteer_rules,
)


def test_every_deployment_has_community_rules():
    from canlian.regions import loader

    assert set(loader.available()) <= set(ruleset.available())
    for code in ruleset.available():
        rules = ruleset.load_shipped(code)
        assert rules.code == code
        assert rules.inspections.days.keys() == inspection_rules.SEVERITIES.keys()


def test_the_deployments_differ_where_the_local_notices_do():
    yueqing, linzi = ruleset.load_shipped("yueqing"), ruleset.load_shipped("linzi")
    assert yueqing.poverty.medical_costs_threshold != linzi.poverty.medical_costs_threshold
    assert yueqing.inspections.days != linzi.inspections.days


def test_unknown_deployment():
    with pytest.raises(FileNotFoundError, match="nowhere"):
        ruleset.load_shipped("nowhere")
    with pytest.raises(FileNotFoundError):
        ruleset.load_shipped("checklist")


def _broken(tmp_path: Path, change) -> Path:
    data = yaml.safe_load((ruleset.DATA_DIR / "yueqing.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d["visits"]["rules"][0].update(every_days=0), "visits.rules[0].every_days"),
    (lambda d: d["visits"]["rules"][0].update(evry_days=3), "visits.rules[0]"),
    (lambda d: d["visits"]["rules"][1].update(code="severe_alone"), "visits.rules[1].code"),
    (lambda d: d["visits"]["rules"][0].update(min_age=90, max_age=80), "visits.rules[0].min_age"),
    (lambda d: d["visits"]["rules"][0].update(grades=[5]), "visits.rules[0].grades"),
    (lambda d: d["visits"]["rules"][0].update(household_types=["rich"]),
     "visits.rules[0].household_types"),
    (lambda d: d["emergency"]["levels"].pop(), "emergency.levels"),
    (lambda d: d["emergency"]["points"]["mobility"].update(flying=3), "emergency.points.mobility"),
    (lambda d: d["poverty_watch"].update(near_line_multiple="0.8"), "poverty_watch.near_line_multiple"),
    (lambda d: d["poverty_watch"].update(medical_costs_threshold=2.5),
     "poverty_watch.medical_costs_threshold"),
    (lambda d: d["inspections"]["rectification_days"].pop("minor"),
     "inspections.rectification_days"),
    (lambda d: d["volunteers"]["stars"].append({"name": "x", "hours": "100"}), "volunteers.stars"),
    (lambda d: d.update(schema=2), "schema"),
    (lambda d: d.pop("volunteers"), "-"),
])
def test_broken_files_name_the_field(tmp_path, change, where):
    with pytest.raises(ruleset.RuleSetError) as info:
        ruleset.load(_broken(tmp_path, change))
    assert info.value.where == where
    assert "broken.yaml" in info.value.message


def test_yaml_syntax_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("visits: [\n", encoding="utf-8")
    with pytest.raises(ruleset.RuleSetError, match="YAML"):
        ruleset.load(path)


def test_checklist_must_cover_every_place_kind(tmp_path):
    path = tmp_path / "checklist.yaml"
    path.write_text(textwrap.dedent("""
        schema: 1
        items:
          - {code: ramp, zh: 坡道, en: Ramp, kinds: [road], severity: major}
    """), encoding="utf-8")
    with pytest.raises(ruleset.RuleSetError, match="has no item"):
        ruleset.load_checklist(path)


@pytest.mark.parametrize(("choices", "codes"), [
    (models.SKILL_CHOICES, volunteer_rules.SKILLS),
    (models.AVAILABILITY_CHOICES, volunteer_rules.AVAILABILITY),
    (models.MOBILITY_CHOICES, emergency_rules.MOBILITY),
    (models.ASSISTIVE_DEVICE_CHOICES, emergency_rules.ASSISTIVE_DEVICES),
    (models.POWERED_DEVICE_CHOICES, emergency_rules.POWERED_DEVICES),
    (models.CHECKIN_CHOICES, emergency_rules.CHECKIN_STATES),
    (models.SITUATION_CHOICES, poverty_rules.SITUATIONS),
    (models.HELP_CHOICES, poverty_rules.HELP_KINDS),
    (models.FLAG_CHOICES, poverty_rules.FLAGS),
    (models.PLACE_KIND_CHOICES, inspection_rules.PLACE_KINDS),
    (models.SEVERITY_CHOICES, inspection_rules.SEVERITIES),
    (models.RESULT_CHOICES, inspection_rules.RESULTS),
])
def test_model_choices_match_the_rule_modules(choices, codes):
    assert [c for c, _ in choices] == list(codes)


# Pure modules of canlian a rule module may import (no Django, checked transitively by
# core/tests/test_conventions.py): the one month arithmetic.
PURE = ("canlian.core.months", "canlian.core.rule_text", "canlian.core.rulefile")


def test_rule_modules_import_no_django():
    import ast

    here = Path(ruleset.__file__).parent
    for name in ("visit_rules", "emergency_rules", "poverty_rules", "inspection_rules",
                 "volunteer_rules", "ruleset"):
        tree = ast.parse((here / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [
                    a.name for a in node.names]
                assert not any(n.startswith(("django", "canlian")) and n not in PURE
                               for n in names), (name, names)
