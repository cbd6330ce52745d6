#!/bin/bash
# tests/e2e/run-e2e.sh - end-to-end test of fortrolig-milter behind a real,
# throwaway Postfix on loopback (127.0.0.1 only).
#
#   smtp client (swaks) -> Postfix "sender" (smtpd_milters = fortrolig-milter)
#        -> relayhost [127.0.0.1]:SINK   smtp-sink, no STARTTLS (plain receiver)
#        -> X-Fortrolig-Route: tls-verify => FILTER smtp_fortrolig_tls:[localhost]:PORT
#             first PORT = the smtp-sink (must be deferred, 4.7.4),
#             then  PORT = a second Postfix with STARTTLS and a self-signed
#                          localhost certificate (must be delivered, verified TLS).
#
# Output: TAP-style "ok N - name" / "not ok N - name" lines, "# " diagnostics,
# and a last line "N passed, M failed".  Exit 0 only when every check passed;
# 77 (skip) when not root or tools are missing; 99 on a setup failure.
#
# Environment:
#   MILTER     path to fortrolig-milter.  Default: $top_builddir/milter/...,
#              $builddir/milter/..., else ../../milter/fortrolig-milter
#              relative to this script.
#   WORDS      word-list directory.  Default <repo>/lib/detect/keywords/words.
#   E2E_VERBOSE=1   progress notes;  E2E_KEEP=1  keep the temp dir;
#   E2E_KEEP_ON_FAIL=1  keep it only when something failed.
#
# Needs root and (Debian 12) postfix, swaks, openssl, iproute2, coreutils.

# A && B || { diag; return 1; } is intended throughout.
# shellcheck disable=SC2015
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_src=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

# ------------------------------------------------------------------ inputs

abspath() { realpath -m -- "$1"; }

if [ -z "${MILTER:-}" ]; then
    for cand in ${top_builddir:+"$top_builddir/milter/fortrolig-milter"} \
                ${builddir:+"$builddir/milter/fortrolig-milter"} \
                ${builddir:+"$builddir/../../milter/fortrolig-milter"} \
                ${builddir:+"$builddir/../milter/fortrolig-milter"} \
                "$here/../../milter/fortrolig-milter"; do
        if [ -x "$cand" ]; then MILTER=$cand; break; fi
    done
    MILTER=${MILTER:-$here/../../milter/fortrolig-milter}
fi
MILTER=$(abspath "$MILTER")


if [ -z "${WORDS:-}" ]; then
    for cand in ${srcdir:+"$srcdir/../../lib/detect/keywords/words"} "$top_src/lib/detect/keywords/words" \
                "$(dirname "$MILTER")/../lib/detect/keywords/words"; do
        if [ -d "$cand" ]; then WORDS=$(cd "$cand" && pwd); break; fi
    done
fi

e2e_need_tools

# ------------------------------------------------------------------ TAP

# Called by e2e_cleanup: an abort (setup failure, signal) still ends with a summary.
e2e_before_cleanup() { tap_abort "$1"; }

if [ ! -x "$MILTER" ]; then
    check "fortrolig-milter binary exists ($MILTER)" false
    finish || exit 1
fi

# ------------------------------------------------------------------ setup

e2e_init fortrolig-e2e
W=$E2E_TMP
e2e_free_port SINK_PORT
e2e_free_port TLS_PORT
e2e_free_port SMTP_PORT
e2e_free_port MILTER_PORT
e2e_log "ports: smtp $SMTP_PORT milter $MILTER_PORT sink $SINK_PORT tls $TLS_PORT"

MEMBER=anne.holm@bakkeby.dk
EXTERNAL=lars.berg@example.org
TLSRCPT=kontakt@tls.example

# The milter may drop privileges; keep everything it reads world-readable.
mkdir -p "$W/milter" "$W/msgs" "$W/out"
chmod 755 "$W/milter" "$W/msgs" "$W/out"
if [ -n "${WORDS:-}" ]; then
    cp -r "$WORDS" "$W/milter/words"
    chmod -R a+rX "$W/milter/words"
fi

# write_conf FILE MODE
write_conf() {
    local file=$1 mode=$2
    {
        echo "# fortrolig e2e test configuration ($mode)"
        echo "mode = \"$mode\";"
        echo "socket = \"inet:$MILTER_PORT@127.0.0.1\";"
        echo 'user = "nobody";                   # drop root, as in production'
        echo 'council = { senders = [ "*@bakkeby.dk" ]; auth_users = [ ]; };'
        echo 'internal_domains = [ "bakkeby.dk" ];'
        echo 'quoted_action = "new-thread";'
        echo 'domains = ('
        echo '  { match = "tls.example"; actions = [ "tls", "reject" ]; },'
        echo '  { match = "*";           actions = [ "smime", "pgp", "reject" ]; }'
        echo ');'
        # No key stores: hermetic, whatever /var/lib/fortrolig holds on this host.
        echo "smime = { store = \"$W/milter/no-smime\"; }; pgp = { home = \"$W/milter/no-gnupg\"; };"
        if [ -d "$W/milter/words" ]; then
            echo "detectors = { keywords = { dir = \"$W/milter/words\"; }; };"
        fi
    } >"$file.tmp"
    chmod 644 "$file.tmp"
    mv "$file.tmp" "$file"
}
write_conf "$W/milter/enforce.conf" enforce
write_conf "$W/milter/monitor.conf" monitor

e2e_start_sink sink "$SINK_PORT" "$W/sink"
e2e_make_cert "$W/cert"
TLSRCV=$(e2e_pf_tls_receiver tlsrcv "$TLS_PORT" "$W/cert" "$W/tlsin")
e2e_pf_start "$TLSRCV"
# The tls-verify route first points at the smtp-sink, which offers no STARTTLS.
SENDER=$(e2e_pf_sender sender "$SMTP_PORT" "$SINK_PORT" "$MILTER_PORT" \
    "[localhost]:$SINK_PORT" "$W/cert/cert.pem")
postconf -c "$SENDER" -e "milter_protocol = 6"
e2e_pf_start "$SENDER"
MAILLOG=$(e2e_pf_log "$SENDER")

# ------------------------------------------------------------------ messages

# conf_msg FILE ID TO [extra header lines...]: a confidential mail (CPR + cancer).
conf_msg() {
    local f=$1 id=$2 to=$3 h
    shift 3
    {
        printf 'From: Anne Holm <%s>\n' "$MEMBER"
        printf 'To: <%s>\n' "$to"
        printf 'Subject: Opfølgning på sagen\n'
        printf 'Date: Mon, 07 Sep 2026 10:15:00 +0200\n'
        printf 'Message-ID: <%s@bakkeby.dk>\n' "$id"
        for h in "$@"; do printf '%s\n' "$h"; done
        printf 'MIME-Version: 1.0\n'
        printf 'Content-Type: text/plain; charset=utf-8\n'
        printf 'Content-Transfer-Encoding: 8bit\n'
        printf '\n'
        printf 'Hej Lars\n\n'
        printf 'Som aftalt sender jeg oplysningerne om borgeren Jens Vestergaard,\n'
        printf 'CPR-nr. 140549-0389. Han har fået konstateret kræft i bugspytkirtlen\n'
        printf 'og er startet i kemoterapi på Odense Universitetshospital.\n\n'
        printf 'Venlig hilsen\nAnne Holm\nByrådsmedlem, Bakkeby Kommune\n'
    } >"$f"
}

# reply_lines OUT CODE: the server reply lines with CODE from a swaks transcript
reply_lines() { sed -n "s/^<\*\* *\($2[- ].*\)\$/\1/p" "$1" | tr -d '\r'; }

# delivered_to QID RCPT PORT: maillog shows QID sent to RCPT via 127.0.0.1:PORT
wait_sent() {
    e2e_wait_grep "$MAILLOG" "$1: to=<$2>, relay=[^ ]*\\[127\\.0\\.0\\.1\\]:$3, .*status=sent" 20
}

milter_log_since() { tail -n "+$(($2 + 1))" "$W/$1.log" 2>/dev/null || true; }

# ------------------------------------------------------------------ checks

t_config_ok() {
    local out rc=0
    out=$("$MILTER" -n -c "$W/milter/enforce.conf" 2>&1) || rc=$?
    [ "$rc" = 0 ] || { diag "fortrolig-milter -n exit $rc: $out"; return 1; }
}
check "fortrolig-milter -n accepts the test configuration" t_config_ok

t_bad_config() {
    local out rc=0
    printf 'mode = "enforce";\ndomains = ( { match = "x"; actions = [ "teleport" ]; } );\n' \
        >"$W/milter/bad.conf"
    out=$("$MILTER" -n -c "$W/milter/bad.conf" 2>&1) || rc=$?
    [ "$rc" != 0 ] || { diag "exit 0 for an unknown action"; return 1; }
    grep -q "bad.conf:[0-9]\+: " <<<"$out" || { diag "no file:line: message: $out"; return 1; }
}
check "fortrolig-milter -n rejects a bad configuration with file:line: message" t_bad_config

t_no_extractor() {
    local out rc=0
    out=$(FORTROLIG_EXTRACTOR="$W/none/fortrolig-extract" "$MILTER" -n -c "$W/milter/enforce.conf" 2>&1) || rc=$?
    [ "$rc" != 0 ] || { diag "exit 0 without an extractor program"; return 1; }
    grep -q "attachment extractor $W/none/fortrolig-extract: " <<<"$out" ||
        { diag "no message about the extractor: $out"; return 1; }
}
check "fortrolig-milter -n reports a missing attachment extractor" t_no_extractor

MILTER_PID=
t_start_enforce() {
    e2e_start_milter milter-enforce "$W/milter/enforce.conf" "$MILTER_PORT" || return 1
    MILTER_PID=$E2E_MILTER_PID
    e2e_wait_grep "$W/run/milter-enforce.pid" '^[0-9]+' 5 ||
        { diag "no pid file written by -P"; return 1; }
    [ "$(tr -d ' \n' <"$W/run/milter-enforce.pid")" = "$MILTER_PID" ] ||
        { diag "pid file says $(cat "$W/run/milter-enforce.pid"), started pid $MILTER_PID"; return 1; }
}
check "milter starts in the foreground (enforce), listens, writes its pid file" t_start_enforce
[ -n "$MILTER_PID" ] || { echo "Bail out! milter did not start"; finish; exit 1; }

# --- 1. a reject reaches the SMTP client
conf_msg "$W/msgs/reject.eml" "e2e-reject-$$" "$EXTERNAL"
mlog0=$(e2e_lines "$W/milter-enforce.log")
rc_reject=0
e2e_send "$W/out/reject" "$SMTP_PORT" "$MEMBER" "$EXTERNAL" "$W/msgs/reject.eml" || rc_reject=$?

t_reject_550() {
    [ "$rc_reject" = 26 ] || { diag "swaks exit $rc_reject, expected 26"; diag "$(tail -n 15 "$W/out/reject")"; return 1; }
    grep -q '^<\*\* *550-5\.7\.1' "$W/out/reject" || { diag "no 550-5.7.1 line"; diag "$(tail -n 15 "$W/out/reject")"; return 1; }
}
check "confidential mail to an external address: swaks exit 26, 550-5.7.1 multi-line reply" t_reject_550

t_reject_text() {
    local r first
    r=$(reply_lines "$W/out/reject" 550)
    first=$(head -n1 <<<"$r")
    [ -n "$r" ] || { diag "no 550 reply"; return 1; }
    grep -Eqi '(æ|ø|å|ikke|afvist|fortrolig|følsom|oplysning|modtager|sendt)' <<<"$first" ||
        { diag "first reply line is not Danish:"; diag "$r"; return 1; }
    grep -Eqi '(not|rejected|confidential|sensitive|recipient)' <<<"$r" ||
        { diag "no English text in the reply:"; diag "$r"; return 1; }
    grep -qiF "$EXTERNAL" <<<"$r" || { diag "reply does not name $EXTERNAL:"; diag "$r"; return 1; }
    if grep -q '140549' <<<"$r"; then diag "reply contains the CPR number"; return 1; fi
    e2e_log "reject text: $r"
}
check "reject text: Danish first, then English, names the recipient, no content" t_reject_text

t_reject_not_delivered() {
    sleep 0.5
    if grep -rqF "e2e-reject-$$" "$W/sink" "$W/tlsin" 2>/dev/null; then diag "rejected mail was delivered"; return 1; fi
    e2e_queue_empty "$SENDER" || { diag "$(postqueue -c "$SENDER" -p)"; return 1; }
}
check "rejected mail is neither delivered nor queued" t_reject_not_delivered

t_milter_log() {
    local l
    local f
    l=$(milter_log_since milter-enforce "$mlog0" | grep -E "[0-9A-F]{6,}: fortrolig: from=<$MEMBER> " || true)
    [ -n "$l" ] || { diag "no 'QUEUEID: fortrolig: from=<$MEMBER>' line; milter log:"; diag "$(milter_log_since milter-enforce "$mlog0")"; return 1; }
    # the spec's fields, in any order, other fields allowed
    for f in ' class=sensitive( |$)' ' cats=[^ ]*cpr' ' where=[^ ]*body' ' action=reject( |$)' ' rcpts=1( |$)' ' mode=enforce( |$)'; do
        grep -Eq -- "$f" <<<"$l" || { diag "log line lacks /$f/: $l"; return 1; }
    done
    if grep -q '140549\|kræft\|Vestergaard' "$W/milter-enforce.log" "$MAILLOG"; then
        diag "message content found in a log"; return 1
    fi
}
check "milter logs 'QUEUEID: fortrolig: from=<..> class=sensitive cats=.. action=reject ..', never content" t_milter_log

# --- 2. the tls route
conf_msg "$W/msgs/tls1.eml" "e2e-tls1-$$" "$TLSRCPT"
rc=0
e2e_send "$W/out/tls1" "$SMTP_PORT" "$MEMBER" "$TLSRCPT" "$W/msgs/tls1.eml" || rc=$?
qid_tls1=$(e2e_queue_id "$W/out/tls1")
t_tls_deferred() {
    [ "$rc" = 0 ] && [ -n "$qid_tls1" ] || { diag "swaks exit $rc, expected 0"; diag "$(tail -n 8 "$W/out/tls1")"; return 1; }
    e2e_wait_grep "$MAILLOG" "$qid_tls1: to=<$TLSRCPT>, relay=localhost\\[127\\.0\\.0\\.1\\]:$SINK_PORT, .*dsn=4\\.7\\.4, status=deferred \\(TLS is required, but was not offered" 20 ||
        { diag "no 4.7.4 deferral in maillog:"; diag "$(grep "$qid_tls1" "$MAILLOG")"; return 1; }
    if grep -rqF "e2e-tls1-$$" "$W/sink" 2>/dev/null; then diag "the message reached the plain receiver"; return 1; fi
    postqueue -c "$SENDER" -p | grep -q "^$qid_tls1" || { diag "message not in the queue"; return 1; }
}
check "tls route: deferred by a receiver without STARTTLS (dsn=4.7.4, TLS is required), not sent in clear" t_tls_deferred

e2e_set_tls_hop "$SENDER" "[localhost]:$TLS_PORT"
conf_msg "$W/msgs/tls2.eml" "e2e-tls2-$$" "$TLSRCPT"
rc=0
e2e_send "$W/out/tls2" "$SMTP_PORT" "$MEMBER" "$TLSRCPT" "$W/msgs/tls2.eml" || rc=$?
qid_tls2=$(e2e_queue_id "$W/out/tls2")
t_tls_delivered() {
    local f r
    [ "$rc" = 0 ] && [ -n "$qid_tls2" ] || { diag "swaks exit $rc, expected 0"; diag "$(tail -n 8 "$W/out/tls2")"; return 1; }
    wait_sent "$qid_tls2" "$TLSRCPT" "$TLS_PORT" ||
        { diag "not sent to the TLS receiver:"; diag "$(grep "$qid_tls2" "$MAILLOG")"; return 1; }
    grep -q "Verified TLS connection established to localhost\\[127\\.0\\.0\\.1\\]:$TLS_PORT" "$MAILLOG" ||
        { diag "no 'Verified TLS connection established' in maillog"; return 1; }
    f=$(e2e_find_msg "$W/tlsin" "e2e-tls2-$$" 10) || { diag "message not stored by the TLS receiver"; return 1; }
    r=$(e2e_header_values "$f" X-Fortrolig-Route)
    [ "$r" = "tls-verify" ] || { diag "X-Fortrolig-Route at receiver: '$r'"; return 1; }
    e2e_header_values "$f" X-Fortrolig | grep -q 'class=sensitive' ||
        { diag "X-Fortrolig at receiver: $(e2e_header_values "$f" X-Fortrolig)"; return 1; }
    e2e_log "tls copy: X-Fortrolig: $(e2e_header_values "$f" X-Fortrolig)"
}
check "tls route: delivered over verified TLS (status=sent), stored copy has X-Fortrolig-Route: tls-verify" t_tls_delivered
# drop the deferred copy from the first tls check
postsuper -c "$SENDER" -d ALL >/dev/null 2>&1 || true

# --- 3. clean mail passes unchanged
CLEAN=$here/mail/clean.eml
clean_mid=$(grep -i -m1 '^Message-ID:' "$CLEAN" | sed 's/^[^:]*:[[:space:]]*//' | tr -d '\r')
clean_to=peter.kjaer71@gmail.com
rc=0
e2e_send "$W/out/clean" "$SMTP_PORT" "$MEMBER" "$clean_to" "$CLEAN" || rc=$?
qid_clean=$(e2e_queue_id "$W/out/clean")
clean_copy=
t_clean_body() {
    [ "$rc" = 0 ] && [ -n "$qid_clean" ] || { diag "swaks exit $rc"; diag "$(tail -n 8 "$W/out/clean")"; return 1; }
    wait_sent "$qid_clean" "$clean_to" "$SINK_PORT" || { diag "$(grep "$qid_clean" "$MAILLOG")"; return 1; }
    clean_copy=$(e2e_find_msg "$W/sink" "$clean_mid" 10) || { diag "not found at the receiver"; return 1; }
    # The original as SMTP carries it (LF, final line break) against the
    # sink's dump (LF, plus one empty line smtp-sink appends after each message).
    e2e_body "$CLEAN" | LC_ALL=C awk 1 >"$W/out/clean.body.orig"
    e2e_body "$clean_copy" | sed '$ { /^$/d }' >"$W/out/clean.body.got"
    cmp -s "$W/out/clean.body.orig" "$W/out/clean.body.got" ||
        { diag "$(diff "$W/out/clean.body.orig" "$W/out/clean.body.got" | head -n 20)"; return 1; }
}
check "clean mail (tests/e2e/mail/clean.eml) from a member is delivered with a byte-identical body" t_clean_body

t_clean_header() {
    local v
    [ -n "$clean_copy" ] || { diag "no delivered copy"; return 1; }
    v=$(e2e_header_values "$clean_copy" X-Fortrolig)
    [ "$(grep -c . <<<"$v")" = 1 ] && grep -q '^class=clean' <<<"$v" ||
        { diag "X-Fortrolig headers: $v"; return 1; }
    if [ -n "$(e2e_header_values "$clean_copy" X-Fortrolig-Route)" ]; then diag "clean mail got a route header"; return 1; fi
}
check "clean mail carries X-Fortrolig: class=clean" t_clean_header

# --- 4. milter down: fail closed
e2e_wait_queue_empty "$SENDER" 20 || true
t_stop_enforce() { e2e_stop_milter "$MILTER_PID" "$MILTER_PORT"; }
check "milter stops on SIGTERM" t_stop_enforce
conf_msg "$W/msgs/down.eml" "e2e-down-$$" "$EXTERNAL"
rc_down=0
e2e_send "$W/out/down" "$SMTP_PORT" "$MEMBER" "$EXTERNAL" "$W/msgs/down.eml" || rc_down=$?
t_down_4xx() {
    [ "$rc_down" = 23 ] || { diag "swaks exit $rc_down, expected 23"; diag "$(tail -n 8 "$W/out/down")"; return 1; }
    grep -q '^<\*\* *4[0-9][0-9][ -]' "$W/out/down" || { diag "no 4xx reply"; return 1; }
}
check "milter stopped: the client gets a 4xx (swaks exit 23)" t_down_4xx
t_down_nothing_queued() {
    local q
    q=$(postqueue -c "$SENDER" -p 2>&1)
    grep -q 'Mail queue is empty' <<<"$q" || { diag "$q"; return 1; }
    if grep -rqF "e2e-down-$$" "$W/sink" "$W/tlsin" 2>/dev/null; then diag "delivered"; return 1; fi
}
check "milter stopped: nothing is queued (Mail queue is empty)" t_down_nothing_queued

# --- 5. monitor mode, and forged headers
MILTER_PID=
t_start_monitor() {
    e2e_start_milter milter-monitor "$W/milter/monitor.conf" "$MILTER_PORT" || return 1
    MILTER_PID=$E2E_MILTER_PID
}
check "milter starts with a monitor-mode configuration" t_start_monitor

conf_msg "$W/msgs/monitor.eml" "e2e-monitor-$$" "$EXTERNAL" \
    'X-Fortrolig: class=clean; categories=; action=deliver' \
    'X-Fortrolig-Route: tls-verify' \
    'x-fortrolig-extra: forged'
rc=0
e2e_send "$W/out/monitor" "$SMTP_PORT" "$MEMBER" "$EXTERNAL" "$W/msgs/monitor.eml" || rc=$?
qid_mon=$(e2e_queue_id "$W/out/monitor")
mon_copy=
t_monitor() {
    local v
    [ "$rc" = 0 ] && [ -n "$qid_mon" ] || { diag "swaks exit $rc, expected 0"; diag "$(tail -n 12 "$W/out/monitor")"; return 1; }
    wait_sent "$qid_mon" "$EXTERNAL" "$SINK_PORT" || { diag "$(grep "$qid_mon" "$MAILLOG")"; return 1; }
    mon_copy=$(e2e_find_msg "$W/sink" "e2e-monitor-$$" 10) || { diag "not found at the receiver"; return 1; }
    v=$(e2e_header_values "$mon_copy" X-Fortrolig)
    grep -q 'class=sensitive' <<<"$v" && grep -q 'mode=monitor' <<<"$v" && grep -q 'action=reject' <<<"$v" ||
        { diag "X-Fortrolig headers: $v"; return 1; }
    e2e_log "monitor header: $v"
}
check "monitor mode: confidential mail delivered with X-Fortrolig (class=sensitive, action=reject, mode=monitor)" t_monitor

t_forged() {
    local v
    [ -n "$mon_copy" ] || { diag "no delivered copy"; return 1; }
    v=$(e2e_headers "$mon_copy" | grep -i '^x-fortrolig' || true)
    [ "$(grep -ci '^x-fortrolig' <<<"$v")" = 1 ] && grep -q '^X-Fortrolig: class=sensitive' <<<"$v" ||
        { diag "X-Fortrolig* headers in the delivered copy:"; diag "$v"; return 1; }
}
check "forged client X-Fortrolig*/X-Fortrolig-Route headers are removed; only the milter's header remains" t_forged

t_stop_monitor() { e2e_stop_milter "$MILTER_PID" "$MILTER_PORT"; }
check "monitor milter stops on SIGTERM" t_stop_monitor

# --- 6. SIGHUP reload
cp "$W/milter/enforce.conf" "$W/milter/hup.conf"
MILTER_PID=
t_hup_enforce() {
    local rc=0
    e2e_start_milter milter-hup "$W/milter/hup.conf" "$MILTER_PORT" || return 1
    MILTER_PID=$E2E_MILTER_PID
    conf_msg "$W/msgs/hup1.eml" "e2e-hup1-$$" "$EXTERNAL"
    e2e_send "$W/out/hup1" "$SMTP_PORT" "$MEMBER" "$EXTERNAL" "$W/msgs/hup1.eml" || rc=$?
    [ "$rc" = 26 ] || { diag "swaks exit $rc, expected 26 (enforce)"; diag "$(tail -n 8 "$W/out/hup1")"; return 1; }
}
check "SIGHUP: milter started in enforce mode rejects the mail" t_hup_enforce

t_hup_monitor() {
    local rc i v f
    [ -n "$MILTER_PID" ] || return 1
    write_conf "$W/milter/hup.conf" monitor
    kill -HUP "$MILTER_PID"
    sleep 0.5
    # Give the reload up to ~5 s: resend until the mail is accepted.
    for ((i = 1; i <= 5; i++)); do
        conf_msg "$W/msgs/hup2.eml" "e2e-hup2-$i-$$" "$EXTERNAL"
        rc=0
        e2e_send "$W/out/hup2" "$SMTP_PORT" "$MEMBER" "$EXTERNAL" "$W/msgs/hup2.eml" || rc=$?
        [ "$rc" = 0 ] && break
        sleep 1
    done
    [ "$rc" = 0 ] || { diag "still rejected after SIGHUP: swaks exit $rc"; diag "$(tail -n 8 "$W/out/hup2")"; return 1; }
    [ "$i" = 1 ] || diag "note: accepted only on attempt $i after SIGHUP"
    e2e_pid_alive "$MILTER_PID" || { diag "milter died on SIGHUP"; return 1; }
    f=$(e2e_find_msg "$W/sink" "e2e-hup2-$i-$$" 20) || { diag "not delivered"; return 1; }
    v=$(e2e_header_values "$f" X-Fortrolig)
    grep -q 'mode=monitor' <<<"$v" || { diag "X-Fortrolig: $v"; return 1; }
}
check "SIGHUP: after rewriting the config to monitor, the same mail is delivered with X-Fortrolig" t_hup_monitor

t_sigterm() {
    local pid=$MILTER_PID
    [ -n "$pid" ] || return 1
    kill -TERM "$pid" 2>/dev/null || { diag "kill failed"; return 1; }
    for ((i = 0; i < 100; i++)); do
        e2e_pid_alive "$pid" || break
        sleep 0.1
    done
    if e2e_pid_alive "$pid"; then diag "pid $pid still alive 10 s after SIGTERM"; return 1; fi
    wait "$pid" 2>/dev/null || true
    e2e_unregister_pid "$pid"
    e2e_wait_port_closed "$MILTER_PORT" 5 || { diag "port $MILTER_PORT still listening"; return 1; }
}
check "SIGTERM stops the milter: pid gone, port closed" t_sigterm

# --- teardown, checked
t_teardown() {
    local d pids=() p ok=0
    for d in "$SENDER" "$TLSRCV"; do
        p=$(e2e_pf_master_pid "$d" || true)
        [ -n "$p" ] && pids+=("$p")
        e2e_pf_stop "$d"
    done
    for p in "${E2E_PIDS[@]+"${E2E_PIDS[@]}"}"; do pids+=("${p##*:}"); e2e_stop_pid "${p##*:}" 10; done
    E2E_PIDS=()
    for p in "${pids[@]+"${pids[@]}"}"; do
        if e2e_pid_alive "$p"; then diag "pid $p still running"; ok=1; fi
    done
    for p in "$SMTP_PORT" "$TLS_PORT" "$SINK_PORT" "$MILTER_PORT"; do
        if e2e_port_listening "$p"; then diag "port $p still listening"; ok=1; fi
    done
    return $ok
}
check "teardown: every Postfix, receiver and milter stopped by pid, ports closed" t_teardown

# The milter is built with ASan/UBSan in CI: its logs must hold no report.
t_sanitizers() {
    local hits
    hits=$(grep -lE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$E2E_TMP"/milter-*.log 2>/dev/null || true)
    [ -z "$hits" ] || { diag "sanitizer report in: $hits"; diag "$(cat $hits)"; return 1; }
}
check "no ASan/UBSan/LSan report in any milter log" t_sanitizers

finish
