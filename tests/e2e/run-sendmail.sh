#!/bin/bash
# tests/e2e/run-sendmail.sh - fortrolig-milter behind a real Sendmail
# (Debian 12's sendmail-bin 8.17) on loopback, wired in with the
# INPUT_MAIL_FILTER line of contrib/sendmail/fortrolig.mc.fragment.
#
#   swaks -> Sendmail 127.0.0.1:SMTP (milter: fortrolig, F=T)
#         -> SMART_HOST [127.0.0.1]:SINK   smtp-sink keeps every message
#
# Checks: a council member's confidential mail to a domain whose rule says
# reject gets fortrolig's 5xx text from Sendmail; a clean mail is delivered;
# with the milter down Sendmail answers 4xx, queues and delivers nothing, and
# the same mails go their way once the milter is back.
#
# Sendmail is not installed (it conflicts with Postfix): tests/e2e/sendmail.sh
# downloads sendmail-bin and sendmail-cf with apt-get into $SENDMAIL_CACHE
# (default $FORTROLIG_BUILDDIR/tests/sendmail-pkg) and runs them from there.
# SM_ROOT=/ uses an installed Sendmail instead.
#
# Output: TAP lines and "N passed, M failed".  Exit 0 when all passed; 77
# (skip) when not root or a tool is missing; 99 on a setup failure.
# Environment: MILTER, WORDS, E2E_VERBOSE, E2E_KEEP, E2E_KEEP_ON_FAIL as in
# run-e2e.sh.  Needs root, apt-get/dpkg-deb, m4, unshare, smtp-sink, swaks.

# A && B || { diag; return 1; } is intended throughout.
# shellcheck disable=SC2015
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_src=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
# shellcheck source-path=SCRIPTDIR source=sendmail.sh
. "$here/sendmail.sh"

MILTER=$(realpath -m -- "${MILTER:-$top_src/milter/fortrolig-milter}")
WORDS=${WORDS:-$top_src/lib/detect/keywords/words}
FRAGMENT=$top_src/contrib/sendmail/fortrolig.mc.fragment
SENDMAIL_CACHE=${SENDMAIL_CACHE:-${FORTROLIG_BUILDDIR:-$(dirname "$MILTER")/..}/tests/sendmail-pkg}

if [ "$(id -u)" != 0 ]; then
    echo "1..0 # SKIP must run as root (Sendmail daemon, namespaces)"
    exit 77
fi
missing=
for t in apt-get dpkg-deb m4 unshare mount flock smtp-sink swaks ss timeout; do
    command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ]; then
    echo "1..0 # SKIP missing tools:$missing"
    exit 77
fi
if ! unshare --mount --uts true 2>/dev/null; then
    echo "1..0 # SKIP cannot make mount and UTS namespaces (unshare)"
    exit 77
fi

e2e_before_cleanup() { sm_stop || true; tap_abort "$1"; }

t_binaries() {
    [ -x "$MILTER" ] || { diag "not executable: $MILTER"; return 1; }
    sm_fetch "$SENDMAIL_CACHE" || { diag "no Sendmail from the Debian archive (cache $SENDMAIL_CACHE)"; return 1; }
    local libs
    libs=$(sm_missing_libs)
    [ -z "$libs" ] || { diag "sendmail needs $libs: run scripts/bootstrap.sh"; return 1; }
}
check "fortrolig-milter built; sendmail-bin and sendmail-cf unpacked, not installed" t_binaries
[ "$FAILED" = 0 ] || { finish; exit 1; }
echo "# sendmail $SM_VERSION, unpacked in $SM_ROOT"

# ------------------------------------------------------------------ setup

e2e_init fortrolig-sendmail
W=$E2E_TMP
e2e_free_port SINK_PORT
e2e_free_port SMTP_PORT
e2e_free_port MILTER_PORT
e2e_log "ports: smtp $SMTP_PORT milter $MILTER_PORT sink $SINK_PORT"

MEMBER=anne.holm@bakkeby.dk
EXTERNAL=lars.berg@example.org
CLEAN_TO=peter.kjaer71@gmail.com

mkdir -p "$W/milter" "$W/msgs" "$W/out"
chmod 755 "$W/milter" "$W/msgs" "$W/out"
cp -r "$WORDS" "$W/milter/words"
chmod -R a+rX "$W/milter/words"
cat >"$W/milter/fortrolig.conf" <<CONF
# fortrolig run-sendmail.sh configuration
mode = "enforce";
socket = "inet:$MILTER_PORT@127.0.0.1";
user = "nobody";
council = { senders = [ "*@bakkeby.dk" ]; auth_users = [ ]; };
internal_domains = [ "bakkeby.dk" ];
domains = (
  { match = "example.org"; actions = [ "reject" ]; },
  { match = "*";           actions = [ "smime", "pgp", "reject" ]; }
);
smime = { store = "$W/milter/no-smime"; }; pgp = { home = "$W/milter/no-gnupg"; };
detectors = { keywords = { dir = "$W/milter/words"; }; };
CONF
chmod 644 "$W/milter/fortrolig.conf"

e2e_start_sink sink "$SINK_PORT" "$W/sink"

# contrib's fragment as it stands, pointed at this milter's port
mkdir -p "$W/sendmail/etc"
sed "s/inet:8894@127\\.0\\.0\\.1/inet:$MILTER_PORT@127.0.0.1/" "$FRAGMENT" >"$W/sendmail/etc/fortrolig.m4"
sm_write_mc "$W/sendmail/etc/sendmail.mc" "$SINK_PORT" "$SMTP_PORT" "$W/sendmail/etc/fortrolig.m4"

# ------------------------------------------------------------------ messages

# conf_msg FILE ID TO: a confidential mail (CPR number and a diagnosis).
conf_msg() {
    {
        printf 'From: Anne Holm <%s>\nTo: <%s>\n' "$MEMBER" "$3"
        printf 'Subject: Opfølgning på sagen\nDate: Mon, 07 Sep 2026 10:15:00 +0200\n'
        printf 'Message-ID: <%s@bakkeby.dk>\nMIME-Version: 1.0\n' "$2"
        printf 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n'
        printf 'Hej Lars\n\nSom aftalt sender jeg oplysningerne om borgeren Jens Vestergaard,\n'
        printf 'CPR-nr. 140549-0389. Han har fået konstateret kræft i bugspytkirtlen\n'
        printf 'og er startet i kemoterapi på Odense Universitetshospital.\n\n'
        printf 'Venlig hilsen\nAnne Holm\nByrådsmedlem, Bakkeby Kommune\n'
    } >"$1"
}

# clean_msg FILE ID: tests/e2e/mail/clean.eml with its own Message-ID.
clean_msg() {
    sed "s/^Message-ID:.*/Message-ID: <$2@bakkeby.dk>/" "$here/mail/clean.eml" >"$1"
}

reply_lines() { sed -n "s/^<\*\* *\($2[- ].*\)\$/\1/p" "$1" | tr -d '\r'; }
# sm_qid SWAKSOUT: Sendmail's queue id from "250 2.0.0 ID Message accepted"
sm_qid() { sed -n 's/^<- *250 2\.0\.0 \([0-9A-Za-z]*\) Message accepted.*/\1/p' "$1" | tr -d '\r'; }
delivered() { grep -rlF -- "$1" "$W/sink" 2>/dev/null | head -n1; }
mlog() { cat "$W/milter.log" 2>/dev/null || true; }

# ------------------------------------------------------------------ checks

t_cf() {
    local cf=$W/sendmail/etc/sendmail.cf
    grep -q "inet:$MILTER_PORT@127.0.0.1" "$W/sendmail/etc/fortrolig.m4" ||
        { diag "the fragment no longer declares inet:8894@127.0.0.1"; return 1; }
    sm_start "$W/sendmail/etc/sendmail.mc" || { diag "sendmail did not start"; return 1; }
    grep -qx "Xfortrolig, S=inet:$MILTER_PORT@127.0.0.1, F=T, T=S:30s;R:2m;E:5m" "$cf" &&
        grep -qx 'O InputMailFilters=fortrolig' "$cf" ||
        { diag "sendmail.cf lacks the milter:"; diag "$(grep -n 'fortrolig\|^O Input' "$cf")"; return 1; }
    grep -q '^O Milter.macros.envfrom=i, .*{auth_authen}' "$cf" ||
        { diag "the milter does not get {i} and {auth_authen}"; return 1; }
}
check "m4 builds sendmail.cf with contrib's INPUT_MAIL_FILTER (F=T); Sendmail listens" t_cf

MILTER_PID=
t_milter() {
    e2e_start_milter milter "$W/milter/fortrolig.conf" "$MILTER_PORT" || return 1
    MILTER_PID=$E2E_MILTER_PID
}
check "fortrolig-milter starts (enforce)" t_milter
[ -n "$MILTER_PID" ] && [ -n "$SM_PID" ] || { echo "Bail out! milter or sendmail did not start"; exit 99; }

# --- 1. confidential mail from a council member to a reject domain
conf_msg "$W/msgs/reject.eml" "sm-reject-$$" "$EXTERNAL"
rc_reject=0
e2e_send "$W/out/reject" "$SMTP_PORT" "$MEMBER" "$EXTERNAL" "$W/msgs/reject.eml" || rc_reject=$?
t_reject() {
    local r
    [ "$rc_reject" = 26 ] || { diag "swaks exit $rc_reject, expected 26"; diag "$(tail -n 12 "$W/out/reject")"; return 1; }
    r=$(reply_lines "$W/out/reject" 550)
    grep -q '^550-5\.7\.1 ' <<<"$r" && grep -q '^550 5\.7\.1 ' <<<"$r" ||
        { diag "no multi-line 550 5.7.1 reply:"; diag "$(tail -n 12 "$W/out/reject")"; return 1; }
    head -n1 <<<"$r" | grep -q 'Mailen er IKKE sendt' || { diag "first line is not fortrolig's Danish text:"; diag "$r"; return 1; }
    grep -q 'The mail was NOT sent' <<<"$r" || { diag "no English text:"; diag "$r"; return 1; }
    grep -qF "$EXTERNAL" <<<"$r" || { diag "reply does not name $EXTERNAL"; return 1; }
    if grep -q '140549' <<<"$r"; then diag "reply contains the CPR number"; return 1; fi
}
check "confidential mail to a reject domain: Sendmail gives fortrolig's 550 5.7.1 text (Danish, English)" t_reject

t_reject_kept() {
    sleep 0.5
    [ -z "$(delivered "sm-reject-$$")" ] || { diag "the rejected mail was delivered"; return 1; }
    [ "$(sm_queue_files)" = 0 ] || { diag "queue: $(ls "$SM_DIR/queue")"; return 1; }
}
check "the rejected mail is neither delivered nor queued" t_reject_kept

t_reject_log() {
    local l
    l=$(mlog | grep -E ": [0-9A-Za-z]{8,}: fortrolig: from=<$MEMBER> " | grep ' action=reject' || true)
    [ -n "$l" ] || { diag "no 'QUEUEID: fortrolig: ... action=reject' line:"; diag "$(mlog)"; return 1; }
    grep -q ' member=yes ' <<<"$l" && grep -q ' class=sensitive ' <<<"$l" && grep -Eq ' cats=[^ ]*cpr' <<<"$l" ||
        { diag "log line: $l"; return 1; }
    if mlog | grep -q '140549\|kræft\|Vestergaard'; then diag "message content in the milter log"; return 1; fi
}
check "milter log: Sendmail's queue id (macro i), member=yes class=sensitive cats=cpr action=reject, no content" t_reject_log

# --- 2. clean mail: continue, delivered unchanged
clean_msg "$W/msgs/clean.eml" "sm-clean-$$"
rc=0
e2e_send "$W/out/clean" "$SMTP_PORT" "$MEMBER" "$CLEAN_TO" "$W/msgs/clean.eml" || rc=$?
qid_clean=$(sm_qid "$W/out/clean")
copy=
t_clean() {
    [ "$rc" = 0 ] && [ -n "$qid_clean" ] || { diag "swaks exit $rc"; diag "$(tail -n 8 "$W/out/clean")"; return 1; }
    copy=$(e2e_find_msg "$W/sink" "sm-clean-$$" 20) || { diag "not delivered to the sink"; return 1; }
    sm_wait_queue_empty 20 || { diag "still queued: $(ls "$SM_DIR/queue")"; return 1; }
    e2e_body "$W/msgs/clean.eml" | LC_ALL=C awk 1 >"$W/out/clean.body.orig"
    e2e_body "$copy" | sed '$ { /^$/d }' >"$W/out/clean.body.got"
    cmp -s "$W/out/clean.body.orig" "$W/out/clean.body.got" ||
        { diag "$(diff "$W/out/clean.body.orig" "$W/out/clean.body.got" | head -n 20)"; return 1; }
}
check "clean mail: 250, relayed to the smart host with a byte-identical body" t_clean

t_clean_marked() {
    local v
    [ -n "$copy" ] || { diag "no delivered copy"; return 1; }
    v=$(e2e_header_values "$copy" X-Fortrolig)
    [ "$(grep -c . <<<"$v")" = 1 ] && grep -q '^class=clean' <<<"$v" || { diag "X-Fortrolig: $v"; return 1; }
    mlog | grep -Eq ": $qid_clean: fortrolig: from=<$MEMBER> .* class=clean .*action=deliver" ||
        { diag "no log line for $qid_clean:"; diag "$(mlog)"; return 1; }
}
check "the delivered copy has X-Fortrolig: class=clean; the milter logged it under Sendmail's queue id" t_clean_marked

# --- 3. milter down: fail closed (F=T)
t_stop() { e2e_stop_milter "$MILTER_PID" "$MILTER_PORT"; }
check "milter stops on SIGTERM" t_stop
conf_msg "$W/msgs/down.eml" "sm-down-$$" "$EXTERNAL"
clean_msg "$W/msgs/down-clean.eml" "sm-down-clean-$$"
rc_down=0
rc_down_clean=0
e2e_send "$W/out/down" "$SMTP_PORT" "$MEMBER" "$EXTERNAL" "$W/msgs/down.eml" || rc_down=$?
e2e_send "$W/out/down-clean" "$SMTP_PORT" "$MEMBER" "$CLEAN_TO" "$W/msgs/down-clean.eml" || rc_down_clean=$?
t_down_4xx() {
    local o
    for o in down down-clean; do
        grep -q '^<\*\* *4[0-9][0-9] 4\.[0-9.]* ' "$W/out/$o" || { diag "$o: no 4xx reply"; diag "$(tail -n 8 "$W/out/$o")"; return 1; }
        if grep -q 'Message accepted' "$W/out/$o"; then diag "$o: accepted"; return 1; fi
    done
    [ "$rc_down" = 23 ] && [ "$rc_down_clean" = 23 ] ||
        { diag "swaks exits $rc_down and $rc_down_clean, expected 23 (refused at MAIL FROM)"; return 1; }
}
check "milter down: Sendmail answers 4xx to confidential and clean mail alike (swaks exit 23)" t_down_4xx
t_down_nothing() {
    sleep 1
    [ "$(sm_queue_files)" = 0 ] || { diag "queue: $(ls "$SM_DIR/queue")"; return 1; }
    [ -z "$(delivered "sm-down")" ] || { diag "a mail went out while the milter was down"; return 1; }
}
check "milter down: nothing queued, nothing delivered" t_down_nothing

t_restart() {
    e2e_start_milter milter "$W/milter/fortrolig.conf" "$MILTER_PORT" || return 1
    MILTER_PID=$E2E_MILTER_PID
}
check "milter starts again" t_restart
rc_retry=0
rc_retry_clean=0
e2e_send "$W/out/retry" "$SMTP_PORT" "$MEMBER" "$EXTERNAL" "$W/msgs/down.eml" || rc_retry=$?
e2e_send "$W/out/retry-clean" "$SMTP_PORT" "$MEMBER" "$CLEAN_TO" "$W/msgs/down-clean.eml" || rc_retry_clean=$?
t_retry() {
    [ "$rc_retry" = 26 ] && grep -q '^<\*\* *550 5\.7\.1 ' "$W/out/retry" ||
        { diag "confidential retry: swaks exit $rc_retry"; diag "$(tail -n 6 "$W/out/retry")"; return 1; }
    [ "$rc_retry_clean" = 0 ] || { diag "clean retry: swaks exit $rc_retry_clean"; diag "$(tail -n 6 "$W/out/retry-clean")"; return 1; }
    e2e_find_msg "$W/sink" "sm-down-clean-$$" 20 >/dev/null || { diag "the clean retry was not delivered"; return 1; }
    [ -z "$(delivered "sm-down-$$@")" ] || { diag "the confidential retry was delivered"; return 1; }
    sm_wait_queue_empty 20 || { diag "still queued: $(ls "$SM_DIR/queue")"; return 1; }
}
check "the client's retry once the milter is back: clean mail delivered, confidential mail 550" t_retry

t_sm_stop() {
    sm_stop || return 1
    e2e_wait_port_closed "$SMTP_PORT" 5 || { diag "port $SMTP_PORT still open"; return 1; }
}
check "Sendmail stops on SIGTERM and leaves no process behind" t_sm_stop
check "milter stops on SIGTERM again" t_stop

# The milter is built with ASan/UBSan in CI: its log must hold no report.
t_sanitizers() {
    if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$W/milter.log"; then
        diag "$(cat "$W/milter.log")"
        return 1
    fi
}
check "no ASan/UBSan/LSan report in the milter log" t_sanitizers
finish
