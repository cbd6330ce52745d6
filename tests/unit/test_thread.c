/* test_thread: the thread memory. Message-ID normalisation, winnowing
 * (stable; robust to re-wrapping, quote markers and small edits), the
 * threshold (a shared signature, disclaimer or greeting never matches),
 * expiry, and one store suite run against both backends: LMDB in a temp
 * dir and a real redis-server (Debian) started on a free loopback port
 * and stopped by its PID. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/buffer.h"
#include "conf/config.h"
#include "analyse/message.h"
#include "decide/decide.h"
#include "memory/internal.h"
#include "memory/mac.h"
#include "memory/siphash.h"
#include "memory/thread.h"
#include "memory/winnow.h"
#include "tfort.h"
#include "tutil.h"
#include "tmain.h"

static char *tmpdir, *words;
static int redis_port;
static pid_t redis_pid;

static struct fconf *
conf(const char *store)
{
	static int n;
	char err[1024], *text, *path, name[48];
	struct fconf *c;

	ck_assert_int_ge(asprintf(&text,
	    "council = { senders = [ \"*@bakkeby.dk\" ]; };\n"
	    "internal_domains = [ \"bakkeby.dk\" ];\n"
	    "domains = ( { match = \"*\"; actions = [ \"reject\" ]; } );\n%s", store), 0);
	snprintf(name, sizeof(name), "t%d-%d.conf", (int)getpid(), n++);
	path = tu_write(tmpdir, name, text);
	ck_assert_ptr_nonnull(path);
	c = fconf_load(path, words, err, sizeof(err));
	ck_assert_msg(c != NULL, "config: %s", err);
	free(text);
	free(path);
	return c;
}

/* A fresh LMDB store per call, or the shared redis-server with a fresh prefix. */
static struct fconf *
store_conf(int redis)
{
	static int n;
	char extra[1024];

	n++;
	if (redis)
		snprintf(extra, sizeof(extra), "store = { backend = \"redis\"; key_file = \"%s/k%d-%d\";"
		    " redis = { port = %d; prefix = \"t%d-%d:\"; }; };\n",
		    tmpdir, (int)getpid(), n, redis_port, (int)getpid(), n);
	else
		snprintf(extra, sizeof(extra), "store = { backend = \"lmdb\"; path = \"%s/db%d-%d\";"
		    " key_file = \"%s/k%d-%d\"; map_size = 4194304; };\n",
		    tmpdir, (int)getpid(), n, tmpdir, (int)getpid(), n);
	return conf(extra);
}

START_TEST(msgid_norm)
{
	char out[256];

	ck_assert_uint_eq(fthr_msgid_norm(" <AbC.123@Host.DK> ", 19, out, sizeof(out)), 15);
	ck_assert_str_eq(out, "abc.123@host.dk");
	fthr_msgid_norm("<a@b>\r\n (comment)", 17, out, sizeof(out));
	ck_assert_str_eq(out, "a@b");
	fthr_msgid_norm("<x\r\n\t@y>", 8, out, sizeof(out));
	ck_assert_str_eq(out, "x@y");
	ck_assert_uint_eq(fthr_msgid_norm("<>", 2, out, sizeof(out)), 0);
	ck_assert_uint_eq(fthr_msgid_norm("<abcdef@x>", 10, out, 4), 0);   /* too long */
}
END_TEST

static const char para[] =
    "Inger Marie har faaet det markant daarligere i loebet af det seneste halve aar. "
    "Hun er faldet tre gange i hjemmet siden sommerferien, senest en nat hvor hun laa "
    "paa koekkengulvet, til hjemmeplejen kom om morgenen. Datteren fortaeller, at moren "
    "ofte glemmer at spise og flere gange ikke har kunnet finde hjem fra Brugsen.";

static void
fps(const char *text, struct ffps *f)
{
	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(fwin_fingerprints(text, strlen(text), f), 0);
}

/* Fingerprints of b also found in a. */
static size_t
shared(const struct ffps *a, const struct ffps *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->n; i++)
		for (size_t j = 0; j < a->n; j++)
			if (a->v[j].h == b->v[i].h) {
				n++;
				break;
			}
	return n;
}

START_TEST(winnow_stable)
{
	struct ffps a, b;

	fps(para, &a);
	fps(para, &b);
	ck_assert_uint_gt(a.n, 10);
	ck_assert_uint_eq(a.n, b.n);
	for (size_t i = 0; i < a.n; i++)
		ck_assert(a.v[i].h == b.v[i].h && a.v[i].pos == b.v[i].pos);
	/* Winnowing keeps at least one gram per window of FWIN_W. */
	for (size_t i = 1; i < a.n; i++)
		ck_assert_uint_le(a.v[i].pos - a.v[i - 1].pos, FWIN_W);
	ffps_free(&a);
	ffps_free(&b);
}
END_TEST

START_TEST(winnow_robust)
{
	struct fbuf q;
	struct ffps a, b;
	size_t col = 0;

	fps(para, &a);
	/* Re-wrapped at 40 columns, quoted twice, upper-cased, punctuation changed. */
	fbuf_init(&q, 0);
	fbuf_adds(&q, "> > ");
	for (const char *p = para; *p; p++) {
		char ch = *p;
		if (ch == ' ' && col > 40) {
			fbuf_adds(&q, "\n> > ");
			col = 0;
			continue;
		}
		fbuf_addc(&q, ch == ',' ? ';' : (ch >= 'a' && ch <= 'z' && col % 7 == 0) ?
		    (char)(ch - 32) : ch);
		col++;
	}
	fps(fbuf_str(&q), &b);
	ck_assert_uint_eq(shared(&a, &b), b.n);
	ck_assert_uint_eq(a.n, b.n);
	ffps_free(&b);
	fbuf_free(&q);
	/* A small edit loses only the grams around it. */
	{
		char *edit = strdup(para), *w = strstr(edit, "morgenen");
		memcpy(w, "aftenen.", 8);
		fps(edit, &b);
		ck_assert_uint_ge(shared(&a, &b) + 4, b.n);
		ck_assert_uint_ge(shared(&a, &b) * 10, a.n * 7);
		ffps_free(&b);
		free(edit);
	}
	ffps_free(&a);
}
END_TEST

START_TEST(clean_drops_boilerplate)
{
	static const char text[] =
	    "Hej Anne\n\nTak for mødet i går.\n\nMed venlig hilsen\n\nKasper Lind\n"
	    "Byggesagsbehandler\nBakkeby Kommune\nTlf. 72 14 36 12\n\n"
	    "Denne e-mail kan indeholde fortrolige oplysninger. Er du ikke den rette "
	    "modtager, bedes du slette e-mailen.\n";
	struct fbuf out;

	fbuf_init(&out, 0);
	ck_assert_int_eq(fwin_clean(text, sizeof(text) - 1, &out), 0);
	ck_assert_str_eq(fbuf_str(&out), "tak for mødet i går.\n\n");
	fbuf_free(&out);
}
END_TEST

#define SIG "\r\nMed venlig hilsen\r\n\r\nKasper Lind\r\nByggesagsbehandler\r\n" \
	"Byg, Plan og Miljoe\r\nBakkeby Kommune\r\nRaadhustorvet 1, 7190 Bakkeby\r\n" \
	"Tlf. 72 14 36 12\r\n\r\nDenne e-mail kan indeholde fortrolige oplysninger. Er du " \
	"ikke den rette modtager, bedes du give besked til afsenderen og slette e-mailen.\r\n" \
	"\r\nSikker post: Send ikke fortrolige eller foelsomme personoplysninger til Bakkeby " \
	"Kommune med almindelig e-mail. Brug i stedet Digital Post via borger.dk. Laes om, " \
	"hvordan vi behandler dine personoplysninger, paa bakkeby.dk/persondata.\r\n"
#define MSG(id, extra, subject, body) \
	"From: Kasper Lind <kali@bakkeby.dk>\r\nTo: Anne <anne@bakkeby.dk>\r\n" \
	"Subject: " subject "\r\nMessage-ID: <" id ">\r\n" extra \
	"Content-Type: text/plain; charset=utf-8\r\n\r\n" body

static const char learned[] = MSG("orig-1@bakkeby.dk", "", "FORTROLIGT: borger",
    "Hej Anne\r\n\r\n" "Inger Marie har faaet det markant daarligere i loebet af det seneste "
    "halve aar. Hun er faldet tre gange i hjemmet siden sommerferien, senest en nat hvor hun "
    "laa paa koekkengulvet, til hjemmeplejen kom om morgenen.\r\n" SIG);
static const char other_same_sig[] = MSG("other-2@bakkeby.dk", "", "Vejbump",
    "Hej Anne\r\n\r\nVejafdelingen har maalt trafikken i uge 38 paa Skolevej: ca. 1.900 "
    "biler i doegnet og en gennemsnitshastighed paa 47 km/t.\r\n" SIG);
static const char pasted[] = MSG("new-3@bakkeby.dk", "", "Plejeboliger",
    "Hej Louise\r\n\r\nEt eksempel: hun er faldet tre gange i hjemmet siden "
    "sommerferien, senest en nat hvor hun laa paa koekkengulvet, til hjemmeplejen kom "
    "om morgenen. Saadan kan vi ikke vaere bekendt.\r\n\r\nMvh Birgitte\r\n");
static const char reply[] = MSG("reply-4@gmail.com",
    "In-Reply-To: <ORIG-1@bakkeby.dk>\r\nReferences: <x@y> <orig-1@bakkeby.dk>\r\n",
    "Ny sag", "Tak, jeg ringer.\r\n");
static const char unrelated[] = MSG("reply-5@gmail.com",
    "In-Reply-To: <other-2@bakkeby.dk>\r\n", "SV: Vejbump", "Tak, jeg ringer.\r\n");

/* A housing association's contact block, with no closing line before it. */
#define BLOCK "\r\nBoligselskabet Soebo - Afdeling 12 Kaerhaven\r\nKaerhaven 2, 5790 Bakkeby\r\n" \
	"Kontortid: mandag-fredag kl. 9-12, torsdag ogsaa kl. 15-17\r\n" \
	"Telefon 62 22 33 44 - kontor@soebo.dk - www.soebo.dk\r\n" \
	"Akut skade uden for kontortid: ring til vagtordningen paa 70 20 30 40\r\n"
static const char block_learned[] = MSG("soebo-1@soebo.dk", "", "Beboer i nr. 14",
    "Kaere Anne\r\n\r\nElna Hviid i nr. 14 er blevet meget glemsom, har to gange glemt "
    "komfuret taendt og kan ikke altid kende naboerne, og vi kan ikke faa fat i soennen.\r\n"
    BLOCK);
static const char block_other[] = MSG("soebo-2@soebo.dk", "", "Sommerfest",
    "Kaere Anne\r\n\r\nVi holder sommerfest i gaarden loerdag den 20. juni og vil gerne "
    "have dig med. Der er grill og musik.\r\n" BLOCK);

static void
check_msg(struct fthr *t, const struct fconf *c, const char *raw, struct ffindings *f,
    struct fthr_hits *h)
{
	struct fmsg m;
	char err[256];

	ck_assert_int_eq(fmsg_analyse(c, raw, strlen(raw), &m), 0);
	memset(f, 0, sizeof(*f));
	memset(h, 0, sizeof(*h));
	ck_assert_msg(fthr_check(t, c, &m, f, h, err, sizeof(err)) == 0, "check: %s", err);
	fmsg_free(&m);
}

static void
learn_msg(struct fthr *t, const struct fconf *c, const char *raw, unsigned cats)
{
	struct fmsg m;
	char err[256];

	ck_assert_int_eq(fmsg_analyse(c, raw, strlen(raw), &m), 0);
	ck_assert_msg(fthr_learn(t, c, &m, cats, NULL, err, sizeof(err)) == 0, "learn: %s", err);
	fmsg_free(&m);
}

static int
has(const struct ffindings *f, enum fcat cat, enum fwhere where)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].cat == cat && f->v[i].where == where)
			return 1;
	return 0;
}

/* The detector on top of a store: run for both backends (_i: 0 lmdb, 1 redis). */
START_TEST(detector)
{
	struct fconf *c = store_conf(_i);
	char err[512];
	struct fthr *t = fthr_open(c, err, sizeof(err));
	struct ffindings f;
	struct fthr_hits h;

	ck_assert_msg(t != NULL, "open: %s", err);
	learn_msg(t, c, learned, 1u << FCAT_HEALTH | 1u << FCAT_MARKING);
	/* A trimmed reply: only the References name the remembered mail. */
	check_msg(t, c, reply, &f, &h);
	ck_assert(has(&f, FCAT_THREAD, FWHERE_HEADER) && has(&f, FCAT_HEALTH, FWHERE_HEADER));
	ck_assert_uint_eq(h.n, 1);
	ck_assert_uint_eq(strlen(h.v[0].id), 16);
	ck_assert_int_ge(h.v[0].learned, time(NULL) - 60);
	ffindings_free(&f);
	/* Two sentences pasted into a new mail. */
	check_msg(t, c, pasted, &f, &h);
	ck_assert(has(&f, FCAT_THREAD, FWHERE_BODY));
	ck_assert_int_ge(h.v[0].hits, c->thread.min_hits);
	ffindings_free(&f);
	/* Same signature, greeting, disclaimer and privacy footer, other
	 * content: nothing. */
	check_msg(t, c, other_same_sig, &f, &h);
	ck_assert_uint_eq(f.n, 0);
	ffindings_free(&f);
	check_msg(t, c, unrelated, &f, &h);
	ck_assert_uint_eq(f.n, 0);
	ffindings_free(&f);
	/* A contact block of any shape carries no match. */
	learn_msg(t, c, block_learned, 1u << FCAT_HEALTH);
	check_msg(t, c, block_other, &f, &h);
	ck_assert_uint_eq(f.n, 0);
	ffindings_free(&f);
	fthr_close(t);
	fconf_unref(c);
}
END_TEST

/* The store interface itself, for both backends. */
START_TEST(store_suite)
{
	struct fconf *c = store_conf(_i);
	const struct fstore_ops *ops = _i ? &fstore_redis_ops : &fstore_lmdb_ops;
	char err[512];
	struct fstore *s = ops->open(c, err, sizeof(err));
	uint8_t keys[3][FSTORE_KEYLEN];
	struct fthr_val live = { { 1, 2, 3, 4, 5, 6, 7, 8 }, 0x41, 0, 0 }, dead = live, got[3];
	int found[3];
	int64_t now = (int64_t)time(NULL);

	ck_assert_msg(s != NULL, "open: %s", err);
	memset(keys, 0, sizeof(keys));
	keys[0][0] = 1;
	keys[1][0] = 2;
	keys[2][0] = 3;
	live.learned = now;
	live.expires = now + 3600;
	dead.learned = now - 7200;
	dead.expires = now - 3600;
	ck_assert_int_eq(ops->put(s, (const uint8_t (*)[FSTORE_KEYLEN])keys, 1, &live, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(ops->put(s, (const uint8_t (*)[FSTORE_KEYLEN])keys + 1, 1, &dead, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(ops->get(s, (const uint8_t (*)[FSTORE_KEYLEN])keys, 3, got, found, err,
	    sizeof(err)), 0);
	ck_assert(found[0] && !found[1] && !found[2]);
	ck_assert(memcmp(got[0].id, live.id, FTHR_IDLEN) == 0 && got[0].cats == 0x41);
	ck_assert(got[0].learned == live.learned && got[0].expires == live.expires);
	/* Expired entries go: LMDB by the incremental purge, Redis by its TTL. */
	ck_assert_int_eq(ops->purge(s, now, 100, err, sizeof(err)), _i ? 0 : 1);
	ck_assert_int_eq(ops->get(s, (const uint8_t (*)[FSTORE_KEYLEN])keys, 3, got, found, err,
	    sizeof(err)), 0);
	ck_assert(found[0] && !found[1]);
	ops->close(s);
	fconf_unref(c);
}
END_TEST

START_TEST(key_file)
{
	uint8_t k1[32], k2[32];
	char err[256], *path;

	ck_assert_int_ge(asprintf(&path, "%s/key-%d", tmpdir, (int)getpid()), 0);
	ck_assert_int_eq(fthr_key_load(path, k1, err, sizeof(err)), 0);
	ck_assert_int_eq(fthr_key_load(path, k2, err, sizeof(err)), 0);
	ck_assert(memcmp(k1, k2, 32) == 0);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(fthr_key_load(path, k2, err, sizeof(err)), -1);
	ck_assert(strstr(err, "chmod 600") != NULL);
	free(path);
}
END_TEST

/* The precomputed-pad HMAC equals OpenSSL's one-shot HMAC(): the stored keys
 * of an existing thread memory stay valid. */
START_TEST(mac_equals_hmac)
{
	uint8_t key[32], data[300], want[EVP_MAX_MD_SIZE], got[32], buf[301];
	unsigned wl = 0;
	struct fmac m;
	void *w;

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 1);
	ck_assert_int_eq(fmac_init(&m, key, sizeof(key)), 0);
	ck_assert_ptr_nonnull(w = fmac_work());
	for (size_t len = 0; len < sizeof(data); len += 37) {
		for (size_t i = 0; i < len; i++)
			data[i] = (uint8_t)(i * 13 + len);
		buf[0] = 'f';
		memcpy(buf + 1, data, len);
		ck_assert_ptr_nonnull(HMAC(EVP_sha256(), key, sizeof(key), buf, len + 1, want, &wl));
		ck_assert_int_eq(fmac_sum(&m, w, 'f', data, len, got, sizeof(got)), 0);
		ck_assert_mem_eq(got, want, sizeof(got));
	}
	fmac_work_free(w);
	fmac_free(&m);
}
END_TEST

/* SipHash-2-4-128 equals OpenSSL's SIPHASH MAC (16-byte output), and the
 * published vector for the empty message under the key 00..0f. */
START_TEST(siphash_equals_openssl)
{
	static const uint8_t empty[16] = { 0xa3, 0x81, 0x7f, 0x04, 0xba, 0x25, 0xa8, 0xe6,
	    0x6d, 0xf6, 0x72, 0x14, 0xc7, 0x55, 0x02, 0x93 };
	uint8_t key[16], data[80], got[16], want[16];
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
	struct fsip s;

	ck_assert_ptr_nonnull(mac);
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	fsip_init(&s, key);
	fsip_sum(&s, NULL, 0, got);
	ck_assert_mem_eq(got, empty, sizeof(got));
	for (size_t len = 0; len < sizeof(data); len++) {
		EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
		size_t size = 16, wl = 0;
		OSSL_PARAM p[] = { OSSL_PARAM_size_t(OSSL_MAC_PARAM_SIZE, &size), OSSL_PARAM_END };
		for (size_t i = 0; i < len; i++)
			data[i] = (uint8_t)(i * 31 + len);
		key[len % 16] ^= (uint8_t)len;
		ck_assert_ptr_nonnull(ctx);
		ck_assert_int_eq(EVP_MAC_init(ctx, key, sizeof(key), p), 1);
		ck_assert_int_eq(EVP_MAC_update(ctx, data, len), 1);
		ck_assert_int_eq(EVP_MAC_final(ctx, want, &wl, sizeof(want)), 1);
		ck_assert_uint_eq(wl, 16);
		fsip_init(&s, key);
		fsip_sum(&s, data, len, got);
		ck_assert_mem_eq(got, want, sizeof(got));
		EVP_MAC_CTX_free(ctx);
	}
	EVP_MAC_free(mac);
}
END_TEST

/* What an older fortrolig stored for raw: HMAC fingerprint keys. */
static void
legacy_learn(const struct fstore_ops *ops, struct fstore *st, const struct fconf *c,
    const char *raw)
{
	uint8_t key[32], (*keys)[FSTORE_KEYLEN];
	struct fthr_val v = { { 9, 9, 9, 9, 9, 9, 9, 9 }, 1u << FCAT_HEALTH, 0, 0 };
	struct fmac mac;
	struct fmsg m;
	char err[256];
	void *w;

	ck_assert_int_eq(fthr_key_load(c->store.key_file, key, err, sizeof(err)), 0);
	ck_assert_int_eq(fmac_init(&mac, key, sizeof(key)), 0);
	ck_assert_ptr_nonnull(w = fmac_work());
	ck_assert_int_eq(fmsg_analyse(c, raw, strlen(raw), &m), 0);
	v.learned = (int64_t)time(NULL);
	v.expires = v.learned + 3600;
	for (size_t i = 0; i < m.segs.n; i++) {
		struct ffps f = { 0 };
		if (m.segs.v[i].where != FWHERE_BODY)
			continue;
		ck_assert_int_eq(fwin_fingerprints(m.segs.v[i].text, m.segs.v[i].len, &f), 0);
		ck_assert_ptr_nonnull(keys = calloc(f.n + 1, FSTORE_KEYLEN));
		for (size_t j = 0; j < f.n; j++)
			ck_assert_int_eq(fmac_sum(&mac, w, 'f', &f.v[j].h, sizeof(f.v[j].h), keys[j],
			    FSTORE_KEYLEN), 0);
		ck_assert_int_eq(ops->put(st, (const uint8_t (*)[FSTORE_KEYLEN])keys, f.n, &v, err,
		    sizeof(err)), 0);
		free(keys);
		ffps_free(&f);
	}
	fmsg_free(&m);
	fmac_work_free(w);
	fmac_free(&mac);
}

/* An upgrade forgets nothing: fingerprints an older fortrolig stored as HMAC
 * keys still match until they expire; a new store never pays for them. */
START_TEST(format_upgrade)
{
	struct fconf *c = store_conf(_i), *fresh = store_conf(_i);
	const struct fstore_ops *ops = _i ? &fstore_redis_ops : &fstore_lmdb_ops;
	char err[512];
	struct fstore *st = ops->open(c, err, sizeof(err));
	struct fthr *t;
	struct ffindings f;
	struct fthr_hits h;

	ck_assert_msg(st != NULL, "open: %s", err);
	legacy_learn(ops, st, c, learned);
	ops->close(st);
	for (int round = 0; round < 2; round++) {   /* the format record, then read back */
		ck_assert_msg((t = fthr_open(c, err, sizeof(err))) != NULL, "open: %s", err);
		ck_assert_int_gt(t->legacy_until, (int64_t)time(NULL) + 86400);
		check_msg(t, c, pasted, &f, &h);
		ck_assert(has(&f, FCAT_THREAD, FWHERE_BODY));
		ffindings_free(&f);
		fthr_close(t);
	}
	/* Redis's DBSIZE counts the other tests' keys: only LMDB is empty here. */
	ck_assert_msg((t = fthr_open(fresh, err, sizeof(err))) != NULL, "open: %s", err);
	if (_i == 0)
		ck_assert_int_eq(t->legacy_until, 0);
	learn_msg(t, fresh, learned, 1u << FCAT_HEALTH);
	check_msg(t, fresh, pasted, &f, &h);
	ck_assert(has(&f, FCAT_THREAD, FWHERE_BODY));
	ffindings_free(&f);
	fthr_close(t);
	fconf_unref(c);
	fconf_unref(fresh);
}
END_TEST

/* A store that cannot answer: outbound member mail is tempfailed. */
START_TEST(store_down)
{
	char extra[512];
	struct fconf *c;
	struct fort_lib *l;
	struct fpol_verdict v;
	const char *rcpt[] = { "x@gmail.com" };

	snprintf(extra, sizeof(extra), "store = { backend = \"redis\"; key_file = \"%s/kd-%d\";"
	    " redis = { port = %d; retries = 0; }; };\n", tmpdir, (int)getpid(), redis_port);
	c = conf(extra);
	l = tf_lib(c, 1);
	kill(redis_pid, SIGSTOP);   /* unreachable: timeouts */
	ck_assert_int_eq(tf_run(l, FORT_LEARN_AUTO, reply, strlen(reply), "anne@bakkeby.dk", NULL,
	    rcpt, 1, &v), 0);
	kill(redis_pid, SIGCONT);
	ck_assert(v.store_error);
	ck_assert_int_eq(v.outcome, FPOL_TEMPFAIL);
	ck_assert_int_eq(v.fail, FORT_STORE);
	fpol_verdict_free(&v);
	/* Back again: the lost connection is re-opened and the store answers. */
	ck_assert_int_eq(tf_run(l, FORT_LEARN_AUTO, reply, strlen(reply), "anne@bakkeby.dk", NULL,
	    rcpt, 1, &v), 0);
	ck_assert_msg(!v.store_error, "store: %s", v.store_reason);
	ck_assert_int_eq(v.outcome, FPOL_DELIVER);
	fpol_verdict_free(&v);
	fort_lib_close(l);
	fconf_unref(c);
}
END_TEST

/* A store that cannot answer the lookup cannot learn either: a citizen's
 * confidential mail to a member is tempfailed (her server retries it), not
 * passed unlearnt; with on_error = "ignore" it passes, logged as not learnt. */
START_TEST(store_down_inbound)
{
	static const char inbound[] = "From: Jens <jens@gmail.com>\r\nTo: Anne <anne@bakkeby.dk>\r\n"
	    "Subject: Min sag\r\nMessage-ID: <inb-6@gmail.com>\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Hej Anne\r\n\r\nMit cpr-nr. er 140549-0389. Kan du hjaelpe mig med sagen?\r\n";
	const char *rcpt[] = { "anne@bakkeby.dk" };
	char extra[512];
	struct fconf *c;
	struct fort_lib *l;
	struct fpol_verdict v;

	snprintf(extra, sizeof(extra), "store = { backend = \"redis\"; key_file = \"%s/ki-%d\";"
	    " on_error = \"%s\"; redis = { port = %d; retries = 0; prefix = \"in%d:\"; }; };\n",
	    tmpdir, (int)getpid(), _i ? "ignore" : "tempfail", redis_port, _i);
	c = conf(extra);
	l = tf_lib(c, 1);
	kill(redis_pid, SIGSTOP);
	ck_assert_int_eq(tf_run(l, FORT_LEARN_ALL, inbound, strlen(inbound), "jens@gmail.com",
	    NULL, rcpt, 1, &v), 0);
	kill(redis_pid, SIGCONT);
	ck_assert(v.store_error && v.learn_error && !v.learned);
	ck_assert_int_eq(v.outcome, _i ? FPOL_DELIVER : FPOL_TEMPFAIL);
	if (!_i)
		ck_assert_int_eq(v.fail, FORT_STORE);
	fpol_verdict_free(&v);
	/* Back again: the retried mail is learnt and passes. */
	ck_assert_int_eq(tf_run(l, FORT_LEARN_ALL, inbound, strlen(inbound), "jens@gmail.com",
	    NULL, rcpt, 1, &v), 0);
	ck_assert_msg(!v.store_error && !v.learn_error, "store: %s", v.store_reason);
	ck_assert(v.learned);
	ck_assert_int_eq(v.outcome, FPOL_DELIVER);
	fpol_verdict_free(&v);
	fort_lib_close(l);
	fconf_unref(c);
}
END_TEST

/* Store settings are validated like every other setting. */
START_TEST(store_config)
{
	static const char *const bad[] = {
		"store = { backend = \"bogus\"; };\n",
		"store = { ttl_days = 0; };\n",
		"store = { redis = { port = 70000; }; };\n",
		"store = { lmdb = true; };\n",
		"detectors = { thread = { min_hits = 1; }; };\n",
		"trusted_relays = \"10.0.0.1\";\n",
	};
	char err[1024], *path, name[48];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *text;
		ck_assert_int_ge(asprintf(&text, "council = { senders = [ \"*@b.dk\" ]; };\n%s",
		    bad[i]), 0);
		snprintf(name, sizeof(name), "bad%d-%zu.conf", (int)getpid(), i);
		path = tu_write(tmpdir, name, text);
		ck_assert_msg(fconf_load(path, words, err, sizeof(err)) == NULL, "accepted: %s", bad[i]);
		ck_assert_msg(strstr(err, ":2: ") != NULL, "no line in: %s", err);
		free(path);
		free(text);
	}
}
END_TEST

static Suite *
thread_suite(void)
{
	Suite *s = suite_create("thread");
	TCase *tc = tcase_create("thread");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, msgid_norm);
	tcase_add_test(tc, winnow_stable);
	tcase_add_test(tc, mac_equals_hmac);
	tcase_add_test(tc, siphash_equals_openssl);
	tcase_add_loop_test(tc, format_upgrade, 0, 2);
	tcase_add_test(tc, winnow_robust);
	tcase_add_test(tc, clean_drops_boilerplate);
	tcase_add_loop_test(tc, store_suite, 0, 2);
	tcase_add_loop_test(tc, detector, 0, 2);
	tcase_add_test(tc, key_file);
	tcase_add_test(tc, store_down);
	tcase_add_loop_test(tc, store_down_inbound, 0, 2);
	tcase_add_test(tc, store_config);
	suite_add_tcase(s, tc);
	return s;
}

static int
free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &l) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* redis-server on 127.0.0.1:free port, no persistence; waits until it answers. */
static int
start_redis(void)
{
	char port[16];

	if ((redis_port = free_port()) < 0)
		return -1;
	snprintf(port, sizeof(port), "%d", redis_port);
	if ((redis_pid = fork()) == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(127);
		execlp("redis-server", "redis-server", "--port", port, "--bind", "127.0.0.1",
		    "--save", "", "--appendonly", "no", "--dir", tmpdir, "--loglevel", "warning",
		    (char *)NULL);
		_exit(127);
	}
	if (redis_pid < 0)
		return -1;
	for (int i = 0; i < 100; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(redis_port) };
		int fd = socket(AF_INET, SOCK_STREAM, 0), ok;
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
		close(fd);
		if (ok)
			return 0;
		usleep(50000);
	}
	return -1;
}

static void
stop_redis(void)
{
	if (redis_pid > 0) {
		kill(redis_pid, SIGTERM);
		waitpid(redis_pid, NULL, 0);
	}
}

int
main(void)
{
	int failed;

	if ((tmpdir = tu_mkdtemp()) == NULL || (words = tu_words(tmpdir)) == NULL)
		return 99;
	if (start_redis() < 0) {
		fprintf(stderr, "test_thread: cannot start redis-server (install redis-server)\n");
		stop_redis();
		return 99;
	}
	failed = tu_run(thread_suite(), NULL) != EXIT_SUCCESS;
	stop_redis();
	tu_rmtree(tmpdir);
	free(words);
	free(tmpdir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
