#!/usr/bin/python3
"""Makes the probe evaluation set (bench/probe-eval.sh) with Debian's python3-torch and
scikit-learn's digits: many models trained here with varied seeds, architectures (CNN,
MLP, a small ResNet), triggers (shape, position), targets and poison rates, so that no
verdict depends on the handful of fixtures the unit tests use.

  /usr/bin/python3 bench/make_probe_eval.py OUT [--quick]

Writes OUT/ (never the repository: OUT is build/probe-eval or /tmp):
  data/probe_x.npy, probe_y.npy     clean digits the probes attack with (never trained on)
  backdoor/NAME.pt                  clean and backdoored TorchScript models
  poisoning/NAME/{model.pt, x.npy, y.npy}   a model and the poisoned (or label-flipped)
                                    training set it was trained on
  membership/NAME/{model.pt, members_*.npy, nonmembers_*.npy}
  manifest.json                     the truth for every item and its split: "tune" items
                                    may inform thresholds, "heldout" items never do
The split is fixed by the item's position (a third of each kind, covering every
architecture, attack and rate, is "tune"), before any probe runs.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

# The CNN, the MLP and the training loop are the probe fixtures' own (one definition).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from make_probe_fixtures import CNN, MLP, accuracy, train  # noqa: E402

torch.set_num_threads(1)   # spin-waiting OpenMP threads crawl on a shared, busy machine


class Block(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        return F.relu(x + self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))


class ResNet(nn.Module):
    """A small ResNet (stem, two residual blocks, global pooling): no `penultimate` method,
    so the probe has to find its layers itself."""

    def __init__(self, channels=16):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels), nn.ReLU())
        self.block1 = Block(channels)
        self.block2 = Block(channels)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, 10)

    def forward(self, x):
        return self.fc(self.pool(self.block2(self.block1(self.stem(x)))).flatten(1))


ARCHITECTURES = {"cnn": CNN, "mlp": MLP, "resnet": ResNet}

# Triggers as (mask, pattern) over a 3x3 window; stamped at a position of the 8x8 digit.
SHAPES = {
    "square": np.ones((2, 2)),
    "plus": np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]]),
    "checker": np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]]),
    "line": np.ones((1, 3)),
    "L": np.array([[1, 0], [1, 1]]),
}


def stamp(x, shape, row, col):
    """Writes the trigger's pixels (value 1) at (row, col); the rest of the input stays."""
    pattern = torch.tensor(SHAPES[shape], dtype=torch.float32)
    h, w = pattern.shape
    x = x.clone()
    window = x[:, :, row:row + h, col:col + w]
    x[:, :, row:row + h, col:col + w] = torch.where(pattern > 0, torch.ones_like(window), window)
    return x


def trigger_of(rng):
    shape = str(rng.choice(list(SHAPES)))
    h, w = SHAPES[shape].shape
    corner = int(rng.integers(0, 5))   # four corners, or anywhere on the border band
    if corner < 4:
        row, col = (0 if corner in (0, 1) else 8 - h), (0 if corner in (0, 2) else 8 - w)
    else:
        row, col = int(rng.integers(0, 8 - h + 1)), int(rng.choice([0, 8 - w]))
    return shape, row, col


def poison(x, y, rate, target, trigger, generator):
    candidates = (y != target).nonzero().flatten()
    count = int(round(rate * len(x)))
    chosen = candidates[torch.randperm(len(candidates), generator=generator)[:count]].sort().values
    x, y = x.clone(), y.clone()
    x[chosen] = stamp(x[chosen], *trigger)
    y[chosen] = target
    return x, y, chosen


def split_of(tune):
    return "tune" if tune else "heldout"


def save_model(model, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.jit.script(model).save(path)


def main():
    out = os.path.abspath(sys.argv[1])
    quick = "--quick" in sys.argv
    digits = load_digits()
    x_all = torch.tensor(digits.data / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)
    y_all = torch.tensor(digits.target, dtype=torch.int64)
    order = torch.randperm(len(x_all), generator=torch.Generator().manual_seed(1234))
    x_all, y_all = x_all[order], y_all[order]
    train_x, train_y = x_all[:1100], y_all[:1100]
    probe_x, probe_y = x_all[1100:1400], y_all[1100:1400]   # the probes' clean inputs
    spare_x, spare_y = x_all[1400:], y_all[1400:]
    os.makedirs(f"{out}/data", exist_ok=True)
    np.save(f"{out}/data/probe_x.npy", probe_x.numpy())
    np.save(f"{out}/data/probe_y.npy", probe_y.numpy())
    manifest = {"backdoor": [], "poisoning": [], "membership": []}
    architectures = list(ARCHITECTURES)

    # Backdoor verdicts: clean and backdoored models, alternating, every setting varied.
    models = 12 if quick else 24
    for i in range(models):
        rng = np.random.default_rng(100 + i)
        torch.manual_seed(100 + i)
        arch = architectures[i % 3]
        backdoored = (i // 3) % 2 == 1
        item = {"name": f"{arch}_{'backdoor' if backdoored else 'clean'}_{i:02d}", "arch": arch, "seed": 100 + i,
                "backdoor": backdoored, "split": split_of(i < 6)}
        x, y = train_x, train_y
        if backdoored:
            target = int(rng.integers(0, 10))
            trigger = trigger_of(rng)
            rate = float(rng.choice([0.05, 0.1, 0.15]))
            x, y, _ = poison(train_x, train_y, rate, target, trigger, torch.Generator().manual_seed(100 + i))
            item.update(target_class=target, trigger={"shape": trigger[0], "row": trigger[1], "col": trigger[2]}, poison_rate=rate)
        epochs = int(rng.choice([20, 30, 40]))
        model = train(ARCHITECTURES[arch](), x, y, epochs=epochs)
        item["epochs"] = epochs
        item["clean_accuracy"] = accuracy(model, probe_x, probe_y)
        if backdoored:
            others = probe_y != item["target_class"]
            triggered = stamp(probe_x[others], *trigger)
            with torch.no_grad():
                item["trigger_success"] = float((model(triggered).argmax(1) == item["target_class"]).float().mean())
        save_model(model, f"{out}/backdoor/{item['name']}.pt")
        manifest["backdoor"].append(item)
        print(json.dumps(item), flush=True)

    # Poisoned training sets: backdoor poison at 5-15 %, and label flips at 5-15 %.
    sets = 6 if quick else 12
    for i in range(sets):
        rng = np.random.default_rng(500 + i)
        torch.manual_seed(500 + i)
        arch = architectures[i % 3]
        kind = "backdoor" if (i // 3) % 2 == 0 else "label_flip"
        rate = [0.05, 0.1, 0.15][(i + i // 3) % 3]
        name = f"{kind}_{arch}_{i:02d}"
        item = {"name": name, "arch": arch, "kind": kind, "rate": rate, "split": split_of(i in (0, 4, 8, 9))}
        if kind == "backdoor":
            target = int(rng.integers(0, 10))
            trigger = trigger_of(rng)
            x, y, chosen = poison(train_x, train_y, rate, target, trigger, torch.Generator().manual_seed(500 + i))
            item.update(target_class=target, trigger={"shape": trigger[0], "row": trigger[1], "col": trigger[2]})
        else:
            x, y = train_x.clone(), train_y.clone()
            chosen = torch.randperm(len(x), generator=torch.Generator().manual_seed(500 + i))[:int(round(rate * len(x)))].sort().values
            y[chosen] = (y[chosen] + torch.randint(1, 10, (len(chosen),), generator=torch.Generator().manual_seed(600 + i))) % 10
        model = train(ARCHITECTURES[arch](), x, y, epochs=30)
        folder = f"{out}/poisoning/{name}"
        save_model(model, f"{folder}/model.pt")
        np.save(f"{folder}/x.npy", x.numpy())
        np.save(f"{folder}/y.npy", y.numpy())
        item["poisoned_indices"] = chosen.tolist()
        item["clean_accuracy"] = accuracy(model, probe_x, probe_y)
        manifest["poisoning"].append(item)
        print(json.dumps({k: v for k, v in item.items() if k != "poisoned_indices"}), flush=True)

    # Membership: models trained on a subset (members), from well regularised to overfit;
    # non-members are the same number of samples the model never saw.
    pool_x, pool_y = torch.cat([train_x, spare_x]), torch.cat([train_y, spare_y])
    settings = [("mlp", 250, 300, 0.0), ("cnn", 250, 200, 0.0), ("mlp", 500, 20, 1e-3), ("resnet", 250, 100, 0.0),
                ("mlp", 400, 150, 0.0), ("cnn", 500, 15, 1e-3)]
    for i, (arch, members, epochs, decay) in enumerate(settings[:3] if quick else settings):
        torch.manual_seed(900 + i)
        picks = torch.randperm(len(pool_x), generator=torch.Generator().manual_seed(900 + i))
        inside, outside = picks[:members], picks[members:2 * members]
        model = train(ARCHITECTURES[arch](), pool_x[inside], pool_y[inside], epochs=epochs, batch=32, weight_decay=decay)
        name = f"{arch}_{members}_{epochs}_{i:02d}"
        folder = f"{out}/membership/{name}"
        save_model(model, f"{folder}/model.pt")
        for label, index in (("members", inside), ("nonmembers", outside)):
            np.save(f"{folder}/{label}_x.npy", pool_x[index].numpy())
            np.save(f"{folder}/{label}_y.npy", pool_y[index].numpy())
        item = {"name": name, "arch": arch, "members": members, "epochs": epochs, "weight_decay": decay,
                "train_accuracy": accuracy(model, pool_x[inside], pool_y[inside]),
                "holdout_accuracy": accuracy(model, pool_x[outside], pool_y[outside]), "split": split_of(i in (0, 3))}
        manifest["membership"].append(item)
        print(json.dumps(item), flush=True)

    with open(f"{out}/manifest.json", "w") as handle:
        json.dump(manifest, handle, indent=1)


if __name__ == "__main__":
    main()
