# shellcheck shell=bash
# tests/e2e/pki.sh: a throwaway CA and S/MIME certificates (sourced; nothing committed).
pki_init() {
    P=$1; mkdir -p "$P/db"; : >"$P/db/index.txt"; echo 1000 >"$P/db/serial"
    cat >"$P/ca.cnf" <<CNF
[ ca ]
default_ca = c
[ c ]
dir = $P/db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
default_md = sha256
policy = p
unique_subject = no
copy_extensions = none
[ p ]
commonName = supplied
emailAddress = optional
[ enc ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:\${ENV::SAN}
[ ecenc ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyAgreement
extendedKeyUsage = emailProtection
subjectAltName = email:\${ENV::SAN}
[ sigonly ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = emailProtection
subjectAltName = email:\${ENV::SAN}
[ clientauth ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectAltName = email:\${ENV::SAN}
CNF
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=Fortrolig Test CA" \
        -keyout "$P/ca.key" -out "$P/ca.pem" >/dev/null 2>&1
}
# pki_cert NAME ADDR EXT KEYTYPE [START END]; PKI_SUBJ overrides the subject (/CN=NAME)
pki_cert() {
    local n=$1 a=$2 ext=$3 kt=$4 s=${5:-} e=${6:-}
    if [ "$kt" = ec ]; then
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
            -subj "${PKI_SUBJ:-/CN=$n}" -keyout "$P/$n.key" -out "$P/$n.csr" >/dev/null 2>&1
    else
        openssl req -new -newkey rsa:2048 -nodes -subj "${PKI_SUBJ:-/CN=$n}" \
            -keyout "$P/$n.key" -out "$P/$n.csr" >/dev/null 2>&1
    fi
    local dates=(-days 30)
    [ -n "$s" ] && dates=(-startdate "$s" -enddate "$e")
    SAN=$a openssl ca -batch -config "$P/ca.cnf" -cert "$P/ca.pem" -keyfile "$P/ca.key" \
        -extensions "$ext" -in "$P/$n.csr" -out "$P/$n.pem" "${dates[@]}" >/dev/null 2>&1
}
