/* config: the configuration as one immutable, reference-counted snapshot. */
#ifndef FORTROLIG_FCONF_H
#define FORTROLIG_FCONF_H

#include <stddef.h>

enum fmode { FMODE_ENFORCE, FMODE_MONITOR };
enum faction { FACT_DELIVER, FACT_SMIME, FACT_PGP, FACT_TLS, FACT_REJECT, FACT_HOLD,
	FACT_COUNT };
enum fonlimit { FONLIMIT_CONFIDENTIAL, FONLIMIT_TEMPFAIL, FONLIMIT_SCAN_PARTIAL };
enum fcipher { FCIPHER_AES256_CBC, FCIPHER_AES256_GCM };
enum fmixed { FMIXED_REJECT_ALL, FMIXED_DROP_AND_NOTIFY };
enum fonenc { FONENC_CONFIDENTIAL, FONENC_IGNORE, FONENC_TEMPFAIL };
enum fstore_onerror { FSTORE_ERR_TEMPFAIL, FSTORE_ERR_IGNORE };

#define FCONF_MAX_ACTIONS 8

struct fstrlist {
	char **v;
	size_t n;
};

struct fdomain_rule {
	char *match;               /* "example.dk", "*.example.dk" or "*" */
	enum faction actions[FCONF_MAX_ACTIONS];
	size_t nactions;
	int monitor;               /* monitor = true: judged and logged, never blocked */
	int line;
};

/* override.rules: who may override which categories with the subject tag. */
struct foverride_rule {
	struct fstrlist members;   /* sender patterns, as council.senders */
	unsigned cats;             /* bit set over enum fcat (base/types.h) */
	int line;
};

struct ftlsmap;    /* conf/tlsmap.h */
struct fkw_dict;   /* keyword dictionary, owned by the snapshot (detect/keywords/dictionary.c) */

struct fconf {
	int refs;                  /* touched only through fconf_ref/unref */
	char *path;
	int mode;                  /* enum fmode */
	char *socket;
	char *metrics;             /* "HOST:PORT" of the metrics listener, "" = off */
	char *user;
	struct fstrlist council_senders, auth_users, internal_domains;
	struct fstrlist monitor_senders;   /* council.monitor: members in monitor mode */
	int quoted_new_thread;
	struct fdomain_rule *rules;
	size_t nrules;
	struct {
		int enabled, threshold, context_window;
	} cpr;
	struct {
		int enabled, threshold, window;
		/* judgement calls, off by default: health the person made public
		 * herself, and a court's public verdict, are not confidential */
		int self_published_public, verdicts_public;
		char *dir;
		struct fkw_dict *dict;
	} kw;
	struct {
		int enabled;
		struct fstrlist sensitivity, msip_labels;
	} mark;
	struct {
		long long max_message_size, max_header_size;
		long long spool_memory;    /* bytes of a message kept in RAM */
		char *spool_dir;           /* temp files past spool_memory; "": $TMPDIR or /tmp */
		int max_mime_depth, max_parts;
		int on_limit;              /* enum fonlimit */
		long long max_decoded_size, max_extract_memory;
		int max_compression_ratio, max_archive_depth;
		int max_extract_time, max_analysis_time;   /* seconds */
		int on_encrypted_attachment;   /* enum fonenc */
	} limits;
	struct {
		char *reject_da, *reject_en, *new_thread_da, *new_thread_en;
		char *report_da, *report_en;   /* "report a false positive" line; "" = none */
	} texts;
	/* A reply to the data subject: data_subject_actions (conf/rules.c). */
	enum faction ds_actions[FCONF_MAX_ACTIONS];
	size_t nds_actions;
	struct {                   /* a justified override by subject tag (conf/rules.c) */
		char *tag;             /* "[TAG: justification]"; "" = off */
		struct foverride_rule *rules;
		size_t nrules;
		enum faction actions[FCONF_MAX_ACTIONS];
		size_t nactions;
	} override;
	struct {                   /* S/MIME store and encryption (keys/) */
		char *store, *ca_file, *archive_cert;
		int cipher;                /* enum fcipher */
		int encrypt_to_sender, rsa_oaep;
	} smime;
	struct {
		char *home;                /* dedicated GnuPG home */
	} pgp;
	char *protected_subject;
	int mixed;                 /* enum fmixed */
	long long spill_size;      /* encrypted output past this goes to a temp file */
	long long mmap_threshold;  /* the milter's malloc mmap threshold; 0: glibc's */
	int malloc_arenas;         /* the milter's malloc arenas; 0: one per core */
	struct {                   /* advice mail for drop-and-notify and hold */
		char *sendmail, *smtp, *from;
	} advice;
	struct {                   /* hold for review (quarantine) */
		char *notify;          /* the DPO's address; "" = no notification */
	} hold;
	struct {                   /* thread memory (memory/thread.c); read once at start */
		char *backend;         /* a name of memory/store.c, or "none" */
		char *path, *key_file;
		long long map_size;
		int ttl_days, on_error; /* enum fstore_onerror */
		char *redis_host, *redis_password, *redis_prefix;
		int redis_port, redis_db, redis_timeout_ms, redis_retries;
	} store;
	struct {
		int enabled, min_hits, window, min_words;
	} thread;
	struct fstrlist trusted_relays;
	struct {                   /* the MTA's TLS policy map (conf/tlsmap.c) */
		char *map;             /* tls_policy_map: "" = not checked */
		int format;            /* enum ftlsmap_format */
		struct ftlsmap *parsed;   /* NULL: unset, or unreadable (error says why) */
		char error[256];
	} tls;
	struct {
		char *test_zone;       /* test/offline aid: SPF records from a file, no DNS */
		char *spoof_da, *spoof_en;
	} spf;
};

/* Loads and validates. On error returns NULL and writes "file:line: message". */
struct fconf *fconf_load(const char *path, const char *words_default,
    char *err, size_t errlen);
struct fconf *fconf_ref(struct fconf *c);
void fconf_unref(struct fconf *c);

const char *faction_name(enum faction a);
/* The rule for a domain: exact match first, then the longest "*.suffix", then "*". */
const struct fdomain_rule *fconf_rule_for(const struct fconf *c, const char *domain);
/* Address or AUTH user matches a pattern list ("*@bakkeby.dk", "a@b.dk", "*"). */
int fconf_list_match(const struct fstrlist *l, const char *s);
int fconf_domain_internal(const struct fconf *c, const char *domain);
/* The override rule for a member whose findings are cats: the first rule
 * listing the sender. *allowed says whether it covers every category. */
const struct foverride_rule *fconf_override_for(const struct fconf *c, const char *sender,
    unsigned cats, int *allowed);

#endif
