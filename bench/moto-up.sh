#!/usr/bin/env bash
# Starts moto on a free port with signature checking on and an admin user.
# Prints shell assignments: MOTO_URL, MOTO_PID, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
# Usage: eval "$(bench/moto-up.sh [path/to/moto_server])"
set -euo pipefail
moto=${1:-.venv-moto/bin/moto_server}
[ -x "$moto" ] || { echo "missing $moto: python3 -m venv .venv-moto && .venv-moto/bin/pip install 'moto[server]==5.2.5'" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
MOTO_IAM_LOAD_MANAGED_POLICIES=true "$moto" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "$url/moto-api/data.json" >/dev/null && break; sleep 0.1; done
call() { curl -sf -X POST "$url/" -H 'Authorization: AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0' "$@"; }
call -d 'Action=CreateUser&Version=2010-05-08&UserName=admin' >/dev/null
call --data-urlencode Action=PutUserPolicy --data-urlencode Version=2010-05-08 --data-urlencode UserName=admin \
  --data-urlencode PolicyName=all --data-urlencode 'PolicyDocument={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' >/dev/null
key=$(call -d 'Action=CreateAccessKey&Version=2010-05-08&UserName=admin')
curl -sf -X POST "$url/moto-api/reset-auth" -H 'Content-Type: text/plain' -d 0 >/dev/null
id=$(sed 's/.*<AccessKeyId>\([^<]*\)<.*/\1/' <<<"$key")
secret=$(sed 's/.*<SecretAccessKey>\([^<]*\)<.*/\1/' <<<"$key")
echo "MOTO_URL=$url MOTO_PID=$pid AWS_ACCESS_KEY_ID=$id AWS_SECRET_ACCESS_KEY='$secret'"
