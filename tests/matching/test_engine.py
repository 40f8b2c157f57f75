"""The claim-matching engine as a user meets it: paraphrases found, figures read, CLI output.

No database: the engine is pure Python and the command reads files.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from claims.matching import (
    DIM,
    SUGGEST_THRESHOLD,
    ExactIndex,
    embed,
    pair_score,
    vector_from_bytes,
    vector_to_bytes,
)
from claims.matching.rerank import figures

TARIFFS = "Trump raised tariffs on Chinese goods to 145%"
TARIFFS_PARAPHRASE = "Trump raised the tariff rates on Chinese goods all the way to 145%"
TARIFFS_HURT = "Trump's 145% tariffs on Chinese goods have hurt the U.S. economy"
STEEL = "Tariffs on steel hurt Canadian exporters"


def cosine(a: str, b: str) -> float:
    va, vb = embed([a, b])
    return float(va @ vb)


def test_embed_rows_are_unit_length_and_deterministic() -> None:
    vectors = embed([TARIFFS, STEEL, ""])
    assert vectors.shape == (3, DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # A text's vector does not depend on what it is embedded with.
    assert np.allclose(embed([STEEL])[0], vectors[1], atol=1e-6)


def test_paraphrases_score_above_unrelated_sentences() -> None:
    pairs = [
        (TARIFFS, TARIFFS_PARAPHRASE, STEEL),
        (
            "The unemployment rate fell to 3.5 percent in September.",
            "In September joblessness dropped to 3.5%.",
            "The city council approved a new budget for parks.",
        ),
        (
            "Vaccines cause autism in children.",
            "Childhood vaccinations lead to autism.",
            "The Eiffel Tower was completed in 1889.",
        ),
    ]
    for claim, paraphrase, unrelated in pairs:
        assert cosine(claim, paraphrase) > cosine(claim, unrelated) + 0.2


def random_unit(n: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def brute_force(ids: list[int], vectors: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    # The index holds vectors in their storage format: the reference decodes the same bytes.
    stored = np.stack([vector_from_bytes(vector_to_bytes(v)) for v in vectors])
    scores = stored @ (query / np.linalg.norm(query))
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], ids[i]))
    return [ids[i] for i in order[:k]]


def test_exact_index_equals_float32_brute_force() -> None:
    vectors = random_unit(2000, seed=1)
    ids = list(range(10_000, 12_000))
    index = ExactIndex()
    index.add(ids, vectors)
    queries = random_unit(20, seed=2)
    for query in queries:
        hits = index.search(query, 10)
        assert [i for i, _ in hits] == brute_force(ids, vectors, query, 10)
        exact = vectors @ query
        # And close to the original float32 vectors: same best id, cosines within 0.005.
        assert hits[0][0] == ids[int(np.argmax(exact))]
        for i, score in hits:
            assert abs(score - exact[i - 10_000]) < 0.005

    # Remove some and replace others: the index answers as if built from the result.
    index.remove(range(10_000, 10_500))
    index.remove([999_999])  # unknown ids are ignored
    replaced = random_unit(300, seed=3)
    index.add(list(range(11_000, 11_300)), replaced)
    current = vectors.copy()
    current[1000:1300] = replaced
    live_ids, live = ids[500:], current[500:]
    assert len(index) == 1500
    for query in queries[:5]:
        got = [i for i, _ in index.search(query, 10)]
        assert got == brute_force(live_ids, live, query, 10)
    excluded = set(got[:3])
    assert [i for i, _ in index.search(queries[4], 7, exclude=excluded)] == [
        i for i in brute_force(live_ids, live, queries[4], 10) if i not in excluded
    ][:7]


def test_index_edge_cases() -> None:
    index = ExactIndex()
    assert index.search(random_unit(1, 0)[0], 5) == []
    index.add([7], random_unit(1, 0))
    assert [i for i, _ in index.search(random_unit(1, 0)[0], 5)] == [7]
    assert index.memory_bytes() > 0
    index.remove([7])
    assert len(index) == 0 and index.search(random_unit(1, 0)[0], 5) == []


def test_vector_bytes_round_trip() -> None:
    v = embed([TARIFFS])[0]
    data = vector_to_bytes(v)
    assert len(data) <= DIM + 8  # int8 and a scale: a quarter of float32
    back = vector_from_bytes(data)
    assert back.dtype == np.float32 and back.shape == (DIM,)
    assert np.abs(back - v).max() < 0.003
    assert float(back @ v) > 0.999
    with pytest.raises(ValueError, match="bytes"):
        vector_from_bytes(data[:-1])


def test_same_claim_same_figure() -> None:
    score = pair_score(TARIFFS_HURT, TARIFFS_PARAPHRASE, cosine(TARIFFS_HURT, TARIFFS_PARAPHRASE))
    assert score.numbers == "same"
    assert score.score >= SUGGEST_THRESHOLD
    assert "chinese" in score.entities


def test_same_claim_different_figure_is_a_conflict() -> None:
    a = "Trump raised tariffs on Chinese goods to 145%"
    b = "Trump raised tariffs on Chinese goods to 125%"
    assert pair_score(a, b, cosine(a, b)).numbers == "different"
    a = "The deficit reached $1.8 trillion last year."
    b = "Last year the deficit hit $2.3 trillion."
    assert pair_score(a, b, cosine(a, b)).numbers == "different"
    # Rounding is not a conflict, and neither is a different year alone.
    assert pair_score("It cost $2.3 billion.", "It cost $2,312 million.", 0.9).numbers == "same"
    a = "In 2019 the company sold 5 million cars."
    assert pair_score(a, "In 2020 the company sold 5 million cars.", 0.9).numbers == "same"
    assert pair_score("Sales rose in 2019.", "Sales rose in 2020.", 0.9).numbers == "none"


def test_topic_word_alone_is_not_a_match() -> None:
    score = pair_score(TARIFFS, STEEL, cosine(TARIFFS, STEEL))
    assert score.score < SUGGEST_THRESHOLD


def test_digits_in_names_are_not_figures() -> None:
    text = "COVID-19 and SARS-CoV-2 grounded the G7 leaders' F-35 and Boeing 737 jets over 5G."
    assert figures(text) == ()
    a = "COVID-19 vaccines contain microchips."
    b = "The COVID-19 vaccine has a tracking microchip."
    assert pair_score(a, b, cosine(a, b)).numbers == "none"
    assert [f.kind for f in figures("Cases rose 40% to 1.2 million in 2021.")] == [
        "percent",
        "count",
        "year",
    ]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


CORPUS = [
    {"id": "c1", "text": "Tariffs on steel hurt Canadian exporters.", "title": "Steel tariffs"},
    {
        "id": "c2",
        "text": "Trump raised tariffs on Chinese goods to 145%.",
        "title": "China tariffs",
    },
    {"id": "c3", "text": "The Eiffel Tower was completed in 1889."},
    {"id": "c4", "text": "Drinking water cures COVID-19.", "title": "Water and COVID"},
]


def test_cli_returns_the_relevant_claim_first(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "corpus.jsonl", CORPUS)
    queries = write_jsonl(
        tmp_path / "queries.jsonl",
        [
            {"id": "q1", "query": TARIFFS_PARAPHRASE},
            {"id": "q2", "query": "When was the Eiffel tower finished?"},
        ],
    )
    out = StringIO()
    call_command(
        "match_claims", corpus=str(corpus), queries=str(queries), k=2, format="jsonl", stdout=out
    )
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == ["q1", "q2"]
    assert rows[0]["results"][0]["id"] == "c2"
    assert rows[1]["results"][0]["id"] == "c3"
    assert len(rows[0]["results"]) == 2
    scores = [r["score"] for r in rows[0]["results"]]
    assert scores == sorted(scores, reverse=True)


def test_cli_errors_are_clear(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "corpus.jsonl", CORPUS)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "q1", "query": "fine"}\n{"id": "q2", "query": \n', encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("match_claims", corpus=str(corpus), queries=str(bad), stdout=StringIO())
    with pytest.raises(CommandError, match="missing.jsonl"):
        call_command(
            "match_claims",
            corpus=str(tmp_path / "missing.jsonl"),
            queries=str(bad),
            stdout=StringIO(),
        )
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(CommandError, match="empty"):
        call_command("match_claims", corpus=str(empty), queries=str(bad), stdout=StringIO())
