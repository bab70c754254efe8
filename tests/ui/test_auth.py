"""Analyst sign-in: hashes, configuration parsing, the access policy and the lock after failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui import auth

FAST = 1_000  # iterations: enough to exercise the format, fast enough for tests


def test_hash_round_trip_and_rejections() -> None:
    encoded = auth.hash_password("correct horse", iterations=FAST)
    assert encoded.startswith("pbkdf2_sha256$1000$")
    assert auth.verify_password("correct horse", encoded)
    assert not auth.verify_password("correct horsE", encoded)
    assert not auth.verify_password("correct horse", "plain-text")
    assert not auth.verify_password("x", "pbkdf2_sha256$10$c2FsdHNhbHQ$AAAA")  # too few iterations
    assert auth.hash_password("pw", iterations=FAST) != auth.hash_password("pw", iterations=FAST)  # salted
    with pytest.raises(ValueError):
        auth.hash_password("pw", iterations=10)


def test_parse_analysts_refuses_plain_passwords_and_bad_names() -> None:
    alice = auth.hash_password("alice-pw", iterations=FAST)
    text = f"alice:{alice}; bob:secret\n:{alice}, # comment only\n"
    analysts, problems = auth.parse_analysts(text)
    assert analysts == {"alice": alice}
    assert len(problems) == 2
    assert any("bob" in p for p in problems)


def test_policy_modes(tmp_path: Path) -> None:
    alice = auth.hash_password("alice-pw", iterations=FAST)
    assert auth.load_policy({}).mode == "viewer"
    assert auth.load_policy({auth.OPEN_ENV: "1"}).mode == "open"
    assert auth.load_policy({auth.OPEN_ENV: "0"}).mode == "viewer"
    signed = auth.load_policy({auth.ANALYSTS_ENV: f"alice:{alice}", auth.OPEN_ENV: "1"})
    assert signed.mode == "sign_in"  # configured analysts win over open mode
    listing = tmp_path / "analysts.txt"
    listing.write_text(f"# analysts\nalice:{alice}\n", encoding="utf-8")
    from_file = auth.load_policy({auth.ANALYSTS_ENV: f"@{listing}"})
    assert dict(from_file.analysts) == {"alice": alice}
    missing = auth.load_policy({auth.ANALYSTS_ENV: f"@{tmp_path / 'none.txt'}"})
    assert missing.mode == "viewer"
    assert missing.problems and "cannot read" in missing.problems[0]


def test_authenticate() -> None:
    policy = auth.AccessPolicy(analysts={"alice": auth.hash_password("alice-pw", iterations=FAST)})
    assert auth.authenticate(policy, " alice ", "alice-pw") == "alice"
    assert auth.authenticate(policy, "alice", "wrong") is None
    assert auth.authenticate(policy, "mallory", "alice-pw") is None
    assert auth.authenticate(auth.AccessPolicy(), "alice", "alice-pw") is None


def test_lock_after_repeated_failures() -> None:
    assert auth.locked_for(auth.MAX_FAILURES - 1, 100.0, 101.0) == 0.0
    assert auth.locked_for(auth.MAX_FAILURES, 100.0, 110.0) == pytest.approx(auth.LOCK_SECONDS - 10)
    assert auth.locked_for(auth.MAX_FAILURES, 100.0, 100.0 + auth.LOCK_SECONDS + 1) == 0.0


def test_command_line_prints_a_usable_entry(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(auth.getpass, "getpass", lambda prompt="": "long enough password")
    assert auth.main(["carol"]) == 0
    line = capsys.readouterr().out.strip()
    analysts, problems = auth.parse_analysts(line)
    assert not problems
    assert analysts["carol"].startswith(f"pbkdf2_sha256${auth.DEFAULT_ITERATIONS}$")
    assert auth.verify_password("long enough password", analysts["carol"])
