"""Checks a `maec export --to hf` folder with the real transformers, by hand (Python is never a
dependency of maec or of `npm test`):

    maec export runs/quick --to hf --out /tmp/hf
    maec export runs/quick --to official --out /tmp/official
    python scripts/check-hf-export.py make-inputs /tmp/hf inputs.safetensors
    maec forward runs/quick/spec.json --weights /tmp/official/model.safetensors \
        --inputs inputs.safetensors --out forward.safetensors --backend cpu
    python scripts/check-hf-export.py check /tmp/hf inputs.safetensors forward.safetensors

`make-inputs` writes imgs [4,C,H,W] (normal, seed 3) and noise [4,L] (uniform) in the sizes of
the folder's config.json: what maec forward reads. `check` 
loads the folder with ViTMAEForPreTraining.from_pretrained, fails on any missing, unexpected
or mismatched key and on any warning transformers logs while loading, runs the model on the
same pixels and noise, prints the worst differences from maec's loss, pred, mask, ids_restore
and latent, and exits 1 when one exceeds 1e-5 (relative to the largest magnitude) or the
masks differ. It also loads ViTImageProcessor (the PIL one in 5.x) from the folder and checks that
it normalises as preprocessor_config.json says: a test image through the processor equals
(pixel / 255 - mean) / std.
"""

import json
import logging
import sys
import warnings

import PIL.Image
import safetensors.torch
import torch
import transformers
from transformers import ViTMAEForPreTraining

try:  # transformers 5.x: the PIL-backed processor needs no torchvision
    from transformers import ViTImageProcessorPil as ViTImageProcessor
except ImportError:
    from transformers import ViTImageProcessor

TOLERANCE = 1e-5


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage())


def worst(a: torch.Tensor, b: torch.Tensor) -> float:
    a, b = a.double(), b.double()
    return ((a - b).abs().max() / b.abs().max().clamp(min=1e-30)).item()


def main(folder: str, inputs_path: str, forward_path: str) -> int:
    collect = Collect()
    transformers.logging.get_logger().addHandler(collect)
    transformers.logging.set_verbosity_warning()
    with warnings.catch_warnings(record=True) as python_warnings:
        warnings.simplefilter("always")
        model, info = ViTMAEForPreTraining.from_pretrained(folder, output_loading_info=True)
    model.eval()
    collect.records.extend(str(w.message) for w in python_warnings)
    problems = {k: v for k, v in info.items() if v}
    print(f"transformers {transformers.__version__}, torch {torch.__version__}")
    print(f"loading info: {info}")
    print(f"warnings while loading: {collect.records}")
    failed = bool(problems) or bool(collect.records)

    inputs = safetensors.torch.load_file(inputs_path)
    mine = safetensors.torch.load_file(forward_path)
    noise = mine["noise"]
    with torch.no_grad():
        out = model(pixel_values=inputs["imgs"], noise=noise)
        enc = model.vit(pixel_values=inputs["imgs"], noise=noise)
    pairs = [
        ("loss", out.loss.reshape([]), mine["loss"].reshape([])),
        ("pred", out.logits, mine["pred"]),
        ("latent", enc.last_hidden_state, mine["latent"]),
    ]
    for name, theirs, ours in pairs:
        w = worst(ours, theirs)
        print(f"{name}: worst |maec - transformers| / max|transformers| = {w:.3e}")
        failed |= not (w <= TOLERANCE)
    same_mask = torch.equal(out.mask, mine["mask"].to(out.mask.dtype))
    same_restore = torch.equal(out.ids_restore, mine["ids_restore"].to(out.ids_restore.dtype))
    print(f"mask equal: {same_mask}; ids_restore equal: {same_restore}")
    failed |= not (same_mask and same_restore)

    processor = ViTImageProcessor.from_pretrained(folder)
    with open(f"{folder}/preprocessor_config.json") as f:
        written = json.load(f)
    c, size = model.config.num_channels, model.config.image_size
    image = (torch.arange(size * size * c) * 37 % 256).to(torch.uint8).reshape(size, size, c).numpy()
    pil = PIL.Image.fromarray(image if c == 3 else image[:, :, 0], mode="RGB" if c == 3 else "L")
    got = processor(images=pil, return_tensors="pt")["pixel_values"][0]
    mean = torch.tensor(written["image_mean"]).reshape(c, 1, 1)
    std = torch.tensor(written["image_std"]).reshape(c, 1, 1)
    want = (torch.from_numpy(image).permute(2, 0, 1).float() / 255 - mean) / std
    w = (got - want).abs().max().item()
    print(f"{type(processor).__name__}: pixel_values {list(got.shape)}, worst difference from (x/255 - mean)/std {w:.3e}")
    failed |= not (list(got.shape) == [c, size, size] and w < 1e-5)
    print("FAILED" if failed else "OK")
    return 1 if failed else 0


def make_inputs(folder: str, out: str) -> int:
    with open(f"{folder}/config.json") as f:
        config = json.load(f)
    size, c, p = config["image_size"], config["num_channels"], config["patch_size"]
    g = torch.Generator().manual_seed(3)
    imgs = torch.randn(4, c, size, size, generator=g)
    noise = torch.rand(4, (size // p) ** 2, generator=g)
    safetensors.torch.save_file({"imgs": imgs, "noise": noise}, out)
    print(f"wrote {out}: imgs {list(imgs.shape)}, noise {list(noise.shape)}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "make-inputs":
        sys.exit(make_inputs(*sys.argv[2:]))
    if len(sys.argv) == 5 and sys.argv[1] == "check":
        sys.exit(main(*sys.argv[2:]))
    sys.exit("usage: check-hf-export.py make-inputs HF_DIR inputs.safetensors\n       check-hf-export.py check HF_DIR inputs.safetensors forward.safetensors")
