#!/bin/bash
# demo/run-demo.sh - see fortrolig work, on this machine, in about half a minute.
#
# Starts, on 127.0.0.1 only and under one temporary directory (after
# importing one recipient's S/MIME certificate with fortrolig-certs):
#   - a throwaway Postfix with fortrolig-milter in smtpd_milters (fail closed),
#   - a plain receiver (smtp-sink) as its relayhost,
#   - a second Postfix with STARTTLS as the receiver for the "tls" route,
#   - fortrolig-milter itself (enforce mode, a contrib-like configuration),
# sends the sample mails in demo/samples with swaks, prints what
# happened to each one (rejects, verified TLS, S/MIME that openssl cms
# decrypts, and a trimmed reply to a learned mail that the thread memory
# catches), and stops everything again by PID.
#
# It builds nothing: build the tree first (autoreconf -fi && ./configure && make).
#
# Usage: demo/run-demo.sh [-k] [-v]
#   -k   keep the temporary directory (configs, logs, received mail)
#   -v   show progress notes
# Environment: MILTER (default ../milter/fortrolig-milter next to this
#   script, or $builddir/milter/fortrolig-milter), SAMPLE_DIR (default
#   demo/samples: fictional sample mail), WORDS (default ../lib/detect/keywords/words).
# Needs root and (Debian 12) postfix, swaks, openssl, iproute2.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_src=$(cd "$here/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../tests/e2e/lib.sh
. "$top_src/tests/e2e/lib.sh"

while getopts kv opt; do
    case $opt in
    k) E2E_KEEP=1 ;;
    v) E2E_VERBOSE=1 ;;
    *) echo "usage: $0 [-k] [-v]" >&2; exit 2 ;;
    esac
done

if [ -z "${MILTER:-}" ]; then
    for cand in ${builddir:+"$builddir/milter/fortrolig-milter"} "$top_src/milter/fortrolig-milter"; do
        if [ -x "$cand" ]; then MILTER=$cand; break; fi
    done
fi
MILTER=${MILTER:-$top_src/milter/fortrolig-milter}
[ -x "$MILTER" ] || { echo "fortrolig-milter not found at $MILTER: build first, or set MILTER=" >&2; exit 1; }
MILTER=$(cd "$(dirname "$MILTER")" && pwd)/$(basename "$MILTER")
CERTS=${CERTS:-$(dirname "$(dirname "$MILTER")")/cmd/fortrolig-certs}
[ -x "$CERTS" ] || { echo "fortrolig-certs not found at $CERTS: set CERTS=" >&2; exit 1; }
# shellcheck source-path=SCRIPTDIR source=../tests/e2e/pki.sh
. "$top_src/tests/e2e/pki.sh"

# Sample mail shipped with the demo (fictional people and numbers).
SAMPLE_DIR=${SAMPLE_DIR:-$here/samples}
[ -f "$SAMPLE_DIR/cpr-health.eml" ] || { echo "sample mail not found in $SAMPLE_DIR" >&2; exit 1; }
WORDS=${WORDS:-}
if [ -z "$WORDS" ] && [ -d "$top_src/lib/detect/keywords/words" ]; then WORDS=$top_src/lib/detect/keywords/words; fi

if [ "$(id -u)" != 0 ]; then echo "run-demo.sh must run as root (it starts two Postfix instances)" >&2; exit 1; fi
for t in postfix postqueue smtp-sink swaks openssl ss; do
    command -v "$t" >/dev/null || { echo "missing $t (apt-get install postfix swaks openssl iproute2)" >&2; exit 1; }
done

# ---------------------------------------------------------------- set up
e2e_init fortrolig-demo
W=$E2E_TMP
e2e_free_port SINK_PORT
e2e_free_port TLS_PORT
e2e_free_port SMTP_PORT
e2e_free_port MILTER_PORT

mkdir -p "$W/milter" "$W/out"
chmod 755 "$W/milter" "$W/out"
if [ -n "$WORDS" ]; then cp -r "$WORDS" "$W/milter/words"; chmod -R a+rX "$W/milter/words"; fi

CONF=$W/milter/fortrolig.conf
{
    cat <<EOF
# fortrolig.conf for the demo (compare /etc/fortrolig/fortrolig.conf)
mode = "enforce";                  # "monitor" would only add the X-Fortrolig header
socket = "inet:$MILTER_PORT@127.0.0.1";
user = "nobody";                   # the milter drops root after binding

# Who is a council member: envelope sender (or SMTP AUTH user).
council = { senders = [ "*@bakkeby.dk" ]; auth_users = [ ]; };
# Mail to these domains is always delivered.
internal_domains = [ "bakkeby.dk" ];
# Confidential text only in a quoted earlier mail: ask for a new mail.
quoted_action = "new-thread";

# Per recipient domain, the first usable action wins: a recipient with a
# certificate (imported with fortrolig-certs) gets S/MIME, others are
# rejected.  tls.example stands for a partner (e.g. the region) that must
# be reached over verified TLS.
domains = (
  { match = "tls.example"; actions = [ "tls", "reject" ]; },
  { match = "*";           actions = [ "smime", "pgp", "reject" ]; }
);
smime = { store = "$W/milter/smime"; ca_file = "$W/pki/ca.pem"; };
pgp = { home = "$W/milter/gnupg"; };
# Thread memory: confidential mail to members is remembered (keyed hashes
# only), so a reply to it is caught even with no keyword left.
store = { backend = "lmdb"; path = "$W/milter/state/thread"; key_file = "$W/milter/state/thread.key"; };
EOF
    if [ -d "$W/milter/words" ]; then
        echo "detectors = { keywords = { dir = \"$W/milter/words\"; }; };"
    fi
} >"$CONF"
chmod 644 "$CONF"

echo "fortrolig demo: everything runs on 127.0.0.1 under $W"
# A throwaway CA and one recipient certificate, imported as IT would.
pki_init "$W/pki"
pki_cert lars lars.berg@example.org enc rsa
chmod -R a+rX "$W/pki"
if ! out=$("$CERTS" -c "$CONF" import "$W/pki/lars.pem" 2>&1); then
    echo "fortrolig-certs import failed:"; echo "$out"; exit 1
fi
echo "  fortrolig-certs import lars.pem: $(printf '%s' "$out" | grep -o 'imported.*' | head -n1)"
if ! out=$("$MILTER" -n -c "$CONF" 2>&1); then
    echo "fortrolig-milter -n rejected the demo configuration:"; echo "$out"; exit 1
fi

e2e_start_sink receiver-plain "$SINK_PORT" "$W/received-plain"
e2e_make_cert "$W/cert"
TLSRCV=$(e2e_pf_tls_receiver receiver-tls "$TLS_PORT" "$W/cert" "$W/received-tls")
e2e_pf_start "$TLSRCV"
SENDER=$(e2e_pf_sender postfix "$SMTP_PORT" "$SINK_PORT" "$MILTER_PORT" \
    "[localhost]:$TLS_PORT" "$W/cert/cert.pem")
postconf -c "$SENDER" -e "milter_protocol = 6"
e2e_pf_start "$SENDER"
MAILLOG=$(e2e_pf_log "$SENDER")
e2e_start_milter fortrolig-milter "$CONF" "$MILTER_PORT" || { echo "fortrolig-milter did not start"; exit 1; }
MILTER_PID=$E2E_MILTER_PID
MLOG=$W/fortrolig-milter.log

cat <<EOF
  Postfix (with fortrolig)      127.0.0.1:$SMTP_PORT   smtpd_milters = inet:127.0.0.1:$MILTER_PORT, milter_default_action = tempfail
  fortrolig-milter (enforce)    127.0.0.1:$MILTER_PORT   pid $MILTER_PID
  plain receiver (smtp-sink)    127.0.0.1:$SINK_PORT   relayhost, no STARTTLS
  TLS receiver (Postfix)        127.0.0.1:$TLS_PORT   X-Fortrolig-Route: tls-verify => FILTER smtp_fortrolig_tls:[localhost]:$TLS_PORT
                                                (smtp_tls_security_level = verify, TLS >= 1.2)

EOF

# ---------------------------------------------------------------- samples
# file | envelope sender | envelope recipient | description
SAMPLES=(
    "clean.eml|mikkel.dahl@bakkeby.dk|peter.kjaer71@gmail.com|Meeting logistics (nothing confidential)"
    "disclaimer.eml|lars.toft@bakkeby.dk|kasserer@bakkebylisten.dk|Bank account no. + FORTROLIGHED disclaimer"
    "cpr-health.eml|birgitte.sand@bakkeby.dk|niels.brix@gmail.com|CPR number + cancer diagnosis"
    "cpr-health.eml|birgitte.sand@bakkeby.dk|visitation@tls.example|Same mail, to a domain whose rule is tls"
    "cpr-health.eml|birgitte.sand@bakkeby.dk|jens.hansen@bakkeby.dk|Same mail, to a colleague in bakkeby.dk"
    "criminal.eml|mikkel.dahl@bakkeby.dk|lb@bakkebyposten.dk|Named person 'sigtet for vold', to journalist"
    "cpr-health.eml|birgitte.sand@bakkeby.dk|lars.berg@example.org|Same mail, to a recipient with an S/MIME cert"
    "sensitivity.eml|jonas.kragh@bakkeby.dk|frni@naesby.dk|Only header Sensitivity: Company-Confidential"
    "reply-quoted.eml|anne.holm@bakkeby.dk|peter.kjaer71@gmail.com|Reply quoting a confidential caseworker mail"
    "citizen.eml|karina.thomsen@hotmail.dk|anne.holm@bakkeby.dk|A citizen writes to a member: learned"
    "reply-trimmed.eml|anne.holm@bakkeby.dk|karina.thomsen@hotmail.dk|Reply to her, quote trimmed: to the data subject only"
    "reply-trimmed.eml|anne.holm@bakkeby.dk|lb@bakkebyposten.dk|The same trimmed reply, to a journalist"
)
# the row whose delivered copy is decrypted below: the recipient with a certificate
SMIME_ROW=0
for i in "${!SAMPLES[@]}"; do
    case ${SAMPLES[$i]} in *"|lars.berg@example.org|"*) SMIME_ROW=$((i + 1)) ;; esac
done

ROWS=()       # "n|file|desc|rcpt|smtp|outcome"
DELIVERED=()  # per row number: the receiver's copy, if delivered
DETAILS=()    # per row: verdict and reply text

# first_reply_code OUT: the code of the first error reply, else 250 when queued.
reply_summary() {
    local out=$1 rc=$2 l
    l=$(sed -n 's/^<\*\* *\([0-9][0-9][0-9][- ].*\)$/\1/p' "$out" | tr -d '\r' | head -n1)
    if [ -n "$l" ]; then echo "${l:0:3}"; elif [ "$rc" = 0 ]; then echo 250; else echo "swaks exit $rc"; fi
}

demo_send() {
    local n=$1 file=$2 from=$3 to=$4 desc=$5 out rc=0 code qid ml0 mlog0 f v r outcome verdict reply
    out=$W/out/$n
    ml0=$(e2e_lines "$MAILLOG")
    mlog0=$(e2e_lines "$MLOG")
    e2e_send "$out" "$SMTP_PORT" "$from" "$to" "$SAMPLE_DIR/$file" || rc=$?
    code=$(reply_summary "$out" "$rc")
    qid=$(e2e_queue_id "$out")
    verdict=
    reply=
    if [ "$rc" = 0 ] && [ -n "$qid" ]; then
        # wait for the delivery attempt
        e2e_wait_grep "$MAILLOG" "$qid: to=<$to>, .*status=(sent|deferred|bounced)" 20 "$ml0" || true
        if grep -q "$qid: to=<$to>, relay=localhost\\[127\\.0\\.0\\.1\\]:$TLS_PORT, .*status=sent" "$MAILLOG" &&
            tail -n "+$((ml0 + 1))" "$MAILLOG" | grep -q "Verified TLS connection established to localhost\\[127\\.0\\.0\\.1\\]:$TLS_PORT"; then
            outcome="delivered over verified TLS"
            f=$(e2e_find_msg "$W/received-tls" "id $qid" 10 || true)
        elif grep -q "$qid: to=<$to>, relay=[^ ]*:$SINK_PORT, .*status=sent" "$MAILLOG"; then
            outcome="delivered (plain SMTP)"
            f=$(e2e_find_msg "$W/received-plain" "id $qid" 10 || true)
        elif grep -q "$qid: to=<$to>, .*status=deferred" "$MAILLOG"; then
            outcome="deferred: $(grep "$qid: to=<$to>, .*status=deferred" "$MAILLOG" | tail -n1 | sed 's/.*status=deferred //')"
            f=
        else
            outcome="accepted, not delivered yet"
            f=
        fi
        if [ -n "$f" ] && e2e_header_values "$f" Content-Type | grep -q 'pkcs7-mime'; then
            outcome="delivered S/MIME-encrypted"
        fi
        if [ -n "$f" ]; then
            v=$(e2e_header_values "$f" X-Fortrolig | head -n1)
            r=$(e2e_header_values "$f" X-Fortrolig-Route | head -n1)
            if [ -n "$v" ]; then verdict="X-Fortrolig: $v"; else verdict="(no X-Fortrolig header)"; fi
            if [ -n "$r" ]; then verdict="$verdict  +  X-Fortrolig-Route: $r"; fi
        fi
    else
        case $code in
        5*) outcome="REJECTED at SMTP - the sender gets the error at once" ;;
        4*) outcome="temporary failure - not accepted, the client retries" ;;
        *) outcome="error (swaks exit $rc)" ;;
        esac
        reply=$(sed -n 's/^<\*\* *\([0-9][0-9][0-9][- ].*\)$/\1/p' "$out" | tr -d '\r')
        # the milter's log line for this message (class, categories, action)
        verdict=$(tail -n "+$((mlog0 + 1))" "$MLOG" 2>/dev/null | grep -o 'fortrolig: from=.*' | tail -n1 || true)
        [ -n "$verdict" ] && verdict="milter log: $verdict"
    fi
    ROWS+=("$n|$file|$desc|$to|$code|$outcome")
    DELIVERED[$n]=${f:-}
    DETAILS+=("$verdict"$'\n'"$reply")
}

n=0
for s in "${SAMPLES[@]}"; do
    IFS='|' read -r file from to desc <<<"$s"
    n=$((n + 1))
    e2e_log "sending $file from $from to $to"
    demo_send "$n" "$file" "$from" "$to" "$desc"
done

# fail closed: stop the milter and send once more
e2e_stop_milter "$MILTER_PID" "$MILTER_PORT" || true
n=$((n + 1))
demo_send "$n" clean.eml mikkel.dahl@bakkeby.dk peter.kjaer71@gmail.com "clean mail again, with fortrolig-milter STOPPED"
queue=$(postqueue -c "$SENDER" -p 2>&1 | tail -n1)

# ---------------------------------------------------------------- report
line=$(printf '%.0s-' {1..118})
printf '%-3s %-16s %-46s %-28s %-4s %s\n' "#" "file" "what the mail contains" "recipient" "SMTP" "result"
echo "$line"
for i in "${!ROWS[@]}"; do
    IFS='|' read -r n file desc to code outcome <<<"${ROWS[$i]}"
    printf '%-3s %-16s %-46s %-28s %-4s %s\n' "$n" "$file" "${desc:0:46}" "${to:0:28}" "$code" "$outcome"
    verdict=${DETAILS[$i]%%$'\n'*}
    reply=${DETAILS[$i]#*$'\n'}
    [ -n "$verdict" ] && printf '    verdict: %s\n' "$verdict"
    if [ -n "$reply" ]; then
        printf '%s\n' "$reply" | sed 's/^/    reply:   /'
    fi
done
echo "$line"
# The S/MIME copy, opened as Lars's mail client would: openssl cms with his key.
smime_copy=${DELIVERED[$SMIME_ROW]:-}
if [ -n "$smime_copy" ]; then
    echo "Row $SMIME_ROW as delivered: $(e2e_header_values "$smime_copy" Content-Type | head -n1)"
    { echo 'MIME-Version: 1.0'; e2e_headers "$smime_copy" | grep -i -A1 '^Content-'; echo; e2e_body "$smime_copy"; } >"$W/out/smime.in"
    if openssl cms -decrypt -in "$W/out/smime.in" -recip "$W/pki/lars.pem" -inkey "$W/pki/lars.key" \
        -out "$W/out/smime.txt" 2>"$W/out/smime.err"; then
        echo "openssl cms -decrypt with Lars's key gives back the original text:"
        tr -d '\r' <"$W/out/smime.txt" | sed -n '/^$/,$p' | sed '1d' | head -n 6 | sed 's/^/    | /'
    else
        echo "openssl cms -decrypt FAILED: $(head -n 3 "$W/out/smime.err")"; exit 1
    fi
else
    echo "Row $SMIME_ROW was not delivered: no S/MIME copy to open"; exit 1
fi
echo
echo "With the milter stopped, the Postfix queue says: $queue"
echo
echo "The Postfix log:        $MAILLOG"
echo "The milter log:         $MLOG"
[ "${E2E_KEEP:-0}" = 1 ] || echo "(run with -k to keep these files)"

# ---------------------------------------------------------------- tear down
e2e_pf_stop "$SENDER"
e2e_pf_stop "$TLSRCV"
for e in "${E2E_PIDS[@]+"${E2E_PIDS[@]}"}"; do e2e_stop_pid "${e##*:}" 10; done
E2E_PIDS=()
left=
for p in "$SMTP_PORT" "$TLS_PORT" "$SINK_PORT" "$MILTER_PORT"; do
    e2e_port_listening "$p" && left="$left $p"
done
if [ -n "$left" ]; then echo "WARNING: still listening on port(s):$left"; exit 1; fi
echo "Stopped everything (both Postfix instances, the receiver, the milter); nothing is left running."
