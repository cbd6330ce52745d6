/* protect: CMS through OpenSSL's parser; OpenPGP by its packet framing
 * (RFC 4880 section 4), which is all it takes to tell an encrypted message
 * from anything else: no key and no decryption are needed. */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <openssl/cms.h>
#include <openssl/objects.h>

#include "analyse/protect.h"

enum fprot_cms
fprot_cms(const unsigned char *p, size_t n, struct fbuf *content)
{
	const unsigned char *q = p;
	CMS_ContentInfo *cms;
	ASN1_OCTET_STRING **os;
	enum fprot_cms k = FPROT_CMS_OTHER;
	int nid;

	if (n == 0 || n > 0x7fffffff || (cms = d2i_CMS_ContentInfo(NULL, &q, (long)n)) == NULL)
		return FPROT_CMS_BAD;
	/* Trailing bytes would be a second, unread payload. */
	while (q < p + n && (*q == 0 || *q == '\r' || *q == '\n'))
		q++;
	if (q != p + n) {
		CMS_ContentInfo_free(cms);
		return FPROT_CMS_BAD;
	}
	nid = OBJ_obj2nid(CMS_get0_type(cms));
	os = CMS_get0_content(cms);
	if ((nid == NID_pkcs7_enveloped || nid == NID_id_smime_ct_authEnvelopedData) &&
	    os && *os && ASN1_STRING_length(*os) > 0)
		k = FPROT_CMS_ENVELOPED;
	else if (nid == NID_pkcs7_signed && os && *os) {
		k = FPROT_CMS_SIGNED;
		if (content && fbuf_add(content, ASN1_STRING_get0_data(*os),
		    (size_t)ASN1_STRING_length(*os)) < 0)
			k = FPROT_CMS_OTHER;
	}
	CMS_ContentInfo_free(cms);
	return k;
}

/* The base64 body of an armored message, decoded; NULL if there is none. */
static guchar *
dearmor(const unsigned char *p, size_t n, gsize *outlen)
{
	static const char begin[] = "-----BEGIN PGP MESSAGE-----";
	const char *s = g_strstr_len((const char *)p, (gssize)n, begin), *end, *body, *stop;
	gchar *b64;
	guchar *out;

	if (s == NULL)
		return NULL;
	end = (const char *)p + n;
	/* Armor headers end at the first empty line. */
	for (body = s + sizeof(begin) - 1; body < end; body++) {
		const char *nl = memchr(body, '\n', (size_t)(end - body));
		if (nl == NULL)
			return NULL;
		body = nl + 1;
		if (body < end && (*body == '\n' || (*body == '\r' && body + 1 < end &&
		    body[1] == '\n')))
			break;
	}
	if (body >= end)
		return NULL;
	stop = g_strstr_len(body, end - body, "-----END PGP MESSAGE-----");
	if (stop == NULL)
		return NULL;
	/* The CRC line "=XXXX" starts a line of its own; base64 never does. */
	for (const char *c = body; c + 1 < stop; c++)
		if (*c == '\n' && c[1] == '=') {
			stop = c;
			break;
		}
	b64 = g_strndup(body, (gsize)(stop - body));
	out = g_base64_decode(b64, outlen);
	g_free(b64);
	return out;
}

/* One packet header at p[*i]: tag and body length. Partial lengths (new
 * format) and indeterminate ones (old format) mean "to the end" here, which
 * only a data packet may use. Returns 0, or -1 for a malformed header. */
static int
packet(const guchar *p, gsize n, gsize *i, int *tag, gsize *len, int *to_end)
{
	guchar b;

	if (*i >= n || !((b = p[(*i)++]) & 0x80))
		return -1;
	*to_end = 0;
	if (b & 0x40) {
		*tag = b & 0x3f;
		if (*i >= n)
			return -1;
		b = p[(*i)++];
		if (b < 192) {
			*len = b;
		} else if (b < 224) {
			if (*i >= n)
				return -1;
			*len = ((gsize)(b - 192) << 8) + p[(*i)++] + 192;
		} else if (b == 255) {
			if (n - *i < 4)
				return -1;
			*len = ((gsize)p[*i] << 24) | ((gsize)p[*i + 1] << 16) |
			    ((gsize)p[*i + 2] << 8) | p[*i + 3];
			*i += 4;
		} else {
			*to_end = 1;
		}
	} else {
		int lt = b & 3, bytes = lt == 0 ? 1 : lt == 1 ? 2 : lt == 2 ? 4 : 0;
		*tag = (b >> 2) & 0x0f;
		*len = 0;
		if ((gsize)bytes > n - *i)
			return -1;
		for (int k = 0; k < bytes; k++)
			*len = (*len << 8) | p[(*i)++];
		*to_end = bytes == 0;
	}
	return 0;
}

static int
pgp_packets(const guchar *p, gsize n)
{
	gsize i = 0, len = 0;
	int tag, to_end, keys = 0;

	while (i < n) {
		if (packet(p, n, &i, &tag, &len, &to_end) < 0)
			return 0;
		if (tag == 1 || tag == 3 || tag == 10) {      /* PKESK, SKESK, marker */
			if (to_end || len > n - i)
				return 0;
			keys += tag != 10;
			i += len;
			continue;
		}
		/* SED, SEIPD, AEAD: the encrypted body must be all that is left. */
		return (tag == 9 || tag == 18 || tag == 20) && keys > 0 &&
		    (to_end || len == n - i);
	}
	return 0;
}

int
fprot_pgp_encrypted(const unsigned char *p, size_t n)
{
	gsize len = 0;
	guchar *bin;
	int ok;

	if (n > 0 && (p[0] & 0x80))
		return pgp_packets(p, n);
	if ((bin = dearmor(p, n, &len)) == NULL)
		return 0;
	ok = pgp_packets(bin, len);
	g_free(bin);
	return ok;
}
