#!/bin/bash
# tests/e2e/run-exchange-reply.sh - what an Exchange relay gets back from a
# Postfix with fortrolig-milter (contrib/exchange/README.md), and what
# fortrolig-report counts afterwards.
#
#   smtp-relay.py (plays Exchange: plain SMTP, no AUTH, from 127.0.0.1, a
#   trusted relay) -> Postfix "sender" (smtpd_milters = fortrolig-milter)
#   -> relayhost smtp-sink
#
# Checks: a council member's confidential mail to a reject domain gets
# 550 5.7.1 at the end of DATA, every line "550-5.7.1 " but the last
# ("550 5.7.1 "), in printable US-ASCII, each line within 512 octets, the
# Danish letters of a configured text transliterated, and the lines equal to
# fortrolig-scan --reply for the same message (nothing lost in Postfix). A
# clean mail gets 250. Then the milter's own log goes through
# fortrolig-report --json and its counts must equal what was sent.
# TAP output; 77 when not root or tools are missing.
# shellcheck disable=SC2015
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_src=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

bdir=${FORTROLIG_BUILDDIR:-$top_src}
MILTER=$(realpath -m -- "${MILTER:-$bdir/milter/fortrolig-milter}")
SCANNER=$(realpath -m -- "${SCANNER:-$bdir/cmd/fortrolig-scan}")
REPORT=$(realpath -m -- "${REPORT:-$bdir/cmd/fortrolig-report}")
WORDS=${WORDS:-$top_src/lib/detect/keywords/words}

e2e_need_tools
command -v python3 >/dev/null || { echo "1..0 # SKIP no python3"; exit 77; }
e2e_before_cleanup() { tap_abort "$1"; }
for b in "$MILTER" "$SCANNER" "$REPORT"; do
    [ -x "$b" ] || { check "binary exists: $b" false; finish || exit 1; }
done

e2e_init fortrolig-exchange
W=$E2E_TMP
e2e_free_port SINK_PORT
e2e_free_port SMTP_PORT
e2e_free_port MILTER_PORT
MEMBER=anne.holm@bakkeby.dk
MEMBER2=bo.lund@bakkeby.dk
REJECT1=lars.berg@afvis.example
REJECT2=kim.krog@afvis.example
mkdir -p "$W/milter" "$W/msgs" "$W/out"
chmod 755 "$W/milter" "$W/msgs" "$W/out"
cp -r "$WORDS" "$W/milter/words"
chmod -R a+rX "$W/milter/words"
# A Danish text with æ, ø, å, Æ, Ø, Å and an em dash: SMTP replies are ASCII.
DA_TEXT='Mailen er IKKE sendt: fortrolige oplysninger ({categories}) i {where} til {recipients}. Ring til IT på 1234 — ÆØÅ æøå gælder.'
cat >"$W/milter/fortrolig.conf" <<CONF
mode = "enforce";
socket = "inet:$MILTER_PORT@127.0.0.1";
user = "nobody";
council = { senders = [ "$MEMBER", "$MEMBER2" ]; auth_users = [ ]; };
trusted_relays = [ "127.0.0.0/8" ];
internal_domains = [ "bakkeby.dk" ];
domains = (
  { match = "afvis.example"; actions = [ "reject" ]; },
  { match = "*";             actions = [ "smime", "pgp", "reject" ]; }
);
smime = { store = "$W/milter/no-smime"; }; pgp = { home = "$W/milter/no-gnupg"; };
detectors = { keywords = { dir = "$W/milter/words"; }; };
texts = { reject_da = "$DA_TEXT"; };
CONF
chmod 644 "$W/milter/fortrolig.conf"

e2e_start_sink sink "$SINK_PORT" "$W/sink"
e2e_make_cert "$W/cert"
SENDER=$(e2e_pf_sender sender "$SMTP_PORT" "$SINK_PORT" "$MILTER_PORT" \
    "[localhost]:$SINK_PORT" "$W/cert/cert.pem")
postconf -c "$SENDER" -e "milter_protocol = 6"
e2e_pf_start "$SENDER"
e2e_start_milter milter "$W/milter/fortrolig.conf" "$MILTER_PORT" || e2e_die "milter did not start"
MLOG=$W/milter.log

# msg FILE ID FROM TO confidential|clean
msg() {
    {
        printf 'From: <%s>\nTo: <%s>\nSubject: Sagen\n' "$3" "$4"
        printf 'Date: Mon, 07 Sep 2026 10:15:00 +0200\nMessage-ID: <%s@bakkeby.dk>\n' "$2"
        printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n'
        printf 'Content-Transfer-Encoding: 8bit\n\nHej\n\n'
        if [ "$5" = confidential ]; then
            printf 'Borgeren Jens Vestergaard, CPR-nr. 140549-0389, har fået konstateret\n'
            printf 'kræft i bugspytkirtlen og er startet i kemoterapi.\n'
        else
            printf 'Mødet i udvalget er flyttet til torsdag kl. 16 i byrådssalen.\n'
        fi
        printf '\nVenlig hilsen\n'
    } >"$1"
}
relay() { python3 "$here/smtp-relay.py" "$SMTP_PORT" "$@" 2>>"$W/out/relay.stderr"; }

# --- A. the reply an Exchange relay receives
msg "$W/msgs/conf1.eml" "x1-$$" "$MEMBER" "$REJECT1" confidential
rc=0; relay "$MEMBER" "$REJECT1" "$W/msgs/conf1.eml" >"$W/out/conf1" || rc=$?
t_550() {
    [ "$rc" = 5 ] || { diag "exit $rc, expected 5 (5xx at end of DATA)"; diag "$(cat "$W/out/conf1")"; return 1; }
    local n last
    n=$(wc -l <"$W/out/conf1")
    [ "$n" -ge 2 ] || { diag "a one-line reply: $(cat "$W/out/conf1")"; return 1; }
    last=$(tail -n1 "$W/out/conf1")
    head -n -1 "$W/out/conf1" | grep -qv '^550-5\.7\.1 ' && { diag "a line is not 550-5.7.1:"; diag "$(cat "$W/out/conf1")"; return 1; }
    [[ $last == "550 5.7.1 "* ]] || { diag "last line: $last"; return 1; }
}
check "confidential mail to a reject domain: multi-line 550-5.7.1 ... 550 5.7.1 at end of DATA" t_550

t_ascii() {
    if LC_ALL=C grep -n '[^ -~]' "$W/out/conf1"; then diag "bytes outside printable US-ASCII"; return 1; fi
    awk 'length($0) + 2 > 512 { exit 1 }' "$W/out/conf1" || { diag "a line over 512 octets"; return 1; }
    # the text is word-wrapped: join the lines again
    sed 's/^550[- ]5\.7\.1 //' "$W/out/conf1" | tr '\n' ' ' |
        grep -q 'Ring til IT paa 1234 - AeOeAa aeoeaa gaelder\.' ||
        { diag "Danish letters not transliterated as expected:"; diag "$(cat "$W/out/conf1")"; return 1; }
    if grep -q '140549\|Vestergaard' "$W/out/conf1"; then diag "content in the reply"; return 1; fi
}
check "reply: printable US-ASCII, lines <= 512 octets, æøå ÆØÅ — -> ae oe aa Ae Oe Aa -, no content" t_ascii

t_intact() {
    local rcs=0
    "$SCANNER" -c "$W/milter/fortrolig.conf" --reply --sender "$MEMBER" --rcpt "$REJECT1" \
        "$W/msgs/conf1.eml" >"$W/out/conf1.scan" 2>"$W/out/conf1.scan.err" || rcs=$?
    grep -q '^550 ' "$W/out/conf1.scan" || { diag "scan exit $rcs: $(cat "$W/out/conf1.scan" "$W/out/conf1.scan.err")"; return 1; }
    diff "$W/out/conf1.scan" "$W/out/conf1" >"$W/out/conf1.diff" ||
        { diag "the relay's reply differs from the milter's text:"; diag "$(cat "$W/out/conf1.diff")"; return 1; }
    grep -q "$REJECT1" "$W/out/conf1" && grep -q 'The mail was NOT sent' "$W/out/conf1" ||
        { diag "recipient or English text missing"; return 1; }
}
check "every reply line arrives intact: equal to fortrolig-scan --reply (Danish, then English)" t_intact

msg "$W/msgs/clean1.eml" "x2-$$" "$MEMBER" "$REJECT1" clean
rc=0; relay "$MEMBER" "$REJECT1" "$W/msgs/clean1.eml" >"$W/out/clean1" || rc=$?
t_250() {
    [ "$rc" = 0 ] && grep -q '^250 2\.0\.0 Ok: queued as' "$W/out/clean1" ||
        { diag "exit $rc: $(cat "$W/out/clean1")"; return 1; }
}
check "clean mail from the member: 250 2.0.0 queued" t_250

# --- B. more traffic, then fortrolig-report on the milter's log
msg "$W/msgs/conf2.eml" "x3-$$" "$MEMBER" "$REJECT1" confidential
rc2=0; relay "$MEMBER" "$REJECT1" "$W/msgs/conf2.eml" >"$W/out/conf2" || rc2=$?
msg "$W/msgs/conf3.eml" "x4-$$" "$MEMBER" "$REJECT1" confidential
rc3=0; relay "$MEMBER" "$REJECT1,$REJECT2" "$W/msgs/conf3.eml" >"$W/out/conf3" || rc3=$?
msg "$W/msgs/clean2.eml" "x5-$$" "$MEMBER2" "$REJECT2" clean
rc4=0; relay "$MEMBER2" "$REJECT2" "$W/msgs/clean2.eml" >"$W/out/clean2" || rc4=$?
msg "$W/msgs/ext.eml" "x6-$$" "someone@example.net" "$REJECT2" confidential
rc5=0; relay "someone@example.net" "$REJECT2" "$W/msgs/ext.eml" >"$W/out/ext" || rc5=$?
t_traffic() {
    [ "$rc2$rc3$rc4$rc5" = 5500 ] || { diag "exits $rc2 $rc3 $rc4 $rc5, expected 5 5 0 0"; return 1; }
}
check "more traffic: 2 rejects (one with 2 recipients), a second member's clean mail, a non-member's mail passes" t_traffic

e2e_wait_queue_empty "$SENDER" 20 || true
e2e_stop_milter "$E2E_MILTER_PID" "$MILTER_PORT" || true
printf '%064x\n' 424242 >"$W/report.key"
chmod 600 "$W/report.key"

# J EXPR: evaluate a Python expression over the report as r
J() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$W/out/report.json" "$1"; }
pseud() { python3 -c 'import hmac,hashlib,sys; k=bytes.fromhex(open(sys.argv[1]).read().strip()); print("m-"+hmac.new(k,b"r"+sys.argv[2].lower().encode(),hashlib.sha256).hexdigest()[:12])' "$W/report.key" "$1"; }

t_report_counts() {
    local rc=0 got want
    "$REPORT" --json --key "$W/report.key" "$MLOG" >"$W/out/report.json" 2>"$W/out/report.err" || rc=$?
    [ "$rc" = 0 ] || { diag "exit $rc: $(cat "$W/out/report.err")"; return 1; }
    got=$(J '(r["totals"]["messages"], r["totals"]["actions"].get("reject"), r["totals"]["actions"].get("deliver"), r["totals"]["categories"].get("cpr"), r["totals"]["classes"].get("clean"), r["tempfails"]["messages"], r["totals"]["spoofed"]["rejected"])')
    # sent by members: 3 confidential (rejected), 2 clean (delivered); the non-member's is not counted
    want="(5, 3, 2, 3, 2, 0, 0)"
    [ "$got" = "$want" ] || { diag "messages, reject, deliver, cpr, clean, tempfail msgs, spoofed: $got, expected $want"; diag "$(cat "$W/out/report.json")"; return 1; }
    got=$(J '[(d["day"], d["messages"]) for d in r["days"]]')
    [ "$got" = "[('undated', 5)]" ] || { diag "days: $got"; return 1; }
}
check "fortrolig-report --json on the milter's log: 5 messages, 3 reject, 2 deliver, cpr 3, clean 2, no tempfail" t_report_counts

t_report_members() {
    local got want m1 m2
    m1=$(pseud "$MEMBER"); m2=$(pseud "$MEMBER2")
    got=$(J 'sorted((m["member"], m["messages"], m["actions"].get("reject", 0)) for m in r["members"])')
    want=$(python3 -c "print(sorted([('$m1', 4, 3), ('$m2', 1, 0)]))")
    [ "$got" = "$want" ] || { diag "members: $got, expected $want"; return 1; }
    if grep -q 'bakkeby\.dk\|afvis\.example\|example\.net\|140549' "$W/out/report.json"; then
        diag "an address or content in the pseudonymised report"; return 1
    fi
}
check "members pseudonymised as m- + HMAC-SHA256(key, 'r' || address)[:12]; no address or content in the report" t_report_members

t_report_reasons() {
    local got
    # 1 + 1 + 2 rejected recipients, all by the domain rule for afvis.example
    got=$(J '[(x["reason"], x["count"]) for x in r["reject_reasons"]]')
    [ "$got" = "[('domain rule', 4)]" ] || { diag "reject reasons: $got"; return 1; }
    "$REPORT" --names "$MLOG" >"$W/out/report.txt" || return 1
    grep -q "^  $MEMBER  *4  reject=3 deliver=1" "$W/out/report.txt" ||
        { diag "$(cat "$W/out/report.txt")"; return 1; }
}
check "reject reasons per recipient (domain rule 4); --names text report names the member" t_report_reasons

t_report_period() {
    local got
    "$REPORT" --json --key "$W/report.key" --since 2026-01-01 "$MLOG" >"$W/out/report.json" || return 1
    got=$(J '(r["totals"]["messages"], r["lines"]["undated_skipped"] > 0)')
    [ "$got" = "(0, True)" ] || { diag "with --since: $got"; return 1; }
    if "$REPORT" --json "$MLOG" --key "$W/no-such.key" >/dev/null 2>&1; then diag "ran without a key"; return 1; fi
}
check "standard-error lines have no date: skipped under --since; no key, no report" t_report_period

t_sanitizers() {
    ! grep -lE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$MLOG" "$W/out/report.err" 2>/dev/null
}
check "no ASan/UBSan/LSan report in the milter's or the report's output" t_sanitizers
finish
