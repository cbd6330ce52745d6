/* sender: SPF through libspf2 and the trusted-relay list. A fresh SPF server
 * per check keeps libspf2's state out of the milter's threads. With
 * spf.test_zone set, the records come from that file and no DNS is asked:
 * a test and offline aid only (the tests cannot reach any DNS). */
#include "config.h"

#include <sys/types.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>

#include "base/address.h"
#include "decide/decide.h"
#include "decide/sender.h"
#include "base/text.h"

const char *
fsender_name(enum fsender_result r)
{
	static const char *const n[] = { "pass", "fail", "other", "error" };

	return (unsigned)r < 4 ? n[r] : "?";
}

/* "domain v=spf1 ..." per line; '#' starts a comment line. */
static SPF_dns_server_t *
zone_load(const char *path, char *why, size_t whylen)
{
	SPF_dns_server_t *dns = SPF_dns_zone_new(NULL, "fortrolig-test-zone", 0);
	char line[1024];
	FILE *f;

	if (dns == NULL || (f = fopen(path, "r")) == NULL) {
		snprintf(why, whylen, "spf.test_zone %s cannot be read", path);
		if (dns)
			SPF_dns_free(dns);
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		char *sp = strchr(line, ' '), *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (line[0] == '#' || sp == NULL)
			continue;
		*sp = '\0';
		SPF_dns_zone_add_str(dns, line, ns_t_txt, NETDB_SUCCESS, sp + 1);
	}
	fclose(f);
	return dns;
}

static enum fsender_result
map_result(SPF_result_t r)
{
	switch (r) {
	case SPF_RESULT_PASS:
		return FSENDER_PASS;
	case SPF_RESULT_FAIL:
		return FSENDER_FAIL;
	default:
		return FSENDER_OTHER;
	}
}

enum fsender_result
fsender_check(const struct fconf *c, const char *ip, const char *helo, const char *sender,
    char *why, size_t whylen)
{
	SPF_dns_server_t *dns = NULL;
	SPF_server_t *srv;
	SPF_request_t *req;
	SPF_response_t *resp = NULL;
	enum fsender_result res = FSENDER_ERROR;

	snprintf(why, whylen, "spf: no client address");
	if (ip == NULL || *ip == '\0')
		return FSENDER_OTHER;
	if (*c->spf.test_zone) {
		if ((dns = zone_load(c->spf.test_zone, why, whylen)) == NULL)
			return FSENDER_ERROR;
		srv = SPF_server_new_dns(dns, 0);
	} else {
		srv = SPF_server_new(SPF_DNS_CACHE, 0);
	}
	if (srv == NULL || (req = SPF_request_new(srv)) == NULL) {
		snprintf(why, whylen, "spf: out of memory");
		goto out;
	}
	if ((strchr(ip, ':') ? SPF_request_set_ipv6_str(req, ip) :
	    SPF_request_set_ipv4_str(req, ip)) != SPF_E_SUCCESS) {
		snprintf(why, whylen, "spf: bad client address");
	} else {
		if (helo && *helo)
			SPF_request_set_helo_dom(req, helo);
		if (sender && *sender)
			SPF_request_set_env_from(req, sender);
		SPF_request_query_mailfrom(req, &resp);
		res = resp ? map_result(SPF_response_result(resp)) : FSENDER_ERROR;
		snprintf(why, whylen, "spf=%s",
		    resp ? SPF_strresult(SPF_response_result(resp)) : "error");
	}
	if (resp)
		SPF_response_free(resp);
	SPF_request_free(req);
out:
	if (srv)
		SPF_server_free(srv);
	if (dns)
		SPF_dns_free(dns);
	return res;
}

/* a/len prefix match on raw address bytes. */
static int
prefix_match(const unsigned char *a, const unsigned char *b, int bits)
{
	int full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)full) != 0)
		return 0;
	return rest == 0 || ((a[full] ^ b[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

static int
relay_match(const char *entry, const char *ip)
{
	unsigned char net[16], addr[16];
	char host[64];
	const char *slash = strchr(entry, '/');
	int v6 = strchr(entry, ':') != NULL, bits = v6 ? 128 : 32, fam = v6 ? AF_INET6 : AF_INET;
	size_t hl = slash ? (size_t)(slash - entry) : strlen(entry);

	if (hl >= sizeof(host))
		return 0;
	memcpy(host, entry, hl);
	host[hl] = '\0';
	if (slash) {
		char *end;
		long b = strtol(slash + 1, &end, 10);
		if (*end || b < 0 || b > bits)
			return 0;
		bits = (int)b;
	}
	if (inet_pton(fam, host, net) != 1 || inet_pton(fam, ip, addr) != 1)
		return 0;
	return prefix_match(net, addr, bits);
}

int
fsender_trusted_relay(const struct fconf *c, const char *ip)
{
	if (ip == NULL || *ip == '\0')
		return 0;
	for (size_t i = 0; i < c->trusted_relays.n; i++)
		if (relay_match(c->trusted_relays.v[i], ip))
			return 1;
	return 0;
}

enum fsender_kind
fsender_sender(const struct fconf *c, const char *sender, const char *auth, const char *ip,
    const char *helo, char *why, size_t whylen)
{
	struct faddr a;

	snprintf(why, whylen, "-");
	if (auth && *auth && fconf_list_match(&c->auth_users, auth)) {
		snprintf(why, whylen, "auth");
		return FSENDER_MEMBER;
	}
	/* Unparseable: judged as a member's mail, never verified (fail closed). */
	if (faddr_parse(sender ? sender : "<>", &a) < 0) {
		snprintf(why, whylen, "sender address not parseable");
		return FSENDER_MEMBER_UNVERIFIED;
	}
	if (!a.norm[0] || !fconf_list_match(&c->council_senders, a.norm))
		return FSENDER_NOT_MEMBER;
	if (fsender_trusted_relay(c, ip)) {
		snprintf(why, whylen, "trusted relay");
		return FSENDER_MEMBER;
	}
	switch (fsender_check(c, ip, helo, a.norm, why, whylen)) {
	case FSENDER_PASS:
		return FSENDER_MEMBER;
	case FSENDER_FAIL:
		return FSENDER_SPOOFED;
	default:
		return FSENDER_MEMBER_UNVERIFIED;
	}
}

int
fsender_inbound_trusted(const struct fconf *c, const char *sender, const char *ip,
    const char *helo)
{
	char why[128];
	struct faddr a;

	if (fsender_trusted_relay(c, ip))
		return 1;
	if (faddr_parse(sender ? sender : "<>", &a) < 0)
		return 0;
	/* An internal sender domain counts only when SPF does not fail it. */
	switch (fsender_check(c, ip, helo, a.norm, why, sizeof(why))) {
	case FSENDER_PASS:
		return 1;
	case FSENDER_FAIL:
		return 0;
	default:
		return a.norm[0] && fconf_domain_internal(c, a.domain);
	}
}
