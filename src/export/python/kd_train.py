"""kd_train.py: a Distillation Playground run, replayed in PyTorch on a CPU, a GPU or a cluster.

    python kd_train.py run.json                          # CPU, or the GPU when there is one
    torchrun --nproc_per_node=N kd_train.py run.json     # N processes, DistributedDataParallel

The folder holding run.json was exported by the app ("PyTorch script") or the CLI
(`npm run --silent distill -- ... --export-script DIR`). It carries what the TypeScript core would
otherwise re-derive from its own RNG: the initial student weights (the baseline starts from the same)
and feature projections, the training rows with targets and masks, the row indices of every batch in
order, and the hyperparameters of every step. The teacher is frozen; its logits over the training
set are computed once here from the exported teacher weights, as the TS core caches them.

The objective is the TS core's (src/distill/losses.ts), per scored position with student logits zs,
teacher logits zt and label y:

    L = (1 - a) * CE(y, softmax(zs))                          masked mean over hard-scored positions
      + a * T^2 * KL(softmax(zt/T) || softmax(zs/T))          masked mean over soft-scored positions
      + b * feature + g * attention + d * relation

  feature    per student layer i: mean over channels of (h_s[i] @ P_i - h_t[map(i)])^2, masked mean
             over real tokens, then the mean over layers; P_i (Cs, Ct) learned, trained with the student
  attention  per layer: sum over keys of (head-mean A_s[i] - head-mean A_t[map(i)])^2, masked mean over
             real query positions, mean over layers
  relation   mean over the batch's B x B entries of (G_s - G_t)^2, G = U U^T, U the L2-normalised
             masked mean over tokens of the last layer's hidden states

The objective's choices (src/objective.ts; per schedule entry, so they may change mid-run as in the
app): `divergence` replaces the KL above with reverse KL(softmax(zs/T) || softmax(zt/T)), the
generalized JSD(beta) divided by beta(1 - beta) (mixture in probability space; the two KLs at beta = 0
and 1), soft cross-entropy -sum p log q, or logit MSE mean_v (zs - zt)^2 (no T); `t_squared` false
drops the T^2; `label_smoothing` eps replaces the student's label by (1 - eps) one-hot + eps/V (the
baseline keeps plain labels); `sparse_teacher` "top-k" keeps the teacher's k largest logits' softmax,
renormalised (sampled-k is not exported: its draws come from the TS core's RNG). Entries without
these keys are today's objective (forward KL, T^2, plain labels, the full teacher).

A term with weight 0 is not computed and is logged as 0; the soft term is always computed (it is the
student's distance to the teacher). Classification tasks score the label position only. The
baseline student (same initial weights, same batches) learns from the hard term alone. AdamW as
src/train/adamw.ts: beta1 0.9, beta2 0.95, eps 1e-8, decoupled decay on matrices only (ndim >= 2),
the clip on the global norm of all of a model's gradients (the projections' included); the learning
rate warms up linearly and decays on a cosine to a tenth of its peak (src/train/schedule.ts).

Distributed: each rank takes a contiguous slice of every batch. A masked mean must be normalised by
the count over the whole batch, not the rank's slice, to equal the single-process loss: the counts
are taken on the host from the full batch's masks (every rank holds the data, so no collective is
needed), each rank backpropagates world_size * (its slice's sums / global counts), and DDP's
gradient average (sum / world_size) gives exactly the gradient of the whole batch's loss. The
relation term couples rows across ranks: its Gram matrix needs every row's pooled vector, so those
are all-gathered (detached) and each rank differentiates the full term through its own rows only;
the sum over ranks is again the full gradient. Logged losses are all-reduced the same way, so the
curves of N processes are the curves of one, up to float32 summation order.
"""

import argparse
import json
import math
import os
import sys
import time
from decimal import Decimal

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nanogpt import GPT_CONFIG_KEYS, load_model_dir, load_safetensors, save_safetensors  # noqa: E402

FORMAT = "distillation-playground/kd-script"
CURVE_COLUMNS = ["total", "hard", "soft", "feature", "attention", "relation", "baseline"]
METRIC_COLUMNS = ["phase", "split", "step", "model", "accuracy", "macro_f1", "nll", "perplexity", "ece", "agreement", "kl_to_teacher", "kl_to_truth"]


# --- the soft term's choices (src/distill/divergences.ts, src/objective.ts) -----------------------

LOG_PROB_FLOOR = -1e30  # losses.ts's finiteLog: log 0 floored, so 0 * log 0 terms are 0, not NaN


def teacher_target(zt, T, sparse, k):
    """log p of the teacher at T, (N, V): the full softmax, or top-k renormalised (zeros floored)."""
    V = zt.size(-1)
    if sparse == "full" or k >= V:
        return F.log_softmax(zt / T, -1).clamp_min(LOG_PROB_FLOOR)
    if sparse != "top-k":
        sys.exit(f"sparse teacher {sparse!r} cannot be replayed here (only full and top-k)")
    kth = torch.topk(zt, k, -1).values[:, k - 1 :]  # (N, 1) the k-th largest logit; ties at it are kept, as in TS
    keep = (zt >= kth).to(zt.dtype)  # (N, V) 0/1
    p = F.softmax(zt / T, -1) * keep
    return torch.log(p / p.sum(-1, keepdim=True)).clamp_min(LOG_PROB_FLOOR)


def kl_from_logs(log_a, log_b):
    return (log_a.exp() * (log_a - log_b)).sum(-1)


def soft_divergence(z, zt, T, h):
    """The soft divergence per position (N), without T^2: the choice of schedule entry h."""
    divergence = h.get("divergence", "forward-kl")
    if divergence == "logit-mse":
        return (z - zt).square().mean(-1)
    logq = F.log_softmax(z / T, -1).clamp_min(LOG_PROB_FLOOR)
    logp = teacher_target(zt, T, h.get("sparse_teacher", "full"), h.get("teacher_k", zt.size(-1)))
    if divergence == "forward-kl":
        return kl_from_logs(logp, logq)
    if divergence == "reverse-kl":
        return kl_from_logs(logq, logp)
    if divergence == "soft-ce":
        return -(logp.exp() * logq).sum(-1)
    if divergence == "jsd":
        beta = h.get("jsd_beta", 0.5)
        if beta <= 0:
            return kl_from_logs(logp, logq)
        if beta >= 1:
            return kl_from_logs(logq, logp)
        logm = torch.logaddexp(logp + math.log(beta), logq + math.log(1 - beta)).clamp_min(LOG_PROB_FLOOR)
        return (beta * kl_from_logs(logp, logm) + (1 - beta) * kl_from_logs(logq, logm)) / (beta * (1 - beta))
    sys.exit(f"unknown soft divergence {divergence!r}")


def soft_scale(T, h):
    """T^2 when the entry asks for it and T enters the divergence (not logit MSE), else 1."""
    return T * T if h.get("t_squared", True) and h.get("divergence", "forward-kl") != "logit-mse" else 1.0


def smoothed_nll(z, targets, eps):
    """Cross-entropy against (1 - eps) one-hot + eps/V, per position (N); eps = 0 is the plain NLL."""
    logq = F.log_softmax(z, -1)
    nll = -logq.gather(1, targets.unsqueeze(1)).squeeze(1)
    if eps <= 0:
        return nll
    return (1 - eps) * nll - eps * logq.mean(-1)


# --- schedule (src/train/schedule.ts) ------------------------------------------------------------


def learning_rate(step, peak, warmup_steps, total_steps, min_ratio=0.1):
    """step counts from 0, as the TS core's learningRate."""
    min_lr = peak * min_ratio
    if warmup_steps > 0 and step < warmup_steps:
        return peak * (step + 1) / warmup_steps
    if step >= total_steps:
        return min_lr
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return min_lr + 0.5 * (1 + math.cos(math.pi * min(1, max(0, progress)))) * (peak - min_lr)


def hyper_at(schedule, step):
    """The schedule entry in force at `step` (1-based): the last one starting at or before it."""
    current = schedule[0]
    for entry in schedule:
        if entry["step"] <= step:
            current = entry
        else:
            break
    return current


# --- AdamW (src/train/adamw.ts) ------------------------------------------------------------------


class AdamW:
    """Decoupled weight decay on matrices only; global-norm clipping over every gradient present.

    A parameter without a gradient this step (the projections while beta = 0) is left untouched,
    moments included; the step count is the optimiser's, shared by all its parameters."""

    def __init__(self, params, beta1, beta2, eps, weight_decay, clip_norm):
        self.params = list(params)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.weight_decay, self.clip_norm = weight_decay, clip_norm
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self, lr):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        bc1 = 1 - b1**self.t
        bc2 = 1 - b2**self.t
        present = [i for i, p in enumerate(self.params) if p.grad is not None]
        scale = None
        if self.clip_norm > 0 and present:
            norm = torch.stack([self.params[i].grad.square().sum() for i in present]).sum().sqrt()
            scale = self.clip_norm / torch.clamp(norm, min=self.clip_norm)
        step_size = lr / bc1
        decay = lr * self.weight_decay
        for i in present:
            p, m, v = self.params[i], self.m[i], self.v[i]
            g = p.grad * scale if scale is not None else p.grad
            m.mul_(b1).add_(g * (1 - b1))
            v.mul_(b2).add_(g.square() * (1 - b2))
            update = m / ((v / bc2).sqrt() + self.eps) * step_size
            nxt = p - update
            if decay > 0 and p.ndim >= 2:
                nxt = nxt - p * decay
            p.copy_(nxt)


# --- models --------------------------------------------------------------------------------------


class Student(nn.Module):
    """A GPT plus (for the distilled student) one learned projection per layer for the feature term.

    One module, so DistributedDataParallel sees every parameter the student's optimiser updates."""

    def __init__(self, gpt, projections=()):
        super().__init__()
        self.gpt = gpt
        self.projections = nn.ParameterList([nn.Parameter(p.clone()) for p in projections])

    def forward(self, idx, positions=None, project=False):
        """Logits (B, S, V) at `positions` (one per row) or every position; hidden states, attention
        maps and, with project, the hidden states mapped to the teacher's width."""
        x, hidden, attention = self.gpt.hidden_and_attention(idx)
        if positions is not None:
            x = x[torch.arange(x.size(0), device=x.device), positions].unsqueeze(1)  # (B, 1, C)
        logits = self.gpt.lm_head(self.gpt.transformer.ln_f(x))
        projected = [h @ p for h, p in zip(hidden, self.projections)] if project else None
        return logits, hidden, attention, projected


def teacher_outputs(teacher, idx, positions=None):
    x, hidden, attention = teacher.hidden_and_attention(idx)
    if positions is not None:
        x = x[torch.arange(x.size(0), device=x.device), positions].unsqueeze(1)
    return teacher.lm_head(teacher.transformer.ln_f(x)), hidden, attention


def pooled_unit(hidden, token_mask):
    """(B, T, C) -> (B, C): masked mean over real tokens, L2-normalised (as the TS pooledUnit)."""
    m = token_mask.unsqueeze(-1)
    pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1)
    return pooled / (pooled.square().sum(-1, keepdim=True) + 1e-12).sqrt()


# --- distributed ---------------------------------------------------------------------------------


class World:
    def __init__(self, device_arg):
        self.size = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local = int(os.environ.get("LOCAL_RANK", "0"))
        want_cuda = device_arg == "cuda" or (device_arg == "auto" and torch.cuda.is_available())
        if want_cuda:
            self.device = torch.device("cuda", local if self.size > 1 else torch.cuda.current_device())
            torch.cuda.set_device(self.device)
        else:
            self.device = torch.device("cpu")
        if self.size > 1:
            dist.init_process_group(backend="nccl" if want_cuda else "gloo")

    @property
    def main(self):
        return self.rank == 0

    def slice(self, n):
        """This rank's contiguous share [lo, hi) of n rows, and every rank's share size."""
        base, extra = divmod(n, self.size)
        sizes = [base + (1 if r < extra else 0) for r in range(self.size)]
        lo = sum(sizes[: self.rank])
        return lo, lo + sizes[self.rank], sizes

    def all_sum(self, t):
        if self.size > 1:
            dist.all_reduce(t, op=dist.ReduceOp.SUM)
        return t

    def gather_rows(self, local, sizes):
        """All ranks' rows of `local` (detached), in rank order; the rank's own rows stay live."""
        if self.size == 1:
            return local
        width = max(sizes)
        pad = torch.zeros((width - local.size(0),) + tuple(local.shape[1:]), dtype=local.dtype, device=local.device)
        buf = [torch.empty((width,) + tuple(local.shape[1:]), dtype=local.dtype, device=local.device) for _ in sizes]
        dist.all_gather(buf, torch.cat([local.detach(), pad]))
        parts = [b[:n] for b, n in zip(buf, sizes)]
        parts[self.rank] = local
        return torch.cat(parts)

    def broadcast_flag(self, flag):
        if self.size == 1:
            return flag
        t = torch.tensor([1 if flag else 0], device=self.device)
        dist.broadcast(t, 0)
        return bool(t.item())

    def close(self):
        if self.size > 1:
            dist.barrier()
            dist.destroy_process_group()


# --- evaluation (src/train/evaluate.ts, metrics.ts) ----------------------------------------------


@torch.no_grad()
def scored_probs(model, split, columns, rows=None, chunk=128):
    """(M, K) probabilities at the hard-scored positions of a split; K = classes or vocabulary."""
    inputs, mask, targets = split["inputs"], split["hard_mask"], split["targets"]
    n = inputs.size(0) if rows is None else min(rows, inputs.size(0))
    out = []
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        logits = model.logits_all(inputs[start:stop])  # (b, T, V)
        picked = logits[mask[start:stop] == 1]  # (m, V)
        if columns is not None:
            picked = picked[:, columns]
        out.append(F.softmax(picked.float(), dim=-1))
    labels = targets[:n][mask[:n] == 1]
    if columns is not None:  # a label token -> its class index (0 for a token that is no class, as the TS core)
        lookup = torch.zeros(int(max(columns.max().item(), labels.max().item() if labels.numel() else 0)) + 1, dtype=torch.long, device=labels.device)
        lookup[columns] = torch.arange(columns.numel(), device=labels.device)
        labels = lookup[labels]
    return torch.cat(out).double().cpu(), labels.cpu()


def metrics(probs, labels, k, classification, teacher=None):
    m = labels.numel()
    pred = probs.argmax(-1)
    acc = (pred == labels).double().mean().item() if m else 0.0
    nll = (-probs[torch.arange(m), labels].clamp(min=1e-12).log()).mean().item() if m else 0.0
    conf = probs[torch.arange(m), pred]
    bins = torch.clamp((conf * 10).floor().long(), max=9)
    ece = 0.0
    for b in range(10):
        sel = bins == b
        if sel.any():
            ece += sel.double().mean().item() * abs(conf[sel].mean().item() - (pred[sel] == labels[sel]).double().mean().item())
    out = {"accuracy": acc, "nll": nll, "perplexity": math.exp(nll), "ece": ece}
    if classification:
        f1s = []
        for c in range(k):
            tp = ((pred == c) & (labels == c)).sum().item()
            predicted, actual = (pred == c).sum().item(), (labels == c).sum().item()
            p = tp / predicted if predicted else 0.0
            r = tp / actual if actual else 0.0
            if actual or predicted:
                f1s.append(2 * p * r / (p + r) if p + r > 0 else 0.0)
        out["macro_f1"] = sum(f1s) / len(f1s) if f1s else 0.0
    if teacher is not None:
        out["agreement"] = (teacher.argmax(-1) == pred).double().mean().item() if m else 0.0
        kl = torch.where(teacher > 0, teacher * (teacher.log() - probs.clamp(min=1e-12).log()), torch.zeros_like(teacher))
        out["kl_to_teacher"] = kl.sum(-1).mean().item() if m else 0.0
    return out


# --- CSV in the app's format (src/client/exports.ts) ---------------------------------------------


def js_number(x):
    """A number as JavaScript's String(x) writes it (the app's CSV cells): shortest round-trip digits."""
    if x is None:
        return ""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    d = Decimal(repr(abs(x))).normalize().as_tuple()
    digits = "".join(map(str, d.digits))
    k = len(digits)
    n = d.exponent + k  # value = 0.digits * 10^n
    if k <= n <= 21:
        s = digits + "0" * (n - k)
    elif 0 < n <= 21:
        s = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        s = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        s = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + s


def csv_cell(v):
    if v is None:
        return ""
    if isinstance(v, str):
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in '",\n') else v
    return js_number(v)


# --- the run -------------------------------------------------------------------------------------


def load_split(tensors, prefix, device):
    return {
        "inputs": tensors[f"{prefix}.inputs"].long().to(device),
        "targets": tensors[f"{prefix}.targets"].long().to(device),
        "hard_mask": tensors[f"{prefix}.hard_mask"].to(device),
        "soft_mask": tensors[f"{prefix}.soft_mask"].to(device),
        "token_mask": tensors[f"{prefix}.token_mask"].to(device),
    }


def single_scored_positions(split):
    """Each row's one scored position (classification), or None when some row scores none or several."""
    scored = (split["hard_mask"] != 0) | (split["soft_mask"] != 0)
    if not bool((scored.sum(1) == 1).all()):
        return None
    return scored.float().argmax(1)


@torch.no_grad()
def teacher_logits_cache(teacher, train, positions, chunk=128):
    """Raw teacher logits over the training set: (N, V) at the scored positions, else (N*T, V)."""
    parts = []
    n = train["inputs"].size(0)
    for start in range(0, n, chunk):
        idx = train["inputs"][start : start + chunk]
        pos = positions[start : start + chunk] if positions is not None else None
        logits, _, _ = teacher_outputs(teacher, idx, pos)
        parts.append(logits.reshape(-1, logits.size(-1)))
    return torch.cat(parts)


def model_config_json(init_cfg, extra, trained_by):
    base = {k: init_cfg[k] for k in GPT_CONFIG_KEYS}
    base["vocab"] = init_cfg["vocab"]
    return {**base, **extra, "trained_by": trained_by}


def save_model(directory, gpt, cfg):
    os.makedirs(directory, exist_ok=True)
    save_safetensors(os.path.join(directory, "model.safetensors"), gpt.state_dict(), {"format": "pt"})
    with open(os.path.join(directory, "config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2, ensure_ascii=False)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run_json", help="run.json of an exported folder")
    ap.add_argument("--out", help="output folder (default: out/ beside run.json)")
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"], help="auto: cuda when available, else cpu")
    ap.add_argument("--steps", type=int, help="stop after this many steps (default: the run's; the schedule stays the run's)")
    ap.add_argument("--log-every", type=int, default=50, help="progress line and loss read-back every N steps")
    ap.add_argument("--save-teacher-logits", metavar="FILE", help="also write the teacher's cached logits over the training set (safetensors)")
    args = ap.parse_args()

    root = os.path.dirname(os.path.abspath(args.run_json))
    with open(args.run_json, encoding="utf-8") as f:
        run = json.load(f)
    if run.get("format") != FORMAT:
        sys.exit(f"{args.run_json} is not a kd-script run.json (format {run.get('format')!r}, expected {FORMAT!r})")
    out_dir = args.out or os.path.join(root, "out")
    world = World(args.device)
    dev = world.device
    started = time.time()

    def log(msg):
        if world.main:
            print(msg, file=sys.stderr, flush=True)

    files = run["files"]
    data = load_safetensors(os.path.join(root, files["data"]))
    train = load_split(data, "train", dev)
    val = load_split(data, "val", dev)
    test = load_split(data, "test", dev)
    batch_rows = data["batch_rows"].long()
    batch_sizes = data["batch_sizes"].long().tolist()
    offsets = [0]
    for b in batch_sizes:
        offsets.append(offsets[-1] + b)

    teacher, _ = load_model_dir(os.path.join(root, files["teacher"]))
    teacher.to(dev).eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    student_gpt, init_cfg = load_model_dir(os.path.join(root, files["student_init"]))
    baseline_gpt, _ = load_model_dir(os.path.join(root, files["baseline_init"]))
    proj = load_safetensors(os.path.join(root, files["projections"]))
    projections = [proj[f"projections.{i}"] for i in range(student_gpt.config.n_layer)]
    student = Student(student_gpt, projections).to(dev).train()
    baseline = Student(baseline_gpt).to(dev).train()

    task = run["task"]
    classification = task["kind"] == "classification"
    class_ids = task["class_token_ids"]
    columns = torch.tensor(class_ids, device=dev) if class_ids else None
    positions = single_scored_positions(train)
    if classification and positions is None:
        sys.exit("a classification task must score one position per training row")
    cache = teacher_logits_cache(teacher, train, positions)
    if args.save_teacher_logits and world.main:
        save_safetensors(args.save_teacher_logits, {"teacher_logits": cache.float().contiguous()})

    schedule = run["schedule"]
    total_steps = run["steps"]
    steps = total_steps if args.steps is None else min(args.steps, total_steps)
    lrs = run["lr_schedule"]
    ad = run["adamw"]
    layer_map = run["layer_map"]
    for s in range(1, steps + 1):
        if hyper_at(schedule, s)["batch_size"] != batch_sizes[s - 1]:
            sys.exit(f"batch_sizes[{s - 1}] = {batch_sizes[s - 1]} disagrees with the schedule's batch size at step {s}")

    # Projections unused while beta = 0: DDP must then be told that some parameters may get no gradient.
    beta_off_sometimes = any(e["beta"] <= 0 for e in schedule) and len(student.projections) > 0
    if world.size > 1:
        from torch.nn.parallel import DistributedDataParallel as DDP

        ids = [dev.index] if dev.type == "cuda" else None
        student_ddp = DDP(student, device_ids=ids, find_unused_parameters=beta_off_sometimes)
        baseline_ddp = DDP(baseline, device_ids=ids)
    else:
        student_ddp, baseline_ddp = student, baseline
    opt_s = AdamW(student.parameters(), ad["beta1"], ad["beta2"], ad["eps"], ad["weight_decay"], ad["clip_norm"])
    opt_b = AdamW(baseline.parameters(), ad["beta1"], ad["beta2"], ad["eps"], ad["weight_decay"], ad["clip_norm"])

    # Host copies for the loss normalisers: the whole batch's counts, so every rank divides by the same.
    hard_per_row = train["hard_mask"].sum(1).cpu().double()
    soft_per_row = train["soft_mask"].sum(1).cpu().double()
    tok_per_row = train["token_mask"].sum(1).cpu().double()
    S = 1 if positions is not None else train["inputs"].size(1)
    V = cache.size(-1)
    cache_rows = cache.reshape(train["inputs"].size(0), S, V)

    log(f"[kd_train] {task['id']} ({task['kind']}), {steps} steps, {world.size} process(es) on {dev}; "
        f"student {sum(p.numel() for p in student_gpt.parameters())} parameters, teacher {sum(p.numel() for p in teacher.parameters())}")

    # --- evaluation and early stopping (src/train/run.ts) ---
    ev = run["eval"]
    val_rows = ev["val_rows"]
    k = len(class_ids) if class_ids else V
    metric_rows = []
    teacher_val = scored_probs(teacher, val, columns, val_rows) if world.main else None
    patience = ev["patience"]
    best = {"student": -math.inf, "baseline": -math.inf}
    best_step = {"student": 0, "baseline": 0}
    snapshots = {"student": None, "baseline": None}
    since_best = 0

    def evaluate(split_name, step, rows=None):
        split = val if split_name == "val" else test
        tp, labels = teacher_val if split_name == "val" else scored_probs(teacher, split, columns, rows)
        report = {"teacher": metrics(tp, labels, k, classification)}
        for role, m in (("student", student_gpt), ("baseline", baseline_gpt)):
            m.eval()
            probs, _ = scored_probs(m, split, columns, rows)
            m.train()
            report[role] = metrics(probs, labels, k, classification, tp)
        for role in ("teacher", "student", "baseline"):
            r = report[role]
            metric_rows.append(["distill", split_name, step, role] + [r.get(c) for c in METRIC_COLUMNS[4:]])
        return report

    def validate(step):
        """Returns True when early stopping says stop (rank 0 decides, every rank follows)."""
        nonlocal since_best
        stop = False
        if world.main:
            report = evaluate("val", step, val_rows)
            log(f"[kd_train] step {step} val accuracy: teacher {report['teacher']['accuracy']:.4f} "
                f"student {report['student']['accuracy']:.4f} baseline {report['baseline']['accuracy']:.4f}")
            if patience > 0:
                improved = False
                for role, m in (("student", student_gpt), ("baseline", baseline_gpt)):
                    r = report[role]
                    score = r["accuracy"] if classification else -r["nll"]
                    if score > best[role]:
                        best[role], best_step[role] = score, step
                        snapshots[role] = {n: t.detach().clone() for n, t in m.state_dict().items()}
                        improved = improved or role == "student"
                since_best = 0 if improved else since_best + 1
                stop = since_best >= patience
        return world.broadcast_flag(stop)

    # --- training ---
    curves = []
    pending = []  # (step, lr, T, alpha, local report tensor (7)) not yet read back

    def flush():
        if not pending:
            return
        local = torch.stack([p[4] for p in pending])  # (n, 7)
        values = world.all_sum(local).cpu().tolist()
        for (step, lr, T, alpha, _), v in zip(pending, values):
            curves.append(["distill", step, lr, T, alpha] + v)
        pending.clear()
        last = curves[-1]
        log(f"[kd_train] step {last[1]}/{steps} loss {last[5]:.4f} (hard {last[6]:.4f} soft {last[7]:.4f}) baseline {last[11]:.4f}")

    stopped_early = validate(0)
    step = 0
    while step < steps and not stopped_early:
        step += 1
        h = hyper_at(schedule, step)
        T, alpha, beta, gamma, delta = h["temperature"], h["alpha"], h["beta"], h["gamma"], h["delta"]
        lr = learning_rate(step - 1, h["lr"], lrs["warmup_steps"], lrs["total_steps"], lrs.get("min_lr_ratio", 0.1))
        rows_all = batch_rows[offsets[step - 1] : offsets[step]]
        B = rows_all.numel()
        hard_count = max(hard_per_row[rows_all].sum().item(), 1)
        soft_count = max(soft_per_row[rows_all].sum().item(), 1)
        tok_count = max(tok_per_row[rows_all].sum().item(), 1)
        lo, hi, sizes = world.slice(B)
        rows = rows_all[lo:hi].to(dev)
        idx = train["inputs"][rows]  # (b, T)
        pos = positions[rows] if positions is not None else None
        if pos is not None:
            targets, hm, sm = train["targets"][rows, pos], train["hard_mask"][rows, pos], train["soft_mask"][rows, pos]
        else:
            targets, hm, sm = train["targets"][rows].reshape(-1), train["hard_mask"][rows].reshape(-1), train["soft_mask"][rows].reshape(-1)
        zt = cache_rows[rows].reshape(-1, V)  # (N, V) raw teacher logits
        inter = beta > 0 or gamma > 0 or delta > 0
        scale = float(world.size)  # DDP averages gradients over ranks; the slice losses add up

        # Student: every term over this rank's rows, normalised by the whole batch's counts.
        logits, hidden, att, projected = student_ddp(idx, pos, project=beta > 0)
        z = logits.reshape(-1, V)
        nll = smoothed_nll(z, targets, h.get("label_smoothing", 0.0))
        hard = (nll * (hm * (1 / hard_count))).sum()
        soft = (soft_divergence(z, zt, T, h) * (sm * (1 / soft_count))).sum() * soft_scale(T, h)
        zero = z.new_zeros(())
        feature = attention = relation = zero
        if inter:
            tm = train["token_mask"][rows]  # (b, T)
            with torch.no_grad():
                _, t_hidden, t_att = teacher_outputs(teacher, idx)
            flat = tm.reshape(-1)
            if beta > 0:
                terms = []
                for i, pr in enumerate(projected):
                    ht = t_hidden[layer_map[i]]
                    per_tok = (pr - ht).square().mean(-1).reshape(-1)
                    terms.append((per_tok * flat).sum() / tok_count)
                feature = torch.stack(terms).mean()
            if gamma > 0:
                terms = []
                for i, a in enumerate(att):
                    diff = a.mean(1) - t_att[layer_map[i]].mean(1)  # (b, T, T)
                    per_q = diff.square().sum(-1).reshape(-1)
                    terms.append((per_q * flat).sum() / tok_count)
                attention = torch.stack(terms).mean()
            if delta > 0:
                ps = world.gather_rows(pooled_unit(hidden[-1], tm), sizes)  # (B, Cs): own rows live
                pt = world.gather_rows(pooled_unit(t_hidden[-1], tm), sizes)  # (B, Ct)
                relation = (ps @ ps.T - pt @ pt.T).square().mean()
        total = (1 - alpha) * hard + alpha * soft
        if beta > 0:
            total = total + beta * feature
        if gamma > 0:
            total = total + gamma * attention
        if delta > 0:
            # The full term on every rank, differentiated through the rank's own rows: counted once in the log.
            total_log = total + delta * relation / world.size
            total = total + delta * relation
        else:
            total_log = total
        opt_s.zero_grad()
        (total * scale if world.size > 1 else total).backward()
        opt_s.step(lr)

        # Baseline: the same rows, hard labels only.
        b_logits, _, _, _ = baseline_ddp(idx, pos)
        b_nll = -F.log_softmax(b_logits.reshape(-1, V), -1).gather(1, targets.unsqueeze(1)).squeeze(1)
        b_loss = (b_nll * (hm * (1 / hard_count))).sum()
        opt_b.zero_grad()
        (b_loss * scale if world.size > 1 else b_loss).backward()
        opt_b.step(lr)

        report = torch.stack([total_log, hard, soft, feature, attention, relation / world.size, b_loss]).detach()
        pending.append((step, lr, T, alpha, report))
        if step % args.log_every == 0 or step == steps:
            flush()
        if step % ev["every"] == 0 or step == steps:
            flush()
            stopped_early = validate(step)
    flush()

    restored = None
    if world.main and patience > 0:
        for role, m in (("student", student_gpt), ("baseline", baseline_gpt)):
            if snapshots[role] is not None:
                m.load_state_dict(snapshots[role])
        restored = dict(best_step)
    result = None
    if world.main:
        test_report = evaluate("test", step)
        os.makedirs(out_dir, exist_ok=True)
        with open(os.path.join(out_dir, "curves.csv"), "w", encoding="utf-8", newline="") as f:
            f.write(",".join(["phase", "step", "lr", "temperature", "alpha"] + CURVE_COLUMNS) + "\n")
            for row in curves:
                f.write(",".join(csv_cell(v) for v in row) + "\n")
        with open(os.path.join(out_dir, "metrics.csv"), "w", encoding="utf-8", newline="") as f:
            f.write(",".join(METRIC_COLUMNS) + "\n")
            for row in metric_rows:
                f.write(",".join(csv_cell(v) for v in row) + "\n")
        trained_by = {"script": "kd_train.py", "torch": torch.__version__, "device": dev.type, "world_size": world.size}
        for role, m in (("student", student_gpt), ("baseline", baseline_gpt)):
            extra = json.loads(json.dumps(run["model_extra"][role]))
            training = extra.get("training") or {}
            training["steps"] = step
            if "schedule" in training:
                training["schedule"] = [e for e in training["schedule"] if e["step"] <= step]
            if restored:
                training["weights_from_step"] = restored[role]
            extra["training"] = training
            save_model(os.path.join(out_dir, role), m, model_config_json(init_cfg, extra, trained_by))
        result = {
            "task": task["id"],
            "steps": step,
            "stopped_early": bool(stopped_early),
            "weights_from_step": restored,
            "world_size": world.size,
            "device": str(dev),
            "torch": torch.__version__,
            "wall_seconds": time.time() - started,
            "split": "test",
            "teacher": test_report["teacher"],
            "student": test_report["student"],
            "baseline": test_report["baseline"],
            "kd_gain": test_report["student"]["accuracy"] - test_report["baseline"]["accuracy"],
            "out": out_dir,
        }
        with open(os.path.join(out_dir, "summary.json"), "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
        log(f"[kd_train] test accuracy: teacher {result['teacher']['accuracy']:.4f} student {result['student']['accuracy']:.4f} "
            f"baseline {result['baseline']['accuracy']:.4f}; wrote {out_dir} in {result['wall_seconds']:.1f} s")
    world.close()
    if result is not None:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
