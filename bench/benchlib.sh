# shellcheck shell=bash
# bench/benchlib.sh - what bench-e2e.sh and soak.sh share: the inputs, the
# generated mail (fpipe -w), an S/MIME recipient, the milter's configuration,
# a throwaway Postfix delivering to discard(8), and the helpers that start a
# milter and read its CPU and memory. Source it after tests/e2e/lib.sh and
# tests/e2e/pki.sh, with here, top_src and BENCH_BIN set.

MILTER=${MILTER:-$top_src/milter/fortrolig-milter}
CERTS=${CERTS:-$top_src/cmd/fortrolig-certs}
WORDS=${WORDS:-$top_src/lib/detect/keywords/words}
N=${BENCH_N:-50}
BIG_N=${BENCH_BIG_N:-3}
SESSIONS=${BENCH_SESSIONS:-20}
ONLY=${BENCH_ROUNDS:-}
PY=${PYTHON:-python3}

e2e_need_tools
for f in "$BENCH_BIN/fpipe" "$BENCH_BIN/fminimal" "$MILTER" "$CERTS"; do
    [ -x "$f" ] || { echo "bench-e2e: $f is not built" >&2; exit 2; }
done
command -v "$PY" >/dev/null || { echo "1..0 # SKIP no python3"; exit 77; }

e2e_init fortrolig-bench
W=$E2E_TMP
e2e_free_port SMTP_PORT
e2e_free_port MILTER_PORT
MEMBER=anne.holm@bakkeby.dk
COLLEAGUE=ole.bisgaard@bakkeby.dk
OUTSIDE=lars.berg@example.org
TICK=$(getconf CLK_TCK)

# --- mail, keys, configuration (the milter runs as nobody: all readable)
mkdir -p "$W/msgs" "$W/milter/smime" "$W/milter/state"
chmod 755 "$W/msgs" "$W/milter" "$W/milter/smime"
chown nobody "$W/milter/state"
"$BENCH_BIN/fpipe" -w "$W/msgs"
chmod 644 "$W"/msgs/*
cp -r "$WORDS" "$W/milter/words"
chmod -R a+rX "$W/milter/words"
pki_init "$W/pki"
pki_cert lars "$OUTSIDE" enc rsa
cp "$W/pki/ca.pem" "$W/milter/ca.pem"
chmod 644 "$W/milter/ca.pem"

# write_conf NAME: a configuration with a thread memory of its own, and
# BENCH_CONF_EXTRA's settings (to compare one setting's cost)
write_conf() {
    cat >"$W/milter/$1.conf" <<CONF
mode = "enforce";
user = "nobody";
council = { senders = [ "*@bakkeby.dk" ]; };
internal_domains = [ "bakkeby.dk" ];
domains = ( { match = "*"; actions = [ "smime", "reject" ]; } );
quoted_action = "as-body";
smime = { store = "$W/milter/smime"; ca_file = "$W/milter/ca.pem"; };
pgp = { home = "$W/milter/no-gnupg"; };
detectors = { keywords = { dir = "$W/milter/words"; }; };
store = { backend = "lmdb"; path = "$W/milter/state/$1.db"; key_file = "$W/milter/state/$1.key"; };
${BENCH_CONF_EXTRA:-}
CONF
    chmod 644 "$W/milter/$1.conf"
}
write_conf certs
"$CERTS" -c "$W/milter/certs.conf" import "$W/pki/lars.pem" >"$W/certs.log" 2>&1 ||
    { cat "$W/certs.log" >&2; e2e_die "fortrolig-certs import failed"; }

# --- Postfix: everything it accepts goes to discard(8)
PF=$(e2e_pf_base bench "$SMTP_PORT")
cat >>"$PF/main.cf" <<EOF
relayhost =
default_transport = discard:bench
relay_transport = discard:bench
message_size_limit = 20971520
milter_default_action = tempfail
milter_protocol = 6
smtpd_milters =
EOF
e2e_pf_start "$PF"
MAILLOG=$(e2e_pf_log "$PF")

# --- one round
MPID=
MILTERS_ON=0
set_milters() {
    [ "$1" = "$MILTERS_ON" ] && return 0
    if [ "$1" = 1 ]; then
        postconf -c "$PF" -e "smtpd_milters = inet:127.0.0.1:$MILTER_PORT"
    else
        postconf -c "$PF" -e "smtpd_milters ="
    fi
    e2e_pf_reload "$PF"
    MILTERS_ON=$1
}
start_minimal() {
    "$BENCH_BIN/fminimal" -p "inet:$MILTER_PORT@127.0.0.1" >>"$W/fminimal.log" 2>&1 &
    MPID=$!
    e2e_register_pid fminimal "$MPID"
    e2e_wait_port "$MILTER_PORT" 10 "$MPID" || e2e_die "fminimal did not listen"
}
start_fortrolig() {
    write_conf "$1"
    e2e_start_milter "milter-$1" "$W/milter/$1.conf" "$MILTER_PORT" || e2e_die "milter $1 did not start"
    MPID=$E2E_MILTER_PID
}
delivered() { grep -c 'status=sent' "$MAILLOG" 2>/dev/null || true; }
wait_delivered() { # TARGET SECS
    local i
    for ((i = 0; i < $2 * 20; i++)); do
        [ "$(delivered)" -ge "$1" ] && return 0
        sleep 0.05
    done
    return 1
}
# The milter and its children: the extractor zygote (its own reaped children
# are in its cutime/cstime) counts as the milter's cost.
family() { echo "$1"; grep -l "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3; }
ticks() {
    local p t=0
    for p in $(family "$1"); do
        t=$((t + $(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$t"
}
hwm_kb() {
    local p k=0
    for p in $(family "$1"); do
        k=$((k + $(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)))
    done
    echo "$k"
}
now() { date +%s.%N; }
load() { # TAG MSG RCPT COUNT
    "$PY" "$here/smtpload.py" --port "$SMTP_PORT" --sessions "$SESSIONS" --count "$4" \
        --sender "$MEMBER" --rcpt "$3" --file "$W/msgs/$2.eml" --tag "$1"
}

