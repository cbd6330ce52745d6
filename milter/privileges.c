/* privileges: drop root after the socket is bound; fail hard on any step. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "milter.h"

int
fm_drop_privileges(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;

	if (user == NULL || *user == '\0') {
		if (geteuid() == 0)
			snprintf(err, errlen, "running as root: set user = \"...\" in the config");
		return 0;   /* a warning, not a failure: the caller logs err */
	}
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user \"%s\" does not exist", user);
		return -1;
	}
	if (geteuid() != 0) {
		if (geteuid() == pw->pw_uid)
			return 0;
		snprintf(err, errlen, "cannot switch to user \"%s\": not started as root", user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		snprintf(err, errlen, "cannot switch to user \"%s\": %s", user, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0 || geteuid() == 0) {
		snprintf(err, errlen, "privileges could be regained after the switch to \"%s\"", user);
		return -1;
	}
	return 0;
}

int
fm_socket_owner(const char *sock, const char *user, char *err, size_t errlen)
{
	const char *path = NULL;
	struct passwd *pw;

	if (strncmp(sock, "unix:", 5) == 0)
		path = sock + 5;
	else if (strncmp(sock, "local:", 6) == 0)
		path = sock + 6;
	else if (sock[0] == '/')
		path = sock;
	if (path == NULL || user == NULL || *user == '\0' || geteuid() != 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user \"%s\" does not exist", user);
		return -1;
	}
	if (chown(path, pw->pw_uid, pw->pw_gid) != 0 || chmod(path, 0660) != 0) {
		snprintf(err, errlen, "cannot hand %s to %s: %s", path, user, strerror(errno));
		return -1;
	}
	return 0;
}
