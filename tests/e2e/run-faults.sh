#!/bin/bash
# tests/e2e/run-faults.sh - fault injection end to end: every fault gives a
# 4xx (or the verdict the configuration asks for), loses nothing (delivered
# after recovery, once) and lets no confidential mail out in clear.
#
#   swaks -> Postfix "upstream" (no milter: the council's own mail server,
#            which keeps what it could not hand on and retries)
#         -> Postfix "sender" (smtpd_milters = fortrolig-milter,
#            milter_default_action = tempfail)
#              -> smtp-sink (plain, no STARTTLS): the outside world in clear
#              -> X-Fortrolig-Route: tls-verify -> a Postfix with STARTTLS
#
# Faults, each its own group of checks:
#   A  kill -9 of fortrolig-milter while the client is in DATA, and while
#      the milter analyses (it waits for the extractor); mail sent while it
#      is down
#   B  the spool's disk full (limits.spool_dir on a tiny full tmpfs)
#   C  the LMDB store's disk full (store.path on a tiny full tmpfs)
#   D  the Redis store timing out (SIGSTOP) and down (killed)
#   E  the attachment extractor killed and out of time, with
#      limits.on_limit = "tempfail" and = "confidential"
# Each group sends confidential mail (CPR number + health) from a council
# member to tls.example (rule [ "tls", "reject" ]) and clean mail, and checks:
# the 4xx, delivery after recovery (upstream queue flushed, or the client
# sends again) exactly once, and that the confidential mail never reached the
# plain receiver. A table at the end sums it up ("# " lines).
#
# Output: TAP "ok N - name" lines and "N passed, M failed". Exit 77 when not
# root or a tool is missing (postfix, swaks, redis-server, python3, mount).
# Environment: MILTER, FORTROLIG_EXTRACTOR, WORDS as in run-e2e.sh;
# E2E_VERBOSE=1, E2E_KEEP=1, E2E_KEEP_ON_FAIL=1.

# A && B || { diag; return 1; } is intended throughout.
# shellcheck disable=SC2015
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
MILTER=$(realpath -m -- "${MILTER:-$here/../../milter/fortrolig-milter}")
REAL_EXTRACTOR=$(realpath -m -- "${FORTROLIG_EXTRACTOR:-$(dirname "$MILTER")/../cmd/fortrolig-extract}")
WORDS=${WORDS:-$here/../../lib/detect/keywords/words}
# Debian's interpreter: the extractor stand-in runs as the milter's user.
PY=/usr/bin/python3

e2e_need_tools
for t in redis-server mount umount "$PY"; do
    command -v "$t" >/dev/null 2>&1 || { echo "1..0 # SKIP missing tool: $t"; exit 77; }
done
# The full disks are tmpfs mounts: a container without the right to mount
# cannot run this test.
probe=$(mktemp -d /tmp/fortrolig-faults-probe.XXXXXX)
if ! mount -t tmpfs -o size=64k fortrolig-e2e "$probe" 2>/dev/null; then
    rmdir "$probe"
    echo "1..0 # SKIP cannot mount a tmpfs"
    exit 77
fi
umount "$probe"
rmdir "$probe"

REDIS_PID=
e2e_before_cleanup() {
    # a stopped Redis would ignore SIGTERM
    [ -z "$REDIS_PID" ] || kill -CONT "$REDIS_PID" 2>/dev/null || true
    tap_abort "$1"
}
for b in "$MILTER" "$REAL_EXTRACTOR"; do
    [ -x "$b" ] || { check "binary exists: $b" false; finish || exit 1; }
done

e2e_init fortrolig-faults
W=$E2E_TMP
e2e_free_port SINK_PORT; e2e_free_port TLS_PORT; e2e_free_port SMTP_PORT
e2e_free_port UP_PORT; e2e_free_port MILTER_PORT; e2e_free_port REDIS_PORT

MEMBER=anne.holm@bakkeby.dk
TLSRCPT=kontakt@tls.example          # [ "tls", "reject" ]
EXTERNAL=lars.berg@example.org       # [ "smime", "pgp", "reject" ], no keys
CITIZEN=jens.vestergaard@gmail.com   # writes to the member (inbound)
COLLEAGUE=kasper.lind@bakkeby.dk     # another member (internal mail)
CPR_OUT=140549-0389                  # only in the member's confidential mail out
CPR_IN=220368-1006                   # only in the citizen's mail to her
CPR_INT=110275-2003                  # only in her confidential mail to a colleague

mkdir -p "$W/milter" "$W/msgs" "$W/out" "$W/xt" "$W/state" "$W/redis"
chmod 755 "$W/milter" "$W/msgs" "$W/out"
chmod 1777 "$W/xt"
chown nobody:nogroup "$W/state" "$W/redis"
chmod 700 "$W/state"
cp -r "$WORDS" "$W/milter/words"
chmod -R a+rX "$W/milter/words"

# The two full disks: tiny tmpfs, owned by the milter's user.
e2e_mount_tmpfs "$W/spoolfs" 512k "uid=$(id -u nobody),gid=$(id -g nobody),mode=0700" ||
    e2e_die "cannot mount a tmpfs on $W/spoolfs"
e2e_mount_tmpfs "$W/storefs" 512k "uid=$(id -u nobody),gid=$(id -g nobody),mode=0700" ||
    e2e_die "cannot mount a tmpfs on $W/storefs"

# The extractor: the real one once $W/xt/restored exists, else one that
# never answers (faults-extractor.py). Chosen each time the library starts it.
cp "$here/faults-extractor.py" "$W/xt/hang.py"
chmod 644 "$W/xt/hang.py"
cat >"$W/xt/extractor" <<EOF
#!/bin/sh
[ -e "$W/xt/restored" ] && exec "$REAL_EXTRACTOR" "\$@"
exec "$PY" "$W/xt/hang.py" "$W/xt/pending" "$W/xt/restored"
EOF
chmod 755 "$W/xt/extractor"
touch "$W/xt/restored"
export FORTROLIG_EXTRACTOR="$W/xt/extractor"

# write_conf NAME STORE [ON_LIMIT]
write_conf() {
    cat >"$W/milter/$1.conf" <<CONF
mode = "enforce";
user = "nobody";
council = { senders = [ "*@bakkeby.dk" ]; auth_users = [ ]; };
internal_domains = [ "bakkeby.dk" ];
domains = (
  { match = "tls.example"; actions = [ "tls", "reject" ]; },
  { match = "*";           actions = [ "smime", "pgp", "reject" ]; }
);
smime = { store = "$W/milter/no-smime"; }; pgp = { home = "$W/milter/no-gnupg"; };
detectors = { keywords = { dir = "$W/milter/words"; }; };
limits = { spool_memory = 4096; spool_dir = "$W/spoolfs"; max_extract_time = 2;
           on_limit = "${3:-confidential}"; };
store = { $2 key_file = "$W/state/thread.key"; on_error = "tempfail"; };
CONF
    chmod 644 "$W/milter/$1.conf"
}
write_conf base "backend = \"lmdb\"; path = \"$W/state/thread\"; map_size = 1048576;"
write_conf storefull "backend = \"lmdb\"; path = \"$W/storefs/thread\"; map_size = 1048576;"
write_conf redis "backend = \"redis\"; redis = { port = $REDIS_PORT; timeout_ms = 300; retries = 0; };"
write_conf xtemp "backend = \"lmdb\"; path = \"$W/state/thread\"; map_size = 1048576;" tempfail
write_conf xconf "backend = \"lmdb\"; path = \"$W/state/thread\"; map_size = 1048576;" confidential

e2e_start_sink sink "$SINK_PORT" "$W/sink"
e2e_make_cert "$W/cert"
TLSRCV=$(e2e_pf_tls_receiver tlsrcv "$TLS_PORT" "$W/cert" "$W/tlsin")
e2e_pf_start "$TLSRCV"
SENDER=$(e2e_pf_sender sender "$SMTP_PORT" "$SINK_PORT" "$MILTER_PORT" \
    "[localhost]:$TLS_PORT" "$W/cert/cert.pem")
postconf -c "$SENDER" -e "milter_protocol = 6"
e2e_pf_start "$SENDER"
UPSTREAM=$(e2e_pf_base upstream "$UP_PORT")
postconf -c "$UPSTREAM" -e "relayhost = [127.0.0.1]:$SMTP_PORT" "smtpd_milters ="
e2e_pf_start "$UPSTREAM"
UPLOG=$(e2e_pf_log "$UPSTREAM")

# ------------------------------------------------------------------ mail

hdr() {  # hdr FROM TO ID [extra header lines...]
    local from=$1 to=$2 id=$3 h
    shift 3
    printf 'From: <%s>\nTo: <%s>\nSubject: Sagen\nDate: Mon, 07 Sep 2026 10:15:00 +0200\n' "$from" "$to"
    printf 'Message-ID: <%s@faults.test>\n' "$id"
    for h in "$@"; do printf '%s\n' "$h"; done
    printf 'MIME-Version: 1.0\n'
}
# filler LINES TEXT: neutral text to make a message large. The confidential
# and the clean mail get different texts: the clean one must not quote a
# remembered confidential one (the thread memory would catch it).
filler() {
    local i
    for ((i = 1; i <= $1; i++)); do printf 'Punkt %d: %s\n' "$i" "$2"; done
}
# conf_msg FILE ID TO [FILLER]: the member's confidential mail (CPR + cancer)
conf_msg() {
    { hdr "$MEMBER" "$3" "$2"
      printf 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n'
      printf 'Hej\n\nSom aftalt sender jeg oplysningerne om borgeren Jens Vestergaard,\n'
      printf 'CPR-nr. %s. Han har fået konstateret kræft i bugspytkirtlen\n' "$CPR_OUT"
      printf 'og er startet i kemoterapi på Odense Universitetshospital.\n\n'
      filler "${4:-0}" 'referat fra udvalgsmødet om vejvedligeholdelse og budget for parker.'
      printf 'Venlig hilsen\nAnne Holm\n'; } >"$1"
}
# internal_msg FILE ID: the member's confidential mail to a colleague
# (internal: delivered, and learnt as the member's own mail)
internal_msg() {
    { hdr "$MEMBER" "$COLLEAGUE" "$2"
      printf 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n'
      printf 'Hej Kasper\n\nBorgeren Hanne Nielsen, CPR-nr. %s, er indlagt med en\n' "$CPR_INT"
      printf 'blodprop i hjernen, og hendes sag om hjemmehjælp må vente.\n\nVenlig hilsen\nAnne\n'; } >"$1"
}
# clean_msg FILE ID TO [FILLER]
clean_msg() {
    { hdr "$MEMBER" "$3" "$2"
      printf 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n'
      printf 'Hej\n\nMødet om vejarbejdet på Skolevej er flyttet til torsdag kl. 10.\n\n'
      filler "${4:-0}" 'kørselsplan for snerydning af cykelstier, fortove og busholdepladser i vinter.'
      printf 'Venlig hilsen\nAnne Holm\n'; } >"$1"
}
# inbound_msg FILE ID: the citizen's own confidential mail to the member
inbound_msg() {
    { hdr "$CITIZEN" "$MEMBER" "$2"
      printf 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n'
      printf 'Kære Anne Holm\n\nJeg skriver om min sag. Mit CPR-nr. er %s.\n' "$CPR_IN"
      printf 'Jeg har fået konstateret kræft i tyktarmen og er startet i kemoterapi,\n'
      printf 'og jeg kan derfor ikke møde op til samtalen i jobcentret i næste uge.\n'
      printf 'Kan du hjælpe mig med at få flyttet den?\n\nMed venlig hilsen\nJens Vestergaard\n'; } >"$1"
}
# reply_msg FILE ID INREPLYTO: the member's trimmed reply, sent on to a colleague
# outside: nothing confidential in its own words, only its thread
reply_msg() {
    { hdr "$MEMBER" "$EXTERNAL" "$2" "In-Reply-To: <$3@faults.test>" "References: <$3@faults.test>"
      printf 'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n'
      printf 'Hej Lars\n\nKan du tage dig af borgerens henvendelse? Vi tager den på mødet.\n\n'
      printf 'Venlig hilsen\nAnne Holm\n'; } >"$1"
}
# att_msg FILE ID TO conf|clean: the text is in a Word attachment only
att_msg() {
    local text
    if [ "$4" = conf ]; then
        text="Notat om borgeren Jens Vestergaard, CPR-nr. $CPR_OUT. Han har fået konstateret kræft i bugspytkirtlen og er startet i kemoterapi på Odense Universitetshospital."
    else
        text="Referat: vejarbejdet på Skolevej starter mandag, og mødet er flyttet til torsdag kl. 10."
    fi
    { hdr "$MEMBER" "$3" "$2"
      "$PY" - "$text" <<'PY'
import base64, io, sys, zipfile
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns='
               '"http://schemas.openxmlformats.org/package/2006/content-types"/>')
    z.writestr("word/document.xml", f"<w:document {W}><w:body><w:p><w:r><w:t>"
               f"{sys.argv[1]}</w:t></w:r></w:p></w:body></w:document>")
docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
print('Content-Type: multipart/mixed; boundary="b1"\n\n--b1\n'
      'Content-Type: text/plain; charset=utf-8\n\nSe vedhæftede notat.\n--b1\n'
      f'Content-Type: {docx}; name="notat.docx"\n'
      'Content-Disposition: attachment; filename="notat.docx"\n'
      'Content-Transfer-Encoding: base64\n\n'
      + base64.encodebytes(buf.getvalue()).decode() + "--b1--")
PY
    } >"$1"
}

# ------------------------------------------------------------------ helpers

MPID=
mstart() { MPID=; e2e_start_milter "milter-$1" "$W/milter/$1.conf" "$MILTER_PORT" && MPID=$E2E_MILTER_PID; }
mstop() { [ -z "$MPID" ] || e2e_stop_milter "$MPID" "$MILTER_PORT"; MPID=; }
# kill9 PID: SIGKILL one of our processes and reap it (bash's "Killed"
# notice about its job goes to /dev/null)
kill9() { { e2e_stop_pid "$1" 5 KILL; } 2>/dev/null; e2e_unregister_pid "$1"; }
# mkill: kill -9 the milter, as a crash would
mkill() {
    local pid=$MPID
    MPID=
    kill9 "$pid"
    e2e_wait_port_closed "$MILTER_PORT" 5
}

declare -A Q=()     # message name -> upstream queue id
# up NAME FROM TO: msgs/NAME.eml into the upstream (which accepts it at once)
up() {
    local rc=0
    e2e_send "$W/out/$1" "$UP_PORT" "$2" "$3" "$W/msgs/$1.eml" || rc=$?
    Q[$1]=$(e2e_queue_id "$W/out/$1")
    [ "$rc" = 0 ] && [ -n "${Q[$1]}" ] || { diag "swaks into upstream: exit $rc"; diag "$(tail -n 6 "$W/out/$1")"; return 1; }
}
# direct NAME FROM TO: msgs/NAME.eml straight to the milter's Postfix; prints swaks' status
direct() {
    local rc=0
    e2e_send "$W/out/$1" "$SMTP_PORT" "$2" "$3" "$W/msgs/$1.eml" || rc=$?
    echo "$rc"
}
# reply_of NAME CODE: the first reply line with CODE in a swaks transcript
reply_of() { sed -n "s/^<\*\* *\($2[- ].*\)\$/\1/p" "$W/out/$1" | tr -d '\r' | head -n 1; }

ONCE_FILE=
RELAY_RE="relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:$SMTP_PORT"
declare -A CODES=()  # group -> the 4xx replies seen
# deferred NAME RCPT: upstream got a 4xx for it from the milter's Postfix
deferred() {
    local q=${Q[$1]:-} l
    [ -n "$q" ] || { diag "$1 was not sent"; return 1; }
    e2e_wait_grep "$UPLOG" "$q: to=<$2>, $RELAY_RE, .*status=deferred \\(host 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\] said: 4[0-9][0-9] " 30 ||
        { diag "$1 ($q) not deferred with a 4xx:"; diag "$(grep "$q" "$UPLOG")"; return 1; }
    l=$(grep "$q: to=<$2>, .*status=deferred" "$UPLOG" | tail -n 1 | sed 's/.* said: \(4[0-9][0-9] [0-9.]*\).*/\1/')
    note_code "$l"
    if grep -q "$q: to=<$2>, .*status=sent" "$UPLOG"; then diag "$1 also sent"; return 1; fi
}
note_code() {
    case " ${CODES[$G]:-} " in *" $1,"* | *" $1 "*) ;; *) CODES[$G]="${CODES[$G]:+${CODES[$G]}, }$1" ;; esac
}
# sent NAME RCPT: upstream handed it on after the flush
sent() {
    e2e_wait_grep "$UPLOG" "${Q[$1]}: to=<$2>, $RELAY_RE, .*status=sent" 30 ||
        { diag "$1 (${Q[$1]}) not sent:"; diag "$(grep "${Q[$1]}" "$UPLOG")"; return 1; }
}
flush() { postqueue -c "$UPSTREAM" -f; }
# copies DIR ID: how many stored messages under DIR hold Message-ID ID
copies() { grep -rlF -- "<$2@faults.test>" "$1" 2>/dev/null | wc -l; }
# once DIR ID: exactly one copy of ID arrives under DIR
once() {
    local f n
    f=$(e2e_find_msg "$1" "<$2@faults.test>" 30) || { diag "$2 never reached $1"; return 1; }
    e2e_wait_queue_empty "$SENDER" 20 || true
    n=$(copies "$1" "$2")
    [ "$n" = 1 ] || { diag "$2: $n copies in $1"; return 1; }
    ONCE_FILE=$f
}
# clear_never ID...: none of them at the plain receiver (the outside world in clear)
clear_never() {
    local id
    for id in "$@"; do
        if [ "$(copies "$W/sink" "$id")" != 0 ]; then diag "$id reached the plain receiver"; return 1; fi
    done
}
# tls_once ID [CLASS]: routed over verified TLS only, once, judged CLASS
# (default sensitive)
tls_once() {
    once "$W/tlsin" "$1" || return 1
    [ "$(e2e_header_values "$ONCE_FILE" X-Fortrolig-Route)" = tls-verify ] &&
        e2e_header_values "$ONCE_FILE" X-Fortrolig | grep -q "^class=${2:-sensitive};" ||
        { diag "headers: $(e2e_headers "$ONCE_FILE" | grep -i '^x-fortrolig')"; return 1; }
    clear_never "$1"
}
# sink_once ID CLASS: delivered to the plain receiver once, judged CLASS
sink_once() {
    once "$W/sink" "$1" || return 1
    e2e_header_values "$ONCE_FILE" X-Fortrolig | grep -q "^class=$2" ||
        { diag "X-Fortrolig: $(e2e_header_values "$ONCE_FILE" X-Fortrolig)"; return 1; }
}
# read_whole: the stored copy's verdict came from a fully read message
read_whole() {
    if e2e_header_values "$ONCE_FILE" X-Fortrolig | grep -q 'incomplete'; then
        diag "still incomplete: $(e2e_header_values "$ONCE_FILE" X-Fortrolig)"; return 1
    fi
}
# restore_extractor: the real extractor from the next attachment on; waits
# until the stand-in has left (else it would take one more request)
restore_extractor() {
    local i
    touch "$W/xt/restored"
    for ((i = 0; i < 50; i++)); do
        pgrep -P "$MPID" -f "$W/xt/hang.py" >/dev/null || return 0
        sleep 0.1
    done
    diag "the stand-in extractor did not leave"
    return 1
}
not_queued_here() { e2e_queue_empty "$SENDER" || { diag "$(postqueue -c "$SENDER" -p)"; return 1; }; }
upstream_empty() { e2e_wait_queue_empty "$UPSTREAM" 30 || { diag "$(postqueue -c "$UPSTREAM" -p)"; return 1; }; }
mlog() { cat "$W"/milter-*.log 2>/dev/null; }
no_content_logged() {
    if mlog | grep -E "$CPR_OUT|$CPR_IN|$CPR_INT|Vestergaard|Nielsen|kræft|bugspyt|kemoterapi|blodprop"; then
        diag "content in a milter log"; return 1
    fi
}
fill() { dd if=/dev/zero of="$1/fill" bs=4k status=none 2>/dev/null || true; [ "$(df --output=avail "$1" | tail -n 1 | tr -d ' ')" = 0 ]; }

# ck KIND NAME CMD...: a check, its failure counted for the summary under
# the current group G and KIND (fault, lost, leak, setup)
G=setup
declare -A GF=()
ck() {
    local kind=$1 before=$FAILED
    shift
    check "$@"
    [ "$FAILED" = "$before" ] || GF[$G:$kind]=$(( ${GF[$G:$kind]:-0} + 1 ))
}
ROWS=()
# row LABEL [ALT4XX]: one summary line for group G
row() {
    local four lost leak
    four=${2:-}
    if [ -z "$four" ]; then
        if [ "${GF[$G:fault]:-0}" = 0 ]; then four="yes (${CODES[$G]:-?})"; else four="NO"; fi
    elif [ "${GF[$G:fault]:-0}" != 0 ]; then four="NO: $four not seen"
    fi
    [ "${GF[$G:lost]:-0}" = 0 ] && lost=no || lost="YES?"
    [ "${GF[$G:leak]:-0}" = 0 ] && leak=no || leak="YES?"
    ROWS+=("$1 | $four | $lost | $leak")
}

t_configs() {
    local c
    for c in base storefull redis xtemp xconf; do
        "$MILTER" -n -c "$W/milter/$c.conf" >"$W/out/n-$c" 2>&1 || { diag "$c: $(cat "$W/out/n-$c")"; return 1; }
    done
}
check "fortrolig-milter -n accepts the test configurations" t_configs

# ================================================================== A
G=A
ck setup "A: milter starts" mstart base

# A1: kill -9 while the client is in the middle of DATA
conf_msg "$W/msgs/a1.eml" "a1-$$" "$TLSRCPT" 200
"$PY" "$here/faults-smtp.py" "$SMTP_PORT" "$MEMBER" "$TLSRCPT" "$W/msgs/a1.eml" \
    "$W/out/a1.ready" "$W/out/a1.go" "$W/out/a1.stage" &
stage_pid=$!
e2e_register_pid stage "$stage_pid"
t_a1() {
    local rc=0 i
    for ((i = 0; i < 150; i++)); do [ -e "$W/out/a1.ready" ] && break; sleep 0.1; done
    [ -e "$W/out/a1.ready" ] || { diag "client never reached DATA: $(cat "$W/out/a1.stage" 2>/dev/null)"; return 1; }
    mkill
    touch "$W/out/a1.go"
    wait "$stage_pid" || rc=$?
    e2e_unregister_pid "$stage_pid"
    [ "$rc" = 4 ] && grep -q '^dot 4[0-9][0-9] ' "$W/out/a1.stage" ||
        { diag "client exit $rc:"; diag "$(cat "$W/out/a1.stage")"; return 1; }
    note_code "$(sed -n 's/^dot \(4[0-9][0-9] [0-9.]*\).*/\1/p' "$W/out/a1.stage")"
    not_queued_here
}
ck fault "A: kill -9 of the milter while the client is in DATA: 4xx at the final dot, nothing queued" t_a1

# A3: mail while the milter is down goes nowhere but stays upstream
conf_msg "$W/msgs/a3c.eml" "a3c-$$" "$TLSRCPT"
clean_msg "$W/msgs/a3k.eml" "a3k-$$" "$EXTERNAL"
t_a3() { up a3c "$MEMBER" "$TLSRCPT" && up a3k "$MEMBER" "$EXTERNAL" &&
    deferred a3c "$TLSRCPT" && deferred a3k "$EXTERNAL"; }
ck fault "A: milter down: confidential and clean mail deferred upstream with a 4xx" t_a3

# A2: kill -9 while the milter analyses (it waits for the extractor)
ck setup "A: milter restarts" mstart base
att_msg "$W/msgs/a2.eml" "a2-$$" "$TLSRCPT" conf
rm -f "$W/xt/restored" "$W/xt/pending"
e2e_send "$W/out/a2" "$SMTP_PORT" "$MEMBER" "$TLSRCPT" "$W/msgs/a2.eml" &
a2_pid=$!
e2e_register_pid swaks-a2 "$a2_pid"
t_a2() {
    local rc=0
    e2e_wait_grep "$W/xt/pending" '^[0-9]+$' 20 || { diag "the extractor got no request"; return 1; }
    mkill
    wait "$a2_pid" || rc=$?
    e2e_unregister_pid "$a2_pid"
    [ "$rc" = 26 ] && grep -q '^<\*\* *4[0-9][0-9] ' "$W/out/a2" ||
        { diag "swaks exit $rc:"; diag "$(tail -n 6 "$W/out/a2")"; return 1; }
    note_code "$(reply_of a2 4[0-9][0-9] | cut -d' ' -f1-2)"
    not_queued_here
}
ck fault "A: kill -9 of the milter while it analyses the mail: 4xx after the final dot, nothing queued" t_a2

touch "$W/xt/restored"
ck setup "A: milter restarts after the crash" mstart base
t_a_recover() {
    flush
    sent a3c "$TLSRCPT" && sent a3k "$EXTERNAL" && upstream_empty &&
        tls_once "a3c-$$" && sink_once "a3k-$$" clean
}
ck lost "A: upstream flushed: the confidential mail routed over TLS, the clean one delivered, each once" t_a_recover
t_a_retry() {
    local rc
    rc=$(direct a1 "$MEMBER" "$TLSRCPT")
    [ "$rc" = 0 ] || { diag "a1 again: swaks exit $rc"; return 1; }
    rc=$(direct a2 "$MEMBER" "$TLSRCPT")
    [ "$rc" = 0 ] || { diag "a2 again: swaks exit $rc"; return 1; }
    tls_once "a1-$$" && tls_once "a2-$$" &&
        e2e_header_values "$ONCE_FILE" X-Fortrolig | grep -q 'where=[^;]*attachment' ||
        { diag "a2: $(e2e_header_values "$ONCE_FILE" X-Fortrolig)"; return 1; }
}
ck lost "A: the client sends both again: routed over TLS (the attachment judged), each once" t_a_retry
ck leak "A: no confidential mail reached the plain receiver" clear_never "a1-$$" "a2-$$" "a3c-$$"
row "A. kill -9 milter (in DATA, in analysis, down)"

# ================================================================== B
G=B
conf_msg "$W/msgs/b1c.eml" "b1c-$$" "$TLSRCPT" 2000
clean_msg "$W/msgs/b1k.eml" "b1k-$$" "$EXTERNAL" 2000
clean_msg "$W/msgs/b1s.eml" "b1s-$$" "$EXTERNAL"
t_b_fault() {
    fill "$W/spoolfs" || { diag "$(df "$W/spoolfs")"; return 1; }
    up b1c "$MEMBER" "$TLSRCPT" && up b1k "$MEMBER" "$EXTERNAL" && up b1s "$MEMBER" "$EXTERNAL" &&
        deferred b1c "$TLSRCPT" && deferred b1k "$EXTERNAL" || return 1
    mlog | grep -q 'cannot spool the message: No space left on device' ||
        { diag "$(mlog | tail -n 5)"; return 1; }
}
ck fault "B: spool disk full: large confidential and large clean mail (150 KB) deferred with a 4xx" t_b_fault
t_b_small() { sent b1s "$EXTERNAL" && sink_once "b1s-$$" clean; }
ck fault "B: spool disk full: a mail within limits.spool_memory is judged in RAM and delivered" t_b_small
t_b_recover() {
    rm -f "$W/spoolfs/fill"
    flush
    sent b1c "$TLSRCPT" && sent b1k "$EXTERNAL" && upstream_empty &&
        tls_once "b1c-$$" && sink_once "b1k-$$" clean
}
ck lost "B: space freed, upstream flushed: routed over TLS / delivered, each once" t_b_recover
ck leak "B: no confidential mail reached the plain receiver" clear_never "b1c-$$"
ck setup "B: milter stops" mstop
row "B. spool disk full"

# ================================================================== C
G=C
ck setup "C: milter starts with its LMDB store on a small tmpfs" mstart storefull
inbound_msg "$W/msgs/c1i.eml" "c1i-$$"
conf_msg "$W/msgs/c1c.eml" "c1c-$$" "$TLSRCPT"
internal_msg "$W/msgs/c1m.eml" "c1m-$$"
clean_msg "$W/msgs/c1k.eml" "c1k-$$" "$EXTERNAL"
t_c_fault() {
    fill "$W/storefs" || { diag "$(df "$W/storefs")"; return 1; }
    up c1i "$CITIZEN" "$MEMBER" && up c1c "$MEMBER" "$TLSRCPT" && up c1m "$MEMBER" "$COLLEAGUE" &&
        up c1k "$MEMBER" "$EXTERNAL" &&
        deferred c1i "$MEMBER" && deferred c1c "$TLSRCPT" && deferred c1m "$COLLEAGUE" || return 1
    mlog | grep -q 'thread memory: cannot learn (lmdb .*No space left on device' ||
        { diag "$(mlog | tail -n 5)"; return 1; }
}
ck fault "C: store disk full: confidential mail that cannot be learnt (citizen to member, member out, member to member) deferred with a 4xx" t_c_fault
t_c_clean() { sent c1k "$EXTERNAL" && sink_once "c1k-$$" clean; }
ck fault "C: store disk full: clean mail needs no learning and is delivered (the store still answers)" t_c_clean
t_c_recover() {
    rm -f "$W/storefs/fill"
    flush
    sent c1i "$MEMBER" && sent c1c "$TLSRCPT" && sent c1m "$COLLEAGUE" && upstream_empty &&
        once "$W/sink" "c1i-$$" && tls_once "c1c-$$" && sink_once "c1m-$$" sensitive &&
        mlog | grep -q 'thread memory: learned inbound mail'
}
ck lost "C: space freed, upstream flushed: learnt; the citizen's and the internal mail delivered, the outbound routed over TLS, each once" t_c_recover
t_reply() {  # t_reply NAME INBOUND: the member's trimmed reply is caught by the memory
    local rc
    reply_msg "$W/msgs/$1.eml" "$1-$$" "$2-$$"
    rc=$(direct "$1" "$MEMBER" "$EXTERNAL")
    [ "$rc" = 26 ] && grep -q '^<\*\* *550[ -]5\.7\.1' "$W/out/$1" ||
        { diag "swaks exit $rc:"; diag "$(tail -n 6 "$W/out/$1")"; return 1; }
    sleep 0.5
    clear_never "$1-$$"
}
ck lost "C: the member's trimmed reply to it is recognised afterwards (550): nothing was forgotten" t_reply c1r c1i
ck leak "C: no confidential mail reached the plain receiver" clear_never "c1c-$$" "c1r-$$"
ck setup "C: milter stops" mstop
row "C. LMDB store disk full"

# ================================================================== D
G=D
start_redis() {
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
        --dir "$W/redis" --loglevel warning >>"$W/redis.log" 2>&1 &
    REDIS_PID=$!
    e2e_register_pid redis "$REDIS_PID"
    e2e_wait_port "$REDIS_PORT" 10 "$REDIS_PID"
}
ck setup "D: redis-server starts" start_redis
ck setup "D: milter starts with the Redis store" mstart redis
# d_round N: one round of inbound, confidential and clean mail, all deferred
d_round() {
    inbound_msg "$W/msgs/$1i.eml" "$1i-$$"
    conf_msg "$W/msgs/$1c.eml" "$1c-$$" "$TLSRCPT"
    internal_msg "$W/msgs/$1m.eml" "$1m-$$"
    clean_msg "$W/msgs/$1k.eml" "$1k-$$" "$EXTERNAL"
    up "$1i" "$CITIZEN" "$MEMBER" && up "$1c" "$MEMBER" "$TLSRCPT" && up "$1m" "$MEMBER" "$COLLEAGUE" &&
        up "$1k" "$MEMBER" "$EXTERNAL" &&
        deferred "$1i" "$MEMBER" && deferred "$1c" "$TLSRCPT" && deferred "$1m" "$COLLEAGUE" &&
        deferred "$1k" "$EXTERNAL"
}
d_recover() {
    flush
    sent "$1i" "$MEMBER" && sent "$1c" "$TLSRCPT" && sent "$1m" "$COLLEAGUE" && sent "$1k" "$EXTERNAL" &&
        upstream_empty && once "$W/sink" "$1i-$$" && tls_once "$1c-$$" &&
        sink_once "$1m-$$" sensitive && sink_once "$1k-$$" clean
}
kill -STOP "$REDIS_PID"
ck fault "D: Redis stopped (timeouts): citizen to member, member out, member to member, clean: all deferred with a 4xx" d_round d1
kill -CONT "$REDIS_PID"
ck lost "D: Redis continued, upstream flushed: each delivered (internal, inbound, clean) or routed over TLS, once" d_recover d1
ck lost "D: the member's trimmed reply to the citizen's mail is recognised (550)" t_reply d1r d1i
ck leak "D: no confidential mail reached the plain receiver (timeouts)" clear_never "d1c-$$" "d1r-$$"
row "D1. Redis store timing out (SIGSTOP)"
G=D2
t_redis_down() { kill9 "$REDIS_PID"; REDIS_PID=; ! e2e_port_listening "$REDIS_PORT"; }
ck setup "D: Redis killed" t_redis_down
ck fault "D: Redis down: citizen to member, member out, member to member, clean: all deferred with a 4xx" d_round d2
ck setup "D: redis-server started again" start_redis
ck lost "D: Redis back, upstream flushed: each delivered (internal, inbound, clean) or routed over TLS, once" d_recover d2
ck lost "D: the member's trimmed reply to the citizen's mail is recognised (550)" t_reply d2r d2i
ck leak "D: no confidential mail reached the plain receiver (down)" clear_never "d2c-$$" "d2r-$$"
ck setup "D: milter stops" mstop
row "D2. Redis store down (killed)"

# ================================================================== E
G=E1
rm -f "$W/xt/restored" "$W/xt/pending"
ck setup "E: milter starts with limits.on_limit = \"tempfail\", max_extract_time = 2" mstart xtemp
att_msg "$W/msgs/e1c.eml" "e1c-$$" "$TLSRCPT" conf
t_e_kill() {
    local z pp
    up e1c "$MEMBER" "$TLSRCPT" || return 1
    e2e_wait_grep "$W/xt/pending" '^[0-9]+$' 20 || { diag "the extractor got no request"; return 1; }
    z=$(tail -n 1 "$W/xt/pending")
    pp=$(ps -o ppid= -p "$z" | tr -d ' ')
    [ "$pp" = "$MPID" ] || { diag "extractor $z has parent '$pp', not the milter $MPID"; return 1; }
    kill -KILL "$z"
    deferred e1c "$TLSRCPT" || return 1
    e2e_pid_alive "$MPID" || { diag "the milter died"; return 1; }
    mlog | grep -q 'incomplete="attachment extractor failed"' || { diag "$(mlog | tail -n 5)"; return 1; }
}
ck fault "E: extractor killed in the middle of the extraction: deferred with a 4xx, the milter lives on" t_e_kill
G=E2
att_msg "$W/msgs/e2k.eml" "e2k-$$" "$EXTERNAL" clean
att_msg "$W/msgs/e2c.eml" "e2c-$$" "$TLSRCPT" conf
t_e_time() {
    up e2c "$MEMBER" "$TLSRCPT" && up e2k "$MEMBER" "$EXTERNAL" &&
        deferred e2c "$TLSRCPT" && deferred e2k "$EXTERNAL" || return 1
    mlog | grep -q 'incomplete="attachment extraction time limit"' || { diag "$(mlog | tail -n 5)"; return 1; }
}
ck fault "E: extractor out of time: confidential and clean mail with an attachment deferred with a 4xx" t_e_time
t_e_recover() {
    restore_extractor || return 1
    flush
    sent e1c "$TLSRCPT" && sent e2c "$TLSRCPT" && sent e2k "$EXTERNAL" && upstream_empty &&
        tls_once "e1c-$$" && read_whole && tls_once "e2c-$$" && read_whole &&
        sink_once "e2k-$$" clean && read_whole
}
ck lost "E: extractor restored, upstream flushed: attachments read, routed over TLS / delivered, each once" t_e_recover
ck leak "E: no confidential mail reached the plain receiver" clear_never "e1c-$$" "e2c-$$"
# E1's mail is recovered and checked with E2's
GF[E1:lost]=${GF[E2:lost]:-0}
GF[E1:leak]=${GF[E2:leak]:-0}
G=E1
row "E1. extractor killed (on_limit=tempfail)"
G=E2
row "E2. extractor out of time (on_limit=tempfail)"
ck setup "E: milter stops" mstop

G=E3
rm -f "$W/xt/restored" "$W/xt/pending"
ck setup "E: milter starts with limits.on_limit = \"confidential\" (the default)" mstart xconf
att_msg "$W/msgs/e3c.eml" "e3c-$$" "$TLSRCPT" conf
att_msg "$W/msgs/e3k.eml" "e3k-$$" "$EXTERNAL" clean
t_e_conf() {
    local rc
    rc=$(direct e3c "$MEMBER" "$TLSRCPT")
    [ "$rc" = 0 ] || { diag "swaks exit $rc"; diag "$(tail -n 6 "$W/out/e3c")"; return 1; }
    tls_once "e3c-$$" confidential || return 1
    e2e_header_values "$ONCE_FILE" X-Fortrolig | grep -q 'incomplete=yes' ||
        { diag "X-Fortrolig: $(e2e_header_values "$ONCE_FILE" X-Fortrolig)"; return 1; }
    rc=$(direct e3k "$MEMBER" "$EXTERNAL")
    [ "$rc" = 26 ] && grep -q '^<\*\* *550[ -]5\.7\.1' "$W/out/e3k" ||
        { diag "swaks exit $rc"; diag "$(tail -n 6 "$W/out/e3k")"; return 1; }
}
ck fault "E: out of time with on_limit = confidential: judged confidential - routed over TLS (tls.example), 550 for example.org" t_e_conf
t_e_conf_recover() {
    local rc
    restore_extractor || return 1
    rc=$(direct e3k "$MEMBER" "$EXTERNAL")
    [ "$rc" = 0 ] || { diag "swaks exit $rc"; diag "$(tail -n 6 "$W/out/e3k")"; return 1; }
    sink_once "e3k-$$" clean && read_whole
}
ck lost "E: extractor restored: the client sends the rejected clean mail again, delivered once, class=clean" t_e_conf_recover
ck leak "E: no confidential mail reached the plain receiver" clear_never "e3c-$$"
row "E3. extractor out of time (on_limit=confidential)" "no: judged confidential (tls route; 550)"
ck setup "E: milter stops" mstop

# ================================================================== all
G=all
t_no_cpr() {
    if grep -rlF -- "$CPR_OUT" "$W/sink" 2>/dev/null; then diag "the member's CPR number reached the plain receiver"; return 1; fi
}
ck leak "the plain receiver never saw the member's CPR number ($CPR_OUT) in any message" t_no_cpr
ck leak "no message content in any milter log" no_content_logged

t_teardown() {
    local d pids=() p bad=0
    for d in "$SENDER" "$TLSRCV" "$UPSTREAM"; do
        p=$(e2e_pf_master_pid "$d" || true)
        [ -n "$p" ] && pids+=("$p")
        e2e_pf_stop "$d"
    done
    for p in "${E2E_PIDS[@]+"${E2E_PIDS[@]}"}"; do pids+=("${p##*:}"); e2e_stop_pid "${p##*:}" 10; done
    E2E_PIDS=()
    REDIS_PID=
    e2e_umount_all
    for p in "${pids[@]+"${pids[@]}"}"; do
        if e2e_pid_alive "$p"; then diag "pid $p still running"; bad=1; fi
    done
    if pgrep -af -- "$W"; then diag "processes left that use $W"; bad=1; fi
    if grep -F -- "$W" /proc/mounts; then diag "mounts left"; bad=1; fi
    return $bad
}
ck setup "teardown: every process stopped by pid, nothing left running, tmpfs unmounted" t_teardown
t_sanitizers() {
    local hits
    hits=$(grep -hE -A20 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$W"/milter-*.log 2>/dev/null || true)
    [ -z "$hits" ] || { diag "$hits"; return 1; }
}
ck setup "no ASan/UBSan/LSan report in any milter log" t_sanitizers

echo "# fault | 4xx? | lost? | leaked in clear?"
for r in "${ROWS[@]}"; do echo "# $r"; done
finish
