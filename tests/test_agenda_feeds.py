"""Private calendar links of members (agenda.feeds)."""

from __future__ import annotations

from agenda.feeds import FeedTokens


def test_renew_revoke_and_lookup(tmp_path):
    tokens = FeedTokens(tmp_path / "config" / "agenda-liens.json")
    assert tokens.token_of("anne") is None
    first = tokens.renew("anne")
    assert tokens.user_of(first) == "anne"
    second = tokens.renew("anne")
    assert tokens.user_of(first) is None
    assert tokens.user_of(second) == "anne"
    bob = tokens.renew("bob")
    tokens.revoke("anne")
    assert tokens.user_of(second) is None
    assert tokens.user_of(bob) == "bob"
    assert tokens.token_of("bob") == bob


def test_bad_tokens_and_damaged_file(tmp_path):
    path = tmp_path / "agenda-liens.json"
    tokens = FeedTokens(path)
    assert tokens.user_of("") is None
    assert tokens.user_of("../../secret") is None
    path.write_text("{not json", encoding="utf-8")
    assert tokens.user_of("a" * 43) is None
    assert tokens.user_of(tokens.renew("anne")) == "anne"
