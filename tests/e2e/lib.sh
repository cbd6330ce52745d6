# shellcheck shell=bash
# tests/e2e/lib.sh - throwaway Postfix instances, receivers and fortrolig-milter
# on loopback, for the end-to-end test and the demo.  Source it from bash.
#
# Everything lives under one temporary directory ($E2E_TMP) and listens on
# 127.0.0.1 only.  Every process this library starts is recorded by PID and
# stopped by that PID in e2e_cleanup (installed as an EXIT trap by e2e_init).
# Postfix instances are stopped with `postfix -c DIR stop`, then their master
# PID is waited for (and, as a last resort, killed by that PID).
#
# Needs (Debian 12): postfix, swaks, openssl, iproute2 (ss), coreutils.
# Must run as root (Postfix's master, smtp-sink -u).
#
# Main entry points:
#   e2e_init [name]                     make $E2E_TMP, install cleanup trap
#   e2e_free_port VAR                   set VAR to a free 127.0.0.1 TCP port
#   e2e_start_sink NAME PORT DUMPDIR    smtp-sink dumping each message to DUMPDIR
#   e2e_make_cert DIR                   self-signed localhost cert: DIR/cert.pem DIR/key.pem
#   e2e_pf_tls_receiver NAME PORT CERTDIR DUMPDIR   Postfix with STARTTLS that
#                                       stores every message in DUMPDIR/<queueid>.eml
#   e2e_pf_sender NAME PORT RELAYPORT MILTERPORT TLSHOP CAFILE
#                                       Postfix with the milter wired in
#   e2e_pf_start DIR / e2e_pf_stop DIR / e2e_pf_reload DIR
#   e2e_set_tls_hop DIR HOP             rewrite milter_header_checks + reload
#   e2e_start_milter NAME CONF PORT     start $MILTER in the foreground, wait for port
#   e2e_stop_pid PID [secs]             SIGTERM, wait, SIGKILL (only our own PIDs)
#   e2e_send OUT PORT FROM TO FILE      swaks, sending FILE unchanged (see below)
#   e2e_queue_empty DIR / e2e_wait_queue_empty DIR [secs] / e2e_pf_log DIR
#   e2e_wait_grep FILE ERE [secs] [fromline]
#   e2e_find_msg DIR STRING [secs]      print the dumped message file containing STRING
#   e2e_mount_tmpfs DIR SIZE [OPTS]     a small tmpfs at DIR (a full disk on demand),
#                                       unmounted in e2e_cleanup / e2e_umount_all
#   e2e_body FILE / e2e_headers FILE    split a message (CRLF -> LF) at the first blank line

# ------------------------------------------------------------------ TAP
# The one set of TAP helpers of the shell suites:
#   check NAME CMD...   runs CMD; "ok N - NAME" or "not ok N - NAME"
#   diag TEXT           "#   " lines under a check
#   finish              the plan and "P passed, F failed"; false when any failed
#   tap_abort STATUS    from an EXIT trap: the check in progress and the run
#                       itself are reported as failed, then finish
T=0
PASSED=0
FAILED=0
TAP_CURRENT=
TAP_FINISHED=0
diag() { local l; while IFS= read -r l; do printf '#   %s\n' "$l"; done <<<"$*"; }
check() {
    local name=$1
    shift
    T=$((T + 1))
    TAP_CURRENT=$name
    if "$@"; then
        echo "ok $T - $name"
        PASSED=$((PASSED + 1))
    else
        echo "not ok $T - $name"
        FAILED=$((FAILED + 1))
    fi
    TAP_CURRENT=
}
finish() {
    TAP_FINISHED=1
    echo "1..$T"
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" = 0 ]
}
tap_abort() {
    [ "$TAP_FINISHED" = 0 ] || return 0
    if [ -n "$TAP_CURRENT" ]; then
        echo "not ok $T - $TAP_CURRENT (interrupted)"
        FAILED=$((FAILED + 1))
        TAP_CURRENT=
    fi
    check "test run completed (aborted with exit status $1)" false
    finish || true
}

E2E_TMP=${E2E_TMP:-}
E2E_PIDS=()          # "name:pid" of every plain process we started
E2E_PF_DIRS=()       # config dirs of every Postfix instance we started
E2E_PORTS=()         # ports handed out by e2e_free_port
E2E_MOUNTS=()        # tmpfs mount points of e2e_mount_tmpfs
E2E_VERBOSE=${E2E_VERBOSE:-0}

e2e_log() { [ "$E2E_VERBOSE" = 1 ] && printf '# %s\n' "$*" >&2; return 0; }
e2e_note() { printf '# %s\n' "$*" >&2; }
e2e_die() { printf 'Bail out! %s\n' "$*"; exit 99; }

# e2e_need_tools: exit 77 (automake SKIP) when the environment
# cannot run the test at all.
e2e_need_tools() {
    local t missing=
    if [ "$(id -u)" != 0 ]; then
        echo "1..0 # SKIP must run as root (throwaway Postfix instances)"
        exit 77
    fi
    for t in postfix postconf postqueue postsuper smtp-sink swaks openssl ss timeout; do
        command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
    done
    if [ -n "$missing" ]; then
        echo "1..0 # SKIP missing tools:$missing"
        exit 77
    fi
}

e2e_init() {
    local name=${1:-fortrolig-e2e}
    E2E_TMP=$(mktemp -d "/tmp/$name.XXXXXX")
    chmod 755 "$E2E_TMP"           # the postfix user must traverse it
    # pid files: the milter may write its -P file after dropping to its user
    mkdir -p "$E2E_TMP/run"
    chmod 1777 "$E2E_TMP/run"
    trap e2e_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    e2e_log "tmp dir $E2E_TMP"
}

# ---------------------------------------------------------------- processes

e2e_pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# e2e_stop_pid PID [secs] [signal]: signal one PID we started and wait for it.
e2e_stop_pid() {
    local pid=$1 secs=${2:-10} sig=${3:-TERM} i
    e2e_pid_alive "$pid" || return 0
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < secs * 10; i++)); do
        e2e_pid_alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
        # reap if it is our child (otherwise it stays a zombie and "alive")
        if ! ps -o stat= -p "$pid" 2>/dev/null | grep -qv Z; then
            wait "$pid" 2>/dev/null || true
            return 0
        fi
        sleep 0.1
    done
    e2e_note "pid $pid did not stop after SIG$sig in ${secs}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 1
}

e2e_register_pid() { E2E_PIDS+=("$1:$2"); }

e2e_unregister_pid() {
    local pid=$1 e keep=()
    for e in "${E2E_PIDS[@]+"${E2E_PIDS[@]}"}"; do
        [ "${e##*:}" = "$pid" ] || keep+=("$e")
    done
    E2E_PIDS=("${keep[@]+"${keep[@]}"}")
}

e2e_cleanup() {
    local rc=$? e dir
    trap - EXIT INT TERM HUP
    set +e
    # optional hook of the caller, e.g. to print a summary after an abort
    if declare -F e2e_before_cleanup >/dev/null; then e2e_before_cleanup "$rc"; fi
    for dir in "${E2E_PF_DIRS[@]+"${E2E_PF_DIRS[@]}"}"; do
        e2e_pf_stop "$dir"
    done
    for e in "${E2E_PIDS[@]+"${E2E_PIDS[@]}"}"; do
        e2e_log "stopping ${e%:*} (pid ${e##*:})"
        e2e_stop_pid "${e##*:}" 10
    done
    E2E_PIDS=()
    E2E_PF_DIRS=()
    # after the processes that had files open on them, before rm -rf
    e2e_umount_all
    if [ -n "$E2E_TMP" ] && [ -d "$E2E_TMP" ]; then
        if [ "${E2E_KEEP:-0}" = 1 ] || { [ "$rc" != 0 ] && [ "${E2E_KEEP_ON_FAIL:-0}" = 1 ]; }; then
            e2e_note "kept $E2E_TMP"
        else
            rm -rf "$E2E_TMP"
        fi
    fi
    exit "$rc"
}

# ---------------------------------------------------------------- mounts

# e2e_mount_tmpfs DIR SIZE [OPTS]: mount a tmpfs of SIZE (e.g. 256k) at DIR
# (created if missing), with extra mount options OPTS (e.g. uid=,mode=).
e2e_mount_tmpfs() {
    local dir=$1 size=$2 opts=${3:-}
    mkdir -p "$dir"
    mount -t tmpfs -o "size=$size${opts:+,$opts}" fortrolig-e2e "$dir" || return 1
    E2E_MOUNTS+=("$dir")
}

# e2e_umount_all: unmount every tmpfs of e2e_mount_tmpfs (lazily when busy).
e2e_umount_all() {
    local d
    for d in "${E2E_MOUNTS[@]+"${E2E_MOUNTS[@]}"}"; do
        umount "$d" 2>/dev/null || umount -l "$d" 2>/dev/null ||
            e2e_note "cannot unmount $d"
    done
    E2E_MOUNTS=()
}

# ---------------------------------------------------------------- ports

e2e_port_listening() {
    [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
}

# e2e_free_port VAR: store in VAR a TCP port nobody listens on and that we
# have not handed out yet.  (A variable, not stdout: a $(...) subshell would
# lose the record of handed-out ports.)
e2e_free_port() {
    local __var=$1 p i used e
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        used=0
        for e in "${E2E_PORTS[@]+"${E2E_PORTS[@]}"}"; do [ "$e" = "$p" ] && used=1; done
        [ "$used" = 0 ] || continue
        e2e_port_listening "$p" && continue
        # also skip ports with live connections (TIME_WAIT etc.)
        [ -n "$(ss -Htan "sport = :$p" 2>/dev/null)" ] && continue
        E2E_PORTS+=("$p")
        printf -v "$__var" '%s' "$p"
        return 0
    done
    e2e_die "no free port found"
}

# e2e_wait_port PORT [secs] [pid]: wait until 127.0.0.1:PORT listens.
# Fails early when PID (the process expected to listen) has died.
e2e_wait_port() {
    local port=$1 secs=${2:-15} pid=${3:-} i
    for ((i = 0; i < secs * 10; i++)); do
        e2e_port_listening "$port" && return 0
        if [ -n "$pid" ] && ! e2e_pid_alive "$pid"; then
            return 1
        fi
        sleep 0.1
    done
    return 1
}

e2e_wait_port_closed() {
    local port=$1 secs=${2:-10} i
    for ((i = 0; i < secs * 10; i++)); do
        e2e_port_listening "$port" || return 0
        sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------- waiting

# e2e_wait_grep FILE ERE [secs] [fromline]: wait until a line matching ERE
# appears in FILE (only lines after line number FROMLINE count).
e2e_wait_grep() {
    local file=$1 re=$2 secs=${3:-20} from=${4:-0} i
    for ((i = 0; i < secs * 10; i++)); do
        if [ -f "$file" ] && tail -n "+$((from + 1))" "$file" | grep -Eq -- "$re"; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

e2e_lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

# e2e_find_msg DIR STRING [secs]: print the path of the (first) file under DIR
# that contains STRING (fixed string), waiting for it to appear.
e2e_find_msg() {
    local dir=$1 s=$2 secs=${3:-20} i f
    for ((i = 0; i < secs * 10; i++)); do
        f=$(grep -rlF -- "$s" "$dir" 2>/dev/null | head -n1 || true)
        if [ -n "$f" ]; then echo "$f"; return 0; fi
        sleep 0.1
    done
    return 1
}

# e2e_headers FILE / e2e_body FILE: header block / body of a stored message,
# CRLF normalised to LF, split at the first empty line.
# e2e_headers reads its whole input: a reader that quits at the blank line
# (sed q) makes tr die of SIGPIPE on a message over one pipe write, and
# under pipefail that failed the caller at random.
e2e_headers() { tr -d '\r' <"$1" | awk 'h { next } /^$/ { h = 1; next } { print }'; }
e2e_body() { tr -d '\r' <"$1" | sed '1,/^$/d'; }

# e2e_header_values FILE NAME: every value of header NAME (unfolded), one a line
e2e_header_values() {
    e2e_headers "$1" | awk -v n="$2" '
        BEGIN { n = tolower(n) ":" }
        /^[ \t]/ { if (cur != "") cur = cur " " substr($0, 2); next }
        { if (cur != "") print cur; cur = "" }
        tolower(substr($0, 1, length(n))) == n { cur = substr($0, length(n) + 1); sub(/^[ \t]+/, "", cur); if (cur == "") cur = " " }
        END { if (cur != "") print cur }'
}

# ---------------------------------------------------------------- receivers

# e2e_start_sink NAME PORT DUMPDIR: plain SMTP receiver without STARTTLS.
# Every message is dumped to DUMPDIR/<HHMMSS>.<random>.
e2e_start_sink() {
    local name=$1 port=$2 dump=$3 pid
    mkdir -p "$dump"
    chown nobody:nogroup "$dump"
    smtp-sink -4 -u nobody -d "$dump/%H%M%S." "127.0.0.1:$port" 256 \
        >"$E2E_TMP/$name.log" 2>&1 &
    pid=$!
    e2e_register_pid "$name" "$pid"
    e2e_wait_port "$port" 10 "$pid" || e2e_die "smtp-sink $name did not listen on 127.0.0.1:$port"
    e2e_log "smtp-sink $name pid $pid port $port -> $dump"
}

# e2e_make_cert DIR: self-signed certificate for CN/SAN localhost.
e2e_make_cert() {
    local d=$1
    mkdir -p "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost \
        -addext subjectAltName=DNS:localhost \
        -keyout "$d/key.pem" -out "$d/cert.pem" >/dev/null 2>&1 ||
        e2e_die "openssl could not create a certificate"
    chmod 644 "$d/cert.pem"
    chmod 600 "$d/key.pem"
}

# ---------------------------------------------------------------- postfix

# e2e_pf_base NAME SMTPDPORT: write a minimal loopback-only instance and print
# its config directory.  Layout: $E2E_TMP/NAME/{etc,queue,data,maillog}.
e2e_pf_base() {
    local name=$1 port=$2 r d
    r="$E2E_TMP/$name"
    d="$r/etc"      # config dir apart from the queue: keeps `postfix check` quiet
    mkdir -p "$d" "$r/queue" "$r/data"
    chmod 755 "$r" "$d" "$r/queue"
    chown postfix: "$r/data"
    chmod 700 "$r/data"
    cat >"$d/main.cf" <<EOF
# throwaway instance $name, generated by tests/e2e/lib.sh
compatibility_level = 3.7
queue_directory = $r/queue
data_directory = $r/data
maillog_file = $r/maillog
maillog_file_prefixes = $r
myhostname = $name.e2e.invalid
mydomain = e2e.invalid
myorigin = \$myhostname
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtp_dns_support_level = disabled
biff = no
append_dot_mydomain = no
delay_warning_time = 0
smtpd_banner = \$myhostname ESMTP fortrolig-e2e-$name
EOF
    cat >"$d/master.cf" <<EOF
# throwaway instance $name, generated by tests/e2e/lib.sh (chroot n everywhere)
127.0.0.1:$port inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
    echo "$d"
}

# e2e_pf_sender NAME PORT RELAYPORT MILTERPORT TLSHOP CAFILE
# The instance under test: accepts on 127.0.0.1:PORT, asks the milter on
# 127.0.0.1:MILTERPORT (tempfail when it is down), relays everything to
# [127.0.0.1]:RELAYPORT, and sends messages the milter marked with
# X-Fortrolig-Route: tls-verify through transport smtp_fortrolig_tls to TLSHOP
# (e.g. [localhost]:PORT) with mandatory verified TLS against CAFILE.
e2e_pf_sender() {
    local name=$1 port=$2 relayport=$3 mport=$4 hop=$5 ca=$6 d
    d=$(e2e_pf_base "$name" "$port")
    cat >>"$d/main.cf" <<EOF
relayhost = [127.0.0.1]:$relayport
smtpd_milters = inet:127.0.0.1:$mport
non_smtpd_milters =
milter_default_action = tempfail
milter_header_checks = regexp:$d/milter_header_checks
EOF
    cat >>"$d/master.cf" <<EOF
smtp_fortrolig_tls unix - - n - - smtp
  -o syslog_name=postfix/fortrolig-tls
  -o smtp_tls_security_level=verify
  -o smtp_tls_mandatory_protocols=>=TLSv1.2
  -o smtp_tls_CAfile=$ca
  -o smtp_tls_loglevel=1
EOF
    e2e_write_hop "$d" "$hop"
    echo "$d"
}

e2e_write_hop() {
    printf '/^X-Fortrolig-Route:[[:space:]]*tls-verify/ FILTER smtp_fortrolig_tls:%s\n' "$2" \
        >"$1/milter_header_checks"
}

# e2e_set_tls_hop DIR HOP: point the tls-verify FILTER at another next hop.
# Applies to messages received after the reload (FILTER is decided at cleanup).
e2e_set_tls_hop() {
    e2e_write_hop "$1" "$2"
    e2e_pf_reload "$1"
}

# e2e_pf_tls_receiver NAME PORT CERTDIR DUMPDIR
# A second Postfix that offers STARTTLS with the self-signed localhost cert and
# keeps every message it accepts: its default transport is a pipe(8) service
# that writes the message (as queued, headers + body) to DUMPDIR/<queue id>.eml.
e2e_pf_tls_receiver() {
    local name=$1 port=$2 cd=$3 dump=$4 d
    d=$(e2e_pf_base "$name" "$port")
    mkdir -p "$dump"
    chown nobody:nogroup "$dump"
    cat >>"$d/main.cf" <<EOF
relayhost =
smtpd_milters =
smtpd_tls_security_level = may
smtpd_tls_cert_file = $cd/cert.pem
smtpd_tls_key_file = $cd/key.pem
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
default_transport = e2edump
e2edump_destination_recipient_limit = 1
EOF
    cat >>"$d/master.cf" <<EOF
e2edump   unix  -       n       n       -       -       pipe
  user=nobody argv=/bin/dd of=$dump/\${queue_id}.eml status=none
EOF
    echo "$d"
}

e2e_pf_master_pid() {
    local f
    f="$(postconf -c "$1" -h queue_directory 2>/dev/null)/pid/master.pid"
    [ -f "$f" ] && tr -d ' \n' <"$f"
}

# e2e_pf_start DIR: check + start + wait for the smtpd listener.
e2e_pf_start() {
    local d=$1 port out
    port=$(awk '$2 == "inet" { sub(/^.*:/, "", $1); print $1; exit }' "$d/master.cf")
    e2e_port_listening "$port" && e2e_die "port $port is already in use"
    if ! out=$(postfix -c "$d" check 2>&1); then
        printf '%s\n' "$out" >&2
        e2e_die "postfix -c $d check failed"
    fi
    E2E_PF_DIRS+=("$d")
    if ! out=$(postfix -c "$d" start 2>&1); then
        printf '%s\n' "$out" >&2
        tail -n 20 "$(e2e_pf_log "$d")" >&2 2>/dev/null || true
        e2e_die "postfix -c $d start failed"
    fi
    e2e_wait_port "$port" 20 || {
        tail -n 20 "$(e2e_pf_log "$d")" >&2 2>/dev/null || true
        e2e_die "postfix $d did not listen on 127.0.0.1:$port"
    }
    e2e_log "postfix $d master pid $(e2e_pf_master_pid "$d") port $port"
}

e2e_pf_reload() {
    postfix -c "$1" reload >/dev/null 2>&1 || e2e_note "postfix -c $1 reload failed"
    sleep 1     # let idle cleanup/smtpd processes exit and pick up the change
}

# e2e_pf_stop DIR: postfix stop, wait for the master PID, last resort abort/KILL.
e2e_pf_stop() {
    local d=$1 pid i keep=() e
    pid=$(e2e_pf_master_pid "$d" || true)
    if [ -n "$pid" ] && e2e_pid_alive "$pid"; then
        postfix -c "$d" stop >/dev/null 2>&1 || true
        for ((i = 0; i < 150; i++)); do
            e2e_pid_alive "$pid" || break
            sleep 0.1
        done
        if e2e_pid_alive "$pid"; then
            e2e_note "postfix master $pid ($d) still running, aborting"
            postfix -c "$d" abort >/dev/null 2>&1 || true
            sleep 1
            e2e_pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
        fi
    fi
    for e in "${E2E_PF_DIRS[@]+"${E2E_PF_DIRS[@]}"}"; do
        [ "$e" = "$d" ] || keep+=("$e")
    done
    E2E_PF_DIRS=("${keep[@]+"${keep[@]}"}")
}

# e2e_pf_log DIR: the maillog file of the instance with config dir DIR.
e2e_pf_log() { echo "${1%/etc}/maillog"; }

# e2e_queue_empty DIR: true when the instance's queue is empty.
e2e_queue_empty() {
    postqueue -c "$1" -p 2>&1 | grep -q 'Mail queue is empty'
}

e2e_wait_queue_empty() {
    local d=$1 secs=${2:-20} i
    for ((i = 0; i < secs * 5; i++)); do
        e2e_queue_empty "$d" && return 0
        sleep 0.2
    done
    return 1
}

# ---------------------------------------------------------------- milter

# e2e_start_milter NAME CONF PORT: start "$MILTER -c CONF -p inet:PORT@127.0.0.1
# -f -P $E2E_TMP/run/NAME.pid" with stderr to $E2E_TMP/NAME.log; set E2E_MILTER_PID.
e2e_start_milter() {
    local name=$1 conf=$2 port=$3 pid
    [ -x "${MILTER:-}" ] || e2e_die "MILTER is not executable: ${MILTER:-unset}"
    e2e_port_listening "$port" && e2e_die "milter port $port is already in use"
    rm -f "$E2E_TMP/run/$name.pid"
    "$MILTER" -c "$conf" -p "inet:$port@127.0.0.1" -f -P "$E2E_TMP/run/$name.pid" \
        >>"$E2E_TMP/$name.log" 2>&1 &
    pid=$!
    e2e_register_pid "$name" "$pid"
    if ! e2e_wait_port "$port" 15 "$pid"; then
        e2e_note "milter $name did not listen on 127.0.0.1:$port; its log:"
        sed 's/^/#   /' "$E2E_TMP/$name.log" >&2
        return 1
    fi
    E2E_MILTER_PID=$pid     # for the caller
    export E2E_MILTER_PID
    e2e_log "milter $name pid $pid port $port"
}

# e2e_stop_milter PID PORT: SIGTERM our milter and wait until pid and port are gone.
e2e_stop_milter() {
    local pid=$1 port=${2:-} rc=0
    e2e_stop_pid "$pid" 10 TERM || rc=1
    e2e_unregister_pid "$pid"
    if [ -n "$port" ]; then e2e_wait_port_closed "$port" 5 || rc=1; fi
    return $rc
}

# ---------------------------------------------------------------- sending

# e2e_wire FILE OUT: FILE as SMTP DATA for `swaks --no-data-fixup`: CRLF line
# ends, dot-stuffed, a final line break, then the terminating "." (swaks adds
# the last CRLF).  swaks' own fixup would append an extra empty line and
# replace tokens such as %DATE% or a literal \n, so we do not use it.
e2e_wire() {
    LC_ALL=C awk '{ sub(/\r$/, ""); if (substr($0, 1, 1) == ".") $0 = "." $0; printf "%s\r\n", $0 }
                  END { printf "." }' "$1" >"$2"
}

# e2e_send OUTFILE PORT FROM TO[,TO...] DATAFILE [extra swaks args...]
# Sends DATAFILE (a message, LF or CRLF line ends) unchanged with swaks to
# 127.0.0.1:PORT.  Full transcript in OUTFILE.  Returns swaks' exit code
# (0 ok, 23 error at MAIL FROM, 24 no recipient accepted, 25 error at DATA,
# 26 error after the message body, e.g. the milter's 550).
e2e_send() {
    local out=$1 port=$2 from=$3 to=$4 data=$5 rc=0
    shift 5
    e2e_wire "$data" "$out.wire"
    timeout 60 swaks --server 127.0.0.1 --port "$port" --helo e2e.client.invalid \
        --timeout 30 --from "$from" --to "$to" --no-data-fixup --data "@$out.wire" "$@" \
        >"$out" 2>&1 || rc=$?
    return $rc
}

# e2e_queue_id SWAKSOUT: the Postfix queue id from "250 2.0.0 Ok: queued as ID".
e2e_queue_id() {
    sed -n 's/.*queued as \([0-9A-Za-z]\{6,\}\).*/\1/p' "$1" | tail -n1 | tr -d '\r'
}
