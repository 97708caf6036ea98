#!/usr/bin/env bash
# Upload and download one large file against a local moto (signature checking on):
# this tool, the Python s3-credentials 0.17 and `aws s3 cp`, one after another.
# Prints wall time and peak RSS (GNU time) for each. Size: SIZE_MIB (default 1024).
# Needs: moto in .venv-moto, the Python tool in .venv-upstream, optionally the AWS
# CLI (`python3 -m venv .venv-awscli && .venv-awscli/bin/pip install awscli`).
# Usage: bench/transfer.sh [PYTHON-s3-credentials] [moto_server] [aws]
set -euo pipefail
cd "$(dirname "$0")/.."
upstream=${1:-.venv-upstream/bin/s3-credentials}
awscli=${3:-.venv-awscli/bin/aws}
size=${SIZE_MIB:-1024}
cargo build --release -q --target x86_64-unknown-linux-musl   # the static binary
ours=$PWD/target/x86_64-unknown-linux-musl/release/s3-credentials
eval "$(bench/moto-up.sh "${2:-.venv-moto/bin/moto_server}")"
work=$(mktemp -d)
trap 'kill $MOTO_PID; rm -rf "$work"' EXIT
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
head -c $((size * 1024 * 1024)) /dev/urandom > "$work/big.bin"
want=$(sha256sum < "$work/big.bin" | cut -d' ' -f1)
"$ours" create transfer-bench -c --username bench --endpoint-url "$MOTO_URL" >/dev/null 2>&1

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { echo "$label: failed: $(tail -1 "$work/err")"; return; }
  read -r secs kib < "$work/time"
  printf "%-28s %8.2f s %8.1f MiB peak RSS\n" "$label" "$secs" "$(echo "$kib / 1024" | bc -l)"
}
check() { [ "$(sha256sum < "$1" | cut -d' ' -f1)" = "$want" ] || echo "  (downloaded bytes differ!)"; rm -f "$1"; }

echo "${size} MiB against moto on loopback:"
measure "ours upload" "$ours" put-object transfer-bench ours.bin "$work/big.bin" -s --endpoint-url "$MOTO_URL"
measure "ours download" "$ours" get-object transfer-bench ours.bin -o "$work/ours.out" --endpoint-url "$MOTO_URL"
check "$work/ours.out"
measure "python upload" "$upstream" put-object transfer-bench py.bin "$work/big.bin" -s --endpoint-url "$MOTO_URL"
measure "python download" "$upstream" get-object transfer-bench py.bin -o "$work/py.out" --endpoint-url "$MOTO_URL"
check "$work/py.out"
if [ -x "$awscli" ]; then
  measure "aws s3 cp upload" "$awscli" s3 cp "$work/big.bin" s3://transfer-bench/cli.bin --endpoint-url "$MOTO_URL" --only-show-errors
  measure "aws s3 cp download" "$awscli" s3 cp s3://transfer-bench/cli.bin "$work/cli.out" --endpoint-url "$MOTO_URL" --only-show-errors
  check "$work/cli.out"
else
  echo "aws s3 cp: skipped ($awscli not installed)"
fi
