"""Text and shape of a generated newsroom for load benchmarks: pure Python, no database.

`make_newsroom` stores what this module drafts. Everything is drawn from a `random.Random`
the caller seeds, so one seed gives one newsroom.
"""

from __future__ import annotations

import json
import random
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from itertools import accumulate, islice
from pathlib import Path

from claims.extraction import CLAIM_KINDS, Quantity, segment
from claims.extraction.score import PAST_BUDGET, Budget, assess_many

# The distribution of claims over articles: most articles have a handful, a few are long
# enough that an article page with hundreds of claims can be benchmarked.
MIN_CLAIMS = 3
LONGEST_CLAIMS = 1500
LONG_CLAIMS = (500, 900)
MORE_LONG_ARTICLES = 4
# Sentences in an ordinary article beside its claims, and how many a long one has per claim.
ARTICLE_SENTENCES = (12, 40)
LONG_EXTRA_PER_CLAIM = 8  # a long article has one sentence more than its claims per 8 claims
PARAGRAPH_SENTENCES = (2, 5)
SEED_PARAGRAPH_SHARE = 0.3
SEED_PARAGRAPH_SENTENCES = 6
PUBLISHED_DAYS = (2, 730)  # published_at lies this many days before today: about two years

# (publisher, web host, weight): a handful of outlets, two of them most of the intake.
# Hosts are under .example (RFC 2606), so no generated link points at a real site.
PUBLISHERS = (
    ("The Harbour Ledger", "harbour-ledger.example", 5),
    ("Midland Courier", "midland-courier.example", 4),
    ("Northern Daily Post", "northern-post.example", 2),
    ("Civic Wire Service", "civicwire.example", 2),
    ("Valley Chronicle", "valley-chronicle.example", 1),
    ("Capital Report", "capital-report.example", 1),
)

# Benchmark files whose rows carry a sentence in "text", grouped by register so the pool mixes
# news prose, checked claims and political speech instead of being mostly debate transcripts.
BENCHMARK_SOURCES = {
    "news": (
        "babe-opinion-en.jsonl",
        "checkthat2024-subjectivity-en.jsonl",
        "checkthat2025-subjectivity-en-test.jsonl",
    ),
    "claims": ("clef2020-t2-vclaims.jsonl",),
    "speech": ("checkthat2024-en.jsonl", "clef2019-t1.jsonl"),
}
REGISTER_SHARE = {"news": 0.4, "claims": 0.3, "speech": 0.3}
# The verified claims' own headlines ("Did 122 Prisoners ... Return to the Battlefield?").
TITLE_SOURCE = "clef2020-t2-vclaims.jsonl"
SENTENCE_CHARS = (40, 400)
SENTENCE_MIN_WORDS = 6
TITLE_CHARS = (20, 150)

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence with what the extractor says of it; quantity offsets are into `text`."""

    text: str
    score: float
    checkworthy: bool
    kind: str
    reasons: tuple[str, ...]
    quantities: tuple[Quantity, ...]
    claimant: str
    opinion: float


@dataclass(frozen=True, slots=True)
class Paragraph:
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class TextPool:
    sentences: tuple[Sentence, ...]  # from the benchmarks, for filler paragraphs
    paragraphs: tuple[Paragraph, ...]  # from the seed articles
    titles: tuple[str, ...]

    def pick(self, rng: random.Random, count: int) -> list[Sentence]:
        """Return `count` different sentences (repeating only if the pool is smaller)."""
        if count <= len(self.sentences):
            return rng.sample(self.sentences, count)
        return rng.choices(self.sentences, k=count)


@dataclass(frozen=True, slots=True)
class SpanDraft:
    start: int
    end: int
    sentence: Sentence


@dataclass(frozen=True)
class ArticleDraft:
    title: str
    body: str
    publisher: str
    source_url: str
    published_at: date
    # The claims' spans, in body order: `body[start:end] == sentence.text`.
    spans: tuple[SpanDraft, ...]


@cache
def load_pool(*, seeds: Path, benchmarks: Path | None, seed: int, size: int) -> TextPool:
    """Read the seed articles and `size` benchmark sentences chosen by `seed`, and score them.

    Cached: the tests run the command several times in one process, and scoring is the slow
    part. Without a benchmarks folder the seeds' own sentences fill the articles.
    """
    rng = random.Random(f"pool:{seed}")
    paragraphs = tuple(p for path in sorted(seeds.glob("*.txt")) for p in _seed_paragraphs(path))
    texts: list[str] = []
    titles: list[str] = []
    if benchmarks is not None:
        for register, files in BENCHMARK_SOURCES.items():
            found = list(dict.fromkeys(t for name in files for t in _rows(benchmarks / name)))
            wanted = min(len(found), round(size * REGISTER_SHARE[register]))
            texts += rng.sample(found, wanted)
        titles = [t for t in _rows(benchmarks / TITLE_SOURCE, field="title") if _is_title(t)]
    seed_texts = [s for p in paragraphs for s in _paragraph_texts(p)]
    scored = _scored(list(dict.fromkeys(texts + seed_texts)))
    sentences = tuple(scored[t] for t in dict.fromkeys(texts or seed_texts))
    paragraphs = tuple(Paragraph(tuple(scored[t] for t in _paragraph_texts(p))) for p in paragraphs)
    if not titles:  # the seeds' own headlines
        titles = [_seed_title(path) for path in sorted(seeds.glob("*.txt"))]
    return TextPool(sentences=sentences, paragraphs=paragraphs, titles=tuple(dict.fromkeys(titles)))


def _rows(path: Path, *, field: str = "text") -> list[str]:
    if not path.is_file():
        return []
    out = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            text = " ".join(str(json.loads(line).get(field) or "").split())
            if field != "text" or _is_sentence(text):
                out.append(text)
    return out


def _is_sentence(text: str) -> bool:
    # Tweets and transcript fragments ("Thank you.") make poor article prose.
    low, high = SENTENCE_CHARS
    return (
        low <= len(text) <= high
        and len(text.split()) >= SENTENCE_MIN_WORDS
        and "http" not in text
        and text.isprintable()
    )


def _is_title(text: str) -> bool:
    low, high = TITLE_CHARS
    return low <= len(text) <= high and len(text.split()) >= 4 and text.isprintable()


def _seed_paragraphs(path: Path) -> list[Paragraph]:
    """Cut a seed article into paragraphs of its prose sentences, in order.

    The segmenter drops image placeholders, bylines and headings; a seed written as one long
    line is cut every few sentences, as a newsroom's text would be.
    """
    text = path.read_text(encoding="utf-8")
    lines: list[list[str]] = []
    last_end = 0
    for seg in segment(text):
        if seg.kind not in CLAIM_KINDS:
            continue
        sentence = " ".join(text[seg.start : seg.end].split())
        if len(sentence.split()) < MIN_CLAIMS:  # the extractor offers no claim this short
            continue
        if not lines or "\n" in text[last_end : seg.start]:
            lines.append([])
        lines[-1].append(sentence)
        last_end = seg.end
    return [
        Paragraph(tuple(_unscored(s) for s in line[i : i + SEED_PARAGRAPH_SENTENCES]))
        for line in lines
        for i in range(0, len(line), SEED_PARAGRAPH_SENTENCES)
    ]


def _seed_title(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    first = next((s for s in segment(text) if s.kind == "heading"), None)
    return " ".join(text[first.start : first.end].split()) if first else path.stem


def _unscored(text: str) -> Sentence:
    return Sentence(text, 0.0, False, "other", (), (), "", 0.0)


def _paragraph_texts(paragraph: Paragraph) -> list[str]:
    return [s.text for s in paragraph.sentences]


def _scored(texts: list[str]) -> dict[str, Sentence]:
    """Score every sentence as the extractor would, without its neural model.

    MiniLM scores about 250 sentences a second here, too slow for a pool of thousands; a zero
    budget gives the extractor's own fallback blend, the one it uses past an article's budget.
    The budget's reason is dropped: a generated article is not "too long".
    """
    assessed = assess_many(texts, budget=Budget(runs=0, tokens=0))
    return {
        text: Sentence(
            text=text,
            score=a.score,
            checkworthy=a.checkworthy,
            kind=a.kind,
            reasons=tuple(r for r in a.reasons if r != PAST_BUDGET),
            quantities=a.quantities,
            claimant=a.claimant,
            opinion=a.opinion,
        )
        for text, a in zip(texts, assessed, strict=True)
    }


def claim_counts(rng: random.Random, *, articles: int, claims: int) -> list[int]:
    """Return how many claims each article gets: exactly `claims` in all, unevenly.

    One article has LONGEST_CLAIMS and up to MORE_LONG_ARTICLES have 500-900 when the totals
    leave every other article at least MIN_CLAIMS; the rest follow an exponential tail above
    the minimum, so most have 3-20 when the average is about ten.
    """
    if articles <= 0:
        return []
    long: list[int] = []
    wanted = [LONGEST_CLAIMS] + [rng.randint(*LONG_CLAIMS) for _ in range(MORE_LONG_ARTICLES)]
    for count in wanted:
        others = articles - len(long) - 1
        if others >= 1 and claims - sum(long) - count >= MIN_CLAIMS * others:
            long.append(count)
    rest_articles = articles - len(long)
    rest_claims = claims - sum(long)
    floor = min(MIN_CLAIMS, rest_claims // rest_articles)
    above = rest_claims / rest_articles - floor
    counts = [floor + _tail(rng, above) for _ in range(rest_articles)]
    _settle(rng, counts, total=rest_claims, floor=floor)
    # The long articles go in at random places, not all first.
    for count in long:
        counts.insert(rng.randint(0, len(counts)), count)
    return counts


def _tail(rng: random.Random, mean: float) -> int:
    return int(rng.expovariate(1 / mean)) if mean > 0 else 0


def _settle(rng: random.Random, counts: list[int], *, total: int, floor: int) -> None:
    """Add or remove single claims at random until the counts sum to `total`."""
    diff = total - sum(counts)
    while diff > 0:
        counts[rng.randrange(len(counts))] += 1
        diff -= 1
    while diff < 0:
        i = rng.randrange(len(counts))
        if counts[i] > floor:
            counts[i] -= 1
            diff += 1


def spread(rng: random.Random, counts: list[int], total: int) -> list[int]:
    """Spread `total` items over the counts' slots at random: how many each article gets."""
    ends = list(accumulate(counts))
    per_article = [0] * len(counts)
    for slot in rng.sample(range(sum(counts)), total):
        per_article[bisect_right(ends, slot)] += 1
    return per_article


def draft_article(
    rng: random.Random, pool: TextPool, *, claims: int, serial: int, today: date
) -> ArticleDraft:
    """Draft one article with room for `claims` claims, and choose their spans."""
    if claims >= LONG_CLAIMS[0]:
        size = claims + claims // LONG_EXTRA_PER_CLAIM
    else:
        size = max(claims + rng.randint(2, 10), rng.randint(*ARTICLE_SENTENCES))
    paragraphs = _paragraphs(rng, pool, size)
    body_parts: list[str] = []
    spans: list[SpanDraft] = []
    offset = 0
    for paragraph in paragraphs:
        for sentence in paragraph:
            spans.append(SpanDraft(offset, offset + len(sentence.text), sentence))
            offset += len(sentence.text) + 1  # the space joining the sentences
        body_parts.append(" ".join(s.text for s in paragraph))
        offset += 1  # the paragraphs are joined by a blank line: one more character
    body = "\n\n".join(body_parts)
    chosen = sorted(rng.sample(range(len(spans)), min(claims, len(spans))))
    title = rng.choice(pool.titles)
    name, host, _ = rng.choices(PUBLISHERS, weights=[w for _, _, w in PUBLISHERS])[0]
    published = today - timedelta(days=rng.randint(*PUBLISHED_DAYS))
    slug = _NOT_SLUG.sub("-", title.lower()).strip("-")[:60] or "story"
    return ArticleDraft(
        title=title[:300],
        body=body,
        publisher=name,
        source_url=f"https://www.{host}/{published:%Y/%m}/{slug}-{serial}",
        published_at=published,
        spans=tuple(spans[i] for i in chosen),
    )


def _paragraphs(rng: random.Random, pool: TextPool, size: int) -> list[list[Sentence]]:
    """Return paragraphs holding at least `size` sentences: seed paragraphs mixed with filler.

    A seed paragraph appears at most once in an article, and a filler sentence too unless the
    pool is smaller than the article.
    """
    filler = iter(pool.pick(rng, size))
    seed_order = rng.sample(pool.paragraphs, len(pool.paragraphs))
    paragraphs: list[list[Sentence]] = []
    count = 0
    while count < size:
        if seed_order and rng.random() < SEED_PARAGRAPH_SHARE:
            paragraph = list(seed_order.pop().sentences)
        else:
            wanted = min(rng.randint(*PARAGRAPH_SENTENCES), size - count)
            paragraph = list(islice(filler, wanted))
            if not paragraph:  # the filler ran out: the pool is smaller than the article
                paragraph = pool.pick(rng, wanted)
        paragraphs.append(paragraph)
        count += len(paragraph)
    return paragraphs
