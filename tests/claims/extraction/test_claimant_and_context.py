"""Who made each claim, and fragments that need the sentence before them."""

from __future__ import annotations

from claims.extraction import extract_claims

WIRE = "\n\n".join(
    [
        "Unemployment rose to 4.5% in March, the Office for National Statistics said on Tuesday.",
        "“We are seeing a clear slowdown,” said Jane Porter, chief economist at Acme Bank. "
        "“Hiring has stalled across the sector,” she added.",
        "Council leader Tom Reid, who chairs the finance committee, said the rise was "
        "unavoidable. He said the budget gap was £4 million.",
        "According to the Office for National Statistics, wages grew 3.1%.",
        "Prices fell 2%, the Bank of England noted. But Trump said the tariffs would stay.",
        "Exports fell 4% in May, the ministry said. “It was a bad month,” he said.",
    ]
)


def claimants(text: str) -> dict[str, str]:
    """Each candidate's first four words, with its claimant."""
    return {" ".join(c.text.split()[:4]): c.claimant for c in extract_claims(text)}


def test_every_attributed_claim_names_its_speaker() -> None:
    ons = "Office for National Statistics"
    assert claimants(WIRE) == {
        "Unemployment rose to 4.5%": ons,  # "…, the ONS said on Tuesday"
        "“We are seeing a": "Jane Porter",  # "…,” said Jane Porter, chief economist"
        "“Hiring has stalled across": "Jane Porter",  # "…,” she added.
        "Council leader Tom Reid,": "Tom Reid",  # "Tom Reid, who chairs …, said"
        "He said the budget": "Tom Reid",
        "According to the Office": ons,
        "Prices fell 2%, the": "Bank of England",
        "But Trump said the": "Trump",
        "Exports fell 4% in": "",  # "the ministry": no name
        "“It was a bad": "",  # and so no speaker for "he"
    }


def test_a_pronoun_goes_no_further_than_the_next_paragraph() -> None:
    text = (
        "The mayor, Ana Silva, said the bridge would reopen.\n\n"
        "Traffic fell 20% in a year.\n\n"
        "Nothing has changed since then, officials said.\n\n"
        "“We tried,” she said."
    )
    assert claimants(text)["“We tried,” she said."] == ""
    assert claimants(text)["The mayor, Ana Silva,"] == "Ana Silva"


def test_a_pronoun_fragment_is_held_back_with_the_sentence_it_needs() -> None:
    text = (
        "The president also shut down the Transatlantic Trade and Investment Partnership "
        "in 2017. And Trump shut it down again."
    )
    first, fragment = extract_claims(text)
    assert first.checkworthy
    assert not fragment.checkworthy and "needs the sentence before it" in fragment.reasons
    assert fragment.text == "And Trump shut it down again."
    assert fragment.claim == f"{first.claim} And Trump shut it down again."


def test_a_named_speakers_statement_is_flagged_whatever_its_wording() -> None:
    text = (
        "Beijing’s stance remains consistent: “The door to dialogue is open, but we are "
        "prepared to fight if necessary.”\n\n"
        "In the past two days, Foreign Minister Sergei Lavrov spoke to Europe: "
        '"We haven’t chased any country." Iran\'s Supreme Leader Khamenei also gave a '
        'statement: "I am skeptical of the U.S."'
    )
    beijing, lavrov, khamenei = extract_claims(text)
    assert beijing.claimant == "Beijing" and beijing.checkworthy
    assert "a statement by Beijing" in beijing.reasons or beijing.score >= 0.5
    # Two speakers, two candidates, each with its own speaker.
    assert lavrov.claimant == "Foreign Minister Sergei Lavrov"
    assert khamenei.claimant == "Iran's Supreme Leader Khamenei"
    assert lavrov.end < khamenei.start


def test_a_file_of_several_articles_records_where_each_begins() -> None:
    from pathlib import Path

    from claims.extraction import article_starts

    seeds = Path(__file__).resolve().parents[3] / "seeds"
    four = article_starts((seeds / "002_3f0e6f51c097b80d.txt").read_text(encoding="utf-8"))
    assert [title for _, title in four] == [
        "US.-China Trade War: Why the Trump Administration Is Now Eager to Talk",
        "Can China’s Stock Market Withstand the Global Selloff Triggered by U.S. Tariffs?",
        "Global Stock Markets Decline, but Chinese Assets Show Strength",
        "Canada’s Defeat? How Trump’s Tariff Strategy Works",
    ]
    assert [start for start, _ in four] == sorted(start for start, _ in four)
    assert article_starts((seeds / "003_d667ad485b7a7bfc.txt").read_text(encoding="utf-8")) == []


def test_a_time_frame_travels_to_every_claim_it_frames() -> None:
    listed = extract_claims(
        "The S&P 500, Nasdaq and Dow Jones fell by 0.99%, 1.36%, and 0.95%, respectively, "
        "on Friday."
    )
    assert [c.claim for c in listed] == [
        "S&P 500 fell by 0.99% on Friday.",
        "Nasdaq fell by 1.36% on Friday.",
        "Dow Jones fell by 0.95% on Friday.",
    ]
    clauses = extract_claims("Last Friday, the Dow fell 1%, while the Nasdaq dropped 2%.")
    assert [c.claim for c in clauses] == [
        "Last Friday, the Dow fell 1%.",
        "Last Friday, the Nasdaq dropped 2%.",
    ]
