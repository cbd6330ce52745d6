#!/bin/sh
# fortrolig-hold: the mail fortrolig-milter put on hold for review (action
# "hold": Postfix's hold queue). list shows each held message with its
# verdict (the X-Fortrolig header); release and delete act on one queue id
# and are logged with who did it. A wrapper around postqueue, postcat and
# postsuper: run it as root.
set -eu
# Byte semantics for the queue id check and tr; the output is ASCII.
LC_ALL=C
export LC_ALL

prog=fortrolig-hold
conf_dir=

usage() {
	cat >&2 <<EOF
usage: $prog [-c config_directory] list
       $prog [-c config_directory] release QUEUEID
       $prog [-c config_directory] delete QUEUEID
EOF
	exit 2
}

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 1
}

# The Postfix commands, for the instance of -c (else the default one).
pf() {
	cmd=$1
	shift
	if [ -n "$conf_dir" ]; then
		"$cmd" -c "$conf_dir" "$@"
	else
		"$cmd" "$@"
	fi
}

# No control characters from the queue reach the terminal or the log.
printable() {
	tr -d '\000-\010\013-\037\177'
}

# $tmp/held: one tab-separated line per held message: id, arrival (epoch),
# <sender>, recipients (", "). postqueue -j writes one JSON object per
# message; an unescaped '"key": "' can only be JSON structure, never part
# of a value.
held() {
	pf postqueue -j >"$tmp/queue" 2>"$tmp/err" ||
	    die "postqueue -j failed (is Postfix running?): $(printable <"$tmp/err")"
	awk '
	function str(key, s,    i, v) {
		i = index(s, "\"" key "\": \"")
		if (i == 0)
			return ""
		s = substr(s, i + length(key) + 5)
		if (!match(s, /^([^"\\]|\\.)*/))
			return ""
		return substr(s, 1, RLENGTH)
	}
	function num(key, s,    i) {
		i = index(s, "\"" key "\": ")
		if (i == 0)
			return ""
		s = substr(s, i + length(key) + 4)
		return match(s, /^[0-9]+/) ? substr(s, 1, RLENGTH) : ""
	}
	str("queue_name", $0) == "hold" {
		rc = ""
		s = $0
		while ((i = index(s, "{\"address\": \"")) > 0) {
			s = substr(s, i + 1)
			rc = rc (rc == "" ? "" : ", ") str("address", s)
		}
		printf "%s\t%s\t<%s>\t%s\n", str("queue_id", $0), num("arrival_time", $0),
		    str("sender", $0), rc
	}' "$tmp/queue" | printable >"$tmp/held"
}

# The X-Fortrolig header of a queued message (unfolded), or "".
verdict() {
	pf postcat -h -q "$1" 2>/dev/null | awk '
	/^$/ { exit }
	/^[ \t]/ { if (on) { sub(/^[ \t]+/, " "); v = v $0 }; next }
	{ on = 0 }
	tolower(substr($0, 1, 12)) == "x-fortrolig:" && v == "" {
		v = substr($0, 13); sub(/^[ \t]+/, "", v); on = 1
	}
	END { print v }' | printable
}

when() {
	date -d "@$1" '+%Y-%m-%d %H:%M:%S %z' 2>/dev/null || printf '%s' "$1"
}

list() {
	n=0
	tab=$(printf '\t')
	held
	while IFS=$tab read -r id t from to; do
		n=$((n + 1))
		v=$(verdict "$id")
		printf '%s  %s  %s\n' "$id" "$(when "$t")" "$from"
		printf '  to:      %s\n' "$to"
		printf '  verdict: %s\n' "${v:-(no X-Fortrolig header: not held by fortrolig)}"
	done <"$tmp/held"
	if [ "$n" = 0 ]; then
		echo "no mail is held"
	fi
}

# Who asked: the sudo user, else the login name; and the real uid.
who() {
	u=${SUDO_USER:-${LOGNAME:-${USER:-}}}
	[ -n "$u" ] || u=$(id -un 2>/dev/null || echo '?')
	printf '%s uid=%s' "$(printf '%s' "$u" | tr -cd 'A-Za-z0-9._@-')" "$(id -u)"
}

# To the mail log of the instance (postlog: syslog, or maillog_file), else syslog.
log() {
	pf postlog -t "$prog" -p info "$1" 2>/dev/null ||
	    logger -t "$prog" -p mail.notice -- "$1" 2>/dev/null ||
	    printf '%s: warning: could not log: %s\n' "$prog" "$1" >&2
}

# act release|delete ID
act() {
	what=$1
	id=$2
	case $id in
	'' | *[!0-9A-Za-z]* | ALL) die "not a queue id: $(printf '%s' "$id" | printable)" ;;
	esac
	[ "${#id}" -le 32 ] || die "not a queue id: $id"
	held
	cut -f1 "$tmp/held" | grep -qx -- "$id" || die "$id is not in the hold queue"
	v=$(verdict "$id")
	if [ "$what" = release ]; then
		out=$(pf postsuper -H "$id" hold 2>&1) || die "postsuper -H: $out"
		printf '%s\n' "$out" | grep -q 'Released from hold: 1 message' ||
		    die "$id was not released: $out"
		# Out of the hold queue into the deferred one: deliver it now.
		pf postqueue -i "$id" >/dev/null 2>&1 || true
		past=released
	else
		out=$(pf postsuper -d "$id" hold 2>&1) || die "postsuper -d: $out"
		printf '%s\n' "$out" | grep -q 'Deleted: 1 message' || die "$id was not deleted: $out"
		past=deleted
	fi
	log "$past queue_id=$id by=$(who) verdict=\"$v\""
	echo "$id: $past"
}

while getopts c:h opt; do
	case $opt in
	c) conf_dir=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
tmp=$(mktemp -d "${TMPDIR:-/tmp}/$prog.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
case $1 in
list)
	[ $# -eq 1 ] || usage
	list
	;;
release | delete)
	[ $# -eq 2 ] || usage
	act "$1" "$2"
	;;
*)
	usage
	;;
esac
