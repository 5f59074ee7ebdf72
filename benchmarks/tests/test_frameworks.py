"""Framework files: the schema, the checks it cannot make, and loading extra directories."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured

from benchmarks.frameworks import (
    SHIPPED_DIR,
    FrameworkError,
    frameworks,
    get_framework,
    json_path,
    load_frameworks,
    parse_framework,
)
from benchmarks.measures import measure_names

ROOT = Path(__file__).resolve().parents[2]


def sample(slug: str = "sample-scheme", **changes: object) -> dict[str, Any]:
    """A framework as loaded from a file: loose data, as ``parse_framework`` takes it."""
    data: dict[str, Any] = {
        "slug": slug,
        "name": "Sample scheme",
        "owner": "A test owner",
        "reference_url": "https://example.org/scheme",
        "wording_note": "Our own words.",
        "kind": "levelled",
        "levels": [
            {"key": "bronze", "name": "Bronze", "summary": "A start."},
            {"key": "silver", "name": "Silver", "summary": "Further on."},
        ],
        "criteria": [
            {
                "key": "listening",
                "title": "Listening to carers",
                "summary": "Carers are heard.",
                "requirements": [
                    {"key": "ask", "level": "bronze", "text": "Ask carers what helps."},
                    {
                        "key": "act",
                        "level": "silver",
                        "text": "Act on what carers say.",
                        "measures": ["carers_declared"],
                    },
                ],
            }
        ],
    }
    data.update(changes)
    return data


def write(directory: Path, name: str, data: object) -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_three_shipped_frameworks_load_and_pass_every_check():
    loaded = load_frameworks([], measure_names=measure_names())
    assert set(loaded) == {"carer-positive", "carer-confident", "efc-action-list"}
    positive = loaded["carer-positive"]
    assert [lv.name for lv in positive.levels] == ["Engaged", "Established", "Exemplary"]
    assert positive.reference_url.startswith("https://")
    assert "our own words" in positive.wording_note.lower()
    assert loaded["efc-action-list"].is_checklist
    assert len(list(loaded["efc-action-list"].requirements())) == 9


def test_the_schema_file_is_itself_valid_json_schema():
    schema = json.loads((SHIPPED_DIR / "schema.json").read_text())
    assert schema["$schema"].endswith("2020-12/schema")


def test_missing_property_is_reported_with_the_file_and_json_path():
    data = sample()
    criterion = data["criteria"][0]
    for index in range(3):
        extra = copy.deepcopy(criterion)
        extra["key"] = f"extra-{index}"
        for requirement in extra["requirements"]:
            requirement["key"] += f"-{index}"
        data["criteria"].append(extra)
    del data["criteria"][2]["requirements"][0]["level"]
    with pytest.raises(FrameworkError) as error:
        parse_framework(data, source="carer-positive.yaml", measure_names=measure_names())
    assert str(error.value) == (
        "carer-positive.yaml: criteria[2].requirements[0]: 'level' is a required property"
    )
    assert isinstance(error.value, ImproperlyConfigured)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["criteria"][0]["requirements"][0].update(level="gold"),
            "criteria[0].requirements[0].level: 'gold' is not one of the levels (bronze, silver)",
        ),
        (
            lambda d: d["criteria"][0]["requirements"][1].update(measures=["coffee_drunk"]),
            "criteria[0].requirements[1].measures[0]: 'coffee_drunk' is not a known measure",
        ),
        (
            lambda d: d["criteria"][0]["requirements"][1].update(key="ask"),
            "criteria[0].requirements[1].key: 'ask' is used by more than one requirement",
        ),
        (
            lambda d: d["levels"].append({"key": "bronze", "name": "Again", "summary": "x"}),
            "levels[2].key: 'bronze' is used by more than one level",
        ),
        (
            lambda d: d["criteria"].append(dict(d["criteria"][0])),
            "criteria[1].key: 'listening' is used by more than one criterion",
        ),
        (
            lambda d: d.update(kind="checklist"),
            "levels: a checklist has exactly one level",
        ),
        (
            lambda d: d["criteria"][0]["requirements"].pop(),
            "criteria[0].requirements: no requirement at level 'silver'",
        ),
        (
            lambda d: d.update(kind="graded"),
            "kind: 'graded' is not one of ['levelled', 'checklist']",
        ),
        (lambda d: d.update(slug="Not A Slug"), "slug: 'Not A Slug' does not match"),
        (
            lambda d: d.update(colour="red"),
            "Additional properties are not allowed ('colour' was unexpected)",
        ),
        (lambda d: d.update(reference_url="ftp://x"), "reference_url: 'ftp://x' does not match"),
    ],
)
def test_malformed_framework_is_refused_with_a_clear_message(change, message):
    data = sample()
    change(data)
    with pytest.raises(FrameworkError) as error:
        parse_framework(data, source="sample.yaml", measure_names=measure_names())
    assert str(error.value).startswith("sample.yaml: ")
    assert message in str(error.value)


def test_json_path_reads_like_the_file():
    assert (
        json_path(["criteria", 2, "requirements", 0, "level"])
        == "criteria[2].requirements[0].level"
    )
    assert json_path([]) == "(top level)"


def test_invalid_yaml_names_the_file(tmp_path):
    (tmp_path / "broken.yaml").write_text("slug: [unclosed\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"broken\.yaml: not valid YAML"):
        load_frameworks([tmp_path], measure_names=measure_names())


def test_a_file_in_an_extra_directory_adds_a_framework_and_one_with_a_shipped_slug_replaces_it(
    tmp_path,
):
    write(tmp_path, "sample.yaml", sample())
    official = sample(slug="carer-positive", name="Carer Positive (official text)")
    write(tmp_path, "official.yml", official)
    (tmp_path / "notes.txt").write_text("not a framework")
    loaded = load_frameworks([tmp_path], measure_names=measure_names())
    assert loaded["sample-scheme"].name == "Sample scheme"
    assert loaded["carer-positive"].name == "Carer Positive (official text)"
    assert loaded["carer-positive"].source == str(tmp_path / "official.yml")
    assert loaded["carer-confident"].source == "carer-confident.yaml"


def test_json_framework_files_are_read_too(tmp_path):
    (tmp_path / "sample.json").write_text(json.dumps(sample()), encoding="utf-8")
    assert "sample-scheme" in load_frameworks([tmp_path], measure_names=measure_names())


def test_two_files_with_one_slug_in_one_directory_are_refused(tmp_path):
    write(tmp_path, "a.yaml", sample())
    write(tmp_path, "b.yaml", sample())
    with pytest.raises(FrameworkError, match="slug 'sample-scheme' is also used by"):
        load_frameworks([tmp_path], measure_names=measure_names())


def test_changing_the_setting_reloads_the_frameworks(settings, tmp_path):
    write(tmp_path, "sample.yaml", sample())
    assert get_framework("sample-scheme") is None
    settings.BENCHMARK_FRAMEWORK_DIRS = [tmp_path]
    assert get_framework("sample-scheme") is not None
    assert len(frameworks()) == 4


def _start_django(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BENCHMARK_"))}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "carershub.settings", "DJANGO_ENV": "test", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_start_up_stops_on_a_malformed_file_in_a_framework_directory(tmp_path):
    data = sample()
    del data["criteria"][0]["requirements"][0]["level"]
    path = write(tmp_path, "carer-positive.yaml", data)
    result = _start_django(BENCHMARK_FRAMEWORK_DIRS=str(tmp_path))
    assert result.returncode != 0
    assert "FrameworkError" in result.stderr
    assert f"{path}: criteria[0].requirements[0]: 'level' is a required property" in result.stderr


def test_start_up_stops_when_a_framework_directory_does_not_exist(tmp_path):
    result = _start_django(BENCHMARK_FRAMEWORK_DIRS=f"{tmp_path}:{tmp_path / 'missing'}")
    assert result.returncode != 0
    assert "BENCHMARK_FRAMEWORK_DIRS names" in result.stderr
    assert "missing, which is not a directory" in result.stderr
