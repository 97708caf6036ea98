#!/usr/bin/env bash
# `whoami` against one local moto (signature checking on), this tool against the
# Python s3-credentials 0.17, side by side. Needs hyperfine, moto and the Python tool:
#   python3 -m venv .venv-moto && .venv-moto/bin/pip install 'moto[server]==5.2.5'
#   python3 -m venv .venv-upstream && .venv-upstream/bin/pip install 's3-credentials==0.17'
# Usage: bench/whoami.sh [PYTHON-s3-credentials] [moto_server]
set -euo pipefail
cd "$(dirname "$0")/.."
upstream=${1:-.venv-upstream/bin/s3-credentials}
[ -x "$upstream" ] || { echo "missing $upstream: see the header of $0" >&2; exit 1; }
cargo build --release -q --target x86_64-unknown-linux-musl   # the static binary
ours=$PWD/target/x86_64-unknown-linux-musl/release/s3-credentials
eval "$(bench/moto-up.sh "${2:-.venv-moto/bin/moto_server}")"
trap 'kill $MOTO_PID' EXIT
mkdir -p bench/results
env -i PATH=/usr/bin:/bin HOME=/nonexistent LANG=C.UTF-8 AWS_DEFAULT_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
  hyperfine -N --warmup 3 --runs "${RUNS:-50}" --export-json bench/results/whoami.json \
    -n ours "$ours whoami --endpoint-url $MOTO_URL" \
    -n python "$upstream whoami --endpoint-url $MOTO_URL" >/dev/null
python3 - bench/results/whoami.json <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
o, p = r["ours"], r["python"]
print(f"whoami vs moto: ours median {o['median']*1000:.2f} ms, python median {p['median']*1000:.2f} ms, ratio {p['median']/o['median']:.1f}x")
PY
