#!/bin/bash
# tests/e2e/run-tlsmap.sh - the TLS policy map alone enforces "tls", and the
# milter uses "tls" only for the domains that map covers (tls_policy_map).
#
#   fortrolig-policy --export postfix-tls -> postmap -> a throwaway Postfix
#   with smtp_tls_policy_maps = hash:MAP and NO header route (no
#   milter_header_checks, no FILTER, no TLS transport). It delivers straight
#   to the recipient domain "localhost" (native lookup, smtp_tcp_port = the
#   receiver's port), so the map's key is the recipient domain, as with an MX.
#
#   1. receiver without STARTTLS: confidential AND clean mail to the tls
#      domain are deferred (4.7.4, TLS is required) - the map applies to all
#      mail for the domain; nothing reaches the receiver.
#   2. the same port then offers STARTTLS with a certificate for localhost:
#      a queue flush delivers both over verified TLS.
#   3. the map lacks nomap.example (a stale map): the milter warns at start
#      and with -n, and confidential mail to it gets the rule's next action,
#      reject (550), reason "tls not enforced by the MTA map".
#   4. reload (SIGHUP) with nomap.example added: no warning, tls is used;
#      reload with the map gone: one warning, tls unusable for every domain.
# Prints "ok N - name" and "N passed, M failed".
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
MILTER=${MILTER:-$here/../../milter/fortrolig-milter}
POLICY=${POLICY:-$here/../../cmd/fortrolig-policy}
WORDS=${WORDS:-$here/../../lib/detect/keywords/words}
export FORTROLIG_EXTRACTOR=${FORTROLIG_EXTRACTOR:-$here/../../cmd/fortrolig-extract}

e2e_need_tools
command -v postmap >/dev/null || { echo "1..0 # SKIP no postmap"; exit 77; }
e2e_before_cleanup() { tap_abort "$1"; }
for b in "$MILTER" "$POLICY"; do
    [ -x "$b" ] || { check "binary exists ($b)" false; finish; exit 1; }
done

e2e_init fortrolig-tlsmap
W=$E2E_TMP
e2e_free_port RCV_PORT
e2e_free_port SMTP_PORT
e2e_free_port MILTER_PORT
MEMBER=anne.holm@bakkeby.dk
TLSRCPT=kontakt@localhost
NOMAP=kontakt@nomap.example
MAP=$W/tls/tls_policy

mkdir -p "$W/milter" "$W/tls" "$W/msgs" "$W/out"
chmod 755 "$W/milter" "$W/tls" "$W/msgs" "$W/out"
cp -r "$WORDS" "$W/milter/words" && chmod -R a+rX "$W/milter/words"
cat >"$W/milter/f.conf" <<CONF
socket = "inet:$MILTER_PORT@127.0.0.1";
user = "nobody";
council = { senders = [ "*@bakkeby.dk" ]; };
internal_domains = [ "bakkeby.dk" ];
domains = (
  { match = "localhost";     actions = [ "tls", "reject" ]; },
  { match = "nomap.example"; actions = [ "tls", "reject" ]; },
  { match = "*";             actions = [ "smime", "pgp", "reject" ]; }
);
tls_policy_map = "$MAP";
tls_policy_format = "postfix";
smime = { store = "$W/milter/no-smime"; }; pgp = { home = "$W/milter/no-gnupg"; };
detectors = { keywords = { dir = "$W/milter/words"; }; };
CONF
chmod 644 "$W/milter/f.conf"

# conf_msg FILE ID TO: CPR number and a diagnosis. clean_msg FILE ID TO.
conf_msg() {
    printf 'From: Anne Holm <%s>\nTo: <%s>\nSubject: Sagen\nMessage-ID: <%s@bakkeby.dk>\n' \
        "$MEMBER" "$3" "$2" >"$1"
    printf 'Content-Type: text/plain; charset=utf-8\n\nHej\n\nBorgeren Jens Vestergaard,\n' >>"$1"
    printf 'CPR-nr. 140549-0389, har fået konstateret kræft og er i kemoterapi.\n\nAnne\n' >>"$1"
}
clean_msg() {
    printf 'From: Anne Holm <%s>\nTo: <%s>\nSubject: Møde\nMessage-ID: <%s@bakkeby.dk>\n' \
        "$MEMBER" "$3" "$2" >"$1"
    printf 'Content-Type: text/plain; charset=utf-8\n\nMødet er flyttet til torsdag kl. 10.\n' >>"$1"
}

# The map as IT makes it, then made stale: nomap.example's entry is missing.
"$POLICY" -c "$W/milter/f.conf" --export postfix-tls >"$W/tls/full" 2>"$W/out/policy.err"
t_export() {
    grep -q '^localhost secure protocols=>=TLSv1.2$' "$W/tls/full" &&
        grep -q '^nomap\.example secure' "$W/tls/full" || { diag "$(cat "$W/tls/full" "$W/out/policy.err")"; return 1; }
}
check "fortrolig-policy exports secure entries for both tls domains" t_export
grep -v '^nomap\.example ' "$W/tls/full" >"$MAP"
chmod 644 "$MAP"

e2e_make_cert "$W/cert"
SENDER=$(e2e_pf_base sender "$SMTP_PORT")
cat >>"$SENDER/main.cf" <<EOF
relayhost =
smtpd_milters = inet:127.0.0.1:$MILTER_PORT
non_smtpd_milters =
milter_default_action = tempfail
milter_protocol = 6
smtp_host_lookup = native
smtp_tcp_port = $RCV_PORT
smtp_tls_security_level = may
smtp_tls_CAfile = $W/cert/cert.pem
smtp_tls_loglevel = 1
smtp_tls_policy_maps = hash:$MAP
EOF
t_postmap() { postmap -c "$SENDER" "hash:$MAP" && [ -f "$MAP.db" ]; }
check "postmap builds the map" t_postmap
t_no_route() {
    local v
    for v in milter_header_checks header_checks content_filter transport_maps; do
        [ -z "$(postconf -c "$SENDER" -h "$v")" ] || { diag "$v is set"; return 1; }
    done
    ! grep -q 'smtp_tls_security_level=' "$SENDER/master.cf" || { diag "a TLS transport in master.cf"; return 1; }
    [ "$(postconf -c "$SENDER" -h smtp_tls_security_level)" = may ] || { diag "TLS not opportunistic by default"; return 1; }
}
check "no header route (no milter_header_checks, FILTER, transport), TLS level may by default" t_no_route
e2e_pf_start "$SENDER"
MAILLOG=$(e2e_pf_log "$SENDER")
MLOG=$W/milter.log

t_check_warns() {
    local out rc=0
    out=$("$MILTER" -n -c "$W/milter/f.conf" 2>&1) || rc=$?
    [ "$rc" = 0 ] || { diag "-n exit $rc: $out"; return 1; }
    grep -q "f.conf: warning: tls_policy_map $MAP does not enforce verified TLS for \"nomap.example\" ($W/milter/f.conf:7): no map entry" <<<"$out" ||
        { diag "no warning for nomap.example: $out"; return 1; }
    ! grep -q '"localhost"' <<<"$out" || { diag "warning for the covered domain: $out"; return 1; }
}
check "fortrolig-milter -n warns about the uncovered tls domain only, and exits 0" t_check_warns

t_start() {
    e2e_start_milter milter "$W/milter/f.conf" "$MILTER_PORT" || return 1
    MILTER_PID=$E2E_MILTER_PID
    e2e_wait_grep "$MLOG" 'listening on' 10 || { diag "$(cat "$MLOG")"; return 1; }
    [ "$(grep -c 'does not enforce verified TLS' "$MLOG")" = 1 ] &&
        grep -q 'for "nomap.example"' "$MLOG" || { diag "$(cat "$MLOG")"; return 1; }
}
MILTER_PID=
check "the milter logs one warning at start, for nomap.example" t_start
[ -n "$MILTER_PID" ] || { echo "Bail out! milter did not start"; finish; exit 1; }

e2e_start_sink sink "$RCV_PORT" "$W/sink"

# send NAME TO KIND: KIND conf|clean; sets rc_NAME and qid_NAME.
send() {
    local rc=0
    "${3}_msg" "$W/msgs/$1.eml" "e2e-$1-$$" "$2"
    e2e_send "$W/out/$1" "$SMTP_PORT" "$MEMBER" "$2" "$W/msgs/$1.eml" || rc=$?
    printf -v "rc_$1" '%s' "$rc"
    printf -v "qid_$1" '%s' "$(e2e_queue_id "$W/out/$1")"
}
deferred_tls() {
    e2e_wait_grep "$MAILLOG" "$1: to=<$TLSRCPT>, relay=localhost\\[127\\.0\\.0\\.1\\]:$RCV_PORT, .*dsn=4\\.7\\.4, status=deferred \\(TLS is required, but was not offered" 20
}

m0=$(e2e_lines "$MLOG")
send conf1 "$TLSRCPT" conf
t_conf_deferred() {
    [ "$rc_conf1" = 0 ] && [ -n "$qid_conf1" ] || { diag "swaks exit $rc_conf1"; diag "$(tail -n 8 "$W/out/conf1")"; return 1; }
    e2e_wait_grep "$MLOG" "$qid_conf1: fortrolig: .*class=sensitive .*action=tls " 10 ||
        { diag "milter did not choose tls: $(tail -n "+$((m0 + 1))" "$MLOG")"; return 1; }
    deferred_tls "$qid_conf1" || { diag "$(grep "$qid_conf1" "$MAILLOG")"; return 1; }
    ! grep -rqF "e2e-conf1-$$" "$W/sink" 2>/dev/null || { diag "reached the plain receiver"; return 1; }
}
check "confidential mail to the tls domain: milter says tls, the map alone defers it (4.7.4)" t_conf_deferred

send clean1 "$TLSRCPT" clean
t_clean_deferred() {
    [ "$rc_clean1" = 0 ] && [ -n "$qid_clean1" ] || { diag "swaks exit $rc_clean1"; return 1; }
    e2e_wait_grep "$MLOG" "$qid_clean1: fortrolig: .*class=clean .*action=deliver " 10 ||
        { diag "$(tail -n 5 "$MLOG")"; return 1; }
    deferred_tls "$qid_clean1" || { diag "$(grep "$qid_clean1" "$MAILLOG")"; return 1; }
    ! grep -rqF "e2e-clean1-$$" "$W/sink" 2>/dev/null || { diag "reached the plain receiver"; return 1; }
}
check "clean mail to the same domain is deferred too: the map covers all its mail" t_clean_deferred

m1=$(e2e_lines "$MLOG")
send nomap1 "$NOMAP" conf
t_nomap_reject() {
    [ "$rc_nomap1" = 26 ] || { diag "swaks exit $rc_nomap1, want 26"; diag "$(tail -n 8 "$W/out/nomap1")"; return 1; }
    grep -q '^<\*\* *550' "$W/out/nomap1" || { diag "no 550"; return 1; }
    e2e_wait_grep "$MLOG" "rcpt=<$NOMAP> action=reject reason=tls not enforced by the MTA map why=\"tls: no map entry for nomap.example\"" 10 "$m1" ||
        { diag "$(tail -n "+$((m1 + 1))" "$MLOG")"; return 1; }
}
check "confidential mail to a domain the map lacks: tls skipped, next action reject (550)" t_nomap_reject

t_no_content() { ! grep -q '140549\|kræft\|Vestergaard' "$MLOG" "$MAILLOG"; }
check "no message content in the milter log or the mail log" t_no_content

# 2. the receiver now offers STARTTLS with a certificate for "localhost".
SINK_PID=$(for e in "${E2E_PIDS[@]}"; do [ "${e%:*}" = sink ] && echo "${e##*:}"; done)
e2e_stop_pid "$SINK_PID" 10
e2e_unregister_pid "$SINK_PID"
e2e_wait_port_closed "$RCV_PORT" 10 || e2e_die "smtp-sink still listens"
RCV=$(e2e_pf_tls_receiver tlsrcv "$RCV_PORT" "$W/cert" "$W/tlsin")
e2e_pf_start "$RCV"
postqueue -c "$SENDER" -f
t_flushed() {
    local q
    for q in "$qid_conf1" "$qid_clean1"; do
        e2e_wait_grep "$MAILLOG" "$q: to=<$TLSRCPT>, relay=localhost\\[127\\.0\\.0\\.1\\]:$RCV_PORT, .*status=sent" 30 ||
            { diag "$(grep "$q" "$MAILLOG")"; return 1; }
    done
    grep -q "Verified TLS connection established to localhost\\[127\\.0\\.0\\.1\\]:$RCV_PORT" "$MAILLOG" ||
        { diag "no verified TLS connection: $(grep 'TLS connection' "$MAILLOG")"; return 1; }
    e2e_find_msg "$W/tlsin" "e2e-conf1-$$" 10 >/dev/null && e2e_find_msg "$W/tlsin" "e2e-clean1-$$" 10 >/dev/null
}
check "with STARTTLS and a valid certificate, both deferred mails go out over verified TLS" t_flushed

# 3. reloads: the map completed, then removed.
cp "$W/tls/full" "$MAP"
postmap -c "$SENDER" "hash:$MAP"
m2=$(e2e_lines "$MLOG")
kill -HUP "$MILTER_PID"
t_reload_ok() {
    e2e_wait_grep "$MLOG" 'configuration reloaded' 15 "$m2" || { diag "no reload: $(tail -n 5 "$MLOG")"; return 1; }
    sleep 0.5
    ! tail -n "+$((m2 + 1))" "$MLOG" | grep -q 'tls_policy_map' || { diag "$(tail -n "+$((m2 + 1))" "$MLOG")"; return 1; }
    send nomap2 "$NOMAP" conf
    [ "$rc_nomap2" = 0 ] || { diag "swaks exit $rc_nomap2"; diag "$(tail -n 8 "$W/out/nomap2")"; return 1; }
    e2e_wait_grep "$MLOG" "$qid_nomap2: fortrolig: .*action=tls " 10 || { diag "$(tail -n 5 "$MLOG")"; return 1; }
}
check "reload with nomap.example in the map: no warning, its confidential mail gets tls" t_reload_ok

rm -f "$MAP"
m3=$(e2e_lines "$MLOG")
kill -HUP "$MILTER_PID"
t_reload_gone() {
    e2e_wait_grep "$MLOG" 'configuration reloaded' 15 "$m3" || { diag "no reload"; return 1; }
    e2e_wait_grep "$MLOG" "tls_policy_map $MAP: No such file or directory; tls is unusable for every domain" 5 "$m3" ||
        { diag "$(tail -n "+$((m3 + 1))" "$MLOG")"; return 1; }
    [ "$(tail -n "+$((m3 + 1))" "$MLOG" | grep -c 'tls_policy_map')" = 1 ] || { diag "not one warning"; return 1; }
    send gone1 "$TLSRCPT" conf
    [ "$rc_gone1" = 26 ] || { diag "swaks exit $rc_gone1, want 26"; return 1; }
    e2e_wait_grep "$MLOG" "rcpt=<$TLSRCPT> action=reject reason=tls not enforced by the MTA map why=\"tls: the map could not be read\"" 10 "$m3"
}
check "reload with the map gone: one warning, tls unusable (fail closed: reject)" t_reload_gone

finish
