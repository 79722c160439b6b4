/**
 * The programs of a delivery's Jobs, run with `python3 -c` in pinned images that already have
 * what they import: the evaluation in the vLLM image (vllm, and boto3, which its S3 model
 * streamer brings), the promotion in the MLflow image (the mlflow client).
 */

/**
 * Scores the candidate against the evaluation dataset and exits non-zero below the threshold.
 * Inputs: `--model <the candidate's s3:// URI>` (an argument, where the platform's admission policy
 * checks a vLLM image's model location); in the environment DATASET_URI (s3:// of a JSON Lines
 * file of {"prompt", "expected"}), METRIC (exact-match | contains), THRESHOLD, MAX_SAMPLES,
 * MAX_TOKENS, and the engine settings TENSOR_PARALLEL_SIZE, MAX_MODEL_LEN, DTYPE, LOAD_FORMAT,
 * GPU_MEMORY_UTILIZATION.
 */
export const EVALUATION_SCRIPT = String.raw`import json, os, sys
from urllib.parse import urlparse
import boto3
env = os.environ
u = urlparse(env["DATASET_URI"])
body = boto3.client("s3").get_object(Bucket=u.netloc, Key=u.path.lstrip("/"))["Body"].read().decode("utf-8")
rows = [json.loads(line) for line in body.splitlines() if line.strip()][: int(env["MAX_SAMPLES"])]
rows = [r for r in rows if isinstance(r, dict) and "prompt" in r and "expected" in r]
if not rows:
    sys.exit("evaluation: the dataset has no {prompt, expected} lines")
from vllm import LLM, SamplingParams
model = sys.argv[sys.argv.index("--model") + 1]
llm = LLM(model=model, tensor_parallel_size=int(env["TENSOR_PARALLEL_SIZE"]), max_model_len=int(env["MAX_MODEL_LEN"]),
          dtype=env["DTYPE"], load_format=env.get("LOAD_FORMAT") or "auto", gpu_memory_utilization=float(env["GPU_MEMORY_UTILIZATION"]))
params = SamplingParams(temperature=0.0, max_tokens=int(env["MAX_TOKENS"]))
try:
    outputs = llm.chat([[{"role": "user", "content": r["prompt"]}] for r in rows], params)
except ValueError:
    # A model without a chat template: plain completion.
    outputs = llm.generate([r["prompt"] for r in rows], params)
def right(answer, expected):
    if env["METRIC"] == "exact-match":
        return answer.strip() == expected.strip()
    return expected.strip().lower() in answer.lower()
hits = sum(1 for r, o in zip(rows, outputs) if right(o.outputs[0].text, str(r["expected"])))
score = hits / len(rows)
threshold = float(env["THRESHOLD"])
print(json.dumps({"metric": env["METRIC"], "samples": len(rows), "score": score, "threshold": threshold, "passed": score >= threshold}), flush=True)
sys.exit(0 if score >= threshold else 1)
`;

/**
 * Records the delivered version as live: sets the registered model's alias to the version.
 * Inputs: MLFLOW_TRACKING_URI, MLFLOW_TRACKING_USERNAME, MLFLOW_TRACKING_PASSWORD (the registry
 * connection), REGISTERED_MODEL, ALIAS, VERSION.
 */
export const PROMOTION_SCRIPT = String.raw`import os
from mlflow import MlflowClient
env = os.environ
MlflowClient().set_registered_model_alias(env["REGISTERED_MODEL"], env["ALIAS"], env["VERSION"])
print(f"registered model {env['REGISTERED_MODEL']}: alias {env['ALIAS']} -> version {env['VERSION']}", flush=True)
`;
