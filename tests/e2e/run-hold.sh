#!/bin/bash
# tests/e2e/run-hold.sh - action "hold" (hold for review) end to end, with
# a real, throwaway Postfix on loopback:
#
#   swaks -> Postfix "sender" (smtpd_milters = fortrolig-milter) -> smtp-sink
#
# A confidential mail to a domain whose rule says "hold" lands in Postfix's
# hold queue; the DPO (hold.notify) and the member get a notice without
# content (both reach the sink through the same Postfix, advice.smtp);
# fortrolig-hold lists it with its verdict, releases it (then it is
# delivered) or deletes it (then it never is), and logs who did it.
# Prints "ok N - name" and "N passed, M failed"; 77 when not root.
# shellcheck disable=SC2015
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
MILTER=$(realpath -m -- "${MILTER:-$here/../../milter/fortrolig-milter}")
HOLD=$(realpath -m -- "${HOLD:-$(dirname "$MILTER")/../cmd/fortrolig-hold}")
REPORT=$(realpath -m -- "${REPORT:-$(dirname "$MILTER")/../cmd/fortrolig-report}")
WORDS=${WORDS:-$here/../../lib/detect/keywords/words}
e2e_need_tools
e2e_before_cleanup() { tap_abort "$1"; }
for b in "$MILTER" "$HOLD" "$REPORT"; do
    [ -x "$b" ] || { check "binary exists: $b" false; finish || exit 1; }
done

e2e_init fortrolig-hold
W=$E2E_TMP
e2e_free_port SINK_PORT; e2e_free_port SMTP_PORT; e2e_free_port MILTER_PORT
MEMBER=anne.holm@bakkeby.dk
DPO=dpo@bakkeby.dk
RCPT=lars.berg@hold.example
mkdir -p "$W/milter" "$W/msgs" "$W/out"
chmod 755 "$W/milter" "$W/msgs" "$W/out"
cp -r "$WORDS" "$W/milter/words"; chmod -R a+rX "$W/milter/words"

# write_conf NAME MODE ADVICEPORT
write_conf() {
    cat >"$W/milter/$1.conf" <<CONF
mode = "$2";
user = "nobody";
council = { senders = [ "*@bakkeby.dk" ]; };
internal_domains = [ "bakkeby.dk" ];
domains = (
  { match = "hold.example"; actions = [ "hold" ]; },
  { match = "*";            actions = [ "reject" ]; }
);
hold = { notify = "$DPO"; };
advice = { smtp = "127.0.0.1:$3"; from = "postmaster@bakkeby.dk"; };
smime = { store = "$W/milter/no-smime"; }; pgp = { home = "$W/milter/no-gnupg"; };
detectors = { keywords = { dir = "$W/milter/words"; }; };
CONF
    chmod 644 "$W/milter/$1.conf"
}
e2e_free_port CLOSED_PORT      # nobody listens: the notices cannot be sent
write_conf enforce enforce "$SMTP_PORT"
write_conf monitor monitor "$SMTP_PORT"
write_conf nonotice enforce "$CLOSED_PORT"

e2e_start_sink sink "$SINK_PORT" "$W/sink"
SENDER=$(e2e_pf_sender sender "$SMTP_PORT" "$SINK_PORT" "$MILTER_PORT" "[127.0.0.1]:$SINK_PORT" /dev/null)
postconf -c "$SENDER" -e "milter_protocol = 6"
e2e_pf_start "$SENDER"
MAILLOG=$(e2e_pf_log "$SENDER")

# msg FILE ID: confidential mail (CPR + health) from the member to RCPT
msg() {
    { printf 'From: Anne Holm <%s>\nTo: <%s>\nSubject: Sagen om Jens Vestergaard\n' "$MEMBER" "$RCPT"
      printf 'Date: Mon, 07 Sep 2026 10:15:00 +0200\nMessage-ID: <%s@bakkeby.dk>\n' "$2"
      printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n'
      printf 'Content-Transfer-Encoding: 8bit\n\n'
      printf 'Hej Lars\n\nBorgeren Jens Vestergaard, CPR-nr. 140549-0389, har fået\n'
      printf 'konstateret kræft i bugspytkirtlen og er startet i kemoterapi.\n\n'
      printf 'Venlig hilsen\nAnne Holm\n'; } >"$1"
}
# send NAME: sends msgs/NAME.eml; prints swaks' exit status
send() { local rc=0; e2e_send "$W/out/$1" "$SMTP_PORT" "$MEMBER" "$RCPT" "$W/msgs/$1.eml" || rc=$?; echo $rc; }
# in_hold QID: the queue id is in the hold queue (postqueue -j, not our tool)
in_hold() { postqueue -c "$SENDER" -j | grep -F "\"queue_id\": \"$1\"" | grep -q '"queue_name": "hold"'; }
in_queue() { postqueue -c "$SENDER" -j | grep -qF "\"queue_id\": \"$1\""; }
# notice TO QID [secs]: the sink's copy of fortrolig's notice to TO about QID
notice() {
    local f i
    for ((i = 0; i < ${3:-20} * 5; i++)); do
        for f in $(grep -rlF -- "$2" "$W/sink" 2>/dev/null || true); do
            if e2e_header_values "$f" To | grep -qiF "<$1>" &&
                e2e_header_values "$f" Auto-Submitted | grep -q auto-generated; then
                echo "$f"; return 0
            fi
        done
        sleep 0.2
    done
    return 1
}
# no_content FILE: none of the mail's words: CPR, name, diagnosis, subject
no_content() {
    if grep -Ei '140549|0389|Vestergaard|kr(æ|ae)ft|bugspyt|kemoterapi|Hej Lars' "$1"; then
        diag "content in $1"; return 1
    fi
}
delivered() { e2e_wait_grep "$MAILLOG" "$1: to=<$RCPT>, relay=[^ ]*\\[127\\.0\\.0\\.1\\]:$SINK_PORT, .*status=sent" "${2:-20}"; }
hold_cmd() { "$HOLD" -c "$SENDER" "$@"; }

MPID=
start() { MPID=; e2e_start_milter "milter-$1" "$W/milter/$1.conf" "$MILTER_PORT" && MPID=$E2E_MILTER_PID; }
stop() { [ -z "$MPID" ] || e2e_stop_milter "$MPID" "$MILTER_PORT"; }

t_config() {
    local out rc=0
    out=$("$MILTER" -n -c "$W/milter/enforce.conf" 2>&1) || rc=$?
    [ "$rc" = 0 ] || { diag "exit $rc: $out"; return 1; }
}
check "fortrolig-milter -n accepts actions = [ \"hold\" ] and hold.notify" t_config
check "milter starts (enforce)" start enforce
MLOG=$W/milter-enforce.log

# --- 1. a confidential mail to a hold domain is held, not delivered
msg "$W/msgs/held1.eml" "hold1-$$"
rc=$(send held1)
qid1=$(e2e_queue_id "$W/out/held1")
t_held() {
    [ "$rc" = 0 ] && [ -n "$qid1" ] || { diag "swaks exit $rc"; diag "$(tail -n 8 "$W/out/held1")"; return 1; }
    e2e_wait_grep "$MAILLOG" "$qid1: milter-hold: .*milter triggers HOLD action" 10 ||
        { diag "$(grep "$qid1" "$MAILLOG")"; return 1; }
    in_hold "$qid1" || { diag "$(postqueue -c "$SENDER" -j)"; return 1; }
}
check "held: accepted (250, queue id), Postfix logs 'milter triggers HOLD action', it is in the hold queue" t_held

t_not_delivered() {
    sleep 1
    if grep -rqF "hold1-$$@" "$W/sink"; then diag "held mail reached the receiver"; return 1; fi
    in_hold "$qid1" || { diag "left the hold queue"; return 1; }
}
check "held: not delivered while held" t_not_delivered

t_list() {
    local out
    out=$(hold_cmd list 2>&1) || { diag "exit $?: $out"; return 1; }
    e2e_log "list: $out"
    grep -Eq "^$qid1  20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{8} [-+][0-9]{4}  <$MEMBER>\$" <<<"$out" &&
        grep -q "^  to: *$RCPT\$" <<<"$out" &&
        grep -q "^  verdict: class=sensitive; categories=cpr,health; where=body; action=hold\$" <<<"$out" ||
        { diag "$out"; return 1; }
    no_content <(printf '%s\n' "$out")
}
check "fortrolig-hold list: queue id, arrival, sender, recipient and the X-Fortrolig verdict" t_list

dpo1=; adv1=
t_dpo() {
    dpo1=$(notice "$DPO" "$qid1") || { diag "no notice to $DPO"; diag "$(ls "$W/sink")"; return 1; }
    e2e_log "DPO notice: $(cat "$dpo1")"
    e2e_header_values "$dpo1" Subject | grep -q 'tilbageholdt til gennemsyn / mail held for review' &&
        e2e_body "$dpo1" | head -n 1 | grep -q '^En mail fra et byraadsmedlem' &&
        e2e_body "$dpo1" | grep -q '^A mail from a council member' &&
        e2e_body "$dpo1" | grep -q "^  Afsender: *<$MEMBER>" &&
        e2e_body "$dpo1" | grep -q '^  Kategorier: CPR-nummer, helbredsoplysninger' &&
        e2e_body "$dpo1" | grep -q '^  Categories: CPR number, health information' &&
        e2e_body "$dpo1" | grep -q "^  Queue id: *$qid1\$" &&
        e2e_body "$dpo1" | grep -Eq '^  Tidspunkt: *20[0-9]{2}-' &&
        e2e_body "$dpo1" | grep -q "fortrolig-hold release $qid1" ||
        { diag "$(cat "$dpo1")"; return 1; }
    no_content "$dpo1"
}
check "DPO notice: Danish then English; sender, time, categories, queue id; no content" t_dpo

t_member() {
    adv1=$(notice "$MEMBER" "$qid1") || { diag "no advice to $MEMBER"; return 1; }
    e2e_header_values "$adv1" Subject | grep -q 'venter paa gennemsyn / your mail waits for review' &&
        e2e_body "$adv1" | head -n 1 | grep -q '^Din mail indeholder fortrolige oplysninger' &&
        e2e_body "$adv1" | grep -q 'databeskyttelsesansvarlige (DPO)' &&
        e2e_body "$adv1" | grep -q 'waits for review by the data protection officer' &&
        e2e_body "$adv1" | grep -q "^  Koe-id: *$qid1\$" ||
        { diag "$(cat "$adv1")"; return 1; }
    no_content "$adv1"
}
check "member's advice: the mail waits for the DPO's review (da+en), queue id, no content" t_member

t_mlog() {
    local l
    l=$(grep -E "$qid1: fortrolig: from=<$MEMBER> " "$MLOG" || true)
    grep -q ' action=hold rcpts=1 mode=enforce' <<<"$l" || { diag "verdict line: $l"; diag "$(cat "$MLOG")"; return 1; }
    grep -q "$qid1: fortrolig: rcpt=<$RCPT> action=hold reason=hold for review" "$MLOG" &&
        grep -q "$qid1: fortrolig: held for review: dpo=<$DPO> advice=sent" "$MLOG" ||
        { diag "$(grep "$qid1" "$MLOG")"; return 1; }
    no_content "$MLOG" && no_content "$MAILLOG"
}
check "milter log: action=hold, the held recipient, the notices; no content in any log" t_mlog

# --- 2. release: delivered as it is, and logged
t_release() {
    local out f
    out=$(SUDO_USER=dpo-admin hold_cmd release "$qid1" 2>&1) || { diag "exit $?: $out"; return 1; }
    [ "$out" = "$qid1: released" ] || { diag "$out"; return 1; }
    delivered "$qid1" || { diag "$(grep "$qid1" "$MAILLOG")"; return 1; }
    f=$(e2e_find_msg "$W/sink" "hold1-$$@" 10) || { diag "not at the receiver"; return 1; }
    e2e_header_values "$f" X-Fortrolig | grep -q '^class=sensitive; categories=cpr,health; where=body; action=hold$' ||
        { diag "X-Fortrolig: $(e2e_header_values "$f" X-Fortrolig)"; return 1; }
    e2e_body "$f" | grep -q 'CPR-nr. 140549-0389' || { diag "body changed"; return 1; }
    e2e_wait_queue_empty "$SENDER" 10 || { diag "$(postqueue -c "$SENDER" -p)"; return 1; }
}
check "fortrolig-hold release: out of the hold queue and delivered at once, unchanged, with its X-Fortrolig" t_release

t_release_log() {
    e2e_wait_grep "$MAILLOG" "fortrolig-hold(\\[[0-9]+\\])?: released queue_id=$qid1 by=dpo-admin uid=0 verdict=\"class=sensitive; categories=cpr,health; where=body; action=hold\"" 5 ||
        { diag "$(grep fortrolig-hold "$MAILLOG")"; return 1; }
}
check "the release is logged: who (SUDO_USER, uid), which queue id, the verdict" t_release_log

t_release_again() {
    local out rc=0
    out=$(hold_cmd release "$qid1" 2>&1) || rc=$?
    [ "$rc" = 1 ] && grep -q "$qid1 is not in the hold queue" <<<"$out" || { diag "exit $rc: $out"; return 1; }
}
check "release of a mail no longer held: refused (exit 1)" t_release_again

# --- 3. delete: gone, never delivered, logged
msg "$W/msgs/held2.eml" "hold2-$$"
rc=$(send held2)
qid2=$(e2e_queue_id "$W/out/held2")
t_delete() {
    local out
    [ "$rc" = 0 ] && [ -n "$qid2" ] || { diag "swaks exit $rc"; return 1; }
    e2e_wait_grep "$MAILLOG" "$qid2: milter-hold: " 10 && in_hold "$qid2" || { diag "not held"; return 1; }
    notice "$DPO" "$qid2" >/dev/null || { diag "no notice to the DPO"; return 1; }
    out=$(LOGNAME=root hold_cmd delete "$qid2" 2>&1) || { diag "exit $?: $out"; return 1; }
    [ "$out" = "$qid2: deleted" ] || { diag "$out"; return 1; }
    if in_queue "$qid2"; then diag "still queued: $(postqueue -c "$SENDER" -p)"; return 1; fi
    hold_cmd list | grep -qx 'no mail is held' || { diag "$(hold_cmd list)"; return 1; }
}
check "fortrolig-hold delete: the held mail is removed from the queue" t_delete

t_never() {
    sleep 2
    if grep -rqF "hold2-$$@" "$W/sink"; then diag "deleted mail was delivered"; return 1; fi
    if grep -q "$qid2: to=<$RCPT>" "$MAILLOG"; then diag "$(grep "$qid2" "$MAILLOG")"; return 1; fi
    e2e_wait_grep "$MAILLOG" "fortrolig-hold(\\[[0-9]+\\])?: deleted queue_id=$qid2 by=root uid=0 verdict=\"class=sensitive; " 5 ||
        { diag "$(grep fortrolig-hold "$MAILLOG")"; return 1; }
}
check "the deleted mail is never delivered, and the deletion is logged with who did it" t_never

# --- 4. queue ids are checked before postsuper sees them
t_bad_ids() {
    local id out rc
    for id in "x;touch $W/pwned" 'ALL' '-' '../hold' "$qid1 x" ''; do
        rc=0
        out=$(hold_cmd delete "$id" 2>&1) || rc=$?
        [ "$rc" = 1 ] && grep -q 'not a queue id' <<<"$out" || { diag "'$id': exit $rc: $out"; return 1; }
    done
    [ ! -e "$W/pwned" ] || { diag "a command ran"; return 1; }
    rc=0; out=$(hold_cmd delete ABCDEF12345 2>&1) || rc=$?
    [ "$rc" = 1 ] && grep -q 'ABCDEF12345 is not in the hold queue' <<<"$out" || { diag "exit $rc: $out"; return 1; }
    rc=0; hold_cmd >/dev/null 2>&1 || rc=$?
    [ "$rc" = 2 ] || { diag "no arguments: exit $rc"; return 1; }
    rc=0; hold_cmd release >/dev/null 2>&1 || rc=$?
    [ "$rc" = 2 ] || { diag "release without an id: exit $rc"; return 1; }
}
check "fortrolig-hold refuses ids that are not [0-9A-Za-z], ALL, and ids not in the hold queue" t_bad_ids

# --- 5. a clean mail to the same domain goes out normally
t_clean() {
    local rc=0 q f
    { printf 'From: <%s>\nTo: <%s>\nSubject: Mødet\nMessage-ID: <clean-%s@bakkeby.dk>\n\n' "$MEMBER" "$RCPT" "$$"
      printf 'Mødet er flyttet til torsdag kl. 10.\n'; } >"$W/msgs/clean.eml"
    rc=$(send clean)
    q=$(e2e_queue_id "$W/out/clean")
    [ "$rc" = 0 ] && [ -n "$q" ] || { diag "swaks exit $rc"; return 1; }
    delivered "$q" || { diag "$(grep "$q" "$MAILLOG")"; return 1; }
    f=$(e2e_find_msg "$W/sink" "clean-$$@" 10) || return 1
    e2e_header_values "$f" X-Fortrolig | grep -q '^class=clean; .*action=deliver$' || return 1
    if grep -q "$q: milter-hold" "$MAILLOG"; then diag "held"; return 1; fi
}
check "clean mail to the hold domain: delivered at once, class=clean" t_clean

t_report() {
    "$REPORT" --json --names "$MLOG" >"$W/out/report.json" 2>"$W/out/report.err" ||
        { diag "$(cat "$W/out/report.err")"; return 1; }
    python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["totals"]["actions"]; sys.exit(0 if a.get("hold")==2 and a.get("deliver")==1 else 1)' \
        "$W/out/report.json" || { diag "$(cat "$W/out/report.json")"; return 1; }
}
check "fortrolig-report counts the held mails under action hold" t_report
check "milter stops" stop

# --- 6. monitor mode: delivered, marked as what enforce would do, nobody notified
check "milter starts (monitor)" start monitor
t_monitor() {
    local q f
    msg "$W/msgs/mon.eml" "hold-mon-$$"
    rc=$(send mon)
    q=$(e2e_queue_id "$W/out/mon")
    [ "$rc" = 0 ] && [ -n "$q" ] || { diag "swaks exit $rc"; return 1; }
    delivered "$q" || { diag "$(grep "$q" "$MAILLOG")"; return 1; }
    f=$(e2e_find_msg "$W/sink" "hold-mon-$$@" 10) || return 1
    e2e_header_values "$f" X-Fortrolig | grep -q 'action=hold; mode=monitor$' ||
        { diag "X-Fortrolig: $(e2e_header_values "$f" X-Fortrolig)"; return 1; }
    if grep -q "$q: milter-hold" "$MAILLOG"; then diag "held in monitor mode"; return 1; fi
    if notice "$DPO" "$q" 2 >/dev/null; then diag "DPO notified in monitor mode"; return 1; fi
}
check "monitor mode: delivered with action=hold; mode=monitor, not held, no notice" t_monitor
check "milter stops" stop

# --- 7. no notice, no hold: a mail nobody would hear of is deferred instead
check "milter starts (notices cannot be sent)" start nonotice
t_nonotice() {
    local q
    msg "$W/msgs/nonotice.eml" "hold-nonotice-$$"
    rc=$(send nonotice)
    [ "$rc" = 26 ] && grep -q '^<\*\* *4[0-9][0-9][ -]' "$W/out/nonotice" ||
        { diag "swaks exit $rc, expected 26 with a 4xx"; diag "$(tail -n 6 "$W/out/nonotice")"; return 1; }
    e2e_queue_empty "$SENDER" || { diag "$(postqueue -c "$SENDER" -p)"; return 1; }
    grep -q "fortrolig: advice mail to <$DPO> failed: cannot connect to 127.0.0.1:$CLOSED_PORT" \
        "$W/milter-nonotice.log" || { diag "$(cat "$W/milter-nonotice.log")"; return 1; }
}
check "DPO notice cannot be sent: 4xx (the client retries), nothing held or queued" t_nonotice
check "milter stops" stop

t_sanitizers() {
    local hits
    hits=$(grep -hE -A20 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$W"/milter-*.log 2>/dev/null || true)
    [ -z "$hits" ] || { diag "$hits"; return 1; }
}
check "no ASan/UBSan/LSan report in any milter log" t_sanitizers
finish
