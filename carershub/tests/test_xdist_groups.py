"""The process-heavy tests (multi-node, faults, the bench smoke run) share one xdist group so
that they never run side by side and starve one another. pytest-xdist marks a grouped test by
adding its group to the test's id; pytest 9.2 stopped that from taking effect without a word,
and those tests then ran at once in CI. This fails if grouping stops working again."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.xdist_group("grouping-check")]


def test_a_grouped_test_carries_its_group_when_tests_are_spread_by_group(
    request: pytest.FixtureRequest,
) -> None:
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("only under pytest-xdist with --dist loadgroup (as make test runs)")
    assert request.node.nodeid.endswith("@grouping-check"), request.node.nodeid
