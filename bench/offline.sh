#!/usr/bin/env bash
# Offline commands, side by side: this tool against the Python s3-credentials 0.17.
# Needs hyperfine (apt) and the Python tool in a virtualenv:
#   python3 -m venv .venv-upstream && .venv-upstream/bin/pip install 's3-credentials==0.17'
# Usage: bench/offline.sh [PATH-TO-PYTHON-s3-credentials]
set -euo pipefail
cd "$(dirname "$0")/.."
upstream=${1:-.venv-upstream/bin/s3-credentials}
[ -x "$upstream" ] || { echo "missing $upstream: see the header of $0" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install hyperfine" >&2; exit 1; }
cargo build --release -q --target x86_64-unknown-linux-musl   # the static binary
ours=$PWD/target/x86_64-unknown-linux-musl/release/s3-credentials
out=bench/results; mkdir -p "$out"

for args in "--version" "policy b" "policy b1 b2 --read-only --prefix x/" "create b --dry-run -d 1h"; do
  name=$(echo "$args" | tr ' /' '__')
  # hyperfine runs in a clean environment, so both tools see the same one.
  env -i PATH=/usr/bin:/bin HOME=/nonexistent LANG=C.UTF-8 \
    hyperfine -N --warmup 5 --runs "${RUNS:-200}" --export-json "$out/$name.json" \
    -n "ours: $args" "$ours $args" \
    -n "python: $args" "$upstream $args" >/dev/null
  python3 - "$out/$name.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ours, py = r[0], r[1]
print(f"{ours['command'][6:]:<45} ours {ours['median']*1000:8.2f} ms   python {py['median']*1000:8.2f} ms   ratio {py['median']/ours['median']:7.1f}x")
PY
done

# Peak RSS (GNU time), one run each.
for args in "--version" "policy b"; do
  o=$(env -i PATH=/usr/bin:/bin /usr/bin/time -f %M "$ours" $args 2>&1 >/dev/null | tail -1)
  p=$(env -i PATH=/usr/bin:/bin HOME=/nonexistent /usr/bin/time -f %M "$upstream" $args 2>&1 >/dev/null | tail -1)
  printf "%-45s peak RSS ours %6s KiB   python %6s KiB   ratio %5.1fx\n" "$args" "$o" "$p" "$(echo "$p / $o" | bc -l)"
done
