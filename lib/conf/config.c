/* config: libconfig -> validated snapshot. A table drives the scalar settings. */
#include "config.h"

#include <ctype.h>
#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/address.h"
#include "base/buffer.h"
#include "base/net.h"
#include "conf/config.h"
#include "conf/load.h"
#include "memory/thread.h"
#include "detect/keywords/keywords.h"
#include "decide/sender.h"
#include "base/text.h"
#include "conf/texts_default.h"
#include "conf/tlsmap.h"

enum ctype { CT_BOOL, CT_INT, CT_INT64, CT_STR, CT_ENUM };

struct centry {
	const char *path;
	enum ctype type;
	size_t off;
	long long def, min, max;
	const char *sdef;          /* string default, or enum names "a|b|c" */
};

#define OFF(f) offsetof(struct fconf, f)
static const struct centry table[] = {
	{ "mode", CT_ENUM, OFF(mode), FMODE_ENFORCE, 0, 0, "enforce|monitor" },
	{ "socket", CT_STR, OFF(socket), 0, 0, 0, "inet:8894@127.0.0.1" },
	{ "metrics", CT_STR, OFF(metrics), 0, 0, 0, "" },
	{ "user", CT_STR, OFF(user), 0, 0, 0, "" },
	{ "quoted_action", CT_ENUM, OFF(quoted_new_thread), 1, 0, 0, "as-body|new-thread" },
	{ "detectors.cpr.enabled", CT_BOOL, OFF(cpr.enabled), 1, 0, 1, NULL },
	{ "detectors.cpr.threshold", CT_INT, OFF(cpr.threshold), 50, 1, 100, NULL },
	{ "detectors.cpr.context_window", CT_INT, OFF(cpr.context_window), 300, 0, 5000, NULL },
	{ "detectors.keywords.enabled", CT_BOOL, OFF(kw.enabled), 1, 0, 1, NULL },
	{ "detectors.keywords.threshold", CT_INT, OFF(kw.threshold), 3, 1, 100, NULL },
	{ "detectors.keywords.window", CT_INT, OFF(kw.window), 60, 5, 1000, NULL },
	{ "detectors.keywords.self_published_public", CT_BOOL, OFF(kw.self_published_public), 0, 0, 1, NULL },
	{ "detectors.keywords.verdicts_public", CT_BOOL, OFF(kw.verdicts_public), 0, 0, 1, NULL },
	{ "detectors.keywords.dir", CT_STR, OFF(kw.dir), 0, 0, 0, NULL },
	{ "detectors.marking.enabled", CT_BOOL, OFF(mark.enabled), 1, 0, 1, NULL },
	{ "limits.max_message_size", CT_INT64, OFF(limits.max_message_size), 52428800, 1024, 2147483647LL, NULL },
	{ "limits.spool_memory", CT_INT64, OFF(limits.spool_memory), 65536, 0, 1073741824LL, NULL },
	{ "limits.spool_dir", CT_STR, OFF(limits.spool_dir), 0, 0, 0, "" },
	{ "limits.max_header_size", CT_INT64, OFF(limits.max_header_size), 102400, 1024, 16777216, NULL },
	{ "limits.max_mime_depth", CT_INT, OFF(limits.max_mime_depth), 16, 1, 100, NULL },
	{ "limits.max_parts", CT_INT, OFF(limits.max_parts), 256, 1, 100000, NULL },
	{ "limits.on_limit", CT_ENUM, OFF(limits.on_limit), FONLIMIT_CONFIDENTIAL, 0, 0, "confidential|tempfail|scan-partial" },
	{ "limits.max_decoded_size", CT_INT64, OFF(limits.max_decoded_size), 104857600, 1024, 4294967296LL, NULL },
	{ "limits.max_compression_ratio", CT_INT, OFF(limits.max_compression_ratio), 100, 2, 100000, NULL },
	{ "limits.max_archive_depth", CT_INT, OFF(limits.max_archive_depth), 3, 0, 20, NULL },
	{ "limits.max_extract_time", CT_INT, OFF(limits.max_extract_time), 10, 1, 600, NULL },
	{ "limits.max_extract_memory", CT_INT64, OFF(limits.max_extract_memory), 536870912, 16777216, 17179869184LL, NULL },
	{ "limits.max_analysis_time", CT_INT, OFF(limits.max_analysis_time), 30, 1, 3600, NULL },
	{ "limits.on_encrypted_attachment", CT_ENUM, OFF(limits.on_encrypted_attachment), FONENC_CONFIDENTIAL, 0, 0, "confidential|ignore|tempfail" },
	{ "texts.reject_da", CT_STR, OFF(texts.reject_da), 0, 0, 0, FTEXT_REJECT_DA },
	{ "texts.reject_en", CT_STR, OFF(texts.reject_en), 0, 0, 0, FTEXT_REJECT_EN },
	{ "texts.new_thread_da", CT_STR, OFF(texts.new_thread_da), 0, 0, 0, FTEXT_NEW_THREAD_DA },
	{ "texts.new_thread_en", CT_STR, OFF(texts.new_thread_en), 0, 0, 0, FTEXT_NEW_THREAD_EN },
	{ "texts.report_da", CT_STR, OFF(texts.report_da), 0, 0, 0, "" },
	{ "texts.report_en", CT_STR, OFF(texts.report_en), 0, 0, 0, "" },
	{ "override.tag", CT_STR, OFF(override.tag), 0, 0, 0, "" },
	{ "smime.store", CT_STR, OFF(smime.store), 0, 0, 0, "/var/lib/fortrolig/smime" },
	{ "smime.ca_file", CT_STR, OFF(smime.ca_file), 0, 0, 0, "/etc/ssl/certs/ca-certificates.crt" },
	{ "smime.cipher", CT_ENUM, OFF(smime.cipher), FCIPHER_AES256_CBC, 0, 0, "aes-256-cbc|aes-256-gcm" },
	{ "smime.archive_cert", CT_STR, OFF(smime.archive_cert), 0, 0, 0, "" },
	{ "smime.encrypt_to_sender", CT_BOOL, OFF(smime.encrypt_to_sender), 0, 0, 1, NULL },
	{ "smime.rsa_oaep", CT_BOOL, OFF(smime.rsa_oaep), 0, 0, 1, NULL },
	{ "pgp.home", CT_STR, OFF(pgp.home), 0, 0, 0, "/var/lib/fortrolig/gnupg" },
	{ "protected_subject", CT_STR, OFF(protected_subject), 0, 0, 0, "Fortrolig meddelelse" },
	{ "mixed", CT_ENUM, OFF(mixed), FMIXED_REJECT_ALL, 0, 0, "reject-all|drop-and-notify" },
	{ "limits.spill_size", CT_INT64, OFF(spill_size), 1048576, 0, 2147483647LL, NULL },
	{ "limits.malloc_mmap_threshold", CT_INT64, OFF(mmap_threshold), 262144, 0, 33554432, NULL },
	{ "limits.malloc_arenas", CT_INT, OFF(malloc_arenas), 0, 0, 1024, NULL },
	{ "advice.sendmail", CT_STR, OFF(advice.sendmail), 0, 0, 0, "/usr/sbin/sendmail" },
	{ "advice.smtp", CT_STR, OFF(advice.smtp), 0, 0, 0, "" },
	{ "advice.from", CT_STR, OFF(advice.from), 0, 0, 0, "" },
	{ "hold.notify", CT_STR, OFF(hold.notify), 0, 0, 0, "" },
	{ "store.backend", CT_STR, OFF(store.backend), 0, 0, 0, "none" },
	{ "store.path", CT_STR, OFF(store.path), 0, 0, 0, FORTROLIG_STATEDIR "/thread" },
	{ "store.key_file", CT_STR, OFF(store.key_file), 0, 0, 0, FORTROLIG_STATEDIR "/thread.key" },
	{ "store.map_size", CT_INT64, OFF(store.map_size), 268435456, 1048576, 1099511627776LL, NULL },
	{ "store.ttl_days", CT_INT, OFF(store.ttl_days), 365, 1, 3650, NULL },
	{ "store.on_error", CT_ENUM, OFF(store.on_error), FSTORE_ERR_TEMPFAIL, 0, 0, "tempfail|ignore" },
	{ "store.redis.host", CT_STR, OFF(store.redis_host), 0, 0, 0, "127.0.0.1" },
	{ "store.redis.port", CT_INT, OFF(store.redis_port), 6379, 1, 65535, NULL },
	{ "store.redis.db", CT_INT, OFF(store.redis_db), 0, 0, 1000, NULL },
	{ "store.redis.password", CT_STR, OFF(store.redis_password), 0, 0, 0, "" },
	{ "store.redis.prefix", CT_STR, OFF(store.redis_prefix), 0, 0, 0, "fortrolig:" },
	{ "store.redis.timeout_ms", CT_INT, OFF(store.redis_timeout_ms), 500, 10, 60000, NULL },
	{ "store.redis.retries", CT_INT, OFF(store.redis_retries), 2, 0, 10, NULL },
	{ "tls_policy_map", CT_STR, OFF(tls.map), 0, 0, 0, "" },
	{ "tls_policy_format", CT_ENUM, OFF(tls.format), FTLSMAP_POSTFIX, 0, 0, "postfix|sendmail" },
	{ "spf.test_zone", CT_STR, OFF(spf.test_zone), 0, 0, 0, "" },
	{ "texts.spoof_da", CT_STR, OFF(spf.spoof_da), 0, 0, 0, FSENDER_SPOOF_DA },
	{ "texts.spoof_en", CT_STR, OFF(spf.spoof_en), 0, 0, 0, FSENDER_SPOOF_EN },
	{ "detectors.thread.enabled", CT_BOOL, OFF(thread.enabled), 1, 0, 1, NULL },
	{ "detectors.thread.min_hits", CT_INT, OFF(thread.min_hits), 4, 2, 1000, NULL },
	{ "detectors.thread.window", CT_INT, OFF(thread.window), 80, 10, 10000, NULL },
	{ "detectors.thread.min_words", CT_INT, OFF(thread.min_words), 15, 5, 10000, NULL },
};

/* Settings handled by hand (lists and groups), for the unknown-key check. */
static const char *const known_other[] = {
	"council", "council.senders", "council.auth_users", "council.monitor", "internal_domains",
	"domains", "detectors", "detectors.cpr", "detectors.keywords",
	"detectors.marking", "detectors.marking.sensitivity",
	"detectors.marking.msip_labels", "limits", "texts",
	"smime", "pgp", "advice", "hold", "store", "store.redis", "detectors.thread",
	"trusted_relays", "spf", "data_subject_actions", "override", "override.rules",
	"override.actions", NULL
};

static const char *const default_sensitivity[] = { "Private", "Company-Confidential", NULL };
static const char *const default_labels[] = {
	"Fortroligt", "Fortrolig", "Strengt fortroligt", "Confidential",
	"Highly Confidential", NULL
};

/* Mail the MTA host itself submits (sendmail(1), pickup) comes from loopback. */
static const char *const default_relays[] = { "127.0.0.0/8", "::1", NULL };

int
fconf_fail(struct loadctx *lc, const config_setting_t *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	const char *file = lc->file;
	int line = 0;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s) {
		line = (int)config_setting_source_line(s);
		if (config_setting_source_file(s))
			file = config_setting_source_file(s);
	}
	snprintf(lc->err, lc->errlen, "%s:%d: %s", file, line, msg);
	return -1;
}

char *
fconf_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

int
fconf_enum_index(const char *names, const char *val)
{
	size_t vl = strlen(val);
	int i = 0;

	for (const char *p = names; *p; i++) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n == vl && strncmp(p, val, n) == 0)
			return i;
		if (!bar)
			break;
		p = bar + 1;
	}
	return -1;
}

static int
load_scalar(struct loadctx *lc, const config_t *cfg, struct fconf *c,
    const struct centry *e)
{
	config_setting_t *s = config_lookup(cfg, e->path);
	char *base = (char *)c + e->off;

	if (s == NULL) {
		if (e->type == CT_STR) {
			*(char **)base = e->sdef ? fconf_strdup(e->sdef) : NULL;
			return e->sdef && *(char **)base == NULL ? fconf_fail(lc, NULL, "out of memory") : 0;
		}
		if (e->type == CT_INT64)
			*(long long *)base = e->def;
		else
			*(int *)base = (int)e->def;
		return 0;
	}
	switch (e->type) {
	case CT_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return fconf_fail(lc, s, "%s must be true or false", e->path);
		*(int *)base = config_setting_get_bool(s);
		return 0;
	case CT_INT:
	case CT_INT64: {
		long long v;
		if (config_setting_type(s) != CONFIG_TYPE_INT &&
		    config_setting_type(s) != CONFIG_TYPE_INT64)
			return fconf_fail(lc, s, "%s must be an integer", e->path);
		v = config_setting_get_int64(s);
		if (v < e->min || v > e->max)
			return fconf_fail(lc, s, "%s = %lld is out of range %lld..%lld",
			    e->path, v, e->min, e->max);
		if (e->type == CT_INT64)
			*(long long *)base = v;
		else
			*(int *)base = (int)v;
		return 0;
	}
	case CT_STR:
	case CT_ENUM: {
		const char *v;
		if (config_setting_type(s) != CONFIG_TYPE_STRING)
			return fconf_fail(lc, s, "%s must be a string", e->path);
		v = config_setting_get_string(s);
		if (e->type == CT_STR) {
			*(char **)base = fconf_strdup(v);
			return *(char **)base ? 0 : fconf_fail(lc, s, "out of memory");
		}
		*(int *)base = fconf_enum_index(e->sdef, v);
		if (*(int *)base < 0)
			return fconf_fail(lc, s, "%s = \"%s\" is not one of %s", e->path, v, e->sdef);
		return 0;
	}
	}
	return 0;
}

int
fconf_load_list(struct loadctx *lc, const config_t *cfg, const char *path,
    struct fstrlist *l, const char *const *def)
{
	config_setting_t *s = config_lookup(cfg, path);
	int n;

	if (s == NULL) {
		size_t k = 0;
		while (def && def[k])
			k++;
		l->v = calloc(k + 1, sizeof(char *));
		if (l->v == NULL)
			return fconf_fail(lc, NULL, "out of memory");
		for (l->n = 0; l->n < k; l->n++)
			if ((l->v[l->n] = fconf_strdup(def[l->n])) == NULL)
				return fconf_fail(lc, NULL, "out of memory");
		return 0;
	}
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return fconf_fail(lc, s, "%s must be a list of strings: [ \"a\", \"b\" ]", path);
	n = config_setting_length(s);
	l->v = calloc((size_t)n + 1, sizeof(char *));
	if (l->v == NULL)
		return fconf_fail(lc, s, "out of memory");
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return fconf_fail(lc, e, "%s: element %d must be a string", path, i + 1);
		if (*config_setting_get_string(e) == '\0')
			return fconf_fail(lc, e, "%s: element %d is empty", path, i + 1);
		if ((l->v[l->n++] = fconf_strdup(config_setting_get_string(e))) == NULL)
			return fconf_fail(lc, e, "out of memory");
	}
	return 0;
}

void
fconf_free_list(struct fstrlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Domains compare in faddr's form: lower case, A-labels, no trailing dot.
 * A glob that is not a domain name stays as written. */
int
fconf_norm_domain(char **p, int must, struct loadctx *lc, const config_setting_t *at_s,
    const char *path)
{
	char *at = strrchr(*p, '@'), *dom = at ? at + 1 : *p, out[256];
	size_t pre = (size_t)(dom - *p), n;
	char *q;

	if (faddr_domain_norm(dom, out, sizeof(out)) < 0)
		return must ? fconf_fail(lc, at_s, "%s: \"%s\" is not a domain name", path, *p) : 0;
	n = pre + strlen(out) + 1;
	if ((q = malloc(n)) == NULL)
		return fconf_fail(lc, NULL, "out of memory");
	memcpy(q, *p, pre);
	memcpy(q + pre, out, n - pre);
	free(*p);
	*p = q;
	return 0;
}

static int
norm_list(struct loadctx *lc, const config_t *cfg, struct fstrlist *l, int must,
    const char *path)
{
	config_setting_t *s = config_lookup(cfg, path);

	for (size_t i = 0; i < l->n; i++)
		if (fconf_norm_domain(&l->v[i], must, lc,
		    s ? config_setting_get_elem(s, (unsigned)i) : NULL, path) < 0)
			return -1;
	return 0;
}

static int
known_path(const char *path)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].path, path) == 0)
			return 1;
	for (size_t i = 0; known_other[i]; i++)
		if (strcmp(known_other[i], path) == 0)
			return 1;
	return 0;
}

/* A typo in a setting name must not silently fall back to a default. */
static int
check_unknown(struct loadctx *lc, config_setting_t *g, const char *prefix)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		char path[256];

		if (config_setting_name(s) == NULL)
			continue;
		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "",
		    config_setting_name(s));
		if (!known_path(path))
			return fconf_fail(lc, s, "unknown setting \"%s\"", path);
		if (config_setting_is_group(s) && check_unknown(lc, s, path) < 0)
			return -1;
	}
	return 0;
}

/* The metrics listener serves without authentication: loopback only. */
static int
check_metrics(struct loadctx *lc, const config_t *cfg, const struct fconf *c)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char why[160];

	if (c->metrics[0] == '\0' || fnet_loopback(c->metrics, &ss, &len, why, sizeof(why)) == 0)
		return 0;
	return fconf_fail(lc, config_lookup(cfg, "metrics"), "metrics = %s", why);
}

/* hold.notify: "" or one address, kept in faddr's normal form. */
static int
check_hold(struct loadctx *lc, const config_t *cfg, struct fconf *c)
{
	struct faddr a;
	char *n;

	if (c->hold.notify[0] == '\0')
		return 0;
	if (faddr_parse(c->hold.notify, &a) < 0 || a.domain[0] == '\0')
		return fconf_fail(lc, config_lookup(cfg, "hold.notify"),
		    "hold.notify = \"%s\" is not a mail address", c->hold.notify);
	if ((n = fconf_strdup(a.norm)) == NULL)
		return fconf_fail(lc, NULL, "out of memory");
	free(c->hold.notify);
	c->hold.notify = n;
	return 0;
}

/* Below 64 KiB nearly every allocation would be a mapping of its own. */
static int
check_malloc(struct loadctx *lc, const config_t *cfg, const struct fconf *c)
{
	if (c->mmap_threshold > 0 && c->mmap_threshold < 65536)
		return fconf_fail(lc, config_lookup(cfg, "limits.malloc_mmap_threshold"),
		    "limits.malloc_mmap_threshold must be 0 or at least 65536");
	return 0;
}

/* An unreadable map is no load error: every tls domain is then uncovered
 * (ftlsmap_enforced), and the milter warns once per load. */
static int
load_tls_map(struct loadctx *lc, const config_t *cfg, struct fconf *c)
{
	if (c->tls.map[0] == '\0')
		return 0;
	if (c->tls.map[0] != '/')
		return fconf_fail(lc, config_lookup(cfg, "tls_policy_map"),
		    "tls_policy_map must be an absolute path (the milter reloads after chdir /)");
	c->tls.parsed = ftlsmap_load(c->tls.map, (enum ftlsmap_format)c->tls.format,
	    c->tls.error, sizeof(c->tls.error));
	return 0;
}

static int
load_all(struct loadctx *lc, config_t *cfg, struct fconf *c, const char *words_default)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (load_scalar(lc, cfg, c, &table[i]) < 0)
			return -1;
	if (check_unknown(lc, config_root_setting(cfg), "") < 0 ||
	    fconf_load_list(lc, cfg, "council.senders", &c->council_senders, NULL) < 0 ||
	    fconf_load_list(lc, cfg, "council.auth_users", &c->auth_users, NULL) < 0 ||
	    fconf_load_list(lc, cfg, "council.monitor", &c->monitor_senders, NULL) < 0 ||
	    fconf_load_list(lc, cfg, "internal_domains", &c->internal_domains, NULL) < 0 ||
	    fconf_load_list(lc, cfg, "detectors.marking.sensitivity", &c->mark.sensitivity,
		default_sensitivity) < 0 ||
	    fconf_load_list(lc, cfg, "detectors.marking.msip_labels", &c->mark.msip_labels,
		default_labels) < 0 ||
	    fconf_load_list(lc, cfg, "trusted_relays", &c->trusted_relays, default_relays) < 0 ||
	    fconf_load_rules(lc, cfg, c) < 0 ||
	    norm_list(lc, cfg, &c->council_senders, 0, "council.senders") < 0 ||
	    norm_list(lc, cfg, &c->monitor_senders, 0, "council.monitor") < 0 ||
	    norm_list(lc, cfg, &c->internal_domains, 1, "internal_domains") < 0)
		return -1;
	if (check_metrics(lc, cfg, c) < 0 || check_hold(lc, cfg, c) < 0 ||
	    check_malloc(lc, cfg, c) < 0 || load_tls_map(lc, cfg, c) < 0)
		return -1;
	if (!fstore_known(c->store.backend))
		return fconf_fail(lc, config_lookup(cfg, "store.backend"),
		    "store.backend = \"%s\" is not one of %s", c->store.backend, fstore_names());
	if (strlen(c->store.redis_prefix) > 200)
		return fconf_fail(lc, config_lookup(cfg, "store.redis.prefix"),
		    "store.redis.prefix is longer than 200 characters");
	if (c->council_senders.n == 0 && c->auth_users.n == 0)
		return fconf_fail(lc, config_lookup(cfg, "council"),
		    "council: list at least one sender pattern or AUTH user");
	if (c->kw.dir == NULL && (c->kw.dir = fconf_strdup(words_default)) == NULL)
		return fconf_fail(lc, NULL, "out of memory");
	if (c->kw.enabled) {
		c->kw.dict = fkw_dict_load(c->kw.dir, lc->err, lc->errlen);
		if (c->kw.dict == NULL)
			return -1;
	}
	return 0;
}

struct fconf *
fconf_load(const char *path, const char *words_default, char *err, size_t errlen)
{
	struct loadctx lc = { path, err, errlen };
	struct fconf *c;
	config_t cfg;

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "%s:0: out of memory", path);
		return NULL;
	}
	__atomic_store_n(&c->refs, 1, __ATOMIC_RELAXED);
	c->path = fconf_strdup(path);
	config_init(&cfg);
	if (!config_read_file(&cfg, path)) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			snprintf(err, errlen, "%s:0: cannot read the file", path);
		else
			snprintf(err, errlen, "%s:%d: %s",
			    config_error_file(&cfg) ? config_error_file(&cfg) : path,
			    config_error_line(&cfg), config_error_text(&cfg));
		config_destroy(&cfg);
		fconf_unref(c);
		return NULL;
	}
	if (c->path == NULL || load_all(&lc, &cfg, c, words_default) < 0) {
		if (c->path == NULL)
			snprintf(err, errlen, "%s:0: out of memory", path);
		config_destroy(&cfg);
		fconf_unref(c);
		return NULL;
	}
	config_destroy(&cfg);
	return c;
}

struct fconf *
fconf_ref(struct fconf *c)
{
	__atomic_add_fetch(&c->refs, 1, __ATOMIC_ACQ_REL);
	return c;
}

void
fconf_unref(struct fconf *c)
{
	if (c == NULL || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].type == CT_STR)
			free(*(char **)((char *)c + table[i].off));
	fconf_free_list(&c->council_senders);
	fconf_free_list(&c->monitor_senders);
	fconf_free_list(&c->auth_users);
	fconf_free_list(&c->internal_domains);
	fconf_free_list(&c->trusted_relays);
	fconf_free_list(&c->mark.sensitivity);
	fconf_free_list(&c->mark.msip_labels);
	fconf_free_rules(c);
	fkw_dict_free(c->kw.dict);
	ftlsmap_free(c->tls.parsed);
	free(c->path);
	free(c);
}

int
fconf_list_match(const struct fstrlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (ftext_glob_casematch(l->v[i], s))
			return 1;
	return 0;
}

int
fconf_domain_internal(const struct fconf *c, const char *domain)
{
	for (size_t i = 0; i < c->internal_domains.n; i++) {
		const char *m = c->internal_domains.v[i];
		if (strcasecmp(m, domain) == 0 || (m[0] == '*' && m[1] == '.' &&
		    fconf_suffix_match(m, domain)))
			return 1;
	}
	return 0;
}
