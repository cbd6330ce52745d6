#!/bin/bash
# bench/soak.sh - the soak bench: BENCH_SOAK_SESSIONS (100) concurrent SMTP
# sessions through a throwaway loopback Postfix and fortrolig-milter for
# BENCH_SOAK_SECONDS (600), a mixed load: clean 20 KB replies (half the
# sessions), confidential replies to an S/MIME recipient (a quarter), the
# hostile mail of tests/hostile/mail (a fifth; rejected or judged), and 2 MB
# mail with a PDF (the rest). The milter's RSS (with its extractor zygote)
# is sampled every second. Passes when there was no error (no 4xx, no broken
# session), every mail is accounted for (delivered to discard(8) as many as
# Postfix accepted; the rest rejected with 5xx), and the last minute's mean
# anonymous RSS (the heap) is within 10% of the second minute's; the
# file-backed part, the thread memory's LMDB map growing as mail is learnt,
# is reported beside it. Not in CI: `make soak` (root).
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

SECS=${BENCH_SOAK_SECONDS:-600}
TOTAL=${BENCH_SOAK_SESSIONS:-100}
HOSTILE=$top_src/tests/hostile/mail
(( SECS >= 120 )) || e2e_die "BENCH_SOAK_SECONDS must be at least 120 (two minutes to compare)"

# The hostile mail, each given a Message-ID header smtpload can vary.
mkdir -p "$W/hostile"
n=0
for f in "$HOSTILE"/*.eml; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    { printf 'Message-ID: <hostile-%d@bakkeby.dk>\r\n' "$n"
      sed '/^[Mm]essage-[Ii][Dd]:/d' "$f"; } >"$W/hostile/h$n.eml"
done
(( n > 0 )) || e2e_die "no hostile mail in $HOSTILE"

set_milters 1
start_fortrolig soak
# kind SESSIONS FILE RCPT
run_part() {
    "$PY" "$here/smtpload.py" --port "$SMTP_PORT" --sessions "$2" --seconds "$SECS" \
        --sender "$MEMBER" --rcpt "$4" --file "$3" --tag "$1" >"$W/load-$1.out" 2>&1 || true
}
nclean=$((TOTAL / 2)) nconf=$((TOTAL / 4)) nhost=$((TOTAL / 5))
nbig=$((TOTAL - nclean - nconf - nhost))
e2e_note "soak: $TOTAL sessions for ${SECS}s: $nclean clean, $nconf confidential, $nhost hostile, $nbig 2 MB"
pids=()
run_part clean "$nclean" "$W/msgs/reply-clean.eml" "$OUTSIDE" & pids+=($!)
run_part conf "$nconf" "$W/msgs/reply-conf.eml" "$OUTSIDE" & pids+=($!)
per=$(( (nhost + n - 1) / n ))
for ((i = 1; i <= n && nhost > 0; i++)); do
    s=$(( nhost < per ? nhost : per ))
    run_part "hostile$i" "$s" "$W/hostile/h$i.eml" "$OUTSIDE" & pids+=($!)
    nhost=$((nhost - s))
done
run_part big "$nbig" "$W/msgs/pdf-2mb.eml" "$OUTSIDE" & pids+=($!)

# RSS of the milter and its zygote, every second until the load ends: the
# 2 MB mails in flight make single samples jump by several MB.
rss_kb() {  # total, anonymous (heap), file-backed (the LMDB map) in KB
    local p a=0 f=0
    for p in $(family "$MPID"); do
        read -r x y <<<"$(awk '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 } END { print a + 0, f + 0 }' \
            "/proc/$p/status" 2>/dev/null || echo "0 0")"
        a=$((a + x)) f=$((f + y))
    done
    echo "$((a + f)) $a $f"
}
t0=$(date +%s)
: >"$W/rss"
while kill -0 "${pids[0]}" 2>/dev/null; do
    echo "$(( $(date +%s) - t0 )) $(rss_kb)" >>"$W/rss"
    sleep 1
done
for p in "${pids[@]}"; do wait "$p" || true; done

# Accounting: each part's accepted mail reached discard(8); the rest got 5xx.
accepted=0 tried=0 c4=0 c5=0 broken=0
for f in "$W"/load-*.out; do
    read -r s fl <<<"$(sed -n 's/^sent=\([0-9]*\) failed=\([0-9]*\).*/\1 \2/p' "$f")"
    accepted=$((accepted + ${s:-0}))
    tried=$((tried + ${s:-0} + ${fl:-0}))
    codes=$(sed -n 's/.*codes=//p' "$f")
    c4=$((c4 + $(tr ',' '\n' <<<"$codes" | awk -F: '$1 ~ /^4/ { n += $2 } END { print n + 0 }')))
    c5=$((c5 + $(tr ',' '\n' <<<"$codes" | awk -F: '$1 ~ /^5/ { n += $2 } END { print n + 0 }')))
    broken=$((broken + $(tr ',' '\n' <<<"$codes" | awk -F: '$1 !~ /^[45]/ && $1 != "-" { n += $2 } END { print n + 0 }')))
done
wait_delivered "$accepted" 300 || true
got=$(delivered)
e2e_stop_milter "$MPID" "$MILTER_PORT" || true
# minute COLUMN: the second minute's and the last minute's mean of a column
minute() {
    awk -v end="$SECS" -v c="$1" '
        $1 >= 60 && $1 < 120 { a += $c; na++ }
        $1 >= end - 60 { b += $c; nb++ }
        END { printf "%.0f %.0f\n", na ? a / na : 0, nb ? b / nb : 0 }' "$W/rss"
}
read -r m2 mlast <<<"$(minute 2)"
read -r a2 alast <<<"$(minute 3)"
read -r f2 flast <<<"$(minute 4)"
printf '\nsoak: %s, %s sessions, %ss, %s cores\n' "$(date -u +%Y-%m-%d)" "$TOTAL" "$SECS" "$(nproc)"
printf 'mail tried %d: accepted %d (delivered %d), rejected 5xx %d, deferred 4xx %d, broken sessions %d\n' \
    "$tried" "$accepted" "$got" "$c5" "$c4" "$broken"
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
printf 'milter RSS (with zygote), second minute -> last minute: %s -> %s MB' "$(mb "$m2")" "$(mb "$mlast")"
printf ' (anonymous %s -> %s, file-backed %s -> %s)\n' "$(mb "$a2")" "$(mb "$alast")" "$(mb "$f2")" \
    "$(mb "$flast")"
bad=0
[ "$c4" = 0 ] && [ "$broken" = 0 ] || { echo "soak: errors (4xx or broken sessions)"; bad=1; }
[ "$got" = "$accepted" ] && [ $((accepted + c5)) = "$tried" ] || { echo "soak: mail not accounted for"; bad=1; }
# The heap must stay flat; the file-backed part grows with the thread
# memory's LMDB map as mail is learnt (by design, bounded by map_size).
awk -v a="$a2" -v b="$alast" 'BEGIN { exit !(a > 0 && b <= a * 1.1) }' ||
    { echo "soak: anonymous RSS (the heap) grew more than 10%"; bad=1; }
[ "$bad" = 0 ] && echo "soak: passed"
exit "$bad"
