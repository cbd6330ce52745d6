#!/bin/bash
# tests/package/run-package.sh - the Debian package: build it with
# dpkg-buildpackage from the tracked files, check it with lintian (no
# errors), install it on this (throwaway) machine, check that the user,
# the state directory and the key exist and that -n passes, run the
# real-Postfix e2e against the installed /usr/sbin/fortrolig-milter, verify
# the unit file, then purge the package. Run as root (tests/ci.sh does).
# Prints "ok N - name" and "N passed, M failed".
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/e2e/lib.sh"
for t in dpkg-buildpackage lintian git; do
	command -v $t >/dev/null || { echo "1..0 # SKIP no $t (apt-get install debhelper lintian)"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP not root"; exit 77; }
if dpkg-query -W -f='${Status}' fortrolig 2>/dev/null | grep -q "ok installed"; then
	echo "1..0 # SKIP a fortrolig package is already installed here; not touching it"
	exit 77
fi
version=$(sed -n 's/^AC_INIT(\[fortrolig\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac")
W=$(mktemp -d /tmp/fortrolig-pkg.XXXXXX)
installed=0
cleanup() {
	[ "$installed" = 1 ] && dpkg --purge fortrolig >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT

src=$W/fortrolig-$version
mkdir -p "$src"
(cd "$top" && git ls-files -z | tar --null -cf - -T -) | (cd "$src" && tar -xf -)
(cd "$src" && dpkg-buildpackage -us -uc -b >"$W/build.log" 2>&1)
deb=$(ls "$W"/fortrolig_"$version"_*.deb 2>/dev/null | head -n1)
t_built() { [ -n "$deb" ] || { diag "$(tail -n 30 "$W/build.log")"; return 1; }; }
check "dpkg-buildpackage -us -uc builds fortrolig_${version}" t_built
[ -n "$deb" ] || { finish; exit 1; }
chmod -R a+rX "$W"
su nobody -s /bin/sh -c "lintian '$deb'" >"$W/lintian.log" 2>&1
t_lintian() { ! grep -q '^E:' "$W/lintian.log" || { diag "$(grep '^E:' "$W/lintian.log")"; return 1; }; }
check "lintian reports no errors" t_lintian
dpkg -i "$deb" >"$W/install.log" 2>&1 && installed=1
check "dpkg -i installs it" [ "$installed" = 1 ]
t_user() { getent passwd fortrolig >/dev/null && [ "$(stat -c '%U %a' /var/lib/fortrolig)" = "fortrolig 750" ]; }
check "postinst: system user and /var/lib/fortrolig (fortrolig, 0750)" t_user
t_key() { [ "$(stat -c '%U %a %s' /var/lib/fortrolig/thread.key)" = "fortrolig 600 65" ]; }
check "postinst: the HMAC key (0600, 32 bytes in hex)" t_key
t_report() { [ -x /usr/bin/fortrolig-report ] && ls /usr/share/man/man1/fortrolig-report.1* >/dev/null 2>&1 &&
	/usr/bin/fortrolig-report --json </dev/null | grep -q '"pseudonymised":true'; }
check "fortrolig-report is installed with its man page and reads the package's key" t_report
t_hold() { [ -x /usr/sbin/fortrolig-hold ] && ls /usr/share/man/man8/fortrolig-hold.8* >/dev/null 2>&1 &&
	{ /usr/sbin/fortrolig-hold >/dev/null 2>&1; [ $? = 2 ]; }; }
check "fortrolig-hold is installed with its man page (usage: exit 2)" t_hold
check "fortrolig-milter -n passes on the installed configuration" \
	/usr/sbin/fortrolig-milter -n -c /etc/fortrolig/fortrolig.conf
t_unit() { systemd-analyze verify /lib/systemd/system/fortrolig-milter.service >"$W/unit.log" 2>&1 ||
	{ diag "$(cat "$W/unit.log")"; return 1; }; }
if command -v systemd-analyze >/dev/null; then
	check "the unit file verifies (systemd-analyze verify)" t_unit
fi
t_e2e() {
	MILTER=/usr/sbin/fortrolig-milter SCANNER=/usr/bin/fortrolig-scan WORDS=/etc/fortrolig/words \
	    "$top/tests/e2e/run-e2e.sh" >"$W/e2e.log" 2>&1 || { diag "$(grep -E 'not ok|passed' "$W/e2e.log")"; return 1; }
}
check "the real-Postfix e2e passes against the installed fortrolig-milter" t_e2e
t_e2e_hold() {
	MILTER=/usr/sbin/fortrolig-milter HOLD=/usr/sbin/fortrolig-hold REPORT=/usr/bin/fortrolig-report \
	    WORDS=/etc/fortrolig/words "$top/tests/e2e/run-hold.sh" >"$W/e2e-hold.log" 2>&1 ||
	    { diag "$(grep -E 'not ok|passed' "$W/e2e-hold.log")"; return 1; }
}
check "the hold e2e passes against the installed fortrolig-milter and fortrolig-hold" t_e2e_hold
dpkg --purge fortrolig >/dev/null 2>&1 && installed=0
t_purged() { [ "$installed" = 0 ] && [ ! -e /var/lib/fortrolig ] && [ ! -e /usr/sbin/fortrolig-milter ]; }
check "dpkg --purge removes it, state included" t_purged
finish
