/* rules: the settings that name actions: the domain rules, the actions for
 * a reply to the data subject, and the override by subject tag. */
#include "config.h"

#include <ctype.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/types.h"
#include "conf/config.h"
#include "conf/load.h"

static const char *const action_names[FACT_COUNT] = {
	"deliver", "smime", "pgp", "tls", "reject", "hold"
};

const char *
faction_name(enum faction a)
{
	return (unsigned)a < FACT_COUNT ? action_names[a] : "?";
}

static int
action_index(const char *name)
{
	for (int k = 0; name && k < FACT_COUNT; k++)
		if (strcmp(action_names[k], name) == 0)
			return k;
	return -1;
}

/* An action list: [ "tls", "reject" ]. what names it in errors. */
static int
load_actions(struct loadctx *lc, config_setting_t *acts, const char *what,
    enum faction *out, size_t *n)
{
	if (!(config_setting_is_array(acts) || config_setting_is_list(acts)) ||
	    config_setting_length(acts) == 0)
		return fconf_fail(lc, acts, "%s needs a non-empty actions list", what);
	if (config_setting_length(acts) > FCONF_MAX_ACTIONS)
		return fconf_fail(lc, acts, "%s has more than %d actions", what, FCONF_MAX_ACTIONS);
	*n = 0;
	for (int i = 0; i < config_setting_length(acts); i++) {
		config_setting_t *a = config_setting_get_elem(acts, (unsigned)i);
		const char *name = config_setting_get_string(a);
		int k = action_index(name);
		if (k < 0)
			return fconf_fail(lc, a, "%s: unknown action \"%s\" (deliver, smime, pgp, tls, "
			    "reject, hold)", what, name ? name : "?");
		out[(*n)++] = (enum faction)k;
	}
	return 0;
}

/* "*", or a domain name, optionally behind "*.": labels of letters, digits
 * and '-', no empty label. */
static int
valid_match(const char *m)
{
	const char *p = m;
	size_t label = 0;

	if (strcmp(m, "*") == 0)
		return 1;
	if (m[0] == '*') {
		if (m[1] != '.')
			return 0;
		p = m + 2;
	}
	if (*p == '\0')
		return 0;
	for (; *p; p++) {
		if (*p == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)*p) || *p == '-') {
			label++;
		} else {
			return 0;
		}
	}
	return label > 0;
}

/* Every member of group g is one of the names in "a|b|c". */
static int
only_members(struct loadctx *lc, config_setting_t *g, const char *names, const char *what)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
		const char *mn = config_setting_name(e);
		if (mn && fconf_enum_index(names, mn) < 0)
			return fconf_fail(lc, e, "%s: unknown setting \"%s\"", what, mn);
	}
	return 0;
}

static int
load_rule(struct loadctx *lc, config_setting_t *r, struct fdomain_rule *rule)
{
	config_setting_t *acts = config_setting_get_member(r, "actions");
	config_setting_t *mon = config_setting_get_member(r, "monitor");
	const char *m = NULL;

	if (!config_setting_is_group(r))
		return fconf_fail(lc, r, "domains: each rule must be a group { match = ...; actions = [...]; }");
	if (!config_setting_lookup_string(r, "match", &m))
		return fconf_fail(lc, r, "domains: rule has no match = \"domain\"");
	if ((rule->match = fconf_strdup(m)) == NULL)
		return fconf_fail(lc, r, "out of memory");
	if ((strcmp(m, "*") && fconf_norm_domain(&rule->match, 0, lc, r, "domains") < 0) ||
	    !valid_match(rule->match))
		return fconf_fail(lc, r, "domains: bad match \"%s\" (use example.dk, *.example.dk or *)", m);
	rule->line = (int)config_setting_source_line(r);
	if (acts == NULL)
		return fconf_fail(lc, r, "domains: rule \"%s\" needs a non-empty actions list", m);
	if (load_actions(lc, acts, "domains: rule", rule->actions, &rule->nactions) < 0)
		return -1;
	if (mon && config_setting_type(mon) != CONFIG_TYPE_BOOL)
		return fconf_fail(lc, mon, "domains: monitor must be true or false");
	rule->monitor = mon ? config_setting_get_bool(mon) : 0;
	return only_members(lc, r, "match|actions|monitor", "domains: rule");
}

static int
load_domains(struct loadctx *lc, const config_t *cfg, struct fconf *c)
{
	config_setting_t *d = config_lookup(cfg, "domains");
	int n;

	if (d == NULL)
		return 0;
	if (!config_setting_is_list(d))
		return fconf_fail(lc, d, "domains must be a list: ( { match = ...; actions = [...]; }, ... )");
	n = config_setting_length(d);
	c->rules = calloc((size_t)n + 1, sizeof(*c->rules));
	if (c->rules == NULL)
		return fconf_fail(lc, d, "out of memory");
	for (int i = 0; i < n; i++) {
		struct fdomain_rule *rule = &c->rules[c->nrules++];
		if (load_rule(lc, config_setting_get_elem(d, (unsigned)i), rule) < 0)
			return -1;
		for (int j = 0; j < i; j++)
			if (strcasecmp(c->rules[j].match, rule->match) == 0)
				return fconf_fail(lc, config_setting_get_elem(d, (unsigned)i),
				    "domains: \"%s\" is already matched by the rule at line %d",
				    rule->match, c->rules[j].line);
	}
	return 0;
}

/* An action list at path, or the default def (n entries) when absent. */
static int
load_action_list(struct loadctx *lc, const config_t *cfg, const char *path,
    const enum faction *def, size_t ndef, enum faction *out, size_t *n)
{
	config_setting_t *s = config_lookup(cfg, path);

	if (s != NULL)
		return load_actions(lc, s, path, out, n);
	memcpy(out, def, ndef * sizeof(*def));
	*n = ndef;
	return 0;
}

static int
load_cats(struct loadctx *lc, config_setting_t *s, unsigned *cats)
{
	*cats = 0;
	if (!(config_setting_is_array(s) || config_setting_is_list(s)))
		return fconf_fail(lc, s, "override.rules: categories must be a list of strings");
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_get_string(e);
		int k = -1;
		for (int j = 0; name && j < FCAT_COUNT; j++)
			if (strcmp(fcat_names[j], name) == 0)
				k = j;
		if (k < 0)
			return fconf_fail(lc, e, "override.rules: unknown category \"%s\" (cpr, health, "
			    "criminal, social, private, marking, thread)", name ? name : "?");
		*cats |= 1u << k;
	}
	return 0;
}

/* One override rule: { members = [ ... ]; categories = [ ... ]; } */
static int
load_override_rule(struct loadctx *lc, config_setting_t *g, struct foverride_rule *r)
{
	config_setting_t *mem = config_setting_get_member(g, "members");
	config_setting_t *cats = config_setting_get_member(g, "categories");

	if (!config_setting_is_group(g) || mem == NULL || cats == NULL)
		return fconf_fail(lc, g, "override.rules: each rule must be a group "
		    "{ members = [ ... ]; categories = [ ... ]; }");
	r->line = (int)config_setting_source_line(g);
	if (!(config_setting_is_array(mem) || config_setting_is_list(mem)))
		return fconf_fail(lc, mem, "override.rules: members must be a list of strings");
	r->members.v = calloc((size_t)config_setting_length(mem) + 1, sizeof(char *));
	if (r->members.v == NULL)
		return fconf_fail(lc, mem, "out of memory");
	for (int i = 0; i < config_setting_length(mem); i++) {
		config_setting_t *e = config_setting_get_elem(mem, (unsigned)i);
		const char *v = config_setting_get_string(e);
		if (v == NULL || *v == '\0')
			return fconf_fail(lc, e, "override.rules: members: element %d must be a "
			    "non-empty string", i + 1);
		if ((r->members.v[r->members.n++] = fconf_strdup(v)) == NULL ||
		    fconf_norm_domain(&r->members.v[r->members.n - 1], 0, lc, e, "override.rules") < 0)
			return fconf_fail(lc, e, "out of memory");
	}
	if (load_cats(lc, cats, &r->cats) < 0)
		return -1;
	return only_members(lc, g, "members|categories", "override.rules");
}

static int
load_override(struct loadctx *lc, const config_t *cfg, struct fconf *c)
{
	static const enum faction def[] = { FACT_TLS, FACT_DELIVER };
	config_setting_t *rs = config_lookup(cfg, "override.rules");
	const char *t = c->override.tag;

	if (strchr(t, ']') || strchr(t, ':') || strlen(t) > 64)
		return fconf_fail(lc, config_lookup(cfg, "override.tag"),
		    "override.tag must be at most 64 characters, without \":\" or \"]\"");
	if (load_action_list(lc, cfg, "override.actions", def, 2, c->override.actions,
	    &c->override.nactions) < 0)
		return -1;
	if (rs == NULL)
		return 0;
	if (!config_setting_is_list(rs))
		return fconf_fail(lc, rs, "override.rules must be a list: ( { members = [ ... ]; "
		    "categories = [ ... ]; }, ... )");
	c->override.rules = calloc((size_t)config_setting_length(rs) + 1, sizeof(*c->override.rules));
	if (c->override.rules == NULL)
		return fconf_fail(lc, rs, "out of memory");
	for (int i = 0; i < config_setting_length(rs); i++)
		if (load_override_rule(lc, config_setting_get_elem(rs, (unsigned)i),
		    &c->override.rules[c->override.nrules++]) < 0)
			return -1;
	return 0;
}

int
fconf_load_rules(struct loadctx *lc, const config_t *cfg, struct fconf *c)
{
	static const enum faction ds_def[] = { FACT_TLS, FACT_REJECT };

	if (load_domains(lc, cfg, c) < 0 ||
	    load_action_list(lc, cfg, "data_subject_actions", ds_def, 2, c->ds_actions,
	    &c->nds_actions) < 0)
		return -1;
	return load_override(lc, cfg, c);
}

void
fconf_free_rules(struct fconf *c)
{
	for (size_t i = 0; i < c->nrules; i++)
		free(c->rules[i].match);
	free(c->rules);
	for (size_t i = 0; i < c->override.nrules; i++)
		fconf_free_list(&c->override.rules[i].members);
	free(c->override.rules);
}

int
fconf_suffix_match(const char *pat, const char *domain)
{
	size_t pl = strlen(pat + 1), dl = strlen(domain);   /* pat = "*.x" -> ".x" */

	return dl > pl && strcasecmp(domain + dl - pl, pat + 1) == 0;
}

const struct fdomain_rule *
fconf_rule_for(const struct fconf *c, const char *domain)
{
	const struct fdomain_rule *best = NULL, *star = NULL;
	size_t bestlen = 0;

	for (size_t i = 0; i < c->nrules; i++) {
		const char *m = c->rules[i].match;
		if (strcmp(m, "*") == 0)
			star = &c->rules[i];
		else if (m[0] != '*' && strcasecmp(m, domain) == 0)
			return &c->rules[i];
		else if (m[0] == '*' && fconf_suffix_match(m, domain) && strlen(m) > bestlen) {
			best = &c->rules[i];
			bestlen = strlen(m);
		}
	}
	return best ? best : star;
}

const struct foverride_rule *
fconf_override_for(const struct fconf *c, const char *sender, unsigned cats, int *allowed)
{
	*allowed = 0;
	for (size_t i = 0; i < c->override.nrules; i++) {
		const struct foverride_rule *r = &c->override.rules[i];
		if (!fconf_list_match(&r->members, sender))
			continue;
		*allowed = (cats & ~r->cats) == 0;
		return r;
	}
	return NULL;
}
