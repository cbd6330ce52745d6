#!/bin/bash
# Installs the Debian 12 packages fortrolig needs and builds it.
# Usage: scripts/bootstrap.sh [configure options...]   (run as root for apt-get)
# The build goes to $FORTROLIG_BUILD (default _build/default). Each caller
# keeps its own directory (the demo _build/demo, the tests _build/ci), and a
# directory whose configure options change is rebuilt from scratch: make
# does not rebuild objects whose flags changed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

PACKAGES=(
	# build
	build-essential autoconf automake libtool pkg-config
	# libraries
	libmilter-dev libconfig-dev libgmime-3.0-dev libxml2-dev libssl-dev libgpgme-dev check
	libzip-dev libarchive-dev libpoppler-glib-dev libvectorscan-dev libpcre2-dev libidn2-dev
	# thread memory (LMDB, Redis) and SPF
	liblmdb-dev libhiredis-dev redis-server libspf2-dev
	# the milter's metrics endpoint
	libmicrohttpd-dev
	# tests: milter protocol, real Postfix, SMTP client, TLS certificates
	miltertest postfix postfix-pcre swaks openssl python3 procps iproute2
	# tests: scraping the metrics endpoint and parsing it as Prometheus does
	curl python3-prometheus-client
	# tests: decrypting clients for S/MIME and PGP/MIME
	gnupg gpgsm
	# tests: encrypted PDFs (extractor tests), libFuzzer harnesses
	qpdf zlib1g-dev clang
	# tests: the differential completeness test's independent PDF reader (pdftotext)
	poppler-utils
	# tests: the Debian package (tests/package/run-package.sh)
	debhelper lintian
	# tests: Sendmail (tests/e2e/run-sendmail.sh). sendmail-bin conflicts with
	# postfix: the test downloads and unpacks it itself; these are its m4 and
	# the libraries it links that Postfix does not pull in.
	m4 liblockfile1 libwrap0 util-linux mount
)

install_packages() {
	local missing=()
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "bootstrap: missing packages (${missing[*]}); run as root" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	# "No configuration": Postfix installs without a system instance.
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
}

install_packages
build=${FORTROLIG_BUILD:-$top/_build/default}
cd "$top"
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
want="$*"
if [ -d "$build" ] && [ "$(cat "$build/.configure-args" 2>/dev/null || echo '<none>')" != "$want" ]; then
	echo "bootstrap: configure options changed: a clean build in $build"
	rm -rf "$build"
fi
mkdir -p "$build"
cd "$build"
if [ ! -f Makefile ]; then
	"$top/configure" "$@" >configure.out 2>&1 || { cat configure.out; exit 1; }
	printf '%s' "$want" >.configure-args
fi
make -j"$(nproc)" >make.out 2>&1 || { cat make.out; exit 1; }
echo "bootstrap: built in $build"
