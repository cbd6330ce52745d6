#!/bin/sh
# Two-instance test: two fortrolig-milter processes share one Redis thread memory.
# A confidential inbound mail goes through instance 1; the member's trimmed reply
# through instance 2 is caught. redis-server (Debian) runs on a free loopback port;
# every process this script starts is stopped by its PID.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "${FORTROLIG_SRCDIR:-$here/../..}" && pwd)
: "${MILTER:?set MILTER to the fortrolig-milter binary}"
# fortrolig-scan --reply gives the expected reject text (tests/miltertest/lib.lua)
SCANNER=${SCANNER:-$(dirname "$(dirname "$MILTER")")/cmd/fortrolig-scan}
MILTERTEST=${MILTERTEST:-miltertest}
for p in "$MILTERTEST" redis-server; do
	command -v "$p" >/dev/null 2>&1 || { echo "# $p not found"; echo "0 passed, 1 failed"; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fortrolig-two.XXXXXX") || exit 1
pids=
cleanup() {
	for pid in $pids; do kill "$pid" 2>/dev/null; done
	for pid in $pids; do wait "$pid" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

free_port() {	# a loopback port nobody listens on, from a given start
	p=$1
	while ss -Htan 2>/dev/null | awk '{print $4}' | grep -q ":$p\$"; do p=$((p + 1)); done
	echo "$p"
}
base=$(( 21000 + ($$ % 20000) ))
rport=$(free_port "$base")
p1=$(free_port $((rport + 1)))
p2=$(free_port $((p1 + 1)))

redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" \
	--loglevel warning >"$tmp/redis.log" 2>&1 &
pids="$!"

# Both instances: the same Redis, prefix and key file (as on two MTA hosts).
(umask 077; openssl rand -hex 32 >"$tmp/thread.key")
for i in 1 2; do
	sed -e "s|@SRCDIR@|$top_srcdir|g" -e "s|@TMPDIR@|$tmp|g" "$top_srcdir/tests/miltertest/conf/thread.conf" |
	sed -e "s|^store = .*|store = { backend = \"redis\"; key_file = \"$tmp/thread.key\"; redis = { port = $rport; prefix = \"two:\"; }; };|" \
		>"$tmp/inst$i.conf"
done
"$MILTER" -f -c "$tmp/inst1.conf" -p "inet:$p1@127.0.0.1" 2>"$tmp/inst1.log" &
pids="$pids $!"
"$MILTER" -f -c "$tmp/inst2.conf" -p "inet:$p2@127.0.0.1" 2>"$tmp/inst2.log" &
pids="$pids $!"

n=0 passed=0 failed=0
run() {	# run NAME SCRIPT PORT LOG CONF
	n=$((n + 1))
	if (cd "$tmp" && FORTROLIG_MT_EXTERNAL=1 FORTROLIG_MT_DIR="$top_srcdir/tests/miltertest" \
	    FORTROLIG_SRCDIR="$top_srcdir" FORTROLIG_SOCKET="inet:$3@127.0.0.1" \
	    FORTROLIG_MILTER="$MILTER" FORTROLIG_MT_LOG="$4" FORTROLIG_CONF="$5" \
	    FORTROLIG_SCANNER="$SCANNER" \
	    timeout -k 5 60 "$MILTERTEST" -s "$2") >"$tmp/mt$n.out" 2>&1; then
		passed=$((passed + 1)); echo "ok $n - $1"
	else
		failed=$((failed + 1)); echo "not ok $n - $1"
		sed -e 's/^/#   /' "$tmp/mt$n.out" "$4"
	fi
}
run "instance 1 learns the confidential inbound mail" "$here/two-1-inbound.lua" "$p1" "$tmp/inst1.log" \
    "$tmp/inst1.conf"
run "instance 2 rejects the trimmed reply (shared Redis)" "$here/two-2-reply.lua" "$p2" "$tmp/inst2.log" \
    "$tmp/inst2.conf"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
