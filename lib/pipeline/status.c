/* status: one way to fail. Every failure class of fortrolig.h maps to its
 * consequence here and nowhere else, as OpenDKIM's dkimf_libstatus does;
 * the classes the admin can choose for read their setting. */
#include "config.h"

#include "fortrolig.h"

static const char *const names[FORT_STAT_COUNT] = {
	"ok", "no resource", "internal error", "analysis limit", "encrypted attachment",
	"thread memory", "key store", "spoofed sender",
};

const char *
fort_stat_name(enum fort_stat st)
{
	return (unsigned)st < FORT_STAT_COUNT ? names[st] : "?";
}

enum fort_fail
fort_stat_action(const struct fconf *c, enum fort_stat st)
{
	switch (st) {
	case FORT_OK:
		return FORT_FAIL_IGNORE;
	case FORT_LIMIT:
		return c->limits.on_limit == FONLIMIT_CONFIDENTIAL ? FORT_FAIL_CONFIDENTIAL :
		    c->limits.on_limit == FONLIMIT_TEMPFAIL ? FORT_FAIL_TEMPFAIL : FORT_FAIL_IGNORE;
	case FORT_ENCRYPTED:
		return c->limits.on_encrypted_attachment == FONENC_CONFIDENTIAL ?
		    FORT_FAIL_CONFIDENTIAL : c->limits.on_encrypted_attachment == FONENC_TEMPFAIL ?
		    FORT_FAIL_TEMPFAIL : FORT_FAIL_IGNORE;
	case FORT_STORE:
		return c->store.on_error == FSTORE_ERR_TEMPFAIL ? FORT_FAIL_TEMPFAIL :
		    FORT_FAIL_IGNORE;
	case FORT_SPOOFED:
		return c->mode == FMODE_MONITOR ? FORT_FAIL_IGNORE : FORT_FAIL_REJECT;
	case FORT_NORESOURCE:
	case FORT_INTERNAL:
	case FORT_KEYSTORE:
	default:
		return FORT_FAIL_TEMPFAIL;
	}
}
