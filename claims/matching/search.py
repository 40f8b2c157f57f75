"""The whole matching pipeline over a corpus in memory: embeddings + BM25 + character n-grams.

For each query, every corpus claim gets a weighted sum of four scores:
- the embedding cosine of the query with the claim's text, and with its title;
- BM25 over title and text (words, crudely stemmed), divided by the query's best BM25 score so
  it lives on a 0..1 scale like the cosines;
- the TF-IDF cosine of character 3-5-grams within words (catches names and spellings the word
  tokens split differently: "Ocasio-Cortez", "e-cigs"), divided by the query's best too.
Claims whose text is the same up to case, quotes and punctuation are one claim: the group
takes its best member's score and is reported under its first row's id (the earliest stored).
The weights are fitted on CLEF 2020 CheckThat! Task 2 `train` and checked on `dev` by
`training/tune_matching.py`; `test` is never read there. Re-ranking the top 30 with
`pair_score` features was tried and ranked no better on `dev` (0.882 against 0.897 with the
zero-shot model), so the order is the fused score's.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from .embed import embed
from .index import ExactIndex
from .rerank import STOPWORDS, stem

# Fusion weights, relative to the cosine with the claim's text (1.0).
W_TITLE = 0.1
W_BM25 = 0.2
W_CHARS = 0.2

_LINK = re.compile(r"\bhttps?://\S+|\bpic\.twitter\.com/\S+|\bwww\.\S+", re.I)
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def clean(text: str) -> str:
    """The text a model should see: links removed, whitespace collapsed."""
    return " ".join(_LINK.sub(" ", text).split())


def terms(text: str) -> list[str]:
    """BM25 terms: lower-cased, crudely stemmed words that are not stopwords."""
    out = []
    for word in _TOKEN.findall(clean(text).lower()):
        word = word.removesuffix("'s").removesuffix("’s")
        if word not in STOPWORDS:
            out.append(stem(word))
    return out


def char_grams(text: str) -> Counter[str]:
    """Character 3-5-grams of each word padded with a space on both sides."""
    grams: Counter[str] = Counter()
    for word in clean(text).lower().split():
        padded = f" {word} "
        for n in (3, 4, 5):
            grams.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def duplicate_key(text: str) -> str:
    """Text up to case, quote marks, punctuation and spacing."""
    return " ".join(_NOT_ALNUM.sub(" ", text.lower()).split())


class _Postings:
    """Term -> (rows, weights), summed into one score per row for a query's terms."""

    def __init__(self, n: int, postings: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
        self.n = n
        self.postings = postings

    def scores(self, query: Iterable[tuple[str, float]]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for term, weight in query:
            hit = self.postings.get(term)
            if hit is not None:
                out[hit[0]] += weight * hit[1]
        return out


def _invert(docs: Sequence[Counter[str]]) -> dict[str, tuple[list[int], list[int]]]:
    inverted: dict[str, tuple[list[int], list[int]]] = {}
    for row, doc in enumerate(docs):
        for term, tf in doc.items():
            rows, tfs = inverted.setdefault(term, ([], []))
            rows.append(row)
            tfs.append(tf)
    return inverted


class BM25(_Postings):
    """Okapi BM25 (k1 = 1.2, b = 0.75) over term lists."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        n = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float32)
        avg = max(float(lengths.mean()) if n else 0.0, 1.0)
        postings = {}
        for term, (rows, tfs) in _invert([Counter(d) for d in docs]).items():
            idf = math.log(1.0 + (n - len(rows) + 0.5) / (len(rows) + 0.5))
            tf = np.array(tfs, dtype=np.float32)
            norm = k1 * (1.0 - b + b * lengths[rows] / avg)
            postings[term] = (np.array(rows), idf * tf * (k1 + 1.0) / (tf + norm))
        super().__init__(n, postings)

    def query(self, text: str) -> np.ndarray:
        return self.scores((term, 1.0) for term in set(terms(text)))


class CharTfidf(_Postings):
    """Cosine of sublinear TF-IDF vectors of character n-grams (smoothed idf).

    A gram found in one claim only is left out, as scikit-learn's `min_df=2` would: it cannot
    link two claims, and it would only lengthen that claim's vector.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        n = len(texts)
        docs = [char_grams(t) for t in texts]
        inverted = {g: p for g, p in _invert(docs).items() if len(p[0]) > 1}
        self.idf = {
            g: math.log((1 + n) / (1 + len(rows))) + 1.0 for g, (rows, _) in inverted.items()
        }
        norms = np.zeros(n, dtype=np.float64)
        for doc_row, doc in enumerate(docs):
            norms[doc_row] = math.sqrt(
                sum(
                    ((1.0 + math.log(tf)) * self.idf[g]) ** 2
                    for g, tf in doc.items()
                    if g in self.idf
                )
            )
        norms[norms == 0] = 1.0
        postings = {}
        for gram, (rows, tfs) in inverted.items():
            weight = (1.0 + np.log(np.array(tfs, dtype=np.float32))) * self.idf[gram]
            postings[gram] = (np.array(rows), (weight / norms[rows]).astype(np.float32))
        super().__init__(n, postings)

    def query(self, text: str) -> np.ndarray:
        weights = {
            g: (1.0 + math.log(tf)) * self.idf[g]
            for g, tf in char_grams(text).items()
            if g in self.idf
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return self.scores((g, w / norm) for g, w in weights.items())


def _by_best(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if len(scores) else 0.0
    return scores / top if top > 0 else scores


class MatchCorpus:
    """A corpus indexed once for many queries: both embeddings, BM25 and character n-grams."""

    def __init__(self, rows: Sequence[dict]) -> None:
        self.ids = [row["id"] for row in rows]
        texts = [clean(str(row["text"])) for row in rows]
        titles = [
            clean(str(row.get("title") or "")) or text
            for row, text in zip(rows, texts, strict=True)
        ]
        # Each row's group is its first copy; copies score in their group's name only.
        first: dict[str, int] = {}
        self.group = np.array(
            [first.setdefault(duplicate_key(t), i) for i, t in enumerate(texts)], dtype=np.int64
        )
        self.groups = len(first)
        self.text_index, self.title_index = ExactIndex(), ExactIndex()
        if rows:
            self.text_index.add(range(len(rows)), embed(texts))
            self.title_index.add(range(len(rows)), embed(titles))
        both = [
            f"{title} {text}" if title != text else text
            for title, text in zip(titles, texts, strict=True)
        ]
        self.bm25 = BM25([terms(t) for t in both])
        self.chars = CharTfidf(both)

    def scores(self, query: str, vector: np.ndarray) -> dict[str, np.ndarray]:
        """Each source's score for every row: "text", "title" (cosines), "bm25", "chars" (0..1)."""
        return {
            "text": self.text_index.scores(vector),
            "title": self.title_index.scores(vector),
            "bm25": _by_best(self.bm25.query(query)),
            "chars": _by_best(self.chars.query(query)),
        }

    def fuse(self, parts: dict[str, np.ndarray]) -> np.ndarray:
        """The weighted mean of the sources, on the cosine's scale."""
        fused = parts["text"] + W_TITLE * parts["title"]
        fused += W_BM25 * parts["bm25"] + W_CHARS * parts["chars"]
        return fused / (1.0 + W_TITLE + W_BM25 + W_CHARS)

    def top(self, scores: np.ndarray, k: int, merge_copies: bool = True) -> list[tuple[int, float]]:
        """The k best (row, score), best first; copies merged into their first row's group."""
        if merge_copies:
            grouped = np.full(len(scores), -np.inf, dtype=np.float32)
            np.maximum.at(grouped, self.group, scores)
            scores, m = grouped, min(k, self.groups)
        else:
            m = min(k, len(scores))
        if m <= 0:
            return []
        best = np.argpartition(-scores, m - 1)[:m]
        best = best[np.lexsort((best, -scores[best]))]
        return [(int(r), float(scores[r])) for r in best]

    def search(self, queries: Sequence[str], k: int) -> list[list[tuple[int, float]]]:
        """The k best (row, fused score) for each query text."""
        texts = [clean(q) for q in queries]
        vectors = embed(texts)
        return [
            self.top(self.fuse(self.scores(t, v)), k) for t, v in zip(texts, vectors, strict=True)
        ]


def search_corpus(corpus: Sequence[dict], queries: Sequence[dict], k: int) -> list[dict]:
    """Rank `corpus` rows ({"id", "text", "title"?}) for each query row ({"id", "query"}).

    Returns [{"id": query id, "results": [{"id": corpus id, "score": float}, ...]}] in query
    order, at most k results each, best first. The score is the fused score: a weighted mean
    of cosines and 0..1 lexical scores, comparable within one query, not a probability
    (`pair_score` gives that for a pair).
    """
    if not corpus or k <= 0:
        return [{"id": q["id"], "results": []} for q in queries]
    index = MatchCorpus(corpus)
    ranked = index.search([str(q["query"]) for q in queries], k)
    return [
        {
            "id": q["id"],
            "results": [{"id": index.ids[r], "score": round(s, 6)} for r, s in hits],
        }
        for q, hits in zip(queries, ranked, strict=True)
    ]
