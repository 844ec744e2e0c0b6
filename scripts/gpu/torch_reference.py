#!/usr/bin/env python3
"""PyTorch reference for the GPU proof (issue 13): an implementation of the LLaDA-8B and LLaMA-3-8B language towers
written from their published architectures (LLaDA's modeling_llada.py / OLMo block "llama", HF LlamaForCausalLM; the
facts: the LLaDA-V model notes, docs/LLADAV-MODEL.md §1.1-1.3, §6.1 and §9), NOT translated from the C# engine.

Subcommands
  make   write a random-weight checkpoint (config.json + model.safetensors in bf16, ids.txt) of LLaDA-8B's or
         LLaMA-3-8B's layer shapes with few layers, so it loads in seconds:
           torch_reference.py make --kind llada --layers 2 --out DIR
  check  run the checkpoint through PyTorch and through `lladav-eval forward/sample`, compare logits (max abs / rel
         error, argmax agreement) and generated ids; writes a JSON report:
           torch_reference.py check --model DIR --tool PATH/lladav-eval --device cuda --out report.json
  bench  PyTorch eager timings at the shapes of `lladav-eval bench --preset llada-8b` (the LLaDA-V authors' code is
         PyTorch eager, so this is the peer): full forward at prompt+gen tokens, no-cache diffusion tok/s, a 32-row
         prefix-cache window step, large bf16 GEMM rate, device copy bandwidth:
           torch_reference.py bench --preset llada-8b --device cuda --out bench.json

Works with torch >= 1.13 (Debian 12's python3-torch, CPU) and torch 2.x on CUDA. Needs nothing but torch and numpy.
"""

import argparse
import json
import math
import os
import struct
import subprocess
import sys
import time

import numpy as np
import torch

LLADA_8B = dict(hidden=4096, heads=32, kv_heads=32, ffn=12288, vocab=126464, theta=500000.0, eps=1e-5, mask=126336, eos=126081)
LLAMA3_8B = dict(hidden=4096, heads=32, kv_heads=8, ffn=14336, vocab=128256, theta=500000.0, eps=1e-5, eos=128009)


# ---------------------------------------------------------------------------------------------------------------------
# safetensors (the format is an 8-byte little-endian header length, a JSON header, then raw little-endian tensors)

def save_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        t = t.contiguous().cpu()
        assert t.dtype == torch.bfloat16, name
        raw = t.view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": "BF16", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)


def load_safetensors(path, device):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        out = {}
        for name, meta in header.items():
            if name == "__metadata__":
                continue
            assert meta["dtype"] == "BF16", (name, meta["dtype"])
            start, end = meta["data_offsets"]
            f.seek(base + start)
            a = np.frombuffer(f.read(end - start), dtype=np.int16).copy()
            out[name] = torch.from_numpy(a).view(torch.bfloat16).reshape(meta["shape"]).to(device)
    return out


# ---------------------------------------------------------------------------------------------------------------------
# the model (one class for both towers: LLaDA = no causal mask, MHA; LLaMA-3 = causal, GQA)

class Tower:
    """Weights by role; forward(ids) -> logits [T, V]. dtype is the compute dtype (fp32: bf16 weights upcast)."""

    def __init__(self, cfg, w, dtype, causal):
        self.cfg, self.causal, self.dtype = cfg, causal, dtype
        self.w = {k: v.to(dtype) for k, v in w.items()}
        d = cfg["hidden"] // cfg["heads"]
        inv = 1.0 / (cfg["theta"] ** (torch.arange(0, d, 2, dtype=torch.float32, device=self._dev()) / d))
        self.inv_freq = inv

    def _dev(self):
        return next(iter(self.w.values())).device if hasattr(self, "w") else "cpu"

    def rms(self, x, weight):
        # RMSNorm: in fp32, x * rsqrt(mean(x^2) + eps), back to the activation dtype, times the weight
        xf = x.float()
        y = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.cfg["eps"])
        return y.to(x.dtype) * weight

    def rope(self, x, positions):
        # NeoX / rotate_half layout: the head dim split into two halves; cos/sin computed in fp32
        freqs = positions.float()[:, None] * self.inv_freq[None, :]
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos()[:, None, :], emb.sin()[:, None, :]
        xf = x.float()
        half = xf.shape[-1] // 2
        rotated = torch.cat([-xf[..., half:], xf[..., :half]], dim=-1)
        return (xf * cos + rotated * sin).to(x.dtype)

    def attention(self, q, k, v, q_positions, k_positions):
        # q [Tq, H, d], k/v [Tk, Hkv, d]; softmax in fp32; GQA repeats each kv head H/Hkv times
        h, hkv = q.shape[1], k.shape[1]
        if hkv != h:
            k = k.repeat_interleave(h // hkv, dim=1)
            v = v.repeat_interleave(h // hkv, dim=1)
        d = q.shape[-1]
        scores = torch.einsum("qhd,khd->hqk", q.float(), k.float()) / math.sqrt(d)
        if self.causal:
            allowed = k_positions[None, :] <= q_positions[:, None]
            scores = scores.masked_fill(~allowed[None], float("-inf"))
        p = torch.softmax(scores, dim=-1)
        return torch.einsum("hqk,khd->qhd", p, v.float()).to(q.dtype)

    def forward(self, ids, cache=None, start=0):
        """ids: LongTensor [T]. cache: dict layer -> (k, v) of earlier positions (causal decoding), extended in place."""
        c, w = self.cfg, self.w
        heads, kvh, d = c["heads"], c["kv_heads"], c["hidden"] // c["heads"]
        x = w["embed"][ids]
        positions = torch.arange(start, start + ids.shape[0], device=x.device)
        for i in range(c["layers"]):
            hn = self.rms(x, w[f"{i}.attn_norm"])
            q = (hn @ w[f"{i}.q"].T).view(-1, heads, d)
            k = (hn @ w[f"{i}.k"].T).view(-1, kvh, d)
            v = (hn @ w[f"{i}.v"].T).view(-1, kvh, d)
            q, k = self.rope(q, positions), self.rope(k, positions)
            if cache is not None:
                if i in cache:
                    k = torch.cat([cache[i][0], k], dim=0)
                    v = torch.cat([cache[i][1], v], dim=0)
                cache[i] = (k, v)
            k_positions = torch.arange(0, k.shape[0], device=x.device)
            a = self.attention(q, k, v, positions, k_positions).reshape(-1, heads * d)
            x = x + a @ w[f"{i}.o"].T
            hn = self.rms(x, w[f"{i}.ffn_norm"])
            gate = hn @ w[f"{i}.gate"].T
            up = hn @ w[f"{i}.up"].T
            x = x + (torch.nn.functional.silu(gate) * up) @ w[f"{i}.down"].T
        x = self.rms(x, w["final_norm"])
        return (x @ w["lm_head"].T).float()


def roles(kind, layers):
    """Role -> safetensors key. LLaDA: the original checkpoint's OLMo-style keys; LLaMA: HF keys (docs/LLADAV-MODEL.md §1.3, §9)."""
    if kind == "llada":
        m = {"embed": "model.transformer.wte.weight", "final_norm": "model.transformer.ln_f.weight", "lm_head": "model.transformer.ff_out.weight"}
        for i in range(layers):
            b = f"model.transformer.blocks.{i}."
            m.update({f"{i}.attn_norm": b + "attn_norm.weight", f"{i}.q": b + "q_proj.weight", f"{i}.k": b + "k_proj.weight",
                      f"{i}.v": b + "v_proj.weight", f"{i}.o": b + "attn_out.weight", f"{i}.ffn_norm": b + "ff_norm.weight",
                      f"{i}.gate": b + "ff_proj.weight", f"{i}.up": b + "up_proj.weight", f"{i}.down": b + "ff_out.weight"})
        return m
    m = {"embed": "model.embed_tokens.weight", "final_norm": "model.norm.weight", "lm_head": "lm_head.weight"}
    for i in range(layers):
        b = f"model.layers.{i}."
        m.update({f"{i}.attn_norm": b + "input_layernorm.weight", f"{i}.q": b + "self_attn.q_proj.weight", f"{i}.k": b + "self_attn.k_proj.weight",
                  f"{i}.v": b + "self_attn.v_proj.weight", f"{i}.o": b + "self_attn.o_proj.weight", f"{i}.ffn_norm": b + "post_attention_layernorm.weight",
                  f"{i}.gate": b + "mlp.gate_proj.weight", f"{i}.up": b + "mlp.up_proj.weight", f"{i}.down": b + "mlp.down_proj.weight"})
    return m


def shapes(cfg, layers):
    h, f, v, kv = cfg["hidden"], cfg["ffn"], cfg["vocab"], cfg["kv_heads"] * (cfg["hidden"] // cfg["heads"])
    s = {"embed": (v, h), "final_norm": (h,), "lm_head": (v, h)}
    for i in range(layers):
        s.update({f"{i}.attn_norm": (h,), f"{i}.q": (h, h), f"{i}.k": (kv, h), f"{i}.v": (kv, h), f"{i}.o": (h, h),
                  f"{i}.ffn_norm": (h,), f"{i}.gate": (f, h), f"{i}.up": (f, h), f"{i}.down": (h, f)})
    return s


def random_weights(cfg, layers, seed, device):
    g = torch.Generator(device=device)
    g.manual_seed(seed)
    w = {}
    for role, shape in shapes(cfg, layers).items():
        if len(shape) == 1:
            # norm weights around 1, so activations keep their scale through the layers
            t = 1.0 + 0.1 * torch.randn(shape, generator=g, device=device)
        else:
            # std 1/sqrt(fan_in) for projections; the embedding at unit scale, as a trained embedding roughly is
            std = 1.0 if role == "embed" else 1.0 / math.sqrt(shape[1])
            t = std * torch.randn(shape, generator=g, device=device)
        w[role] = t.to(torch.bfloat16)
    return w


def config_json(kind, cfg, layers):
    if kind == "llada":
        # the original LLaDA-8B-Instruct config keys (OLMo-style, docs/LLADAV-MODEL.md §1.2)
        return {"architectures": ["LLaDAModelLM"], "model_type": "llada", "d_model": cfg["hidden"], "n_heads": cfg["heads"],
                "n_kv_heads": cfg["kv_heads"], "mlp_hidden_size": cfg["ffn"], "n_layers": layers, "vocab_size": cfg["vocab"],
                "embedding_size": cfg["vocab"], "rope_theta": cfg["theta"], "rms_norm_eps": cfg["eps"], "mask_token_id": cfg["mask"],
                "eos_token_id": cfg["eos"], "weight_tying": False, "include_bias": False, "block_type": "llama",
                "activation_type": "silu", "layer_norm_type": "rms", "rope": True, "rope_full_precision": True, "use_cache": False}
    return {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": cfg["hidden"], "num_attention_heads": cfg["heads"],
            "num_key_value_heads": cfg["kv_heads"], "intermediate_size": cfg["ffn"], "num_hidden_layers": layers,
            "vocab_size": cfg["vocab"], "rope_theta": cfg["theta"], "rms_norm_eps": cfg["eps"], "eos_token_id": cfg["eos"],
            "hidden_act": "silu", "tie_word_embeddings": False, "torch_dtype": "bfloat16"}


def base_config(kind, args):
    cfg = dict(LLADA_8B if kind == "llada" else LLAMA3_8B)
    for key in ("hidden", "heads", "kv_heads", "ffn", "vocab"):
        if getattr(args, key, None):
            cfg[key] = getattr(args, key)
    if kind == "llada":
        cfg["kv_heads"] = cfg["heads"]  # LLaDA-8B is MHA
        cfg["mask"] = min(cfg["mask"], cfg["vocab"] - 1)
        cfg["eos"] = min(cfg["eos"], cfg["vocab"] - 2)
    else:
        cfg["eos"] = min(cfg["eos"], cfg["vocab"] - 1)
    return cfg


def read_config(model_dir):
    j = json.load(open(os.path.join(model_dir, "config.json")))
    kind = "llada" if j["model_type"] == "llada" else "llama"
    g = lambda *keys: next(j[k] for k in keys if k in j)
    cfg = dict(hidden=g("d_model", "hidden_size"), heads=g("n_heads", "num_attention_heads"), kv_heads=g("n_kv_heads", "num_key_value_heads"),
               ffn=g("mlp_hidden_size", "intermediate_size"), vocab=g("embedding_size", "vocab_size"), theta=j["rope_theta"],
               eps=j["rms_norm_eps"], layers=g("n_layers", "num_hidden_layers"), mask=j.get("mask_token_id"), eos=j.get("eos_token_id"))
    return kind, cfg


def load_tower(model_dir, device, dtype):
    kind, cfg = read_config(model_dir)
    raw = load_safetensors(os.path.join(model_dir, "model.safetensors"), device)
    names = roles(kind, cfg["layers"])
    w = {role: raw[key] for role, key in names.items()}
    return kind, cfg, Tower(cfg, w, dtype, causal=(kind != "llada"))


# ---------------------------------------------------------------------------------------------------------------------
# samplers

def diffusion_generate(tower, prompt, gen_length, steps, block_length, mask_id):
    """LLaDA generate.py (docs/LLADAV-MODEL.md §6.1) at temperature 0, cfg 0, low_confidence remasking."""
    x = torch.cat([prompt, torch.full((gen_length,), mask_id, dtype=torch.long, device=prompt.device)])
    p = prompt.shape[0]
    assert gen_length % block_length == 0
    blocks = gen_length // block_length
    assert steps % blocks == 0
    per_block = steps // blocks
    passes = 0
    for b in range(blocks):
        lo, hi = p + b * block_length, p + (b + 1) * block_length
        n = int((x[lo:hi] == mask_id).sum())
        base, rem = divmod(n, per_block)
        schedule = [base + (1 if i < rem else 0) for i in range(per_block)]
        for k in schedule:
            logits = tower.forward(x)
            passes += 1
            x0 = logits.argmax(-1)
            probs = torch.softmax(logits.double(), dim=-1)
            conf = probs.gather(-1, x0[:, None])[:, 0]
            conf[hi:] = -math.inf
            conf[x != mask_id] = -math.inf
            if k > 0:
                sel = torch.topk(conf, k).indices
                x[sel] = x0[sel]
    return x[p:].tolist(), passes


def greedy_decode(tower, prompt, n, use_cache):
    """Greedy causal decoding (lmms-eval llava: do_sample False, num_beams 1, use_cache True)."""
    ids = prompt.clone()
    out = []
    if use_cache:
        cache = {}
        logits = tower.forward(ids, cache=cache, start=0)
        for _ in range(n):
            t = int(logits[-1].argmax())
            out.append(t)
            nxt = torch.tensor([t], dtype=torch.long, device=ids.device)
            logits = tower.forward(nxt, cache=cache, start=ids.shape[0] + len(out) - 1)
    else:
        for _ in range(n):
            logits = tower.forward(ids)
            t = int(logits[-1].argmax())
            out.append(t)
            ids = torch.cat([ids, torch.tensor([t], dtype=torch.long, device=ids.device)])
    return out


# ---------------------------------------------------------------------------------------------------------------------
# commands

def cmd_make(args):
    cfg = base_config(args.kind, args)
    device = args.device if args.device != "cuda" or torch.cuda.is_available() else "cpu"
    t0 = time.time()
    w = random_weights(cfg, args.layers, args.seed, device)
    os.makedirs(args.out, exist_ok=True)
    names = roles(args.kind, args.layers)
    save_safetensors(os.path.join(args.out, "model.safetensors"), {names[r]: t for r, t in w.items()})
    json.dump(config_json(args.kind, cfg, args.layers), open(os.path.join(args.out, "config.json"), "w"), indent=1)
    g = torch.Generator().manual_seed(args.seed + 1)
    # prompt ids from the real-token range, never the mask or EOS id
    top = min(cfg["vocab"], 126336 if args.kind == "llada" else 128000)
    ids = torch.randint(0, top, (args.tokens,), generator=g)
    ids[ids == cfg.get("mask", -1)] = 1
    open(os.path.join(args.out, "ids.txt"), "w").write(",".join(str(int(i)) for i in ids))
    size = os.path.getsize(os.path.join(args.out, "model.safetensors"))
    print(f"wrote {args.kind} checkpoint ({args.layers} layers, hidden {cfg['hidden']}, vocab {cfg['vocab']}, {size / 1e9:.2f} GB bf16) "
          f"and {args.tokens} prompt ids to {args.out} in {time.time() - t0:.1f} s")


def compare_logits(ours, ref):
    diff = (ours - ref).abs()
    scale = ref.abs().max().item()
    agree = (ours.argmax(-1) == ref.argmax(-1)).float().mean().item()
    # top-1 of ours inside the reference's top-5: a tie-tolerant agreement measure for bf16 compute
    top5 = ref.topk(5, dim=-1).indices
    in_top5 = (top5 == ours.argmax(-1)[:, None]).any(-1).float().mean().item()
    return {"max_abs_error": diff.max().item(), "mean_abs_error": diff.mean().item(), "ref_max_abs": scale,
            "max_rel_error": diff.max().item() / scale, "argmax_agreement": agree, "argmax_in_ref_top5": in_top5}


def run_tool(tool, argv, timeout):
    cmd = tool.split() + argv
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()[-2000:]}")
    return p.stdout, time.time() - t0


def cmd_check(args):
    device = args.device if args.device != "cuda" or torch.cuda.is_available() else None
    if device is None:
        raise SystemExit("torch.cuda.is_available() is False: no CUDA device for the PyTorch reference")
    kind, cfg = read_config(args.model)
    ids = [int(s) for s in open(os.path.join(args.model, "ids.txt")).read().split(",")]
    tokens = torch.tensor(ids, dtype=torch.long, device=device)
    report = {"kind": kind, "layers": cfg["layers"], "hidden": cfg["hidden"], "vocab": cfg["vocab"], "tokens": len(ids),
              "torch": torch.__version__, "device": torch.cuda.get_device_name() if device.startswith("cuda") else "cpu"}

    # 1. logits of one forward
    ours_file = os.path.join(args.work, f"{kind}_ours_logits.f32")
    out, seconds = run_tool(args.tool, ["forward", "--model-path", args.model, "--ids-file", os.path.join(args.model, "ids.txt"),
                                        "--device", args.tool_device, "--logits-out", ours_file], args.timeout)
    ours = torch.from_numpy(np.fromfile(ours_file, dtype="<f4").reshape(len(ids), cfg["vocab"])).to(device)
    os.remove(ours_file)
    report["ours_forward_seconds_incl_load"] = seconds
    with torch.no_grad():
        for name, dtype in (("fp32", torch.float32), ("bf16", torch.bfloat16)):
            _, _, tower = load_tower(args.model, device, dtype)
            ref = tower.forward(tokens)
            report[f"logits_vs_torch_{name}"] = compare_logits(ours, ref)
            if name == "fp32":
                ref32 = ref
            else:
                report["torch_bf16_vs_torch_fp32"] = compare_logits(ref, ref32)
            del tower, ref
    del ours

    # 2. generation: diffusion steps (LLaDA) or greedy decoding with the KV cache (LLaMA), torch fp32 as the reference
    with torch.no_grad():
        _, _, tower = load_tower(args.model, device, torch.float32)
        prompt = tokens[: args.prompt]
        if kind == "llada":
            ref_ids, passes = diffusion_generate(tower, prompt, args.gen, args.gen, args.gen, cfg["mask"])
        else:
            ref_ids = greedy_decode(tower, prompt, args.gen, use_cache=True)
            passes = args.gen
    prompt_file = os.path.join(args.work, f"{kind}_prompt.txt")
    open(prompt_file, "w").write(",".join(str(i) for i in ids[: args.prompt]))
    out, seconds = run_tool(args.tool, ["sample", "--model-path", args.model, "--ids-file", prompt_file, "--device", args.tool_device,
                                        "--gen-length", str(args.gen)], args.timeout)
    ours_ids = json.loads(out)["generated_ids"]
    agree = sum(1 for a, b in zip(ours_ids, ref_ids) if a == b) / max(1, len(ref_ids))
    first = next((i for i, (a, b) in enumerate(zip(ours_ids, ref_ids)) if a != b), None)
    report["generation"] = {"sampler": "diffusion greedy low_confidence, steps = gen_length, one block" if kind == "llada" else "greedy, KV cache",
                            "prompt_tokens": args.prompt, "gen_length": args.gen, "torch_forward_passes": passes,
                            "ids_agreement": agree, "first_difference": first, "torch_ids": ref_ids, "our_ids": ours_ids}
    json.dump(report, open(args.out, "w"), indent=1)
    g = report["generation"]
    l32, l16 = report["logits_vs_torch_fp32"], report["logits_vs_torch_bf16"]
    print(f"{kind}: logits vs torch fp32 max abs {l32['max_abs_error']:.4g} (rel {l32['max_rel_error']:.3g}), argmax {l32['argmax_agreement']:.2%}; "
          f"vs torch bf16 max abs {l16['max_abs_error']:.4g}, argmax {l16['argmax_agreement']:.2%}; generated ids agree {g['ids_agreement']:.2%}"
          + ("" if g["first_difference"] is None else f" (first difference at {g['first_difference']})"))


def sync(device):
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def timed(fn, device, repeats=3):
    fn()
    sync(device)
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        sync(device)
        best = min(best, time.perf_counter() - t0)
    return best


class EagerLlada(torch.nn.Module):
    """LLaDA-8B-shaped model as the authors' PyTorch eager code runs it: bf16 everywhere, SDPA attention when torch has it."""

    def __init__(self, cfg, layers, device):
        super().__init__()
        self.cfg, self.layers = cfg, layers
        h, f, v = cfg["hidden"], cfg["ffn"], cfg["vocab"]
        mk = lambda *s: (torch.randn(*s, device=device, dtype=torch.bfloat16) * (1.0 / math.sqrt(s[-1])))
        self.embed = torch.randn(v, h, device=device, dtype=torch.bfloat16)
        self.blocks = [dict(q=mk(h, h), k=mk(h, h), v=mk(h, h), o=mk(h, h), gate=mk(f, h), up=mk(f, h), down=mk(h, f),
                            n1=torch.ones(h, device=device, dtype=torch.bfloat16), n2=torch.ones(h, device=device, dtype=torch.bfloat16))
                       for _ in range(layers)]
        self.norm = torch.ones(h, device=device, dtype=torch.bfloat16)
        self.head = mk(v, h)
        d = h // cfg["heads"]
        self.inv = 1.0 / (cfg["theta"] ** (torch.arange(0, d, 2, device=device, dtype=torch.float32) / d))

    def rms(self, x, w):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.cfg["eps"])).to(x.dtype) * w

    def rope(self, x, pos):
        f = pos.float()[:, None] * self.inv[None]
        e = torch.cat([f, f], -1)
        cos, sin = e.cos().to(x.dtype)[None, :, None, :], e.sin().to(x.dtype)[None, :, None, :]
        half = x.shape[-1] // 2
        return x * cos + torch.cat([-x[..., half:], x[..., :half]], -1) * sin

    def forward(self, x, start=0, kv=None, logits_rows=None):
        """x: [B, T, H] embeddings. kv: per-layer (k, v) [B, Tk, heads, d] of a cached prefix. Returns logits of the last logits_rows."""
        b, t, h = x.shape
        heads, d = self.cfg["heads"], h // self.cfg["heads"]
        pos = torch.arange(start, start + t, device=x.device)
        for i, w in enumerate(self.blocks):
            hn = self.rms(x, w["n1"])
            q = self.rope((hn @ w["q"].T).view(b, t, heads, d), pos)
            k = self.rope((hn @ w["k"].T).view(b, t, heads, d), pos)
            v = (hn @ w["v"].T).view(b, t, heads, d)
            if kv is not None:
                k = torch.cat([kv[i][0], k], 1)
                v = torch.cat([kv[i][1], v], 1)
            if hasattr(torch.nn.functional, "scaled_dot_product_attention"):
                a = torch.nn.functional.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2))
            else:
                s = torch.softmax((q.transpose(1, 2).float() @ k.transpose(1, 2).transpose(-1, -2).float()) / math.sqrt(d), -1)
                a = (s.to(v.dtype) @ v.transpose(1, 2))
            x = x + a.transpose(1, 2).reshape(b, t, h) @ w["o"].T
            hn = self.rms(x, w["n2"])
            x = x + (torch.nn.functional.silu(hn @ w["gate"].T) * (hn @ w["up"].T)) @ w["down"].T
        x = self.rms(x, self.norm)
        if logits_rows is not None:
            x = x[:, -logits_rows:]
        return x @ self.head.T

    def prefix_kv(self, x):
        b, t, h = x.shape
        heads, d = self.cfg["heads"], h // self.cfg["heads"]
        pos = torch.arange(0, t, device=x.device)
        out = []
        for w in self.blocks:
            hn = self.rms(x, w["n1"])
            out.append((self.rope((hn @ w["k"].T).view(b, t, heads, d), pos), (hn @ w["v"].T).view(b, t, heads, d)))
            # the prefix's own hidden states do not matter for timing the window step; one pass of K/V per layer
        return out


def cmd_bench(args):
    device = args.device
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("torch.cuda.is_available() is False: no CUDA device for the PyTorch bench")
    cfg = dict(LLADA_8B)
    layers = args.layers
    prompt, gen = args.prompt, args.gen
    report = {"torch": torch.__version__, "device": torch.cuda.get_device_name() if device.startswith("cuda") else "cpu",
              "model": dict(hidden=cfg["hidden"], layers=layers, heads=cfg["heads"], ffn=cfg["ffn"], vocab=cfg["vocab"], prompt_tokens=prompt, gen_length=gen)}
    with torch.no_grad():
        n = args.gemm
        a = torch.randn(n, n, device=device, dtype=torch.bfloat16)
        bm = torch.randn(n, n, device=device, dtype=torch.bfloat16)
        s = timed(lambda: a @ bm.T, device)
        report["large_gemm_bf16"] = {"size": n, "tflops": 2 * n ** 3 / s / 1e12}
        del a, bm
        src = torch.empty(1 << 28, device=device, dtype=torch.float32)
        dst = torch.empty_like(src)
        s = timed(lambda: dst.copy_(src), device, 5)
        report["copy_gbps"] = 2 * src.numel() * 4 / s / 1e9
        del src, dst
        model = EagerLlada(cfg, layers, device)
        weight_bytes = 2 * sum(t.numel() for w in model.blocks for t in w.values()) + 2 * model.head.numel()
        report["streamed_weight_bytes"] = weight_bytes
        t = prompt + gen
        for batch in args.batch:
            x = torch.randn(batch, t, cfg["hidden"], device=device, dtype=torch.bfloat16)
            # the authors' code computes the logits of every position each step; `lladav-eval bench` (a) those of the
            # last row only: both are timed, the second is the same work as ours
            fwd = timed(lambda: model(x), device, 2)
            last = timed(lambda: model(x, logits_rows=1), device, 2)
            # LLaDA-V's eval (no cache): one full forward per step, steps = gen_length, one block
            report[f"forward_batch{batch}"] = {"seconds": fwd, "seconds_last_row_logits": last, "no_cache_tokens_per_second": batch * gen / (gen * fwd)}
            del x
        # a Fast-dLLM prefix-cache window step: the block's 32 rows against the cached prefix (K/V per layer)
        rows = min(gen, 32)
        x = torch.randn(1, prompt, cfg["hidden"], device=device, dtype=torch.bfloat16)
        kv = model.prefix_kv(x)
        win = torch.randn(1, rows, cfg["hidden"], device=device, dtype=torch.bfloat16)
        step = timed(lambda: model(win, start=prompt, kv=kv), device, 3)
        report["prefix_window_step"] = {"rows": rows, "key_length": prompt + rows, "seconds": step,
                                        "roofline_seconds": weight_bytes / (report["copy_gbps"] * 1e9),
                                        "step_over_roofline": step / (weight_bytes / (report["copy_gbps"] * 1e9))}
    json.dump(report, open(args.out, "w"), indent=1)
    f1 = report[f"forward_batch{args.batch[0]}"]
    print(f"torch eager {report['device']}: forward {prompt + gen} tokens {f1['seconds'] * 1e3:.1f} ms (no-cache {f1['no_cache_tokens_per_second']:.2f} tok/s), "
          f"window step {step * 1e3:.2f} ms = {report['prefix_window_step']['step_over_roofline']:.2f}x roofline, "
          f"GEMM {report['large_gemm_bf16']['tflops']:.1f} TFLOP/s, copy {report['copy_gbps']:.0f} GB/s")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("--kind", choices=["llada", "llama"], required=True)
    m.add_argument("--layers", type=int, default=2)
    m.add_argument("--tokens", type=int, default=1024)
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--device", default="cuda")
    m.add_argument("--out", required=True)
    for k in ("hidden", "heads", "kv_heads", "ffn", "vocab"):
        m.add_argument("--" + k.replace("_", "-"), dest=k, type=int)
    c = sub.add_parser("check")
    c.add_argument("--model", required=True)
    c.add_argument("--tool", required=True, help="the lladav-eval command, e.g. '.artifacts/gpu-bundle/lladav-eval'")
    c.add_argument("--device", default="cuda", help="torch device of the reference")
    c.add_argument("--tool-device", default="cuda", help="--device passed to lladav-eval")
    c.add_argument("--prompt", type=int, default=256, help="prompt tokens for the generation check")
    c.add_argument("--gen", type=int, default=32)
    c.add_argument("--timeout", type=int, default=300)
    c.add_argument("--work", default=".")
    c.add_argument("--out", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--preset", choices=["llada-8b"], default="llada-8b")
    b.add_argument("--layers", type=int, default=32)
    b.add_argument("--prompt", type=int, default=1536)
    b.add_argument("--gen", type=int, default=128)
    b.add_argument("--batch", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8])
    b.add_argument("--gemm", type=int, default=8192)
    b.add_argument("--device", default="cuda")
    b.add_argument("--out", required=True)
    args = p.parse_args()
    torch.manual_seed(0)
    {"make": cmd_make, "check": cmd_check, "bench": cmd_bench}[args.cmd](args)


if __name__ == "__main__":
    main()
