# shellcheck shell=bash
# tests/e2e/sendmail.sh - a throwaway Sendmail on loopback, for
# tests/e2e/run-sendmail.sh.  Source it from bash after lib.sh.
#
# Debian's sendmail-bin conflicts with Postfix (both provide
# mail-transport-agent), and the rest of the suite needs Postfix.  So
# Sendmail is not installed: sm_fetch downloads sendmail-bin and sendmail-cf
# with apt-get and unpacks them into a cache directory, and sm_start runs
# that binary with its own sendmail.cf, queue and pid file under $E2E_TMP.
#
# Sendmail sleeps a minute at start when the host name is unqualified and
# looks its own name up in DNS.  sm_start therefore runs it in new mount
# and UTS namespaces (unshare): host name sm.e2e.invalid, an /etc/hosts
# that knows it, and an /etc/resolv.conf that names 127.0.0.1 only, so no
# lookup leaves the machine.  The mounts vanish with the namespace.
#
#   sm_fetch CACHEDIR        set SM_ROOT (unpacked packages) and SM_VERSION
#   sm_write_mc FILE SINKPORT SMTPPORT FRAGMENT
#                            the sendmail.mc of the test instance
#   sm_start MCFILE          m4 -> sendmail.cf, start `sendmail -bD`; sets SM_PID
#   sm_stop                  SIGTERM the daemon, then any process left in its namespace
#   sm_queue_files           the number of files in the queue

SM_ROOT=${SM_ROOT:-}
SM_VERSION=
SM_PID=
SM_NS=
SM_DIR=

sm_bin() { echo "$SM_ROOT/usr/libexec/sendmail/sendmail"; }
sm_cfdir() { echo "$SM_ROOT/usr/share/sendmail/cf"; }

# sm_download DIR: apt-get download into DIR; once more after
# apt-get update when the package lists are missing or stale.
sm_download() {
    local dir=$1 pkgs=(sendmail-bin sendmail-cf)
    (cd "$dir" && apt-get -q -o APT::Sandbox::User=root download "${pkgs[@]}") \
        >>"$dir/apt.log" 2>&1 && return 0
    apt-get -q -o DPkg::Lock::Timeout=600 update >>"$dir/apt.log" 2>&1 || return 1
    (cd "$dir" && apt-get -q -o APT::Sandbox::User=root download "${pkgs[@]}") \
        >>"$dir/apt.log" 2>&1
}

# sm_fetch CACHE: unpack sendmail-bin and sendmail-cf into CACHE/root once
# (under a lock: two runs may share the cache).  SM_ROOT set beforehand
# (e.g. "/" where Sendmail is installed) skips the download.
sm_fetch() {
    local cache=$1 rc=0
    if [ -n "$SM_ROOT" ]; then
        [ -x "$(sm_bin)" ] && [ -f "$(sm_cfdir)/m4/cf.m4" ] || return 1
        SM_VERSION=$(timeout 10 "$(sm_bin)" -d0.1 -bt </dev/null 2>/dev/null | sed -n 's/^Version //p')
        return 0
    fi
    mkdir -p "$cache"
    exec {lockfd}>"$cache/.lock"
    flock -w 600 "$lockfd" || { exec {lockfd}>&-; return 1; }
    if [ ! -x "$cache/root/usr/libexec/sendmail/sendmail" ]; then
        rm -rf "$cache/debs" "$cache/root.new"
        mkdir -p "$cache/debs" "$cache/root.new"
        if sm_download "$cache/debs"; then
            for deb in "$cache"/debs/*.deb; do
                dpkg-deb -x "$deb" "$cache/root.new" || rc=1
            done
            [ "$rc" = 0 ] && rm -rf "$cache/root" && mv "$cache/root.new" "$cache/root"
        else
            rc=1
            e2e_note "apt-get download failed; see $cache/debs/apt.log"
        fi
    fi
    exec {lockfd}>&-
    [ "$rc" = 0 ] || return 1
    SM_ROOT=$cache/root
    # shellcheck disable=SC2034 # for the caller
    SM_VERSION=$(dpkg-deb -f "$cache"/debs/sendmail-bin_*.deb Version 2>/dev/null || echo '?')
    [ -x "$(sm_bin)" ] && [ -f "$(sm_cfdir)/m4/cf.m4" ]
}

# sm_missing_libs: shared libraries of the sendmail binary that are not
# installed (bootstrap.sh installs them: liblockfile1, libwrap0, ...).
sm_missing_libs() { ldd "$(sm_bin)" 2>&1 | awk '/not found/ { print $1 }'; }

# sm_write_mc FILE SINKPORT SMTPPORT FRAGMENT: a loopback-only MTA that
# accepts on 127.0.0.1:SMTPPORT and relays everything to the smart host
# [127.0.0.1]:SINKPORT.  FRAGMENT (contrib's milter lines) is inserted where
# contrib/sendmail/README.md says: after the FEATUREs, before the MAILERs.
sm_write_mc() {
    local mc=$1 sink=$2 port=$3 frag=$4 d
    d=$(dirname "$mc")
    SM_DIR=$(dirname "$d")
    mkdir -p "$d" "$SM_DIR/queue"
    chmod 700 "$SM_DIR/queue"       # Sendmail refuses an unsafe queue
    printf '127.0.0.1 sm.e2e.invalid localhost\n' >"$d/hosts"
    printf 'nameserver 127.0.0.1\n' >"$d/resolv.conf"
    printf 'hosts files\naliases files\n' >"$d/service.switch"
    {
        sed -e "s|@CF@|$(sm_cfdir)|g" -e "s|@DIR@|$SM_DIR|g" -e "s|@ETC@|$d|g" \
            -e "s|@SINK@|$sink|g" -e "s|@PORT@|$port|g" <<'MC'
divert(-1)
# throwaway Sendmail of tests/e2e/run-sendmail.sh
divert(0)dnl
include(`@CF@/m4/cf.m4')dnl
VERSIONID(`fortrolig run-sendmail.sh')dnl
OSTYPE(`linux')dnl
define(`confDOMAIN_NAME', `sm.e2e.invalid')dnl
define(`QUEUE_DIR', `@DIR@/queue')dnl
define(`confPID_FILE', `@DIR@/sendmail.pid')dnl
define(`HELP_FILE', `@ETC@/helpfile')dnl
define(`STATUS_FILE', `@ETC@/statistics')dnl
define(`confSERVICE_SWITCH_FILE', `@ETC@/service.switch')dnl
undefine(`ALIAS_FILE')dnl
define(`confDONT_PROBE_INTERFACES', `True')dnl
define(`confBIND_OPTS', `-DNSRCH -DEFNAMES')dnl
define(`confTO_IDENT', `0')dnl
define(`confAUTH_MECHANISMS', `')dnl
define(`SMART_HOST', `esmtp:[127.0.0.1]')dnl
define(`ESMTP_MAILER_ARGS', `TCP $h @SINK@')dnl
FEATURE(`no_default_msa')dnl
FEATURE(`nocanonify')dnl
FEATURE(`accept_unresolvable_domains')dnl
DAEMON_OPTIONS(`Family=inet, Addr=127.0.0.1, Port=@PORT@, Name=MTA')dnl
MC
        cat "$frag"
        printf 'MAILER(`local'"'"')dnl\nMAILER(`smtp'"'"')dnl\n'
    } >"$mc"
}

# the script run inside the namespaces (see the top), expanded there
# shellcheck disable=SC2016
SM_NS_SCRIPT='hostname sm.e2e.invalid &&
mount --bind "$1/hosts" /etc/hosts &&
mount --bind "$1/resolv.conf" /etc/resolv.conf || exit 1
shift
exec "$@"'

# sm_start MCFILE: sendmail.cf beside it, then `sendmail -bD` (the daemon in
# the foreground, so that $! is its PID) until it listens.
sm_start() {
    local mc=$1 etc port
    etc=$(dirname "$mc")
    m4 "$mc" >"$etc/sendmail.cf" 2>"$etc/m4.err" || { cat "$etc/m4.err" >&2; return 1; }
    port=$(sed -n 's/^O DaemonPortOptions=.*Port=\([0-9]*\).*/\1/p' "$etc/sendmail.cf")
    e2e_port_listening "$port" && { e2e_note "port $port is already in use"; return 1; }
    unshare --mount --uts --propagation private \
        bash -c "$SM_NS_SCRIPT" sm-ns "$etc" "$(sm_bin)" -C "$etc/sendmail.cf" -bD \
        </dev/null >>"$SM_DIR/sendmail.out" 2>&1 &
    SM_PID=$!
    e2e_register_pid sendmail "$SM_PID"
    if ! e2e_wait_port "$port" 20 "$SM_PID"; then
        e2e_note "sendmail did not listen on 127.0.0.1:$port"
        sed 's/^/#   /' "$SM_DIR/sendmail.out" >&2
        return 1
    fi
    SM_NS=$(readlink "/proc/$SM_PID/ns/mnt")
    # never the test's own namespace: sm_stop stops every process in SM_NS
    if [ -z "$SM_NS" ] || [ "$SM_NS" = "$(readlink /proc/$$/ns/mnt)" ]; then
        SM_NS=
        e2e_note "sendmail does not run in a namespace of its own"
        return 1
    fi
}

# sm_ns_pids: the processes in the daemon's mount namespace (its children:
# SMTP servers, deliveries).  Only Sendmail runs there, and only we made it.
sm_ns_pids() {
    local p
    [ -n "$SM_NS" ] || return 0
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$SM_NS" ] && echo "${p#/proc/}"
    done
    return 0
}

# sm_stop: SIGTERM the daemon, wait, then stop what is left in its namespace.
sm_stop() {
    local rc=0 p
    [ -n "$SM_PID" ] || return 0
    e2e_stop_pid "$SM_PID" 10 || rc=1
    e2e_unregister_pid "$SM_PID"
    for p in $(sm_ns_pids); do
        e2e_note "sendmail process $p still running after the daemon stopped"
        e2e_stop_pid "$p" 5
        rc=1
    done
    SM_PID=
    return $rc
}

# sm_queue_files: files in the queue (qf/df/tf/xf: queued or half-written mail)
sm_queue_files() { find "$SM_DIR/queue" -type f | wc -l; }

sm_wait_queue_empty() {
    local secs=${1:-20} i
    for ((i = 0; i < secs * 5; i++)); do
        [ "$(sm_queue_files)" = 0 ] && return 0
        sleep 0.2
    done
    return 1
}
