#!/bin/bash
# tests/e2e/run-certs.sh - fortrolig-certs(8) against stores it is given by a
# config: import (good, DER, expired, wrong key usage, wrong EKU, untrusted,
# OpenPGP good and sign-only), list, check, remove, expiring. Certificates
# come from a throwaway CA (pki.sh), keys from a throwaway GnuPG home.
# Prints "ok N - name" and "N passed, M failed".
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
. "$here/pki.sh"
CERTS=${CERTS:-$here/../../cmd/fortrolig-certs}
SCANNER=${SCANNER:-$here/../../cmd/fortrolig-scan}
WORDS=${WORDS:-$here/../../lib/detect/keywords/words}
for t in openssl gpg gpgconf; do command -v $t >/dev/null || { echo "1..0 # SKIP no $t"; exit 77; }; done

W=$(mktemp -d /tmp/fortrolig-certs.XXXXXX)
GH=$W/gnupg G=$W/gpg-src
cleanup() {
    for h in "$GH" "$G"; do [ -d "$h" ] && gpgconf --homedir "$h" --kill gpg-agent 2>/dev/null; done
    rm -rf "$W"
}
trap cleanup EXIT

pki_init "$W/pki"
pki_cert good good@example.org enc rsa
pki_cert ec Eva@EC.example ecenc ec
pki_cert old old@example.org enc rsa 20200101000000Z 20210101000000Z
pki_cert sig sig@example.org sigonly rsa
pki_cert cli cli@example.org clientauth rsa
P2=$W/pki2; ( pki_init "$P2"; P=$P2; pki_cert stranger stranger@example.org enc rsa )
openssl x509 -in "$W/pki/good.pem" -outform DER -out "$W/good.der"
mkdir -m 700 "$GH" "$G"
gpg --homedir "$G" --batch --pinentry-mode loopback --passphrase '' \
    --quick-gen-key "Peter Pgp <peter@pgp.example>" default default 1y >/dev/null 2>&1
gpg --homedir "$G" --batch --pinentry-mode loopback --passphrase '' \
    --quick-gen-key "Sign Only <signonly@pgp.example>" rsa sign 1y >/dev/null 2>&1
gpg --homedir "$G" --armor --export peter@pgp.example >"$W/peter.asc"
gpg --homedir "$G" --armor --export signonly@pgp.example >"$W/signonly.asc"
PFPR=$(gpg --homedir "$G" --with-colons --fingerprint peter@pgp.example 2>/dev/null | awk -F: '/^fpr/{print $10; exit}')
mkdir "$W/smime"
cat >"$W/f.conf" <<CONF
council = { senders = [ "*@bakkeby.dk" ]; };
internal_domains = [ "bakkeby.dk" ];
domains = ( { match = "tls.example"; actions = [ "tls" ]; },
            { match = "*"; actions = [ "smime", "pgp", "reject" ]; } );
smime = { store = "$W/smime"; ca_file = "$W/pki/ca.pem"; };
pgp = { home = "$GH"; };
detectors = { keywords = { dir = "$WORDS"; }; };
CONF
fc() { "$CERTS" -c "$W/f.conf" "$@" >"$W/out" 2>"$W/err"; echo $? >"$W/rc"; }
rc() { cat "$W/rc"; }
expect() { # RC GREP-ERE: exit code and an output line
    [ "$(rc)" = "$1" ] && grep -E -q -- "$2" "$W/out" "$W/err" ||
        { diag "rc $(rc), expected $1; wanted /$2/"; diag "$(cat "$W/out" "$W/err")"; return 1; }
}

fc import "$W/pki/good.pem" "$W/pki/ec.pem"
check "import: two good S/MIME certificates (RSA, EC) are imported" expect 0 'good.pem: imported smime [0-9A-F]{64} \(good@example.org\)'
t_files() { [ "$(find "$W/smime" -name '*.pem' | wc -l)" = 2 ] && [ "$(stat -c %a "$W/smime"/*.pem | sort -u)" = 644 ]; }
check "import: stored as <fingerprint>.pem, mode 0644" t_files
fc import "$W/good.der"
check "import: the same certificate in DER is recognised as already imported" expect 0 'already imported smime'
fc import "$W/pki/old.pem"
check "import: expired certificate refused with the reason" expect 1 'refused .*certificate expired 2021-01-01'
fc import "$W/pki/sig.pem"
check "import: signature-only key usage refused" expect 1 'refused .*key usage does not allow encryption'
fc import "$W/pki/cli.pem"
check "import: EKU without emailProtection refused" expect 1 'refused .*extended key usage lacks emailProtection'
fc import "$P2/stranger.pem"
check "import: certificate from another CA refused" expect 1 'refused .*does not chain to ca_file'
fc import "$W/pki/good.key"
check "import: a private key is refused" expect 1 'refused: holds a private key'
fc import "$W/f.conf"
check "import: a file that is neither certificate nor key is refused" expect 1 'not a PEM or DER certificate'
fc import "$W/missing.pem"
check "import: a missing file is an error (exit 2)" expect 2 'No such file'
t_nofiles() { [ "$(find "$W/smime" -type f | wc -l)" = 2 ]; }
check "import: refused certificates left nothing in the store" t_nofiles
fc import "$W/peter.asc"
check "import: armored OpenPGP key goes to the GnuPG home" expect 0 "imported pgp $PFPR \(peter@pgp.example\)"
fc import "$W/signonly.asc"
check "import: OpenPGP key without an encryption subkey is refused" expect 1 'refused .*no usable encryption subkey'
t_notkept() { ! gpg --homedir "$GH" --list-keys signonly@pgp.example >/dev/null 2>&1; }
check "import: the refused OpenPGP key was removed again" t_notkept

fc list
t_list() {
    expect 0 $'^good@example.org\tsmime\t[0-9A-F]{64}\t20[0-9]{2}-[0-9]{2}-[0-9]{2}\tusable$' &&
    expect 0 $'^eva@ec.example\tsmime\t' &&
    expect 0 $'^peter@pgp.example\tpgp\t'"$PFPR"$'\t20[0-9]{2}-[0-9]{2}-[0-9]{2}\tusable$' &&
    [ "$(wc -l <"$W/out")" = 3 ]
}
check "list: address, type, fingerprint, expiry, status for every certificate and key" t_list
cp "$W/pki/old.pem" "$W/smime/old.pem"   # put there by hand: list says why it is unusable
fc list
check "list: a certificate copied in by hand shows why it is unusable" expect 0 $'^old@example.org\tsmime\t.*\tunusable: certificate expired 2021-01-01'

fc check Good@Example.org
check "check: S/MIME recipient (case-insensitive) gets smime" expect 0 '^action: smime$'
fc check "<peter@pgp.example>"
t_check_pgp() { expect 0 '^action: pgp$' && expect 0 'smime: not usable: no certificate for the address'; }
check "check: PGP recipient gets pgp, and the S/MIME miss is explained" t_check_pgp
fc check old@example.org
t_check_old() { expect 1 '^action: reject$' && expect 1 'smime: not usable: certificate expired' && expect 1 'pgp: not usable: no key'; }
check "check: expired certificate only -> reject (exit 1), with the reasons" t_check_old
fc check anyone@tls.example
check "check: TLS domain rule" expect 0 '^action: tls$'
fc check kollega@bakkeby.dk
check "check: internal domain is delivered" expect 0 '^action: deliver \(internal\)$'
fc check notanaddress
check "check: not an address is an error (exit 2)" expect 2 'not an address'

# fortrolig-scan decides with the same stores
printf 'From: anne@bakkeby.dk\nTo: x\nSubject: Sag\n\nBorgeren Jens Vestergaard, CPR-nr. 140549-0389, har faaet konstateret kraeft.\n' >"$W/conf.eml"
scan() { "$SCANNER" -c "$W/f.conf" --sender anne@bakkeby.dk "$@" "$W/conf.eml" >"$W/out" 2>"$W/err"; echo $? >"$W/rc"; }
scan --rcpt eva@ec.example
check "fortrolig-scan uses the S/MIME store: smime for a recipient with a certificate" \
    expect 1 '"rcpt":"eva@ec.example","action":"smime","reason":"certificate".*"action":"encrypt"'
scan --rcpt peter@pgp.example
check "fortrolig-scan uses the GnuPG home: pgp for a recipient with a key" expect 1 '"action":"pgp","reason":"key"'
scan --rcpt old@example.org
check "fortrolig-scan: no usable certificate or key -> reject" expect 1 '"action":"reject"'

fc expiring 7
check "expiring 7: an already expired certificate is listed (exit 1)" expect 1 '^old@example.org'
rm -f "$W/smime/old.pem"
fc expiring 7
check "expiring 7: nothing expires within a week -> exit 0, no output" eval '[ "$(rc)" = 0 ] && [ ! -s "$W/out" ]'
fc expiring 60
t_exp60() { expect 1 '^good@example.org' && expect 1 '^eva@ec.example' && ! grep -q peter "$W/out"; }
check "expiring 60: the 30-day certificates are listed, the 1-year key is not, exit 1" t_exp60
fc expiring 400
check "expiring 400: the OpenPGP key is listed too" expect 1 '^peter@pgp.example'
fc expiring soon
check "expiring: bad DAYS is an error (exit 2)" expect 2 'DAYS must be'

fc remove GOOD@example.org
check "remove by address (S/MIME)" expect 0 'removed smime'
fc remove "$(echo "$PFPR" | sed 's/../&:/g; s/:$//')"
check "remove by fingerprint with colons (OpenPGP)" expect 0 "removed pgp $PFPR"
fc list
t_after() { expect 0 '^eva@ec.example' && ! grep -q 'good@\|peter@' "$W/out"; }
check "list after remove: only the EC certificate is left" t_after
fc remove nobody@example.org
check "remove: nothing matches -> exit 1" expect 1 'nothing matches'
fc check good@example.org
check "check after remove: reject" expect 1 '^action: reject$'
# a site with only one kind of store: missing directories are skipped, and
# importing into one creates it (mode 0700, for the milter user)
sed -e "s|$W/smime|$W/nosmime|" -e "s|$GH|$W/nognupg|" "$W/f.conf" >"$W/missing.conf"
"$CERTS" -c "$W/missing.conf" list >"$W/out" 2>"$W/err"; echo $? >"$W/rc"
check "list with neither store present: exit 0, nothing listed" eval '[ "$(rc)" = 0 ] && [ ! -s "$W/out" ] && [ ! -s "$W/err" ]'
"$CERTS" -c "$W/missing.conf" import "$W/peter.asc" >"$W/out" 2>"$W/err"; echo $? >"$W/rc"
t_made_home() { expect 0 'created pgp.home .*mode 0700' && [ "$(stat -c %a "$W/nognupg")" = 700 ]; }
check "import into a missing GnuPG home creates it, mode 0700" t_made_home
"$CERTS" -c "$W/missing.conf" import "$W/pki/ec.pem" >"$W/out" 2>"$W/err"; echo $? >"$W/rc"
t_made_store() { expect 0 'created smime.store .*mode 0700' && [ "$(stat -c %a "$W/nosmime")" = 700 ]; }
check "import into a missing S/MIME store creates it, mode 0700" t_made_store
"$CERTS" -c "$W/nonexistent.conf" list >"$W/out" 2>"$W/err"; echo $? >"$W/rc"
check "a config that cannot be loaded is an error (exit 2)" expect 2 'nonexistent.conf'
"$CERTS" -c "$W/f.conf" frobnicate >"$W/out" 2>"$W/err"; echo $? >"$W/rc"
check "an unknown command prints the usage (exit 2)" expect 2 'usage: fortrolig-certs'

finish
