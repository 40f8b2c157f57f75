"""`manage.py score_sentences`: one JSON line out per sentence line in, in order."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def run(tmp_path: Path, text: str) -> list[dict[str, object]]:
    f = tmp_path / "sentences.txt"
    f.write_bytes(text.encode("utf-8"))
    out = StringIO()
    call_command("score_sentences", str(f), "--format", "jsonl", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_scores_each_line_in_order(tmp_path: Path) -> None:
    lines = [
        "Trump's 145% tariffs on Chinese goods took effect on April 9, 2025.",
        "I think we should all just get along.",
        "Why did he wait so long?",
        "Exports to the EU fell by 12 percent last year, according to Eurostat.",
    ]
    rows = run(tmp_path, "\n".join(lines) + "\n")
    assert [r["sentence"] for r in rows] == lines
    assert [r["line"] for r in rows] == [1, 2, 3, 4]
    for r in rows:
        assert set(r) >= {"score", "opinion", "checkworthy", "kind", "reasons"}
        assert 0.0 <= r["score"] <= 1.0  # type: ignore[operator]
        assert 0.0 <= r["opinion"] <= 1.0  # type: ignore[operator]
        assert r["checkworthy"] == (r["score"] >= 0.5)  # type: ignore[operator]
    tariff, opinion, question, exports = rows
    assert tariff["checkworthy"] and tariff["kind"] == "quantity"
    assert "a percentage" in tariff["reasons"]  # type: ignore[operator]
    assert not opinion["checkworthy"] and opinion["kind"] == "opinion"
    assert float(opinion["opinion"]) > max(float(tariff["opinion"]), float(exports["opinion"]))  # type: ignore[arg-type]
    assert "opinion wording" in opinion["reasons"]  # type: ignore[operator]
    assert not question["checkworthy"] and question["kind"] == "not_a_claim"
    assert exports["checkworthy"] and "attributed to Eurostat" in exports["reasons"]  # type: ignore[operator]


def test_blank_lines_keep_their_place(tmp_path: Path) -> None:
    rows = run(tmp_path, "GDP grew 3% in 2024.\r\n\nUnemployment hit 4.1% in May.")
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert rows[0]["sentence"] == "GDP grew 3% in 2024."
    assert rows[1]["kind"] == "not_a_claim" and rows[1]["checkworthy"] is False
    assert rows[2]["checkworthy"]


def test_refuses_undecodable_file(tmp_path: Path) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(b"caf\xe9")
    with pytest.raises(CommandError):
        call_command("score_sentences", str(f))
