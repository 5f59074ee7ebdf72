"""Whole numbers in request bodies: JSON ``true`` or a string is refused, never read as a number
(schemathesis once sent ``{"version": true}`` and a plan priority took it as version 1)."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from api.schemas import Whole
from plans.api import PriorityPatch


@pytest.mark.parametrize("sent", [True, False, "2", 2.5])
def test_anything_but_a_whole_number_is_refused(sent):
    with pytest.raises(ValidationError):
        TypeAdapter(Whole).validate_python(sent)


def test_a_whole_number_is_read():
    assert TypeAdapter(Whole).validate_python(7) == 7


def test_a_priority_change_refuses_a_version_of_true():
    with pytest.raises(ValidationError):
        PriorityPatch.model_validate({"version": True, "aim": None})
    assert PriorityPatch.model_validate({"version": 3}).version == 3
