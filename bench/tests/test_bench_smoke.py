"""`make bench` in miniature, so the harness cannot rot. PostgreSQL only.

Tiny data and three seconds of load a page: it checks that every step runs and the report
has every figure, not how fast anything is (no wall-clock assertions).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = [
    pytest.mark.skipif(
        not DATABASE_URL.startswith("postgres"), reason="make bench runs on PostgreSQL only"
    ),
    # CI (REQUIRE_POSTGRES) installs wrk through make test and must not skip this.
    pytest.mark.skipif(
        shutil.which("wrk") is None and not os.environ.get("REQUIRE_POSTGRES"),
        reason="make bench loads pages with wrk (scripts/ensure-wrk.sh), not installed here",
    ),
    # Never beside the multi-node and fault tests: their many processes starve a load run
    # this short of requests. The group runs on one xdist worker, one test after another.
    pytest.mark.xdist_group("processes"),
]


def test_a_tiny_bench_run_reports_every_figure(tmp_path: Path) -> None:
    base = DATABASE_URL.rsplit("/", 1)[0]
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": f"{base}/carershub_benchsmoke",
        "BENCH_STAFF": "300",
        "BENCH_IMPORT_ROWS": "200",
        "BENCH_INVITE_PEOPLE": "150",
        "BENCH_SECONDS": "3",
        "BENCH_USERS": "2",
        "BENCH_WORKERS": "1",
        "BENCH_RESULTS_DIR": str(tmp_path),
    }
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py")],
        env=env,
        cwd=ROOT,
        timeout=600,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    [report] = tmp_path.glob("*.json")
    result = json.loads(report.read_text())
    assert set(result["load"]) == {
        "floor",
        "floor (signed in)",
        "floor (session, no layout)",
        "passport (carer)",
        "team passports (manager)",
        "home (HR)",
        "staff list (HR)",
        "staff search (HR)",
        "API staff list",
        "leave (carer)",
        "flexible working (HR)",
        "assessment (HR)",
        "insight figures (HR)",
        "insight partnership (lead)",
    }
    # Each page answered 200 before its run (the bench stops otherwise) and failed nowhere in
    # it. Three seconds on a machine busy with other tests may bring a page no request at
    # all, so only the runs together must have been answered.
    for name, stats in result["load"].items():
        assert stats["failures"] == 0, name
    assert sum(stats["requests"] for stats in result["load"].values()) > 0
    # Every page but the bare floor is loaded a second time with each user paced.
    assert set(result["paced"]) == set(result["load"]) - {"floor"}
    for name, stats in result["paced"].items():
        assert stats["failures"] == 0, name
    assert sum(stats["requests"] for stats in result["paced"].values()) > 0
    assert result["queries_equal"], (result["queries_small"], result["queries_full"])
    assert result["import"]["rows"] == 200
    assert result["import"]["ratio"] > 0
    assert result["import"]["indexed_insert_seconds"] > 0
    # The re-import changed exactly the 1 % of rows the second file changes (200 rows: 2).
    assert result["import"]["reimport_changed"] == 2
    assert result["import"]["reimport_ratio"] > 0
    assert result["import"]["startup_seconds"] > 0
    assert result["invitations"]["people"] == result["invitations"]["invited"] == 150
    assert result["invitations"]["peak_mb"] > 0
    assert result["worker_peak_mb"]
    assert result["snapshots"]["organisations"] == result["partnership"]["organisations"]
    # Every key page and both signed-in floors are profiled and their milliseconds split; the
    # parts add up to the whole.
    assert set(result["profiles"]) == set(result["timings"]) == set(result["load"]) - {"floor"}
    floors = {"floor (signed in)", "floor (session, no layout)"}
    assert set(result["queries_full"]) == set(result["timings"]) - floors
    for name, split in result["timings"].items():
        if name not in floors:
            assert split["queries"] == result["queries_full"][name], name
        parts = split["sql_ms"] + split["render_ms"] + split["other_ms"]
        assert abs(parts - split["total_ms"]) < 0.05, name
    # The load generator's own CPU is measured for every run; the web workers' too.
    for stats in [*result["load"].values(), *result["paced"].values()]:
        assert 0 <= stats["generator_cpu"] < 2
        assert stats["server_cpu"] >= 0
    markdown = (tmp_path / report.name.replace(".json", ".md")).read_text()
    assert "| paced p95 | passport (carer) |" in markdown
    assert "## Where one request's milliseconds go" in markdown
    assert "| floor (session, no layout) |" in markdown
    assert "| signed-in floor | floor (signed in) |" in markdown
