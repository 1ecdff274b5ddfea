"""python3 tests/torch/logits.py MODEL_DIR 1,2,3 [4,5 ...]: prints {"logits": [...]} per input as JSON.

Loads the exported directory into nanoGPT's GPT (src/export/python/nanogpt.py, strict=True) and runs
the PyTorch forward pass at every position, float32, CPU.
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src", "export", "python"))
import torch  # noqa: E402

from nanogpt import load_model_dir  # noqa: E402

model, cfg = load_model_dir(sys.argv[1])
out = []
with torch.no_grad():
    for arg in sys.argv[2:]:
        ids = torch.tensor([[int(t) for t in arg.split(",")]], dtype=torch.long)
        out.append(model.logits_all(ids)[0].tolist())
print(json.dumps({"torch": torch.__version__, "logits": out}))
