"""Round-scoped pseudonyms: stable within a round, unlinkable across rounds without the secret."""

from __future__ import annotations

import re

import pytest

from foresight.delphi import assign_pseudonyms, pseudonym, resolve_pseudonym

SECRET = b"0123456789abcdef-server-secret"


def test_stable_within_round_and_format() -> None:
    a = pseudonym("expert-42", "round-1", SECRET)
    assert a == pseudonym("expert-42", "round-1", SECRET)
    assert re.fullmatch(r"E-[0-9A-HJKMNP-TV-Z]{8}", a)


def test_differs_across_rounds_scopes_secrets_and_experts() -> None:
    base = pseudonym("expert-42", "round-1", SECRET)
    assert pseudonym("expert-42", "round-2", SECRET) != base
    assert pseudonym("expert-42", "round-1", SECRET, scope="item-7") != base
    assert pseudonym("expert-42", "round-1", SECRET + b"x") != base
    assert pseudonym("expert-43", "round-1", SECRET) != base


def test_fields_are_not_concatenated_ambiguously() -> None:
    # "ab" + "c" and "a" + "bc" must not collide
    assert pseudonym("c", "ab", SECRET) != pseudonym("bc", "a", SECRET)


def test_unlinkable_across_rounds() -> None:
    # Without the secret the round-2 pseudonyms carry no information about round-1 ones: the orderings
    # of the same experts' pseudonyms in two rounds are unrelated and no alias repeats.
    experts = [f"expert-{i}" for i in range(200)]
    r1 = assign_pseudonyms(experts, "round-1", SECRET)
    r2 = assign_pseudonyms(experts, "round-2", SECRET)
    assert not set(r1.values()) & set(r2.values())
    order1 = sorted(experts, key=r1.__getitem__)
    order2 = sorted(experts, key=r2.__getitem__)
    same_position = sum(x == y for x, y in zip(order1, order2, strict=True))
    assert same_position < 10  # a random permutation fixes ≈ 1 position on average
    # and a shared prefix across rounds is no more common than chance (1/32 per expert)
    shared_prefix = sum(r1[e][2] == r2[e][2] for e in experts)
    assert shared_prefix < 25


def test_assign_is_distinct_and_order_independent() -> None:
    experts = [f"x{i}" for i in range(500)]
    names = assign_pseudonyms(experts, "r", SECRET, length=4)  # 20 bits: collisions likely, resolved
    assert len(set(names.values())) == 500
    assert names == assign_pseudonyms(reversed(experts), "r", SECRET, length=4)


def test_admin_can_resolve_with_secret() -> None:
    experts = ["alice", "bob", "carol"]
    alias = pseudonym("bob", "round-3", SECRET)
    assert resolve_pseudonym(alias, experts, "round-3", SECRET) == "bob"
    assert resolve_pseudonym(alias, experts, "round-2", SECRET) is None
    assert resolve_pseudonym("nonsense", experts, "round-3", SECRET) is None


def test_secret_and_length_checks() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        pseudonym("a", "r", b"short")
    with pytest.raises(ValueError):
        pseudonym("a", "r", SECRET, length=2)
