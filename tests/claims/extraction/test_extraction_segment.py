"""Segmentation: exact offsets and the tricky splits real web text needs."""

from __future__ import annotations

import pytest

from claims.extraction import segment
from claims.extraction.segment import CLAIM_KINDS


def sentences(text: str) -> list[str]:
    """Return the claim-capable segments as strings."""
    return [text[s.start : s.end] for s in segment(text) if s.kind in CLAIM_KINDS]


def kinds(text: str) -> list[tuple[str, str]]:
    """Return (kind, text) for every segment."""
    return [(s.kind, text[s.start : s.end]) for s in segment(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "U.S. officials said the talks failed. China disagreed.",
            ["U.S. officials said the talks failed.", "China disagreed."],
            id="us-officials",
        ),
        pytest.param(
            "Tariffs hit the U.S. The next round starts soon.",
            ["Tariffs hit the U.S.", "The next round starts soon."],
            id="us-then-starter",
        ),
        pytest.param(
            "Allies betrayed the U.S. Recently, the U.S. exempted phones.",
            ["Allies betrayed the U.S.", "Recently, the U.S. exempted phones."],
            id="us-then-comma-clause",
        ),
        pytest.param(
            "He met U.S. President Donald Trump. It went well.",
            ["He met U.S. President Donald Trump.", "It went well."],
            id="us-president",
        ),
        pytest.param(
            "Mr. Smith met Dr. Jones on Jan. 5 in St. Louis. They talked.",
            ["Mr. Smith met Dr. Jones on Jan. 5 in St. Louis.", "They talked."],
            id="titles-months-st",
        ),
        pytest.param(
            "Some goods, e.g. Phones, are exempt. Others, i.e. Cars, are not.",
            ["Some goods, e.g. Phones, are exempt.", "Others, i.e. Cars, are not."],
            id="eg-ie",
        ),
        pytest.param(
            "It ranked No. 1 in sales. No. That is wrong.",
            ["It ranked No. 1 in sales.", "No.", "That is wrong."],
            id="no-1",
        ),
        pytest.param(
            "The index fell 0.99% on Monday. Bonds rose 1.5 points.",
            ["The index fell 0.99% on Monday.", "Bonds rose 1.5 points."],
            id="decimals",
        ),
        pytest.param(
            "Buyers could face 25%-50% tariffs. Sellers may too.",
            ["Buyers could face 25%-50% tariffs.", "Sellers may too."],
            id="percent-range",
        ),
        pytest.param(
            "close to no relation with reality.That doesn't hurt China, it hurts the West."
            "Trump's escalation is the latest example.",
            [
                "close to no relation with reality.",
                "That doesn't hurt China, it hurts the West.",
                "Trump's escalation is the latest example.",
            ],
            id="tweet-no-space",
        ),
        pytest.param(
            'rather: "Ours will no longer be subject to insult. '
            'We have stood up."So the notion fails.',
            [
                'rather: "Ours will no longer be subject to insult.',
                'We have stood up."',
                "So the notion fails.",
            ],
            id="tweet-no-space-after-quote",
        ),
        pytest.param(
            "See fox.com and U.S.A for details. Also example.com/Page.Html here.",
            ["See fox.com and U.S.A for details.", "Also example.com/Page.Html here."],
            id="domains-not-split",
        ),
        pytest.param(
            "“China needs us more than we need them,” he said. Then he left.",
            ["“China needs us more than we need them,” he said.", "Then he left."],
            id="curly-comma-said",
        ),
        pytest.param(
            "“Stop.” Then the talks ended.",
            ["“Stop.”", "Then the talks ended."],
            id="curly-period-then-capital",
        ),
        pytest.param(
            "Tariffs will be “substantially lowered,” but “not eliminated.” Markets rose.",
            ["Tariffs will be “substantially lowered,” but “not eliminated.”", "Markets rose."],
            id="curly-quote-sentence-end",
        ),
        pytest.param(
            "“Why now?” he asked. “Why not?” Trump replied. Nobody knew.",
            ["“Why now?” he asked.", "“Why not?” Trump replied.", "Nobody knew."],
            id="question-inside-quotes",
        ),
        pytest.param(
            "Why did Trump act only now? Isn't it a bit late?",
            ["Why did Trump act only now?", "Isn't it a bit late?"],
            id="questions",
        ),
        pytest.param(
            "They must consider two issues: 1. Costs will be high; can the U.S. afford it? "
            "2. Even if they manage it, Musk warned them.",
            [
                "They must consider two issues:",
                "Costs will be high; can the U.S. afford it?",
                "Even if they manage it, Musk warned them.",
            ],
            id="inline-enumerators",
        ),
        pytest.param(
            "Trump won in 2017. Trade fell 5% by October 8. Then it rose.",
            ["Trump won in 2017.", "Trade fell 5% by October 8.", "Then it rose."],
            id="numbers-before-period",
        ),
        pytest.param(
            "Great news! 🚀 The deal is done.",
            ["Great news! 🚀 The deal is done."],
            id="emoji-no-split",
        ),
    ],
)
def test_sentence_split(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_image_placeholder_inline_is_cut_out() -> None:
    text = 'Trump took a step. [Image: "https://x.com/a.jpeg?x=1&y=2"] On April 15, he signed it.'
    assert kinds(text) == [
        ("sentence", "Trump took a step."),
        ("placeholder", '[Image: "https://x.com/a.jpeg?x=1&y=2"]'),
        ("sentence", "On April 15, he signed it."),
    ]


def test_image_placeholder_line() -> None:
    text = 'Intro line here.\n[Image: "https://example.com/p.png"]\nBody text here.'
    assert [k for k, _ in kinds(text)][1] == "placeholder"


def test_numbered_headings() -> None:
    text = (
        "Body sentence one.\n\n1. Economic Backlash from Tariffs\n\n"
        "Trump’s 145% tariffs hurt.\n\n2. Tariffs Hurt Canada More Than the U.S.\n\n"
        "6. A Turning Point Ahead?\n\nFinal sentence."
    )
    assert kinds(text) == [
        ("sentence", "Body sentence one."),
        ("heading", "1. Economic Backlash from Tariffs"),
        ("sentence", "Trump’s 145% tariffs hurt."),
        ("heading", "2. Tariffs Hurt Canada More Than the U.S."),
        ("heading", "6. A Turning Point Ahead?"),
        ("sentence", "Final sentence."),
    ]


def test_bullet_lines() -> None:
    text = (
        "Last Friday, all three indices plunged—\n\n"
        "  • Dow Jones Industrial Average fell 1.69%, barely holding on.\n"
        "  • Nasdaq dropped 2.7%, and\n"
        "- S&P 500 slid 1.97%.\n"
    )
    assert kinds(text) == [
        ("sentence", "Last Friday, all three indices plunged—"),
        ("bullet", "Dow Jones Industrial Average fell 1.69%, barely holding on."),
        ("bullet", "Nasdaq dropped 2.7%, and"),
        ("bullet", "S&P 500 slid 1.97%."),
    ]


def test_boilerplate_lines() -> None:
    text = (
        "Why Trump is scrambling for allies\n\nsignalmankenneth\n\nVerified User\nCNN —\n"
        "Does America want its friends back?\n\n"
        "https://www.cnn.com/2025/04/11/index.html\n\n1744459634410.png\n\xa0\n@RnaudBertrand\n"
        "Subscribe\n\nBack\nTop\nSend Comments"
    )
    assert sentences(text) == ["Does America want its friends back?"]


def test_boilerplate_sentences() -> None:
    text = (
        "China rose 5%. Original source: [https://a.com/x](https://a.com/x) Disclaimer: "
        "This article only represents the author's views. Please express your opinions by "
        'clicking the "Like" button below.\n\n'
        "Let me know if you need any refinements! 🚀"
    )
    assert sentences(text) == ["China rose 5%."]
    assert "link" in [k for k, _ in kinds(text)]


def test_line_break_always_ends_segment() -> None:
    text = "Prices rose and\nwages fell."
    assert sentences(text) == ["Prices rose and", "wages fell."]


def test_crlf_and_nbsp() -> None:
    text = "Title Of The Piece\r\n\r\nFirst claim here.\r\n\xa0\r\nSecond claim here.\r\n"
    assert kinds(text) == [
        ("heading", "Title Of The Piece"),
        ("sentence", "First claim here."),
        ("sentence", "Second claim here."),
    ]


def test_file_without_newlines() -> None:
    text = (
        "It is obvious that Trump wants talks. He said so on Jan. 5 to U.S. officials. "
        "Why now? Nobody knows."
    )
    assert sentences(text) == [
        "It is obvious that Trump wants talks.",
        "He said so on Jan. 5 to U.S. officials.",
        "Why now?",
        "Nobody knows.",
    ]


def test_empty_and_whitespace() -> None:
    assert segment("") == []
    assert segment(" \n\t\n \xa0 ") == []
