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
# to run, all when empty), E2E_KEEP=1 keeps the temp dir.
#
# Results on the 2-core build machine (shared), see README.md "Speed":
# RESULTS-BEGIN
# bench-e2e: 2026-12-06, 20 sessions, 2 cores, Postfix 3.7.11
# | round | mail | msgs | delivered msg/s | milter CPU ms/msg | peak RSS MB | CPU vs minimal | msg/s vs minimal | client CPU |
# |---|---|---|---|---|---|---|---|---|
# | none | reply-clean | 1000 | 550.3 | - | - | - | - | 22% |
# | minimal | reply-clean | 1000 | 364.9 | 0.25 | 2.3 | - | - | 13% |
# | fortrolig | reply-clean | 1000 | 275.8 | 1.49 | 35.4 | 6.0x | 0.76 | 11% |
# | conf-internal | reply-conf | 1000 | 174.7 | 2.37 | 35.2 | 9.5x | 0.48 | 8% |
# | conf-smime | reply-conf | 1000 | 171.7 | 2.73 | 36.3 | 10.9x | 0.47 | 8% |
# | minimal-2mb | pdf-2mb | 60 | 34.2 | 1.83 | 2.6 | - | - | 57% |
# | fortrolig-2mb | pdf-2mb | 60 | 23.7 | 14.50 | 72.7 | 7.9x | 0.69 | 41% |
# RESULTS-END
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_src=$(cd "$here/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../tests/e2e/lib.sh
. "$top_src/tests/e2e/lib.sh"
# shellcheck source-path=SCRIPTDIR source=../tests/e2e/pki.sh
. "$top_src/tests/e2e/pki.sh"

BENCH_BIN=${BENCH_BIN:-$here}
MILTER=${MILTER:-$top_src/milter/fortrolig-milter}
CERTS=${CERTS:-$top_src/cmd/fortrolig-certs}
WORDS=${WORDS:-$top_src/lib/detect/keywords/words}
N=${BENCH_N:-50}
BIG_N=${BENCH_BIG_N:-3}
SESSIONS=${BENCH_SESSIONS:-20}
ONLY=${BENCH_ROUNDS:-}
PY=${PYTHON:-python3}

e2e_need_tools
for f in "$BENCH_BIN/fpipe" "$BENCH_BIN/fminimal" "$MILTER" "$CERTS"; do
    [ -x "$f" ] || { echo "bench-e2e: $f is not built" >&2; exit 2; }
done
command -v "$PY" >/dev/null || { echo "1..0 # SKIP no python3"; exit 77; }

e2e_init fortrolig-bench
W=$E2E_TMP
e2e_free_port SMTP_PORT
e2e_free_port MILTER_PORT
MEMBER=anne.holm@bakkeby.dk
COLLEAGUE=ole.bisgaard@bakkeby.dk
OUTSIDE=lars.berg@example.org
TICK=$(getconf CLK_TCK)

# --- mail, keys, configuration (the milter runs as nobody: all readable)
mkdir -p "$W/msgs" "$W/milter/smime" "$W/milter/state"
chmod 755 "$W/msgs" "$W/milter" "$W/milter/smime"
chown nobody "$W/milter/state"
"$BENCH_BIN/fpipe" -w "$W/msgs"
chmod 644 "$W"/msgs/*
cp -r "$WORDS" "$W/milter/words"
chmod -R a+rX "$W/milter/words"
pki_init "$W/pki"
pki_cert lars "$OUTSIDE" enc rsa
cp "$W/pki/ca.pem" "$W/milter/ca.pem"
chmod 644 "$W/milter/ca.pem"

# write_conf NAME: a configuration with a thread memory of its own
write_conf() {
    cat >"$W/milter/$1.conf" <<CONF
mode = "enforce";
user = "nobody";
council = { senders = [ "*@bakkeby.dk" ]; };
internal_domains = [ "bakkeby.dk" ];
domains = ( { match = "*"; actions = [ "smime", "reject" ]; } );
quoted_action = "as-body";
smime = { store = "$W/milter/smime"; ca_file = "$W/milter/ca.pem"; };
pgp = { home = "$W/milter/no-gnupg"; };
detectors = { keywords = { dir = "$W/milter/words"; }; };
store = { backend = "lmdb"; path = "$W/milter/state/$1.db"; key_file = "$W/milter/state/$1.key"; };
CONF
    chmod 644 "$W/milter/$1.conf"
}
write_conf certs
"$CERTS" -c "$W/milter/certs.conf" import "$W/pki/lars.pem" >"$W/certs.log" 2>&1 ||
    { cat "$W/certs.log" >&2; e2e_die "fortrolig-certs import failed"; }

# --- Postfix: everything it accepts goes to discard(8)
PF=$(e2e_pf_base bench "$SMTP_PORT")
cat >>"$PF/main.cf" <<EOF
relayhost =
default_transport = discard:bench
relay_transport = discard:bench
message_size_limit = 20971520
milter_default_action = tempfail
milter_protocol = 6
smtpd_milters =
EOF
e2e_pf_start "$PF"
MAILLOG=$(e2e_pf_log "$PF")

# --- one round
MPID=
MILTERS_ON=0
set_milters() {
    [ "$1" = "$MILTERS_ON" ] && return 0
    if [ "$1" = 1 ]; then
        postconf -c "$PF" -e "smtpd_milters = inet:127.0.0.1:$MILTER_PORT"
    else
        postconf -c "$PF" -e "smtpd_milters ="
    fi
    e2e_pf_reload "$PF"
    MILTERS_ON=$1
}
start_minimal() {
    "$BENCH_BIN/fminimal" -p "inet:$MILTER_PORT@127.0.0.1" >>"$W/fminimal.log" 2>&1 &
    MPID=$!
    e2e_register_pid fminimal "$MPID"
    e2e_wait_port "$MILTER_PORT" 10 "$MPID" || e2e_die "fminimal did not listen"
}
start_fortrolig() {
    write_conf "$1"
    e2e_start_milter "milter-$1" "$W/milter/$1.conf" "$MILTER_PORT" || e2e_die "milter $1 did not start"
    MPID=$E2E_MILTER_PID
}
delivered() { grep -c 'status=sent' "$MAILLOG" 2>/dev/null || true; }
wait_delivered() { # TARGET SECS
    local i
    for ((i = 0; i < $2 * 20; i++)); do
        [ "$(delivered)" -ge "$1" ] && return 0
        sleep 0.05
    done
    return 1
}
# The milter and its children: the extractor zygote (its own reaped children
# are in its cutime/cstime) counts as the milter's cost.
family() { echo "$1"; grep -l "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3; }
ticks() {
    local p t=0
    for p in $(family "$1"); do
        t=$((t + $(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$t"
}
hwm_kb() {
    local p k=0
    for p in $(family "$1"); do
        k=$((k + $(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)))
    done
    echo "$k"
}
now() { date +%s.%N; }
load() { # TAG MSG RCPT COUNT
    "$PY" "$here/smtpload.py" --port "$SMTP_PORT" --sessions "$SESSIONS" --count "$4" \
        --sender "$MEMBER" --rcpt "$3" --file "$W/msgs/$2.eml" --tag "$1"
}

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
