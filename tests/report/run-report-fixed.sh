#!/bin/bash
# tests/report/run-report-fixed.sh - fortrolig-report on a fixed log
# (fixed.log): the three line shapes, the journal's double lines, the period,
# tempfail reasons and queue ids, spoofing, monitor mode, unrelated lines.
# The counts on a real milter log are checked in e2e/run-exchange-reply.sh.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../e2e/lib.sh"
REPORT=${REPORT:-${FORTROLIG_BUILDDIR:-$here/../..}/cmd/fortrolig-report}
command -v python3 >/dev/null || { echo "1..0 # SKIP no python3"; exit 77; }
W=$(mktemp -d /tmp/fortrolig-report.XXXXXX)
trap 'rm -rf "$W"' EXIT
# J ARGS... -- EXPR: the report for ARGS, one Python expression over it as r
J() {
    local e=${*: -1}
    "$REPORT" --json --names --year 2026 "${@:1:$#-1}" "$here/fixed.log" >"$W/r.json" || return 1
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$W/r.json" "$e"
}
is() { local got; got=$(J "${@:2}") || return 1; [ "$got" = "$1" ] || { diag "got $got, expected $1"; return 1; }; }

check "lines: 14 read, 12 fortrolig-milter, 2 ignored (postfix, logger tag), 1 journal duplicate, 1 not counted" \
    is "(14, 12, 2, 1, 1)" 'tuple(r["lines"][k] for k in ("read", "fortrolig", "ignored", "duplicates", "other"))'
check "days from RFC 3164 (--year) and ISO stamps; standard error is undated" \
    is "[('2026-09-07', 1), ('2026-09-08', 2), ('2026-09-09', 1), ('2026-09-10', 1), ('undated', 1)]" \
    '[(d["day"], d["messages"]) for d in r["days"]]'
check "actions: enforce and monitor apart" \
    is "({'deliver': 2, 'reject': 2, 'tempfail': 1}, {'reject(new-thread)': 1})" '(r["totals"]["actions"], r["totals"]["monitor_actions"])'
check "members by address in lower case (--names)" \
    is "[('bo@bakkeby.dk', 4), ('anne.holm@bakkeby.dk', 2)]" '[(m["member"], m["messages"]) for m in r["members"]]'
check "reject reasons: per recipient and spoofing" \
    is "[('no usable action', 1), ('spoofed council sender', 1)]" '[(x["reason"], x["count"]) for x in r["reject_reasons"]]'
check "tempfails: 2 messages (one with a memory line and a tempfail verdict), inbound error not counted" \
    is "(2, 2, {'analysis failed (no resource)': 1, 'thread memory could not answer': 1})" \
    '(r["tempfails"]["messages"], r["tempfails"]["events"], {x["reason"]: x["count"] for x in r["tempfails"]["reasons"]})'
check "--since/--until: one day, undated and outside lines skipped" \
    is "(2, 1, 5)" --since 2026-09-08 --until 2026-09-08 \
    '(r["totals"]["messages"], r["lines"]["undated_skipped"], r["lines"]["outside_period"])'
t_year() { is "['2025-09-07']" --year 2025 '[d["day"] for d in r["days"] if d["day"].endswith("09-07")]'; }
check "--year sets the year of RFC 3164 stamps" t_year
t_bad() {
    local a
    for a in "--since 2026-9-1" "--top 0" "--names --key x" "--year 12"; do
        # shellcheck disable=SC2086
        if "$REPORT" $a "$here/fixed.log" >/dev/null 2>&1; then diag "accepted: $a"; return 1; fi
    done
}
check "bad arguments exit non-zero" t_bad
finish
