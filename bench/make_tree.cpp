// Generates a synthetic ML monorepo for the scan benchmark: Python packages with data
// loading, feature engineering, training, serving and utilities; notebooks; YAML, TOML
// and Dockerfile configuration. Deterministic for a given size.
//   mlaudit-bench-tree OUTPUT_DIR [--files N]
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) text.replace(at, from.size(), to);
  return text;
}

// Ordinary code that every module carries: helpers, a class, loops. Most lines of a real
// project look like this and contain no finding.
const char* kCommonBody = R"(

def normalise_{n}(values, lower=0.0, upper=1.0):
    """Scales values into [lower, upper]."""
    smallest = min(values)
    largest = max(values)
    span = largest - smallest or 1.0
    return [lower + (value - smallest) * (upper - lower) / span for value in values]


def rolling_mean_{n}(values, window=5):
    result = []
    total = 0.0
    for index, value in enumerate(values):
        total += value
        if index >= window:
            total -= values[index - window]
        result.append(total / min(index + 1, window))
    return result


class Statistics{n}:
    """Running statistics of a feature column."""

    def __init__(self, name):
        self.name = name
        self.count = 0
        self.mean = 0.0
        self.m2 = 0.0

    def update(self, value):
        self.count += 1
        delta = value - self.mean
        self.mean += delta / self.count
        self.m2 += delta * (value - self.mean)

    @property
    def variance(self):
        return self.m2 / (self.count - 1) if self.count > 1 else 0.0

    def summary(self):
        return {"name": self.name, "count": self.count, "mean": self.mean, "variance": self.variance}


def bucketise_{n}(value, edges=(0, 10, 50, 100, 500)):
    for index, edge in enumerate(edges):
        if value < edge:
            return index
    return len(edges)


def merge_dicts_{n}(*dicts):
    merged = {}
    for item in dicts:
        for key, value in item.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = merge_dicts_{n}(merged[key], value)
            else:
                merged[key] = value
    return merged


def split_batches_{n}(items, size=32):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def confusion_{n}(labels, predicted):
    counts = {"tp": 0, "fp": 0, "tn": 0, "fn": 0}
    for label, guess in zip(labels, predicted):
        if label and guess:
            counts["tp"] += 1
        elif guess:
            counts["fp"] += 1
        elif label:
            counts["fn"] += 1
        else:
            counts["tn"] += 1
    precision = counts["tp"] / max(counts["tp"] + counts["fp"], 1)
    recall = counts["tp"] / max(counts["tp"] + counts["fn"], 1)
    counts["f1"] = 2 * precision * recall / max(precision + recall, 1e-9)
    return counts


class Schedule{n}:
    """Learning-rate schedule with warm-up and cosine decay."""

    def __init__(self, base=0.1, warmup=100, total=10000):
        self.base = base
        self.warmup = warmup
        self.total = total

    def __call__(self, step):
        import math

        if step < self.warmup:
            return self.base * (step + 1) / self.warmup
        progress = (step - self.warmup) / max(self.total - self.warmup, 1)
        return 0.5 * self.base * (1 + math.cos(math.pi * min(progress, 1.0)))


def describe_{n}(frame_like):
    described = {}
    for column, values in frame_like.items():
        numeric = [value for value in values if isinstance(value, (int, float))]
        if not numeric:
            described[column] = {"kind": "categorical", "distinct": len(set(values))}
            continue
        described[column] = {
            "kind": "numeric",
            "min": min(numeric),
            "max": max(numeric),
            "mean": sum(numeric) / len(numeric),
        }
    return described
)";

const std::vector<std::string> kTemplates = {
    // data loading and feature engineering
    R"("""Feature pipeline {n}."""
import logging
import os

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)
DATA_DIR = os.environ.get("DATA_DIR", "data")
RAW_PATH = os.path.join("data", "raw_{n}.csv")
FEATURE_COLUMNS = ["tenure", "charges", "contract", "region"]


def load_{n}():
    frame = pd.read_csv(RAW_PATH, usecols=FEATURE_COLUMNS + ["label"])
    frame = frame.dropna()
    log.info("loaded %d rows", len(frame))
    return frame


def engineer_{n}(frame):
    frame["charges_per_month"] = frame["charges"] / np.maximum(frame["tenure"], 1)
    frame["is_long"] = frame["tenure"] > 24
    frame.to_parquet("data/features_{n}.parquet")
    return frame[FEATURE_COLUMNS + ["charges_per_month", "is_long"]]
)",
    // training and persisting a model
    R"("""Training job {n}."""
import json
import pickle

import joblib
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

MODEL_PATH = "models/model_{n}.pkl"


def train_{n}(path="data/features_{n}.parquet"):
    frame = pd.read_parquet(path)
    train, test = train_test_split(frame, test_size=0.2, random_state={n})
    model = RandomForestClassifier(n_estimators=50, random_state={n})
    model.fit(train.drop(columns=["label"]), train["label"])
    score = model.score(test.drop(columns=["label"]), test["label"])
    with open(MODEL_PATH, "wb") as handle:
        pickle.dump(model, handle)
    joblib.dump(model, "models/model_{n}.joblib")
    with open("metrics/metrics_{n}.json", "w") as handle:
        json.dump({"accuracy": score}, handle)
    return score
)",
    // a small serving module
    R"("""Scoring service {n}."""
import logging
import pickle

from flask import Flask, jsonify, request

app = Flask(__name__)
logger = logging.getLogger(__name__)

with open("models/model_{n}.pkl", "rb") as handle:
    model = pickle.load(handle)


@app.route("/v{n}/predict", methods=["POST"])
def predict_{n}():
    payload = request.get_json()
    score = model.predict_proba([payload["features"]])[0][1]
    logger.info("scored request %s", payload.get("request_id"))
    return jsonify({"score": float(score)})


@app.route("/v{n}/health")
def health_{n}():
    return "ok"
)",
    // utilities with external calls
    R"("""Utilities {n}."""
import subprocess

import requests
import yaml

CONFIG_PATH = "config/settings_{n}.yaml"


def read_config_{n}():
    with open(CONFIG_PATH) as handle:
        return yaml.safe_load(handle)


def fetch_reference_{n}(session=None):
    response = requests.get("https://reference.example.com/v1/table_{n}.json", timeout=30)
    response.raise_for_status()
    return response.json()


def git_revision_{n}():
    return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()


def query_{n}(cursor, customer_id):
    cursor.execute("SELECT score FROM scores WHERE customer_id = %s", (customer_id,))
    return cursor.fetchone()
)",
    // evaluation and reporting
    R"("""Evaluation {n}."""
import logging

import numpy as np
from sklearn.metrics import roc_auc_score

log = logging.getLogger("evaluation")
THRESHOLDS = [0.3, 0.5, 0.7]


def evaluate_{n}(labels, scores):
    auc = roc_auc_score(labels, scores)
    report = {"auc": auc}
    for threshold in THRESHOLDS:
        predicted = np.asarray(scores) >= threshold
        report[f"precision@{threshold}"] = float((predicted & labels).sum() / max(predicted.sum(), 1))
    log.info("evaluation %s", report)
    return report
)"};

const char* kNotebook = R"nb({
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["# Exploration {n}\n"]},
  {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": [
    "import pandas as pd\n",
    "import matplotlib.pyplot as plt\n",
    "frame = pd.read_csv(\"../data/raw_{n}.csv\")\n",
    "frame.describe()"]},
  {"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [], "source": [
    "summary = frame.groupby(\"region\")[\"label\"].mean()\n",
    "summary.plot(kind=\"bar\")\n",
    "plt.show()"]}
 ],
 "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
 "nbformat": 4, "nbformat_minor": 5
}
)nb";

const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer-{n}
spec:
  replicas: 2
  template:
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 10001}
      containers:
        - name: scorer
          image: registry.example.com/scorer-{n}:1.4.{n}
          ports: [{containerPort: 8000}]
          env:
            - {name: MODEL_PATH, value: /models/model_{n}.pkl}
)";

const char* kDockerfile = R"(FROM python:3.11.9-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER 10001
CMD ["gunicorn", "-b", "127.0.0.1:8000", "service_{n}:app"]
)";

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: mlaudit-bench-tree OUTPUT_DIR [--files N]\n";
    return 2;
  }
  fs::path root = argv[1];
  int files = 2100;  // 2,100 files of ~145 lines: just over 300k lines
  for (int i = 2; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--files") files = std::atoi(argv[i + 1]);
  fs::remove_all(root);
  size_t lines = 0;
  for (int n = 0; n < files; ++n) {
    std::string text = replace(kTemplates[static_cast<size_t>(n) % kTemplates.size()] + kCommonBody, "{n}", std::to_string(n));
    lines += static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    write(root / ("package_" + std::to_string(n / 50)) / ("module_" + std::to_string(n) + ".py"), text);
  }
  for (int n = 0; n < files / 20; ++n) {
    write(root / "notebooks" / ("exploration_" + std::to_string(n) + ".ipynb"), replace(kNotebook, "{n}", std::to_string(n)));
    write(root / "deploy" / ("scorer_" + std::to_string(n) + ".yaml"), replace(kDeployment, "{n}", std::to_string(n)));
  }
  for (int n = 0; n < files / 100; ++n)
    write(root / ("service_" + std::to_string(n)) / "Dockerfile", replace(kDockerfile, "{n}", std::to_string(n)));
  write(root / "requirements.txt", "flask==3.0.3\npandas==2.2.3\nscikit-learn==1.5.2\njoblib==1.4.2\nrequests==2.32.3\nPyYAML==6.0.2\n");
  std::cout << "wrote " << files << " Python files (" << lines << " lines), " << files / 20 << " notebooks, "
            << files / 20 << " manifests and " << files / 100 << " Dockerfiles to " << root.string() << "\n";
  return 0;
}


