/**
 * The drift job's programs, mounted from a ConfigMap: a shell script for the AWS CLI init
 * container that copies the two windows of payload logs from S3, and a Python program
 * (standard library only, so the pinned slim image needs nothing installed) that extracts
 * the features, computes the drift score and pushes it to the collector over OTLP/HTTP JSON.
 */

/** Copies the recent and the reference window of hourly partitions into /data. */
export const DRIFT_FETCH_SCRIPT = String.raw`#!/bin/bash
# Inputs: BUCKET PREFIX PARTITION WINDOW_HOURS REFERENCE_MODE (trailing|fixed)
#         REFERENCE_OFFSET_HOURS (trailing) REFERENCE_URI (fixed, s3://bucket/prefix)
set -euo pipefail
now=$(date -u +%s)
fetch_window() { # destination, end (epoch seconds), hours
  local dest=$1 end=$2 hours=$3 h t p
  for ((h = 0; h < hours; h++)); do
    t=$((end - h * 3600))
    p=$(date -u -d "@$t" +"$PARTITION")
    aws s3 sync --only-show-errors "s3://$BUCKET/$PREFIX/$p/" "$dest/$p/"
  done
}
fetch_window /data/recent "$now" "$WINDOW_HOURS"
if [ "$REFERENCE_MODE" = trailing ]; then
  fetch_window /data/reference "$((now - REFERENCE_OFFSET_HOURS * 3600))" "$WINDOW_HOURS"
else
  aws s3 sync --only-show-errors "$REFERENCE_URI/" /data/reference/
fi
echo "fetched: recent $(find /data/recent -type f | wc -l) files, reference $(find /data/reference -type f | wc -l) files"
`;

/** Computes the drift score of each feature and pushes it as OTLP metrics. */
export const DRIFT_PYTHON_PROGRAM = String.raw`"""Drift of a served model's payloads: recent window against a reference window.

Reads payload logs written by the platform's collector (OTLP JSON log records whose body is
the request or response and whose header.Ce-Type attribute says which), or JSON lines of
payloads, extracts the configured features, computes the configured statistical test, and
pushes cnai_model_drift_* gauges to the collector over OTLP/HTTP (JSON encoding).
Standard library only.
"""
import glob
import gzip
import json
import math
import os
import random
import re
import sys
import time
import urllib.request

MODEL = os.environ["MODEL"]
MODEL_NAMESPACE = os.environ["MODEL_NAMESPACE"]
TEST = os.environ["DRIFT_TEST"]
FEATURES = json.loads(os.environ["FEATURES"])
MIN_SAMPLES = int(os.environ.get("MIN_SAMPLES", "100"))
MAX_SAMPLES = int(os.environ.get("MAX_SAMPLES", "5000"))
OTLP = os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"].rstrip("/") + "/v1/metrics"
rng = random.Random(42)


def records(directory):
    """(side, payload) pairs of every file under directory; side is 'request', 'response' or None."""
    for path in sorted(glob.glob(os.path.join(directory, "**", "*"), recursive=True)):
        if os.path.isdir(path):
            continue
        try:
            opener = gzip.open if path.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError, EOFError):
            continue
        for doc in documents(text):
            yield from payloads(doc)


def documents(text):
    text = text.strip()
    if not text:
        return
    try:
        yield json.loads(text)
        return
    except ValueError:
        pass
    for line in text.splitlines():
        try:
            yield json.loads(line)
        except ValueError:
            continue


def attribute(attrs, key):
    for a in attrs or []:
        if a.get("key") == key:
            v = a.get("value", {})
            if "stringValue" in v:
                return v["stringValue"]
            values = v.get("arrayValue", {}).get("values", [])
            return values[0].get("stringValue") if values else None
    return None


def payloads(doc):
    if isinstance(doc, dict) and "resourceLogs" in doc:
        for rl in doc.get("resourceLogs", []):
            for sl in rl.get("scopeLogs", []):
                for rec in sl.get("logRecords", []):
                    body = rec.get("body", {}).get("stringValue")
                    if body is None:
                        continue
                    try:
                        payload = json.loads(body)
                    except ValueError:
                        continue  # e.g. a proxied /metrics scrape
                    ce_type = attribute(rec.get("attributes"), "header.Ce-Type") or ""
                    side = "request" if ce_type.endswith("request") else "response" if ce_type.endswith("response") else None
                    yield side, payload
    elif isinstance(doc, (dict, list)):
        yield None, doc


def extract(obj, path):
    values = [obj]
    for part in re.findall(r"\[\*\]|[^.\[\]]+", path):
        nxt = []
        for v in values:
            if part == "[*]":
                if isinstance(v, list):
                    nxt.extend(v)
            elif isinstance(v, dict) and part in v:
                nxt.append(v[part])
        values = nxt
    return values


def feature_values(directory, feature):
    reservoir, seen = [], 0
    for side, payload in records(directory):
        if side is not None and side != feature["side"]:
            continue
        for v in extract(payload, feature["path"]):
            if feature["kind"] == "embedding":
                if not (isinstance(v, list) and v and all(isinstance(x, (int, float)) for x in v)):
                    continue
                value = [float(x) for x in v]
            elif feature["transform"] == "length":
                if not isinstance(v, (str, list)):
                    continue
                value = float(len(v))
            else:
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    continue
                value = float(v)
            seen += 1
            if len(reservoir) < MAX_SAMPLES:
                reservoir.append(value)
            else:
                j = rng.randrange(seen)
                if j < MAX_SAMPLES:
                    reservoir[j] = value
    return reservoir


def psi(reference, recent, bins=10):
    ref = sorted(reference)
    edges = sorted(set(ref[int(len(ref) * i / bins)] for i in range(1, bins)))

    def shares(values):
        counts = [0] * (len(edges) + 1)
        for v in values:
            lo, hi = 0, len(edges)
            while lo < hi:
                mid = (lo + hi) // 2
                if v <= edges[mid]:
                    hi = mid
                else:
                    lo = mid + 1
            counts[lo] += 1
        return [max(c / len(values), 1e-4) for c in counts]

    r, c = shares(reference), shares(recent)
    return sum((b - a) * math.log(b / a) for a, b in zip(r, c))


def ks(reference, recent):
    a, b = sorted(reference), sorted(recent)
    i = j = 0
    d = 0.0
    while i < len(a) and j < len(b):
        x = min(a[i], b[j])
        while i < len(a) and a[i] <= x:
            i += 1
        while j < len(b) and b[j] <= x:
            j += 1
        d = max(d, abs(i / len(a) - j / len(b)))
    return d


def mean(vectors):
    n = len(vectors)
    return [sum(col) / n for col in zip(*vectors)]


def mean_cosine_distance(reference, recent):
    a, b = mean(reference), mean(recent)
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(x * x for x in b))
    if na == 0 or nb == 0:
        return 1.0
    return 1.0 - sum(x * y for x, y in zip(a, b)) / (na * nb)


def project(vectors, dims=64):
    """Random projection (Johnson-Lindenstrauss) so that MMD stays cheap in pure Python."""
    d = len(vectors[0])
    if d <= dims:
        return vectors
    r = random.Random(7)
    m = [[r.gauss(0, 1 / math.sqrt(dims)) for _ in range(d)] for _ in range(dims)]
    return [[sum(w * x for w, x in zip(row, v)) for row in m] for v in vectors]


def mmd(reference, recent, n=300):
    x = project(rng.sample(reference, min(n, len(reference))))
    y = project(rng.sample(recent, min(n, len(recent))))

    def sq(u, v):
        return sum((p - q) ** 2 for p, q in zip(u, v))

    pooled = x + y
    dists = sorted(sq(pooled[i], pooled[j]) for i in range(0, len(pooled), 3) for j in range(i + 1, len(pooled), 7))
    gamma = 1.0 / max(dists[len(dists) // 2], 1e-12)  # median heuristic

    def k(u, v):
        return math.exp(-gamma * sq(u, v))

    def avg(p, q, same):
        total, count = 0.0, 0
        for i, u in enumerate(p):
            for j, v in enumerate(q):
                if same and i == j:
                    continue
                total += k(u, v)
                count += 1
        return total / max(count, 1)

    return max(avg(x, x, True) + avg(y, y, True) - 2 * avg(x, y, False), 0.0)


TESTS = {"psi": psi, "ks": ks, "mean_cosine_distance": mean_cosine_distance, "mmd": mmd}


def gauge(name, description, value, labels):
    return {
        "name": name,
        "description": description,
        "gauge": {"dataPoints": [{
            "asDouble": float(value),
            "timeUnixNano": str(time.time_ns()),
            "attributes": [{"key": k, "value": {"stringValue": v}} for k, v in labels.items()],
        }]},
    }


def main():
    model = {"model": MODEL, "model_namespace": MODEL_NAMESPACE}
    metrics, samples = [], 0
    for feature in FEATURES:
        reference = feature_values("/data/reference", feature)
        recent = feature_values("/data/recent", feature)
        samples = max(samples, len(recent))
        if len(reference) < MIN_SAMPLES or len(recent) < MIN_SAMPLES:
            print(f"{feature['name']}: too few samples (reference {len(reference)}, recent {len(recent)}, need {MIN_SAMPLES})")
            continue
        score = TESTS[TEST](reference, recent)
        print(f"{feature['name']}: {TEST} = {score:.4f} (reference {len(reference)}, recent {len(recent)})")
        metrics.append(gauge("cnai_model_drift_score", "Drift score of the recent window against the reference window",
                             score, {**model, "feature": feature["name"], "test": TEST}))
    metrics.append(gauge("cnai_model_drift_samples", "Samples in the recent window of the last run", samples, model))
    metrics.append(gauge("cnai_model_drift_last_run_timestamp_seconds", "Unix time of the last successful drift computation", time.time(), model))
    body = {"resourceMetrics": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "cnai-drift-monitor"}}]},
        "scopeMetrics": [{"scope": {"name": "cnai.drift"}, "metrics": metrics}],
    }]}
    req = urllib.request.Request(OTLP, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        if resp.status >= 300:
            sys.exit(f"OTLP push failed: HTTP {resp.status}")


if __name__ == "__main__":
    main()
`;
