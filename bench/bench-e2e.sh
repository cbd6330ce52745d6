#!/bin/bash
# bench/bench-e2e.sh - what a mail costs end to end: a throwaway Postfix on
# loopback, SESSIONS concurrent SMTP sessions (bench/smtpload.py) of N
# messages each, delivery to Postfix's discard(8) so it is cheap, and in ONE
# run these rounds, each with a freshly started milter:
#
#   none           no milter                       20 KB reply thread (clean)
#   minimal        bench/fminimal (finds a word)   the same
#   fortrolig      fortrolig-milter                the same
#   conf-internal  fortrolig-milter                the thread with a CPR number and a
#                                                  diagnosis quoted, to a colleague
#   conf-smime     fortrolig-milter                the same to an outside recipient
#                                                  with an S/MIME certificate (encrypted)
#   minimal-2mb    bench/fminimal                  2 MB mail with a PDF (clean)
#   fortrolig-2mb  fortrolig-milter                the same
#
# The mail is bench/fpipe's generated mail (fpipe -w). Each round starts with
# one untimed message per session. Reported per round: delivered msg/s (from
# the first SMTP connection until discard(8) logged the last delivery), the
# milter's CPU ms per message (utime+stime of it, of its extractor zygote and
# of their reaped children, /proc/PID/stat), their peak RSS (VmHWM, summed),
# and ratios against the
# minimal milter on the same mail. fortrolig-milter has an LMDB thread memory
# of its own per round, and quoted_action = "as-body", so that a confidential
# quoted thread is encrypted rather than refused with the new-thread advice
# (the default). The same text is sent again and again, so from the second
# confidential message on the thread memory matches it too (cats=thread).
# Every process is stopped by its PID. Exit 1 when a round's verdicts were
# not what it meant to measure (the limits hit are printed).
#
# Usage: make bench-e2e (as root), or
#   BENCH_BIN=BUILD/bench MILTER=BUILD/milter/fortrolig-milter \
#   CERTS=BUILD/cmd/fortrolig-certs bench/bench-e2e.sh
# Environment: BENCH_N messages per session (50), BENCH_BIG_N the same for
# the 2 MB rounds (3), BENCH_SESSIONS (20), BENCH_ROUNDS (names of rounds
# to run, all when empty), BENCH_CONF_EXTRA (settings appended to the
# milter's configuration, to measure one), E2E_KEEP=1 keeps the temp dir.
#
# Results on the 2-core build machine (shared), see README.md "Speed":
# RESULTS-BEGIN
# bench-e2e: 2026-12-06 (later; two libFuzzer runs at nice 19 beside it), 20 sessions, 2 cores, Postfix 3.7.11
# | round | mail | msgs | delivered msg/s | milter CPU ms/msg | peak RSS MB | CPU vs minimal | msg/s vs minimal | client CPU |
# |---|---|---|---|---|---|---|---|---|
# | none | reply-clean | 1000 | 511.3 | - | - | - | - | 23% |
# | minimal | reply-clean | 1000 | 316.5 | 0.27 | 2.3 | - | - | 14% |
# | fortrolig | reply-clean | 1000 | 277.4 | 1.34 | 28.3 | 5.0x | 0.88 | 12% |
# | conf-internal | reply-conf | 1000 | 116.8 | 2.39 | 29.6 | 8.9x | 0.37 | 6% |
# | conf-smime | reply-conf | 1000 | 108.0 | 2.79 | 30.4 | 10.3x | 0.34 | 5% |
# | minimal-2mb | pdf-2mb | 60 | 29.9 | 1.83 | 3.0 | - | - | 57% |
# | fortrolig-2mb | pdf-2mb | 60 | 14.8 | 34.33 | 54.7 | 18.8x | 0.49 | 33% |
# RESULTS-END
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_src=$(cd "$here/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../tests/e2e/lib.sh
. "$top_src/tests/e2e/lib.sh"
# shellcheck source-path=SCRIPTDIR source=../tests/e2e/pki.sh
. "$top_src/tests/e2e/pki.sh"

BENCH_BIN=${BENCH_BIN:-$here}
# shellcheck source-path=SCRIPTDIR source=benchlib.sh
. "$here/benchlib.sh"

ROWS=()
# round NAME KIND(none|minimal|fortrolig) MSG RCPT COUNT
round() {
    local name=$1 kind=$2 msg=$3 rcpt=$4 count=$5 total base out t0 t1 c0=0 c1=0 hwm=0
    total=$((SESSIONS * count))
    [ -z "$ONLY" ] || [[ " $ONLY " == *" $name "* ]] || return 0
    e2e_note "round $name: $SESSIONS sessions x $count of $msg.eml to $rcpt"
    set_milters "$([ "$kind" = none ] && echo 0 || echo 1)"
    MPID=
    case $kind in
    minimal) start_minimal ;;
    fortrolig) start_fortrolig "$name" ;;
    esac
    base=$(delivered)
    load "$name-warm" "$msg" "$rcpt" 1 >"$W/$name.warm" || { cat "$W/$name.warm" >&2; e2e_die "$name: warm-up failed"; }
    wait_delivered $((base + SESSIONS)) 120 || e2e_die "$name: warm-up not delivered"
    base=$(delivered)
    [ -z "$MPID" ] || c0=$(ticks "$MPID")
    t0=$(now)
    out=$(load "$name" "$msg" "$rcpt" "$count") || { echo "$out" >&2; e2e_die "$name: messages refused"; }
    wait_delivered $((base + total)) 900 || e2e_die "$name: not all delivered"
    t1=$(now)
    if [ -n "$MPID" ]; then
        c1=$(ticks "$MPID")
        hwm=$(hwm_kb "$MPID")
        e2e_stop_milter "$MPID" "$MILTER_PORT" || true
    fi
    ROWS+=("$name $msg $total $t0 $t1 $((c1 - c0)) $hwm $out")
    e2e_note "  $out"
}

# verdicts KIND: the fortrolig rounds measured what they claim
verdicts() { grep -c "$2" "$W/milter-$1.log" 2>/dev/null || true; }

round none none reply-clean "$OUTSIDE" "$N"
round minimal minimal reply-clean "$OUTSIDE" "$N"
round fortrolig fortrolig reply-clean "$OUTSIDE" "$N"
round conf-internal fortrolig reply-conf "$COLLEAGUE" "$N"
round conf-smime fortrolig reply-conf "$OUTSIDE" "$N"
round minimal-2mb minimal pdf-2mb "$OUTSIDE" "$BIG_N"
round fortrolig-2mb fortrolig pdf-2mb "$OUTSIDE" "$BIG_N"

# --- checks and the table
bad=0
expect() { # ROUND PATTERN AT-LEAST WHAT
    local n
    [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]] || return 0
    n=$(verdicts "$1" "$2")
    if [ "$n" -lt "$3" ]; then
        e2e_note "round $1: $n log lines matching '$2', expected $3 ($4); limits hit:"
        grep -o 'incomplete="[^"]*"' "$W/milter-$1.log" | sort | uniq -c | sed 's/^/#   /' >&2 || true
        bad=1
    fi
}
expect fortrolig 'class=clean' $((SESSIONS * (N + 1))) "clean verdicts"
expect conf-internal 'class=sensitive\|class=confidential' $((SESSIONS * (N + 1))) "confidential verdicts"
expect conf-smime 'action=smime' $((SESSIONS * (N + 1))) "S/MIME encryptions"
expect fortrolig-2mb 'class=clean' $((SESSIONS * (BIG_N + 1))) "clean verdicts"

printf '\nbench-e2e: %s, %s sessions, %s cores, %s\n' "$(date -u +%Y-%m-%d)" "$SESSIONS" "$(nproc)" \
    "$(postconf -d -h mail_version 2>/dev/null | sed 's/^/Postfix /')"
printf '| round | mail | msgs | delivered msg/s | milter CPU ms/msg | peak RSS MB | CPU vs minimal | msg/s vs minimal | client CPU |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
declare -A RATE CPU
for r in "${ROWS[@]}"; do
    read -r name msg total t0 t1 dt hwm out <<<"$r"
    rate=$(awk -v n="$total" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / (b - a) }')
    cpu=$(awk -v d="$dt" -v t="$TICK" -v n="$total" 'BEGIN { printf "%.2f", d * 1000 / t / n }')
    ccpu=$(sed -n 's/.*elapsed=\([0-9.]*\) cpu=\([0-9.]*\).*/\1 \2/p' <<<"$out" |
        awk '{ printf "%.0f%%", ($1 > 0 ? 100 * $2 / $1 : 0) }')
    RATE[$name]=$rate
    CPU[$name]=$cpu
    base=minimal
    case $msg in pdf-2mb) base=minimal-2mb ;; esac
    vcpu=- vrate=-
    if [ "$name" != none ] && [ "$name" != "$base" ] && [ -n "${CPU[$base]:-}" ]; then
        vcpu=$(awk -v a="$cpu" -v b="${CPU[$base]}" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else printf "-" }')
        vrate=$(awk -v a="$rate" -v b="${RATE[$base]}" 'BEGIN { printf "%.2f", a / b }')
    fi
    rss=-
    if [ "$name" = none ]; then
        cpu=-
    else
        rss=$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$msg" "$total" "$rate" "$cpu" \
        "$rss" "$vcpu" "$vrate" "$ccpu"
done
exit "$bad"
