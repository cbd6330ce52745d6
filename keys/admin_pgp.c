/* admin_pgp: fortrolig-certs on the GnuPG home, through GPGME. Public keys
 * only. A key that imports but is not usable (expired, revoked, no
 * encryption subkey) is deleted again when the import added it, and the
 * import is refused with the reason. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keys/admin.h"
#include "keys/pgp.h"

static gpgme_ctx_t
open_home(const struct fconf *c)
{
	char err[256];
	gpgme_ctx_t ctx = fkeys_pgp_ctx(c->pgp.home, err, sizeof(err));

	if (ctx == NULL)
		fprintf(stderr, "fortrolig-certs: %s: %s\n", c->pgp.home, err);
	return ctx;
}

/* One imported key: kept when usable, else deleted again if new. */
static int
check_imported(gpgme_ctx_t ctx, const char *path, const char *fpr, int isnew)
{
	gpgme_key_t k = NULL;
	gpgme_error_t e;
	char why[128];
	const char *addr;

	if ((e = gpgme_get_key(ctx, fpr, &k, 0)) != 0) {
		fprintf(stderr, "fortrolig-certs: %s: %s\n", fpr, gpgme_strerror(e));
		return FCA_ERR;
	}
	addr = k->uids && k->uids->address ? k->uids->address : "-";
	if (fkeys_pgp_key_usable(k, why, sizeof(why))) {
		printf("%s: %s pgp %s (%s)\n", path, isnew ? "imported" : "already imported",
		    fpr, addr);
		gpgme_key_unref(k);
		return FCA_OK;
	}
	printf("%s: refused %s (%s): %s\n", path, fpr, addr, why);
	if (isnew && (e = gpgme_op_delete_ext(ctx, k, GPGME_DELETE_FORCE)) != 0) {
		fprintf(stderr, "fortrolig-certs: cannot delete %s again: %s\n", fpr,
		    gpgme_strerror(e));
		gpgme_key_unref(k);
		return FCA_ERR;
	}
	gpgme_key_unref(k);
	return FCA_NO;
}

/* The import result belongs to the context and dies with its next
 * operation, so the fingerprints are copied out first. */
static int
check_all(gpgme_ctx_t ctx, const char *path, gpgme_import_result_t ir)
{
	struct fpr { char fpr[64]; int isnew; } *v;
	size_t n = 0, k = 0;
	int r = FCA_OK;

	for (gpgme_import_status_t s = ir->imports; s; s = s->next)
		n++;
	if ((v = calloc(n ? n : 1, sizeof(*v))) == NULL) {
		fprintf(stderr, "fortrolig-certs: out of memory\n");
		return FCA_ERR;
	}
	for (gpgme_import_status_t s = ir->imports; s; s = s->next) {
		if (s->result != 0 || s->fpr == NULL) {
			printf("%s: refused %s: %s\n", path, s->fpr ? s->fpr : "?",
			    gpgme_strerror(s->result));
			r = FCA_NO;
			continue;
		}
		fstrlcpy(v[k].fpr, s->fpr, sizeof(v[k].fpr));
		v[k++].isnew = (s->status & GPGME_IMPORT_NEW) != 0;
	}
	for (size_t i = 0; i < k; i++) {
		int x = check_imported(ctx, path, v[i].fpr, v[i].isnew);
		if (x > r)
			r = x;
	}
	free(v);
	return r;
}

int
fca_pgp_import(const struct fconf *c, const char *path)
{
	gpgme_ctx_t ctx;
	gpgme_data_t d = NULL;
	gpgme_import_result_t ir;
	gpgme_error_t e;
	int r;

	if (fca_ensure_dir(c, c->pgp.home, "pgp.home") < 0 || (ctx = open_home(c)) == NULL)
		return FCA_ERR;
	if ((e = gpgme_data_new_from_file(&d, path, 1)) != 0 ||
	    (e = gpgme_op_import(ctx, d)) != 0) {
		fprintf(stderr, "fortrolig-certs: %s: %s\n", path, gpgme_strerror(e));
		gpgme_data_release(d);
		gpgme_release(ctx);
		return FCA_ERR;
	}
	gpgme_data_release(d);
	ir = gpgme_op_import_result(ctx);
	if (ir == NULL || ir->considered == 0 || ir->imports == NULL) {
		printf("%s: refused: no OpenPGP public key in the file\n", path);
		r = FCA_NO;
	} else
		r = check_all(ctx, path, ir);
	gpgme_release(ctx);
	return r;
}

static time_t
key_expires(gpgme_key_t k)
{
	return k->subkeys && k->subkeys->expires > 0 ? (time_t)k->subkeys->expires : 0;
}

/* The keyring opened and a key listing started, or NULL (reported). */
static gpgme_ctx_t
start_listing(const struct fconf *c)
{
	gpgme_ctx_t ctx = open_home(c);
	gpgme_error_t e;

	if (ctx == NULL)
		return NULL;
	if ((e = gpgme_op_keylist_start(ctx, NULL, 0)) != 0) {
		fprintf(stderr, "fortrolig-certs: %s: %s\n", c->pgp.home, gpgme_strerror(e));
		gpgme_release(ctx);
		return NULL;
	}
	return ctx;
}

int
fca_pgp_each(const struct fconf *c, fca_cb cb, void *arg)
{
	gpgme_ctx_t ctx;
	gpgme_key_t k;
	char why[128];

	if (fca_missing(c->pgp.home))
		return FCA_OK;
	if ((ctx = start_listing(c)) == NULL)
		return FCA_ERR;
	while (gpgme_op_keylist_next(ctx, &k) == 0) {
		struct fca_entry en = { "-", "pgp", k->fpr ? k->fpr : "?", key_expires(k), 0, why };
		int any = 0;
		en.usable = fkeys_pgp_key_usable(k, why, sizeof(why));
		for (gpgme_user_id_t u = k->uids; u; u = u->next)
			if (u->address && *u->address) {
				en.addr = u->address;
				cb(&en, arg);
				any = 1;
			}
		if (!any)
			cb(&en, arg);
		gpgme_key_unref(k);
	}
	gpgme_op_keylist_end(ctx);
	gpgme_release(ctx);
	return FCA_OK;
}

static int
key_matches(gpgme_key_t k, const char *what)
{
	if (k->fpr && fca_fpr_eq(k->fpr, what))
		return 1;
	for (gpgme_user_id_t u = k->uids; u; u = u->next)
		if (u->address && strcasecmp(u->address, what) == 0)
			return 1;
	return 0;
}

/* Keys are collected first and deleted after the listing ends, so gpg
 * never edits the keyring under an open listing. */
int
fca_pgp_remove(const struct fconf *c, const char *what, int *removed)
{
	gpgme_ctx_t ctx;
	gpgme_key_t k, *v = NULL, *nv;
	gpgme_error_t e;
	size_t n = 0;
	int r = FCA_OK;

	if (fca_missing(c->pgp.home))
		return FCA_OK;
	if ((ctx = start_listing(c)) == NULL)
		return FCA_ERR;
	while (gpgme_op_keylist_next(ctx, &k) == 0) {
		if (!key_matches(k, what) || (nv = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
			r = key_matches(k, what) ? FCA_ERR : r;
			gpgme_key_unref(k);
			continue;
		}
		v = nv;
		v[n++] = k;
	}
	gpgme_op_keylist_end(ctx);
	for (size_t i = 0; i < n; i++) {
		if ((e = gpgme_op_delete_ext(ctx, v[i], GPGME_DELETE_FORCE)) != 0) {
			fprintf(stderr, "fortrolig-certs: cannot remove %s: %s\n", v[i]->fpr,
			    gpgme_strerror(e));
			r = FCA_ERR;
		} else {
			printf("removed pgp %s\n", v[i]->fpr);
			(*removed)++;
		}
		gpgme_key_unref(v[i]);
	}
	free(v);
	gpgme_release(ctx);
	return r;
}
