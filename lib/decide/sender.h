/* sender: who is who. SPF (libspf2) for the envelope sender's domain and the
 * trusted-relay list decide whether a member address really comes from
 * the municipality, and whether inbound mail may be learned from. */
#ifndef FORTROLIG_FSPF_H
#define FORTROLIG_FSPF_H

#include <stddef.h>

#include "conf/config.h"

/* Spoofing reply (SPF fail for a member address); ASCII, as SMTP needs. */
#define FSENDER_SPOOF_DA "Afsenderadressen tilhoerer et medlem af kommunalbestyrelsen, men " \
	"afsenderserveren er ikke godkendt til den (SPF). Mailen er afvist som forfalsket."
#define FSENDER_SPOOF_EN "The sender address belongs to a council member, but the sending " \
	"server is not authorised for it (SPF). The mail is rejected as spoofed."

enum fsender_result { FSENDER_PASS, FSENDER_FAIL, FSENDER_OTHER, FSENDER_ERROR };

/* SPF for sender (or helo when the sender is empty) from ip. */
enum fsender_result fsender_check(const struct fconf *c, const char *ip, const char *helo,
    const char *sender, char *why, size_t whylen);
const char *fsender_name(enum fsender_result r);

/* ip inside one of the trusted_relays entries ("192.0.2.1", "10.0.0.0/8", "::1"). */
int fsender_trusted_relay(const struct fconf *c, const char *ip);

enum fsender_kind {
	FSENDER_NOT_MEMBER,
	FSENDER_MEMBER,             /* AUTH, trusted relay or SPF pass */
	FSENDER_MEMBER_UNVERIFIED,  /* member address, SPF neither passed nor failed */
	FSENDER_SPOOFED,            /* member address from a client SPF fails */
};

/* Decides what a (sender, AUTH user, client) triple is. */
enum fsender_kind fsender_sender(const struct fconf *c, const char *sender, const char *auth,
    const char *ip, const char *helo, char *why, size_t whylen);

/* Inbound mail may be learned from: trusted relay, internal sender domain or SPF pass. */
int fsender_inbound_trusted(const struct fconf *c, const char *sender, const char *ip,
    const char *helo);

#endif
