#!/usr/bin/env bash
# Does resolving credentials cost anything when environment keys are set?
# `whoami` with env keys against moto, (a) with IMDS disabled and (b) with IMDS
# enabled but pointed at a loopback socket that accepts connections and never
# answers: any metadata probe would cost its timeout (1 s per attempt).
# Usage: bench/chain.sh [moto_server]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q --target x86_64-unknown-linux-musl   # the static binary
ours=$PWD/target/x86_64-unknown-linux-musl/release/s3-credentials
eval "$(bench/moto-up.sh "${1:-.venv-moto/bin/moto_server}")"
stall_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -c "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',$stall_port)); s.listen(1024); time.sleep(3600)" &
stall_pid=$!
trap 'kill $MOTO_PID $stall_pid' EXIT
mkdir -p bench/results
base=(env -i PATH=/usr/bin:/bin HOME=/nonexistent AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
      AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY")
"${base[@]}" hyperfine -N --warmup 3 --runs "${RUNS:-100}" --export-json bench/results/chain.json \
  -n "IMDS disabled" "env AWS_EC2_METADATA_DISABLED=true $ours whoami --endpoint-url $MOTO_URL" \
  -n "IMDS stalled" "env AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$stall_port $ours whoami --endpoint-url $MOTO_URL" >/dev/null
python3 - bench/results/chain.json <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"whoami, env keys, {r['command']:<14} median {r['median']*1000:6.2f} ms  mean {r['mean']*1000:6.2f} ± {r['stddev']*1000:.2f} ms  max {r['max']*1000:6.2f} ms")
PY
