#!/bin/sh
# Run fortrolig's miltertest cases (tests/miltertest/t-*.lua) against the milter.
#
# usage: run-miltertest.sh [CASE...]      CASE = t-name, t-name.lua or name; default all
#
# Environment:
#   MILTER or FORTROLIG_MILTER   the fortrolig-milter binary; otherwise looked for in
#                                $FORTROLIG_BUILDDIR/milter, $top_builddir/milter, ./milter,
#                                ../milter, ../../milter and $FORTROLIG_SRCDIR/milter
#   FORTROLIG_SRCDIR             top source dir (default: two levels above this script);
#                                @SRCDIR@ in conf/*.conf becomes this (word lists are in
#                                lib/detect/keywords/words, default texts in lib/conf/texts_default.h)
#   SCANNER or FORTROLIG_SCANNER the fortrolig-scan binary whose --reply gives the expected
#                                reply texts (default: cmd/fortrolig-scan beside the milter)
#   MILTERTEST                   the miltertest binary (default: miltertest from PATH)
#   MT_TIMEOUT                   seconds per case (default 60)
#   FORTROLIG_MT_VERBOSE         set: the Lua helper prints every protocol step
#   FORTROLIG_MT_KEEP            set: keep the temp dir (configs, logs)
#
# Output: "ok N - name" / "not ok N - name" per check, the failing case's output as
# "# " lines, and a last line "P passed, F failed".  Exit 0 when nothing failed, 1
# otherwise, 77 (automake: skipped) when miltertest is not installed.

set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "${FORTROLIG_SRCDIR:-$here/../..}" && pwd)

MILTERTEST=${MILTERTEST:-miltertest}
MT_TIMEOUT=${MT_TIMEOUT:-60}

if ! command -v "$MILTERTEST" >/dev/null 2>&1; then
	echo "# $MILTERTEST not found (Debian: apt-get install miltertest); skipping"
	exit 77
fi

# ------------------------------------------------------------------ the milter
milter=${MILTER:-${FORTROLIG_MILTER:-}}
if [ -z "$milter" ]; then
	for d in ${FORTROLIG_BUILDDIR:+"$FORTROLIG_BUILDDIR/milter"} \
	         ${top_builddir:+"$top_builddir/milter"} ./milter ../milter ../../milter \
	         "$top_srcdir/milter"; do
		if [ -x "$d/fortrolig-milter" ]; then
			milter="$d/fortrolig-milter"
			break
		fi
	done
fi
if [ -z "$milter" ] || [ ! -x "$milter" ]; then
	echo "# fortrolig-milter not found; set MILTER=/path/to/fortrolig-milter" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
milter=$(cd "$(dirname "$milter")" && pwd)/$(basename "$milter")
# fortrolig-scan gives the expected reply texts (--reply): the same build's.
scanner=${SCANNER:-${FORTROLIG_SCANNER:-$(dirname "$(dirname "$milter")")/cmd/fortrolig-scan}}
if [ ! -x "$scanner" ]; then
	echo "# fortrolig-scan not found at $scanner; set SCANNER=/path/to/fortrolig-scan" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

# ------------------------------------------------------------------ temp dir
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fortrolig-mt.XXXXXX") || exit 1
chmod 755 "$tmp"
cleanup() {
	if [ -n "${FORTROLIG_MT_KEEP:-}" ]; then
		echo "# kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Configs: conf/*.conf are templates; @SRCDIR@ becomes the top source dir,
# @TMPDIR@ this run's temp dir (thread memory)
# (the word lists live in lib/detect/keywords/words/).
mkdir "$tmp/conf"
for c in "$here"/conf/*.conf; do
	sed -e "s|@SRCDIR@|$top_srcdir|g" -e "s|@TMPDIR@|$tmp|g" "$c" >"$tmp/conf/$(basename "$c")"
done

# ------------------------------------------------------------------ helpers
port_in_use() {
	hex=$(printf ':%04X ' "$1")
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -q "$hex" && return 0
	if command -v ss >/dev/null 2>&1; then
		ss -Htan 2>/dev/null | awk '{print $4}' | grep -q ":$1\$" && return 0
	fi
	return 1
}

# A free loopback port, different for every case.
next_port=0
free_port() {
	if [ "$next_port" -eq 0 ]; then
		next_port=$(( 20000 + ($$ * 7 + $(date +%s)) % 30000 ))
	fi
	tries=0
	while [ $tries -lt 200 ]; do
		next_port=$(( next_port + 1 ))
		[ $next_port -gt 60000 ] && next_port=20001
		if ! port_in_use $next_port; then
			echo $next_port
			return 0
		fi
		tries=$(( tries + 1 ))
	done
	return 1
}

# PIDs of milters still running with our socket argument.
leftover_pids() {
	pgrep -f -- "-p $1 -f" 2>/dev/null | while read -r pid; do
		[ "$pid" != "$$" ] && echo "$pid"
	done
}

n=0
passed=0
failed=0

report() {	# report STATUS NAME [LOGFILE]
	n=$(( n + 1 ))
	if [ "$1" -eq 0 ]; then
		passed=$(( passed + 1 ))
		echo "ok $n - $2"
	else
		failed=$(( failed + 1 ))
		echo "not ok $n - $2"
		if [ -n "${3:-}" ] && [ -s "$3" ]; then
			sed -e 's/^/#   /' "$3"
		fi
	fi
}

# ------------------------------------------------------------------ cases
if [ $# -gt 0 ]; then
	cases=
	for a in "$@"; do
		a=${a%.lua}
		case $a in t-*) ;; *) a="t-$a" ;; esac
		cases="$cases $a"
	done
else
	cases=
	for f in "$here"/t-*.lua; do
		[ -f "$f" ] && cases="$cases $(basename "$f" .lua)"
	done
fi

total=0
for c in $cases; do total=$(( total + 1 )); done
confs=0
for conf in "$tmp"/conf/*.conf; do [ -f "$conf" ] && confs=$(( confs + 1 )); done
echo "1..$(( total + confs ))"

# The generated configs must pass the milter's own check.
for conf in "$tmp"/conf/*.conf; do
	log="$tmp/$(basename "$conf").check.log"
	"$milter" -n -c "$conf" >"$log" 2>&1
	report $? "config $(basename "$conf") passes fortrolig-milter -n" "$log"
done

for c in $cases; do
	script="$here/$c.lua"
	log="$tmp/$c.log"
	if [ ! -f "$script" ]; then
		echo "no such case: $script" >"$log"
		report 1 "$c" "$log"
		continue
	fi
	port=$(free_port) || { echo "no free port" >"$log"; report 1 "$c" "$log"; continue; }
	sock="inet:$port@127.0.0.1"

	( cd "$tmp" &&
	  FORTROLIG_MILTER="$milter" \
	  FORTROLIG_SCANNER="$scanner" \
	  FORTROLIG_CONF="$tmp/conf/enforce.conf" \
	  FORTROLIG_CONF_DIR="$tmp/conf" \
	  FORTROLIG_SOCKET="$sock" \
	  FORTROLIG_MT_DIR="$here" \
	  FORTROLIG_SRCDIR="$top_srcdir" \
	  FORTROLIG_MT_LOG="$log" \
	  timeout -k 5 "$MT_TIMEOUT" "$MILTERTEST" -s "$script" ) >"$log" 2>&1
	rc=$?
	[ $rc -eq 124 ] && echo "timed out after ${MT_TIMEOUT}s" >>"$log"

	# miltertest SIGTERMs and waits for the filter; make sure nothing is left.
	left=$(leftover_pids "$sock")
	if [ -n "$left" ]; then
		sleep 2
		left=$(leftover_pids "$sock")
	fi
	if [ -n "$left" ]; then
		echo "milter still running after the case (pid $(echo "$left" | tr '\n' ' ')); killed" >>"$log"
		for pid in $left; do kill "$pid" 2>/dev/null; done
		sleep 1
		for pid in $(leftover_pids "$sock"); do kill -9 "$pid" 2>/dev/null; done
		rc=1
	fi
	# The milter is built with ASan/UBSan in CI: any report fails the case.
	if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
		echo "sanitizer report in the milter's output" >>"$log"
		rc=1
	fi
	[ $rc -ne 0 ] && echo "miltertest exit status $rc" >>"$log"
	report $rc "$c" "$log"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
