"""Claim matching: has this claim been checked before? Pure Python, no Django.

`embed` turns claims into vectors (stored with `vector_to_bytes`), `ExactIndex` finds the
nearest stored ones, `pair_score` re-scores a candidate pair, and `search_corpus` runs the
whole pipeline over a corpus in memory (the `match_claims` command and `bench/matching.py`).

Classifying a pair from `pair_score(a, b, cosine)`:
- score >= CONFIRM_THRESHOLD and numbers == "same": a confirmed match, the claim has been
  checked before;
- score >= SUGGEST_THRESHOLD otherwise: a suggested match, for a person to look at;
- numbers == "different": a conflict (the same kind of figure with another value), never a
  match, whatever the score: worth showing as "checked before with other figures".
"""

from .embed import DIM, EMBEDDER_VERSION, embed, vector_from_bytes, vector_to_bytes
from .index import ExactIndex
from .rerank import PairScore, pair_score
from .search import search_corpus

# pair_score is a logistic model, so its score reads as the chance that a candidate is the same
# claim. Calibrated on CLEF 2020 `dev` pairs (each dev tweet against the 30 verified claims the
# pipeline ranks first for it: 5,910 pairs, 196 matches) by `training/tune_matching.py`:
# - SUGGEST: 56% of the pairs at or above it are matches, and 83% of the matches reach it;
# - CONFIRM: 98% of the pairs at or above it are matches (14 of 14 with numbers "same"), 29% of
#   the matches reach it.
# Tweets against checked claims score lower than two news claims stating the same thing, so on
# news both cuts err on the side of asking a person.
SUGGEST_THRESHOLD = 0.1
CONFIRM_THRESHOLD = 0.9

__all__ = [
    "CONFIRM_THRESHOLD",
    "DIM",
    "EMBEDDER_VERSION",
    "SUGGEST_THRESHOLD",
    "ExactIndex",
    "PairScore",
    "embed",
    "pair_score",
    "search_corpus",
    "vector_from_bytes",
    "vector_to_bytes",
]
