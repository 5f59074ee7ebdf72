"""Holder codes: made at random, carried only as a salted slow hash, checked forgivingly."""

from __future__ import annotations

import hashlib
import json

import pytest

from credentials.holder import (
    ALPHABET,
    BINDING_TYPE,
    holder_binding,
    holder_binding_of,
    holder_code_matches,
    holder_code_new,
)
from credentials.tests.helpers import b64, unb64


def test_a_new_code_is_twelve_unambiguous_characters_in_three_groups():
    codes = {holder_code_new() for _ in range(50)}

    assert len(codes) == 50
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4]
        assert set("".join(groups)) <= set(ALPHABET)
        assert not set("ILOU") & set(code)


def test_the_binding_is_a_salted_scrypt_hash_and_never_the_code():
    binding = holder_binding("K7QM-2XHD-9RWP")

    assert binding["type"] == BINDING_TYPE
    assert "K7QM" not in json.dumps(binding)
    salt = unb64(binding["salt"])
    expected = hashlib.scrypt(b"K7QM2XHD9RWP", salt=salt, n=2**14, r=8, p=1, dklen=32)
    assert unb64(binding["digest"]) == expected
    assert holder_binding("K7QM-2XHD-9RWP")["salt"] != binding["salt"]  # a fresh salt each time


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        ("K7QM-2XHD-9RWP", True),
        ("k7qm 2xhd 9rwp", True),
        ("K7QM2XHD9RWP", True),
        (" K7QM\u20132XHD\u20139RWP ", True),  # en dashes from a word processor
        ("K7QM-2XHD-9RWQ", False),
        ("K7QM-2XHD-9RW", False),
        ("", False),
        ("K7QM-2XHD-9RWP-0000", False),
    ],
)
def test_typed_codes_match_only_the_code(typed, matches):
    assert holder_code_matches(typed, holder_binding("K7QM-2XHD-9RWP")) is matches


def test_letters_people_confuse_with_digits_are_read_as_the_digits():
    binding = holder_binding("10Q0-1111-0000")

    assert holder_code_matches("IOQO-ILil-oOoO", binding)


def test_a_binding_cannot_ask_for_costlier_parameters():
    """The type fixes the parameters; anything else a credential says is dropped."""
    value = {"type": BINDING_TYPE, "salt": b64(b"s" * 16), "digest": b64(b"d" * 32), "n": 2**30}

    assert holder_binding_of(value) == {k: value[k] for k in ("type", "salt", "digest")}


def test_a_malformed_binding_is_refused():
    for value in (
        None,
        {"type": "HolderCodeSha256", "salt": b64(b"s" * 16), "digest": b64(b"d" * 32)},
        {"type": BINDING_TYPE, "salt": b64(b"s" * 4), "digest": b64(b"d" * 32)},
        {"type": BINDING_TYPE, "salt": b64(b"s" * 16), "digest": b64(b"d" * 31)},
        {"type": BINDING_TYPE, "salt": "!!", "digest": b64(b"d" * 32)},
    ):
        assert holder_binding_of(value) is None


def test_a_code_outside_the_alphabet_cannot_be_bound():
    with pytest.raises(ValueError, match="not a holder code"):
        holder_binding("UUUU-UUUU-UUUU")
