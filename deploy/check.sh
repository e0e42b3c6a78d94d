#!/usr/bin/env bash
# The deployment check (run by .ci/run; issue 22): follow docs/deployment.md on this
# machine, as root, in scratch space, with the very files the docs tell people to copy:
#   deploy/yizhan.env.example          → the env file (/etc/yizhan.env)
#   deploy/systemd/yizhan-web.service  → gunicorn, started as the service user
#   deploy/systemd/yizhan-worker.service → the task cluster, started as the service user
#   deploy/nginx/yizhan.conf           → nginx from Debian, with a self-signed certificate
# Only names are changed: paths (/srv/yizhan → scratch), ports, the database and role
# (yizhan_deploycheck_*), the service user, Redis db 14. systemd itself is not used (CI
# machines run without it): the units' User=, UMask=, WorkingDirectory=, EnvironmentFile=
# and ExecStart= are read from the files and done by hand.
#
# Then it probes through nginx: /healthz over HTTPS and plain HTTP, login, a 10 MB
# attachment and a 16 MB request, the app's page for an oversized one, a phone search that
# leaves no number in any URL or log, the status page's rate limit with spoofed forwarding
# headers, security headers, hashed long-cached static files, file permissions on disk, a
# graceful reload without errors; stops the worker and expects /healthz to fail; backs up
# with scripts/backup.sh, restores with scripts/restore.sh into a new database and files
# root, and compares row counts and file hashes. Cleans up after itself. Prints its time.
#
#   PG_URL=postgres://postgres@127.0.0.1:5432 deploy/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
umask 022  # a root shell's default on Debian: the service user reads the code it runs
REPO=$PWD
started=$(date +%s)
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
REDIS_BASE=${REDIS_BASE:-redis://127.0.0.1:6379}
REDIS_DB=14
TAG="yizhan_deploycheck_$$"
SVC="yzcheck$$"  # the service user (stands for "yizhan")
HOST=legal.example.org
SCRATCH=$(mktemp -d /tmp/yizhan-deploycheck.XXXXXX)
chmod 755 "$SCRATCH"
APP=$SCRATCH/srv/yizhan            # /srv/yizhan
FILES=$SCRATCH/srv/yizhan-files    # /srv/yizhan-files
ENVF=$SCRATCH/etc/yizhan.env       # /etc/yizhan.env
CERTS=$SCRATCH/etc/ssl/yizhan      # /etc/ssl/yizhan
LOGS=$SCRATCH/log
mkdir -p "$SCRATCH/srv" "$SCRATCH/etc" "$LOGS"
failures=0
pids=()

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
APP_PORT=$(free_port)
HTTP_PORT=$(free_port)
HTTPS_PORT=$(free_port)
BASE="https://$HOST:$HTTPS_PORT"
CURL=(curl -sS --max-time 60 --cacert "$CERTS/fullchain.pem" --resolve "$HOST:$HTTPS_PORT:127.0.0.1" --resolve "$HOST:$HTTP_PORT:127.0.0.1")

lap_at=$started
step() { echo "== $1"; }
ok() { echo "  ok   $1"; }
fail() { echo "  FAIL $1" >&2; failures=$((failures + 1)); }
expect() {  # expect "what" test-args…
  local what=$1; shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}

cleanup() {
  set +e
  if ((failures)) || [[ ${done:-} != yes ]]; then
    for log in "$LOGS"/web.log "$LOGS"/yizhan.error.log; do
      [[ -f $log ]] && { echo "--- last lines of $(basename "$log")"; tail -n 25 "$log"; }
    done
  fi
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  [[ -f $SCRATCH/nginx.pid ]] && kill -QUIT "$(cat "$SCRATCH/nginx.pid")" 2>/dev/null
  sleep 2
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  for pid in $(pgrep -u "$SVC"); do kill -KILL "$pid"; done  # what this check started as its user
  psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS ${TAG} WITH (FORCE)" \
    -c "DROP DATABASE IF EXISTS ${TAG}_restored WITH (FORCE)" -c "DROP ROLE IF EXISTS ${TAG}" >/dev/null 2>&1
  redis-cli -u "$REDIS_BASE/$REDIS_DB" flushdb >/dev/null 2>&1
  id "$SVC" >/dev/null 2>&1 && userdel "$SVC" 2>/dev/null
  getent group "$SVC" >/dev/null && groupdel "$SVC" 2>/dev/null
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------
step "system packages (docs: apt-get install …)"
packages=(python3-venv nginx postgresql-client redis-tools gpg openssl curl fonts-noto-cjk libharfbuzz-subset0)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  # Installed, not started: Debian would start nginx on port 80 with its default site.
  own_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=yes
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [[ -n $own_policy ]]; then rm -f /usr/sbin/policy-rc.d; fi
fi
ok "installed: ${packages[*]}"

step "database, role and service user"
DB_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
psql -q "$PG_URL/postgres" -c "CREATE ROLE ${TAG} LOGIN PASSWORD '${DB_PASSWORD}'" \
  -c "CREATE DATABASE ${TAG} OWNER ${TAG}"
useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$SVC"

step "the code and the runtime lock (docs: git clone, python3 -m venv, pip install -r requirements.lock)"
git clone -q "$REPO" "$APP"
git -C "$APP" checkout -q "$(git -C "$REPO" rev-parse HEAD)"
# Debian's Python (the docs' `python3` on a server), not a developer's pyenv under /root.
/usr/bin/python3 -m venv "$APP/.venv"
"$APP/.venv/bin/pip" install -q --disable-pip-version-check -r "$APP/requirements.lock" 2>&1 | grep -v "^WARNING: Location" || true
expect "no development tools on the server" bash -c "! '$APP/.venv/bin/pip' show -q pytest ruff >/dev/null 2>&1"
install -d -o "$SVC" -g "$SVC" -m 700 "$FILES"
echo "   ($(($(date +%s) - lap_at)) s so far)"

step "the env file from deploy/yizhan.env.example"
SECRET_KEY=$("$APP/.venv/bin/python" -c "import secrets; print(secrets.token_urlsafe(48))")
FIELD_KEY=$("$APP/.venv/bin/python" -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")
sed -e "s|CHANGE-ME-SECRET-KEY|$SECRET_KEY|" \
  -e "s|CHANGE-ME-FIELD-KEY|$FIELD_KEY|" \
  -e "s|^DATABASE_URL=.*|DATABASE_URL=postgres://${TAG}:${DB_PASSWORD}@127.0.0.1:5432/${TAG}|" \
  -e "s|^REDIS_URL=.*|REDIS_URL=$REDIS_BASE/$REDIS_DB|" \
  -e "s|^CSRF_TRUSTED_ORIGINS=.*|CSRF_TRUSTED_ORIGINS=$BASE|" \
  -e "s|^PUBLIC_URL=.*|PUBLIC_URL=$BASE|" \
  -e "s|/srv/yizhan-files|$FILES|; s|/srv/yizhan/|$APP/|" \
  -e "s|^EMAIL_BACKEND=.*|EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend|" \
  deploy/yizhan.env.example > "$ENVF"
# The check's own additions: a small status-page limit (so probing it takes 6 requests),
# and a unique cluster name (the heartbeat key) on the shared Redis.
printf 'STATUS_IP_LIMIT=5\nQ_CLUSTER_NAME=%s\n' "$TAG" >> "$ENVF"
chmod 600 "$ENVF"
expect "no CHANGE-ME left" bash -c "! grep -v '^#' '$ENVF' | grep -q CHANGE-ME"
expect "the env file can be sourced by a shell (quoting rules)" bash -c "set -a; . '$ENVF'; [[ \$SITE_NAME == '驿站法援' ]]"

# Every manage.py command below runs in a shell with nothing but YIZHAN_ENV_FILE (the docs'
# default is /etc/yizhan.env, which this machine must not have): no sourcing by hand.
manage() { (cd "$APP" && env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 YIZHAN_ENV_FILE="$ENVF" .venv/bin/python manage.py "$@"); }

step "check --deploy, migrate, collectstatic, setup_schedules (docs: first install)"
manage check --deploy --fail-level WARNING
manage migrate --noinput -v 0
manage collectstatic --noinput -v 0
manage setup_schedules >/dev/null
consent=$(manage shell -c "from cases.models import ConsentText; c = ConsentText.current(); print(c and c.version, bool(c and c.text_en))" | tail -1)
expect "the consent text is there after migrate, in both languages, without the demo ($consent)" [ "$consent" = "1.0 True" ]
expect "a command without the env file refuses SQLite" \
  bash -c "cd '$APP' && ! env -i PATH=/usr/bin:/bin DJANGO_DEBUG=0 SECRET_KEY='$SECRET_KEY' ALLOWED_HOSTS=$HOST FIELD_ENCRYPTION_KEY='$FIELD_KEY' .venv/bin/python manage.py migrate >/dev/null 2>&1 && [[ ! -e db.sqlite3 ]]"
ADMIN_PASSWORD="Ck$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')9z"
(cd "$APP" && env -i PATH=/usr/bin:/bin YIZHAN_ENV_FILE="$ENVF" DJANGO_SUPERUSER_PASSWORD="$ADMIN_PASSWORD" \
  .venv/bin/python manage.py createsuperuser --noinput --username admin --email admin@example.org >/dev/null)

# ---------------------------------------------------------------------------------------
# A unit's ExecStart= etc., done as systemd would: its user, umask, folder and environment.
unit_value() { sed -n "s/^$2=//p" "deploy/systemd/$1" | head -1; }
start_unit() {  # start_unit UNIT LOGFILE → pid
  local unit=$1 log=$2 cmd user umask_ wd
  cmd=$(unit_value "$unit" ExecStart | sed -e "s|/srv/yizhan/|$APP/|g" -e "s|127.0.0.1:8000|127.0.0.1:$APP_PORT|" -e "s|--workers 4|--workers 2|")
  user=$(unit_value "$unit" User)
  umask_=$(unit_value "$unit" UMask)
  wd=$(unit_value "$unit" WorkingDirectory | sed "s|/srv/yizhan|$APP|")
  [[ $user == yizhan && -n $umask_ ]] || { fail "$unit: User=yizhan and UMask= expected"; return 1; }
  [[ $(unit_value "$unit" EnvironmentFile) == /etc/yizhan.env ]] || fail "$unit: EnvironmentFile"
  (
    set -a; . "$ENVF"; set +a  # what EnvironmentFile= does
    cd "$wd" && umask "$umask_"
    # shellcheck disable=SC2086  # the unit's command line, word-split as systemd does
    exec setpriv --reuid="$SVC" --regid="$SVC" --init-groups env HOME=/nonexistent $cmd
  ) >"$log" 2>&1 &
  echo $!
}
wait_for() {  # wait_for SECONDS command…
  local until=$(($(date +%s) + $1)); shift
  until "$@" >/dev/null 2>&1; do (($(date +%s) < until)) || return 1; sleep 0.5; done
}

step "services as the service user, from deploy/systemd/"
WEB_PID=$(start_unit yizhan-web.service "$LOGS/web.log"); pids+=("$WEB_PID")
WORKER_PID=$(start_unit yizhan-worker.service "$LOGS/worker.log"); pids+=("$WORKER_PID")
wait_for 60 curl -sf "http://127.0.0.1:$APP_PORT/healthz" -H "Host: $HOST" -H "X-Forwarded-Proto: https" ||
  { cat "$LOGS/web.log"; fail "gunicorn did not start"; exit 1; }
expect "gunicorn runs as the service user" bash -c "[[ \$(ps -o user= -p $WEB_PID) == $SVC ]]"
expect "gunicorn logs no control-socket error" bash -c "! grep -qi 'control' '$LOGS/web.log'"

step "nginx from Debian with deploy/nginx/yizhan.conf and a self-signed certificate"
mkdir -p "$CERTS" "$SCRATCH/nginx-temp"
chown www-data "$SCRATCH/nginx-temp"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$HOST" -addext "subjectAltName=DNS:$HOST" \
  -keyout "$CERTS/privkey.pem" -out "$CERTS/fullchain.pem" 2>/dev/null
sed -e "s|listen 80|listen 127.0.0.1:$HTTP_PORT|; s|listen 443|listen 127.0.0.1:$HTTPS_PORT|" \
  -e "s|127.0.0.1:8000|127.0.0.1:$APP_PORT|" -e "s|/etc/ssl/yizhan|$CERTS|" \
  -e "s|/var/log/nginx|$LOGS|" -e "s|shared:yizhan:|shared:$TAG:|" \
  deploy/nginx/yizhan.conf > "$SCRATCH/yizhan.conf"
cat > "$SCRATCH/nginx.conf" <<NGINX
user www-data;
worker_processes 1;
pid $SCRATCH/nginx.pid;
error_log $LOGS/nginx-main.error.log;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path $SCRATCH/nginx-temp/body;
    proxy_temp_path $SCRATCH/nginx-temp/proxy;
    fastcgi_temp_path $SCRATCH/nginx-temp/fastcgi;
    uwsgi_temp_path $SCRATCH/nginx-temp/uwsgi;
    scgi_temp_path $SCRATCH/nginx-temp/scgi;
    access_log off;
    include $SCRATCH/yizhan.conf;
}
NGINX
nginx -t -q -c "$SCRATCH/nginx.conf"
nginx -c "$SCRATCH/nginx.conf"
wait_for 10 test -s "$SCRATCH/nginx.pid"

step "probes through nginx"
code() { "${CURL[@]}" -o /dev/null -w '%{http_code}' "$@"; }
expect "/healthz over HTTPS with the site's name: 200" [ "$(code "$BASE/healthz")" = 200 ]
expect "/healthz over plain HTTP: 200, not a redirect" [ "$(code "http://$HOST:$HTTP_PORT/healthz")" = 200 ]
expect "other plain-HTTP pages go to HTTPS" [ "$(code "http://$HOST:$HTTP_PORT/login/")" = 301 ]
expect "another name gets no answer from Django (no DisallowedHost)" \
  bash -c "! curl -sk --max-time 5 -o /dev/null --resolve other.example:$HTTPS_PORT:127.0.0.1 https://other.example:$HTTPS_PORT/healthz"
headers=$("${CURL[@]}" -D - -o /dev/null "$BASE/login/")
for h in "Strict-Transport-Security: max-age=31536000" "Content-Security-Policy:" "X-Content-Type-Options: nosniff" \
  "Permissions-Policy:" "Referrer-Policy: same-origin" "X-Frame-Options: DENY"; do
  expect "header $h" grep -qi "^$h" <<<"$headers"
done
css=$("${CURL[@]}" "$BASE/login/" | grep -o '/static/css/app\.[0-9a-f]\{12\}\.css' | head -1)
expect "static files have hashed names ($css)" [ -n "$css" ]
long_cached() { "${CURL[@]}" -D - -o /dev/null "$BASE$css" | grep -qiE '^cache-control: .*max-age=([4-9][0-9]{7}|[0-9]{9,})'; }
expect "hashed static files are cached for a year or more" long_cached

# Signing in: a CSRF token from the form, the cookie, the Referer Django checks on HTTPS.
form_token() {  # the first form's token (the language switch has one too)
  grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'
}
login() {  # login JAR USERNAME PASSWORD → prints where the login sent us
  local jar=$1 token
  token=$("${CURL[@]}" -c "$jar" -b "$jar" "$BASE/login/" | form_token)
  "${CURL[@]}" -c "$jar" -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' -e "$BASE/login/" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=$2" --data-urlencode "password=$3" "$BASE/login/"
}
csrf() { grep -P '\tcsrftoken\t' "$1" | awk '{print $NF}'; }
admin_login=$(login "$SCRATCH/admin.jar" admin "$ADMIN_PASSWORD")
expect "the admin signs in over HTTPS ($admin_login)" [ "${admin_login%% *}" = 302 ]

step "demo data for the probes that need cases (a scratch database: never on a real server)"
manage seed_demo >/dev/null
NUMBER=$(manage shell -c "from cases.models import Case; print(Case.objects.filter(station__code='BJ-110105-001', state='in_progress').order_by('pk').first().number)" | tail -1)
PHONE=$(manage shell -c "from cases.models import Case; print(str(Case.objects.get(number='$NUMBER').worker.phone)[-11:])" | tail -1)
vol_login=$(login "$SCRATCH/vol.jar" volunteer demo12345)
expect "a volunteer signs in ($vol_login)" [ "${vol_login%% *}" = 302 ]

upload() {  # upload SIZE… → http code and the page
  local args=() n=0
  for size in "$@"; do
    n=$((n + 1))
    { printf '%%PDF-1.4\n'; head -c $((size - 9)) /dev/zero | tr '\0' '0'; } > "$SCRATCH/upload$n.pdf"
    args+=(-F "files=@$SCRATCH/upload$n.pdf;type=application/pdf")
  done
  "${CURL[@]}" -b "$SCRATCH/vol.jar" -e "$BASE/cases/$NUMBER/" -o "$SCRATCH/upload.html" -w '%{http_code} %{redirect_url}' \
    -F "csrfmiddlewaretoken=$(csrf "$SCRATCH/vol.jar")" "${args[@]}" "$BASE/cases/$NUMBER/attachments/"
}
accepted() { [[ $1 == "302 $BASE/cases/$NUMBER/"* ]]; }  # back to the case page, signed in
expect "a 10 MB attachment is accepted" accepted "$(upload 10000000)"
expect "10 MB + 6 MB in one request are accepted" accepted "$(upload 10000000 6000000)"
expect "a 30 MB request gets 413" [ "$(upload 10000000 10000000 10000000)" = "413 " ]
says_limit() { sed 's/\xc2\xa0/ /g' "$SCRATCH/upload.html" | grep -q "超过了一次最多 25.0 MB 的上限"; }
expect "… with the app's page saying the limit, not nginx's ($(grep -o '<title>[^<]*' "$SCRATCH/upload.html" | head -1))" says_limit

step "files on disk"
attachment=$(find "$FILES" -type f -name '*.pdf' | head -1)
expect "attachments are 0600, owned by the service user" bash -c "[[ \$(stat -c '%a %U' '$attachment') == '600 $SVC' ]]"
expect "their folders are 0700" bash -c "! find '$FILES' -mindepth 1 -type d ! -perm 700 | grep -q ."
expect "no file under the files root is readable by others" bash -c "! find '$FILES' -type f -perm /077 | grep -q ."
expect "the env file is 0600" bash -c "[[ \$(stat -c %a '$ENVF') == 600 ]]"

step "a search by phone number"
search=$("${CURL[@]}" -b "$SCRATCH/vol.jar" -e "$BASE/cases/" -o /dev/null -w '%{redirect_url}' \
  --data-urlencode "csrfmiddlewaretoken=$(csrf "$SCRATCH/vol.jar")" --data-urlencode "q=$PHONE" "$BASE/cases/")
expect "the search is posted and answered at a URL without the number ($search)" \
  bash -c "[[ '$search' == *qs=* && '$search' != *$PHONE* ]]"
finds_case() { "${CURL[@]}" -b "$SCRATCH/vol.jar" "$search" | grep -q "$NUMBER"; }
expect "… and finds the case" finds_case

step "the status page's rate limit, with forged forwarding headers"
codes=""
for i in 1 2 3 4 5 6; do
  jar="$SCRATCH/status$i.jar"
  token=$("${CURL[@]}" -c "$jar" "$BASE/status/" | form_token)
  codes+="$("${CURL[@]}" -b "$jar" -e "$BASE/status/" -o /dev/null -w '%{http_code}' \
    -H "X-Real-IP: 10.9.8.$i" -H "X-Forwarded-For: 10.9.7.$i" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "phone=1390013900$i" "$BASE/status/") "
done
expect "5 lookups pass, the 6th is refused whatever the headers say ($codes)" [ "$codes" = "302 302 302 302 302 200 " ]

step "graceful reload (docs: systemctl reload yizhan-web → ExecReload=, HUP)"
reload_cmd=$(unit_value yizhan-web.service ExecReload | sed "s/\$MAINPID/$WEB_PID/")
bad=0
end=$(($(date +%s) + 6))
(sleep 1; $reload_cmd) &
while (($(date +%s) < end)); do
  [[ $(code "$BASE/login/") == 200 ]] || bad=$((bad + 1))
done
wait
expect "no failed request during a reload ($bad failed)" [ "$bad" = 0 ]

step "the worker stops: /healthz must say so"
kill -TERM "$WORKER_PID"
wait_for 40 bash -c "! kill -0 $WORKER_PID"
healthz_is() { [[ $(code "$BASE/healthz") == "$1" ]]; }
expect "/healthz answers 503 with the worker dead" wait_for 20 healthz_is 503
WORKER_PID=$(start_unit yizhan-worker.service "$LOGS/worker2.log"); pids+=("$WORKER_PID")
expect "… and 200 again once it is back" wait_for 40 healthz_is 200

step "nginx's logs while gunicorn is down hold no phone number"
kill -TERM "$WEB_PID"; wait_for 40 bash -c "! kill -0 $WEB_PID"
"${CURL[@]}" -b "$SCRATCH/vol.jar" -o /dev/null "$search" || true
expect "the request line reached the error log" grep -q "qs=" "$LOGS/yizhan.error.log"
expect "no phone number in nginx's logs" bash -c "! grep -rq '$PHONE' '$LOGS'/yizhan.*.log"

step "backup and restore with scripts/backup.sh and scripts/restore.sh (docs: 备份与恢复)"
umask 077
head -c 32 /dev/urandom | base64 > "$SCRATCH/etc/yizhan-backup.pass"
(
  set -a; . "$ENVF"; set +a
  cd "$APP" && BACKUP_PASSPHRASE_FILE="$SCRATCH/etc/yizhan-backup.pass" scripts/backup.sh "$SCRATCH/backup.tar.gpg" >/dev/null
  cd "$APP" && .venv/bin/python manage.py backup_manifest > "$SCRATCH/before.json"
)
expect "the backup is 0600" bash -c "[[ \$(stat -c %a '$SCRATCH/backup.tar.gpg') == 600 ]]"
psql -q "$PG_URL/postgres" -c "CREATE DATABASE ${TAG}_restored OWNER ${TAG}"
(
  set -a; . "$ENVF"; set +a
  export DATABASE_URL="postgres://${TAG}:${DB_PASSWORD}@127.0.0.1:5432/${TAG}_restored" PRIVATE_FILES_ROOT="$SCRATCH/srv/yizhan-files-restored"
  cd "$APP" && BACKUP_PASSPHRASE_FILE="$SCRATCH/etc/yizhan-backup.pass" scripts/restore.sh "$SCRATCH/backup.tar.gpg" "$SCRATCH/in-archive.json" >/dev/null
  cd "$APP" && .venv/bin/python manage.py backup_manifest > "$SCRATCH/after.json"
)
expect "the restore matches: every table's rows, every file's SHA-256, ID numbers decrypt" \
  "$APP/.venv/bin/python" -c "
import json, sys
b, a, r = (json.load(open('$SCRATCH/' + n)) for n in ('before.json', 'in-archive.json', 'after.json'))
sys.exit(not (b == a and b['tables'] == r['tables'] and b['files'] == r['files'] and len(b['files']) >= 3))"
expect "the 10 MB attachment is the same byte for byte" \
  bash -c "cmp -s '$attachment' '$SCRATCH/srv/yizhan-files-restored/${attachment#"$FILES"/}'"

done=yes
elapsed=$(($(date +%s) - started))
echo "deployment check: $failures failed; took $((elapsed / 60)) min $((elapsed % 60)) s"
((failures == 0))
