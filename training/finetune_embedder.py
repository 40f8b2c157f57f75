"""Fine-tune all-MiniLM-L6-v2 for claim matching on CLEF 2020 CheckThat! Task 2 `train`.

    .venv/bin/python training/finetune_embedder.py [--epochs 1]
    .venv/bin/python training/export_embedder.py --weights training/work/embedder.pt

Multiple-negatives ranking loss (in-batch negatives, scale 20, both directions so the model
stays symmetric: production compares claims with claims, not tweets with claims) over
(tweet, its verified claim) pairs with one hard negative each: a wrong verified claim that BM25
ranks 3rd-20th for the tweet (the top two are too often a near-duplicate of the right one).
Beside the tweets, each relevant verified claim's Snopes title is paired with its text, a
claim-to-claim paraphrase like the ones a newsroom stores. A low learning rate and few epochs
keep it close to the stock model. The epoch with the best `dev` MAP@5 (cosine with the claim
text alone) is saved to training/work/embedder.pt. `test` is never read.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))

from export_embedder import BASE, Embedder  # noqa: E402
from tune_matching import average_precision_at, load  # noqa: E402

from claims.matching.search import BM25, clean, terms  # noqa: E402


def tokenizer(max_len: int) -> Tokenizer:
    tok = Tokenizer.from_file(str(BASE / "tokenizer.json"))
    tok.enable_truncation(max_length=max_len)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a secret
    return tok


def encode(model: Embedder, tok: Tokenizer, texts: list[str]) -> torch.Tensor:
    enc = tok.encode_batch(texts)
    ids = torch.tensor([e.ids for e in enc], dtype=torch.long)
    mask = torch.tensor([e.attention_mask for e in enc], dtype=torch.long)
    return model(ids, mask)


@torch.no_grad()
def embed_all(model: Embedder, tok: Tokenizer, texts: list[str]) -> np.ndarray:
    model.eval()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for i in range(0, len(order), 128):
        idx = order[i : i + 128]
        out[idx] = encode(model, tok, [texts[j] for j in idx]).numpy()
    return out


def dev_map(model: Embedder, tok: Tokenizer, corpus: list[dict], dev: list[dict]) -> float:
    docs = embed_all(model, tok, [clean(c["text"]) for c in corpus])
    qv = embed_all(model, tok, [clean(q["query"]) for q in dev])
    ids = [c["id"] for c in corpus]
    scores = qv @ docs.T
    aps = [
        average_precision_at([ids[j] for j in np.argsort(-scores[i])[:5]], set(q["relevant_ids"]))
        for i, q in enumerate(dev)
    ]
    return float(np.mean(aps))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", type=Path, default=ROOT / "training" / "work")
    parser.add_argument(
        "--zero-shot", type=float, help="the stock model's dev MAP@5 if known (skips measuring it)"
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(13)
    rng = random.Random(13)

    corpus, queries = load()
    train = [q for q in queries if q["split"] == "train"]
    dev = [q for q in queries if q["split"] == "dev"]
    by_id = {c["id"]: c for c in corpus}
    bm25 = BM25([terms(f"{clean(c.get('title') or '')} {clean(c['text'])}") for c in corpus])
    examples: list[tuple[str, str, str]] = []
    for q in train:
        ranked = np.argsort(-bm25.query(q["query"]))[:20]
        wrong = [corpus[j] for j in ranked[2:] if corpus[j]["id"] not in q["relevant_ids"]]
        for rid in q["relevant_ids"]:
            claim = by_id[rid]
            negative = rng.choice(wrong)["text"]
            examples.append((clean(q["query"]), clean(claim["text"]), clean(negative)))
            if claim.get("title"):
                examples.append((clean(claim["title"]), clean(claim["text"]), clean(negative)))
    print(f"{len(examples)} training pairs", flush=True)

    model = Embedder()
    long_tok, short_tok = tokenizer(128), tokenizer(64)
    zero_shot = args.zero_shot or dev_map(model, long_tok, corpus, dev)
    print(f"zero-shot (torch fp32) dev MAP@5 {zero_shot:.4f}", flush=True)
    # The word-piece embeddings stay as they are: words the tweets never use keep their stock
    # vectors, and the step skips the largest matrix (30,522 x 384).
    model.encoder.embeddings.requires_grad_(False)
    trained = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(trained, lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(examples) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, (steps - s) / steps)
    )
    loss_fn = torch.nn.CrossEntropyLoss()
    args.work.mkdir(parents=True, exist_ok=True)
    best = zero_shot
    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        rng.shuffle(examples)
        for step, i in enumerate(range(0, len(examples), args.batch)):
            chunk = examples[i : i + args.batch]
            anchors = encode(model, long_tok, [a for a, _, _ in chunk])
            docs = encode(model, short_tok, [p for _, p, _ in chunk] + [n for _, _, n in chunk])
            sim = 20.0 * anchors @ docs.T
            target = torch.arange(len(chunk))
            # Anchor -> its positive among all positives and hard negatives, and positive ->
            # its anchor among the anchors (the symmetric half).
            loss = loss_fn(sim, target) + loss_fn(sim[:, : len(chunk)].T, target)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trained, 1.0)
            opt.step()
            sched.step()
            if step % 10 == 0:
                print(
                    f"epoch {epoch} step {step} loss {loss.item():.3f} {time.time() - t0:.0f}s",
                    flush=True,
                )
        score = dev_map(model, long_tok, corpus, dev)
        print(f"epoch {epoch}: dev MAP@5 {score:.4f} ({time.time() - t0:.0f}s)", flush=True)
        if score > best:
            best = score
            torch.save(model.state_dict(), args.work / "embedder.pt")
            meta = {
                "epochs": epoch + 1,
                "lr": args.lr,
                "dev_map5_cosine_fp32": round(score, 4),
                "zero_shot_dev_map5_cosine_fp32": round(zero_shot, 4),
            }
            (args.work / "embedder.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"done in {time.time() - t0:.0f}s; best dev MAP@5 {best:.4f} (zero-shot {zero_shot:.4f})")


if __name__ == "__main__":
    main()
