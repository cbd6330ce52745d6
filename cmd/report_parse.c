/* report_parse: finds fortrolig-milter's lines in a log and splits off the
 * prefix. Three shapes are read:
 *   Sep  7 10:15:00 host fortrolig-milter[123]: QID: fortrolig: ...   (RFC 3164)
 *   2026-09-07T10:15:00.1+02:00 host fortrolig-milter[123]: QID: ...  (rsyslog, journalctl -o short-iso)
 *   fortrolig-milter[123]: QID: fortrolig: ...                         (the milter's -f standard error)
 * A syslog line whose message starts with "fortrolig-milter[N]: " again is
 * the journal's copy of the standard error. Anything else is not ours. */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "report.h"

#define IDENT "fortrolig-milter["

static const char *const months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

size_t
rp_token(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && (isalnum((unsigned char)s[n]) || strchr("._:()-", s[n]) != NULL) &&
	    s[n] != '\0')
		n++;
	return n;
}

static int
digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* "HH:MM:SS" */
static int
clock_at(const char *s)
{
	return digits(s, 2) && s[2] == ':' && digits(s + 3, 2) && s[5] == ':' && digits(s + 6, 2);
}

/* "2026-09-07T10:15:00..." up to the next blank: the day is the first ten. */
static const char *
iso_stamp(const char *s, char day[11])
{
	if (!(digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' && digits(s + 8, 2) &&
	    (s[10] == 'T' || s[10] == ' ') && clock_at(s + 11)))
		return NULL;
	memcpy(day, s, 10);
	day[10] = '\0';
	s += 19;
	while (*s && *s != ' ')
		s++;
	return s;
}

/* "Sep  7 10:15:00" or "Sep 07 10:15:00": the year is not in the line. A
 * month after the current one is taken to be last year's. */
static const char *
bsd_stamp(const char *s, int year, int month, char day[11])
{
	int m = -1, d;

	for (int i = 0; i < 12; i++)
		if (strncmp(s, months[i], 3) == 0)
			m = i;
	if (m < 0 || s[3] != ' ')
		return NULL;
	s += 4;
	if (s[0] == ' ' && isdigit((unsigned char)s[1]))
		d = s[1] - '0';
	else if (digits(s, 2))
		d = (s[0] - '0') * 10 + (s[1] - '0');
	else
		return NULL;
	if (d < 1 || d > 31 || s[2] != ' ' || !clock_at(s + 3))
		return NULL;
	if (m + 1 > month)
		year--;
	if (year < 1000 || year > 9999)
		return NULL;
	day[0] = (char)('0' + year / 1000);
	day[1] = (char)('0' + year / 100 % 10);
	day[2] = (char)('0' + year / 10 % 10);
	day[3] = (char)('0' + year % 10);
	day[4] = '-';
	day[5] = (char)('0' + (m + 1) / 10);
	day[6] = (char)('0' + (m + 1) % 10);
	day[7] = '-';
	day[8] = (char)('0' + d / 10);
	day[9] = (char)('0' + d % 10);
	day[10] = '\0';
	return s + 11;
}

/* "fortrolig-milter[123]: " at s: the rest, with the pid. */
static const char *
ident(const char *s, long *pid)
{
	size_t n = 0;
	long p = 0;

	if (strncmp(s, IDENT, sizeof(IDENT) - 1) != 0)
		return NULL;
	s += sizeof(IDENT) - 1;
	while (n < 10 && isdigit((unsigned char)s[n]))
		p = p * 10 + (s[n++] - '0');
	if (n == 0 || strncmp(s + n, "]: ", 3) != 0)
		return NULL;
	*pid = p;
	return s + n + 3;
}

/* "QID: fortrolig: " */
static int
qid_text(const char *s, struct rp_line *out)
{
	size_t n = 0;

	while (n < 64 && (isalnum((unsigned char)s[n]) || s[n] == '.' || s[n] == '-' ||
	    s[n] == '_'))
		n++;
	if (n == 0 || strncmp(s + n, ": fortrolig: ", 13) != 0)
		return 0;
	out->qid = s;
	out->qidlen = n;
	out->text = s + n + 13;
	return 1;
}

int
rp_parse_prefix(const char *line, int year, int month, struct rp_line *out)
{
	const char *s, *rest;
	long inner;

	memset(out, 0, sizeof(*out));
	if ((rest = ident(line, &out->pid)) != NULL) {
		out->form = RP_STDERR;
		return qid_text(rest, out);
	}
	if ((s = iso_stamp(line, out->day)) == NULL &&
	    (s = bsd_stamp(line, year, month, out->day)) == NULL)
		return 0;
	/* the host name, then the tag */
	if (*s++ != ' ')
		return 0;
	while (*s && *s != ' ')
		s++;
	if (*s++ != ' ' || (rest = ident(s, &out->pid)) == NULL)
		return 0;
	out->form = RP_SYSLOG;
	if ((s = ident(rest, &inner)) != NULL) {
		out->form = RP_STDERR;
		out->pid = inner;
		rest = s;
	}
	return qid_text(rest, out);
}
