#!/bin/bash
# tests/e2e/run-policy.sh - fortrolig-policy --export: the TLS policy map
# for the domains whose rule lists "tls", accepted by Postfix's postmap and
# looked up as Postfix would. Prints "ok N - name" and "N passed, M failed".
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
POLICY=${POLICY:-$here/../../cmd/fortrolig-policy}
WORDS=${WORDS:-$here/../../lib/detect/keywords/words}
command -v postmap >/dev/null || { echo "1..0 # SKIP no postmap"; exit 77; }
W=$(mktemp -d /tmp/fortrolig-policy.XXXXXX)
trap 'rm -rf "$W"' EXIT
cat >"$W/f.conf" <<CONF
council = { senders = [ "*@bakkeby.dk" ]; };
domains = (
  { match = "regionsyddanmark.dk"; actions = [ "tls", "reject" ]; },
  { match = "*.kl.dk";             actions = [ "smime", "tls", "reject" ]; },
  { match = "gmail.com";           actions = [ "reject" ]; },
  { match = "*";                   actions = [ "smime", "pgp", "reject" ]; }
);
detectors = { keywords = { dir = "$WORDS"; }; };
CONF
mkdir "$W/pf" && : >"$W/pf/main.cf"
"$POLICY" -c "$W/f.conf" --export postfix-tls >"$W/tls_policy" 2>"$W/err"; rc=$?
check "postfix-tls export: exit 0" [ "$rc" = 0 ]
check "postmap accepts the map" postmap -c "$W/pf" "$W/tls_policy"
t_exact() { [ "$(postmap -c "$W/pf" -q regionsyddanmark.dk "$W/tls_policy")" = "secure protocols=>=TLSv1.2" ]; }
check "a tls domain gets secure with TLS >= 1.2" t_exact
t_sub() { [ "$(postmap -c "$W/pf" -q .kl.dk "$W/tls_policy")" = "secure protocols=>=TLSv1.2" ]; }
check "a *.domain rule becomes .domain (its subdomains)" t_sub
t_none() { ! postmap -c "$W/pf" -q gmail.com "$W/tls_policy" >/dev/null; }
check "a domain without tls is not in the map" t_none
"$POLICY" -c "$W/f.conf" --export postfix-tls --level verify >"$W/v" 2>&1
check "--level verify" grep -q '^regionsyddanmark.dk verify protocols=>=TLSv1.2$' "$W/v"
"$POLICY" -c "$W/f.conf" --export sendmail-access >"$W/sm" 2>&1
t_sm() { grep -q '^TLS_Rcpt:regionsyddanmark.dk VERIFY:128$' "$W/sm" && grep -q '^TLS_Rcpt:kl.dk VERIFY:128$' "$W/sm"; }
check "sendmail-access: TLS_Rcpt: entries" t_sm
"$POLICY" -c "$W/f.conf" --export nonsense >"$W/u" 2>&1; rc=$?
check "an unknown format is a usage error (exit 2)" [ "$rc" = 2 ]
finish
