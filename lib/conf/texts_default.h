/* Default reject texts (UTF-8). Placeholders: {categories} {where} {recipients}.
 * SMTP replies are ASCII, so these are transliterated when sent (ae, oe, aa). */
#ifndef FORTROLIG_FTEXTS_DEFAULT_H
#define FORTROLIG_FTEXTS_DEFAULT_H

#define FTEXT_REJECT_DA \
	"Mailen er IKKE sendt. Den indeholder fortrolige oplysninger ({categories}) " \
	"i {where}, og den kan ikke sendes sikkert til {recipients}. " \
	"Fjern de fortrolige oplysninger og send igen, eller kontakt IT om " \
	"krypteret mail til modtageren. Jf. forvaltningslovens paragraf 27."
#define FTEXT_REJECT_EN \
	"The mail was NOT sent. It contains confidential information ({categories}) " \
	"in {where} and cannot be delivered securely to {recipients}. " \
	"Remove the confidential information and send again, or ask IT " \
	"about encrypted mail to the recipient."
#define FTEXT_NEW_THREAD_DA \
	"Mailen er IKKE sendt. Den citerede tidligere mail indeholder fortrolige " \
	"oplysninger ({categories}). Svar ikke på den tidligere mail: start en ny " \
	"tråd med en ny mail, uden det citerede indhold. Gælder: {recipients}."
#define FTEXT_NEW_THREAD_EN \
	"The mail was NOT sent. The quoted earlier mail contains confidential " \
	"information ({categories}). Do not reply to the earlier mail: start a new " \
	"thread with a new mail, without the quoted content. Applies to: {recipients}."
#define FTEXT_SPLIT_DA \
	"Mailen er IKKE sendt. Den indeholder fortrolige oplysninger ({categories}), " \
	"og modtagerne kræver forskellige slags kryptering (S/MIME og PGP), som " \
	"ikke kan gives i én mail. Send en mail pr. gruppe. Kan ikke læse den " \
	"krypterede mail: {recipients}."
#define FTEXT_SPLIT_EN \
	"The mail was NOT sent. It contains confidential information ({categories}) " \
	"and the recipients need different kinds of encryption (S/MIME and PGP), " \
	"which one mail cannot carry. Send one mail per group. Cannot read the " \
	"encrypted mail: {recipients}."

#endif
