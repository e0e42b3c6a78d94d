#!/usr/bin/env bash
# schemathesis against the live API schema (/api/v1/openapi.json): a scratch SQLite
# database, a runserver on loopback, a client with every scope, bounded examples.
# Checks: no 5xx (not_a_server_error) and every response matches the schema
# (response_schema_conformance). Run by .ci/run; a few minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${API_FUZZ_PORT:-19050}"
EXAMPLES="${API_FUZZ_EXAMPLES:-25}"
PY=.venv/bin/python
WORK="$(mktemp -d /tmp/yizhan-api-fuzz.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
export DJANGO_DEBUG=1 Q_SYNC=1 SMS_BACKEND=outbox YIZHAN_ENV_FILE="" REDIS_URL=""
export FIELD_ENCRYPTION_KEY="dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTA="
export MEDIA_ROOT="$WORK/media"

$PY manage.py migrate --noinput -v 0
TOKEN="$($PY manage.py create_api_client fuzz --region 11 --scope intake --scope cases:read \
  --scope cases:transition --scope stats:read --scope webhooks | tail -1)"
$PY manage.py shell -v 0 -c "
from api.models import ApiClient
from cases.models import ConsentText
from stations.models import Station
ApiClient.objects.update(rate_per_minute=1_000_000)
ConsentText.current() or ConsentText.objects.create(version='fuzz-1', text='同意书', active=True)
Station.objects.get_or_create(code='FUZZ-1', defaults={'name': '测试驿站', 'region_code': '110105', 'phone': '010-12345678', 'legal': True})
"

$PY manage.py runserver "127.0.0.1:$PORT" --noreload --nothreading >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 60); do
  curl -fsS "http://127.0.0.1:$PORT/api/v1/openapi.json" >/dev/null 2>&1 && break
  sleep 0.5
done

# One case for the operations on a case (the schema's example number is this one).
curl -fsS -X POST "http://127.0.0.1:$PORT/api/v1/intake/" -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" -o /dev/null \
  -d '{"station": "FUZZ-1", "worker": {"name": "李四", "phone": "13912345678", "platform": "meituan"},
       "claims": ["wage"], "facts": "站点拖欠两个月工资。", "consent": true}'

# A worker token for that case's worker (what POST /worker/token hands out).
WORKER_TOKEN="$($PY manage.py shell -v 0 -c "
from cases.models import Worker
from cases.status import lookup, session
ids = list(Worker.objects.filter(phone='+8613912345678').values_list('pk', flat=True))
print(session.session_cookie(lookup.Verified(outcome='code_ok', worker_ids=ids), '+8613912345678'))
")"

rc=0
.venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  -H "Authorization: Bearer $TOKEN" -H "X-Worker-Token: $WORKER_TOKEN" \
  --checks not_a_server_error,response_schema_conformance \
  --max-examples "$EXAMPLES" --seed 19 --workers 1 --request-timeout 20 \
  --phases examples,coverage,fuzzing --no-color || rc=$?
if ((rc != 0)); then
  echo "== server log (tail)"
  tail -50 "$WORK/server.log"
fi
exit "$rc"
