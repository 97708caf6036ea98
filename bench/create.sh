#!/usr/bin/env bash
# `create B --read-only` against one local moto (signature checking on), this tool
# against the Python s3-credentials 0.17. Before each timed run the user is deleted
# (untimed), so every run creates the user, its policy and a key.
# Also prints how many HTTP requests our run makes (upstream makes 5).
# Usage: bench/create.sh [PYTHON-s3-credentials] [moto_server]
set -euo pipefail
cd "$(dirname "$0")/.."
upstream=${1:-.venv-upstream/bin/s3-credentials}
[ -x "$upstream" ] || { echo "missing $upstream: see bench/whoami.sh" >&2; exit 1; }
cargo build --release -q --target x86_64-unknown-linux-musl   # the static binary
ours=$PWD/target/x86_64-unknown-linux-musl/release/s3-credentials
eval "$(bench/moto-up.sh "${2:-.venv-moto/bin/moto_server}")"
trap 'kill $MOTO_PID' EXIT
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
"$ours" create bench-bucket -c --username bench-seed --endpoint-url "$MOTO_URL" >/dev/null 2>&1
requests=$("$ours" create bench-bucket --read-only --debug --endpoint-url "$MOTO_URL" 2>&1 >/dev/null | grep -c '^> [A-Z]* http')
reset="$ours delete-user s3.read-only.bench-bucket --endpoint-url $MOTO_URL >/dev/null 2>&1 || true"
mkdir -p bench/results
hyperfine -N --warmup 2 --runs "${RUNS:-30}" --export-json bench/results/create.json \
  --prepare "sh -c '$reset'" \
  -n ours "$ours create bench-bucket --read-only --endpoint-url $MOTO_URL" \
  -n python "$upstream create bench-bucket --read-only --endpoint-url $MOTO_URL" >/dev/null
python3 - bench/results/create.json "$requests" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
o, p = r["ours"], r["python"]
print(f"create --read-only vs moto: ours median {o['median']*1000:.2f} ms, python median {p['median']*1000:.2f} ms, ratio {p['median']/o['median']:.1f}x; our HTTP requests: {sys.argv[2]} (upstream: 5)")
PY
