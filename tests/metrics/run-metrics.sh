#!/bin/bash
# tests/metrics/run-metrics.sh - the milter's metrics endpoint, end to end.
# fortrolig-milter runs with metrics = "127.0.0.1:PORT" (enforce mode, then a
# second instance in monitor mode); miltertest sends real messages (clean,
# route-TLS, a quoted-only reply, an inbound mail the thread memory learns,
# a paste of it, a spoofed sender, one over the size limit); curl scrapes
# /metrics as Prometheus would, and check.py parses the scrape with
# prometheus_client's parser and compares every series with what was sent.
# Also: a non-loopback address is refused, other paths and methods get
# 404/405, and the endpoint stops with the milter.
# Prints "ok N - name" and "N passed, M failed".
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_srcdir=$(cd "${FORTROLIG_SRCDIR:-$here/../..}" && pwd)
. "$top_srcdir/tests/e2e/lib.sh"
MILTER=${MILTER:-$top_srcdir/milter/fortrolig-milter}
SCANNER=${SCANNER:-$(dirname "$(dirname "$MILTER")")/cmd/fortrolig-scan}
WORDS=${WORDS:-$top_srcdir/lib/detect/keywords/words}
MILTERTEST=${MILTERTEST:-miltertest}

for tool in "$MILTERTEST" curl ss; do
	command -v "$tool" >/dev/null 2>&1 || { echo "1..0 # SKIP $tool not installed"; exit 77; }
done
# Debian's python3-prometheus-client lives in the system python (a python3
# earlier in PATH, e.g. pyenv's, may not see it).
PY=
for p in ${PYTHON:-} python3 /usr/bin/python3; do
	if "$p" -c 'import prometheus_client.parser' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "1..0 # SKIP python3-prometheus-client not installed"; exit 77; }
[ -x "$MILTER" ] || { echo "# MILTER is not executable: $MILTER"; echo "0 passed, 1 failed"; exit 1; }

e2e_init fortrolig-metrics
W=$E2E_TMP
e2e_before_cleanup() { [ "$1" = 0 ] || tap_abort "$1"; }
# check_diag FILE NAME CMD...: check, and show FILE under a failed one.
check_diag() {
	local file=$1 f=$FAILED
	shift
	check "$@"
	[ "$FAILED" = "$f" ] || diag "$(cat "$file" 2>/dev/null)"
}

# conf NAME MODE METRICS: a configuration with its own thread memory.
conf() {
	mkdir -p "$W/$1"
	cat >"$W/$1.conf" <<CONF
mode = "$2";
metrics = "$3";
council = { senders = [ "*@bakkeby.dk" ]; auth_users = [ "anne.holm" ]; };
internal_domains = [ "bakkeby.dk" ];
quoted_action = "new-thread";
domains = (
  { match = "tls.example"; actions = [ "tls", "reject" ]; },
  { match = "*";           actions = [ "smime", "pgp", "reject" ]; }
);
detectors = { keywords = { enabled = true; dir = "$WORDS"; }; };
limits = { max_message_size = 8192; on_limit = "tempfail"; };
store = { backend = "lmdb"; path = "$W/$1/thread"; key_file = "$W/$1/thread.key"; };
trusted_relays = [ "127.0.0.0/8", "::1" ];
spf = { test_zone = "$top_srcdir/tests/miltertest/conf/spf.zone"; };
smime = { store = "$W/$1/no-smime"; };
pgp = { home = "$W/$1/no-gnupg"; };
CONF
}

# A build without libmicrohttpd cannot serve metrics: nothing to test.
conf probe enforce 127.0.0.1:9
if "$MILTER" -n -c "$W/probe.conf" 2>&1 | grep -q "without libmicrohttpd"; then
	echo "1..0 # SKIP fortrolig-milter was built without libmicrohttpd"
	exit 77
fi

# --- a non-loopback address is refused by the configuration check
conf remote enforce 192.0.2.1:9712
t_remote() {
	! "$MILTER" -n -c "$W/remote.conf" >"$W/remote.out" 2>&1 &&
		grep -q 'metrics = "192.0.2.1:9712" is not a loopback address' "$W/remote.out"
}
check_diag "$W/remote.out" "a non-loopback metrics address is refused (fortrolig-milter -n)" t_remote

# phase NAME MODE: start a milter with metrics, send the phase's messages,
# scrape, check, stop.
phase() {
	local name=$1 mode=$2 mport hport pid sock
	e2e_free_port mport
	e2e_free_port hport
	sock="inet:$mport@127.0.0.1"
	conf "$name" "$mode" "127.0.0.1:$hport"
	"$MILTER" -n -c "$W/$name.conf" >"$W/$name.n" 2>&1
	check_diag "$W/$name.n" "$name: the configuration passes fortrolig-milter -n" [ $? = 0 ]
	if ! e2e_start_milter "$name" "$W/$name.conf" "$mport"; then
		check "$name: the milter starts" false
		return
	fi
	pid=$E2E_MILTER_PID
	check "$name: the metrics endpoint listens on 127.0.0.1:$hport" e2e_wait_port "$hport" 10 "$pid"
	check "$name: the log names the endpoint" \
		grep -q "metrics on http://127.0.0.1:$hport/metrics" "$W/$name.log"

	(cd "$W" && FORTROLIG_MT_EXTERNAL=1 FORTROLIG_MT_DIR="$top_srcdir/tests/miltertest" \
		FORTROLIG_SRCDIR="$top_srcdir" FORTROLIG_SOCKET="$sock" FORTROLIG_MILTER="$MILTER" \
		FORTROLIG_MT_LOG="$W/$name.log" FORTROLIG_CONF="$W/$name.conf" \
		FORTROLIG_SCANNER="$SCANNER" FORTROLIG_METRICS_PHASE="$mode" \
		FORTROLIG_METRICS_EXPECT="$W/$name.expect" \
		timeout -k 5 120 "$MILTERTEST" -s "$here/send.lua") >"$W/$name.mt" 2>&1
	local rc=$?
	check_diag "$W/$name.mt" "$name: every message got its verdict (miltertest)" [ "$rc" = 0 ]

	curl -sS --max-time 10 -D "$W/$name.headers" -o "$W/$name.scrape" \
		"http://127.0.0.1:$hport/metrics" 2>"$W/$name.curl"
	rc=$?
	check_diag "$W/$name.curl" "$name: curl fetches /metrics" [ "$rc" = 0 ]
	check "$name: the answer is 200" grep -q '^HTTP/1.1 200' "$W/$name.headers"
	check "$name: in the Prometheus text format (content type)" \
		grep -qi '^content-type: text/plain; version=0.0.4' "$W/$name.headers"
	"$PY" "$here/check.py" "$W/$name.scrape" "$W/$name.expect" "$name" >"$W/$name.check"
	rc=$?
	# check.py's own lines, folded into this run's numbering.
	while IFS= read -r l; do
		case $l in
		"ok "*) check "${l#ok * - }" true ;;
		"not ok "*) check "${l#not ok * - }" false ;;
		"#"*) echo "$l" ;;
		esac
	done <"$W/$name.check"
	check_diag "$W/$name.check" "$name: check.py ran to its end" [ "$rc" -le 1 ]

	check "$name: another path is 404" \
		[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$hport/")" = 404 ]
	check "$name: POST is 405" \
		[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$hport/metrics")" = 405 ]

	check "$name: the milter stops on SIGTERM" e2e_stop_milter "$pid" "$mport"
	check "$name: the metrics endpoint is gone with it" e2e_wait_port_closed "$hport" 5
	check "$name: no sanitizer report" \
		bash -c "! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' '$W/$name.log'"
}

phase enforce enforce
phase monitor monitor
finish
