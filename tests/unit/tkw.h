/* tkw.h: the keyword-engine fixture shared by test_split and test_kwfast:
 * a config holding only the shipped word lists. Include after check.h,
 * conf/config.h and detect/keywords/keywords.h. */
#ifndef FORTROLIG_TKW_H
#define FORTROLIG_TKW_H

#include <string.h>

static struct fconf conf;

static void
kw_setup(void)
{
	char err[512];

	memset(&conf, 0, sizeof(conf));
	conf.kw.enabled = 1;
	conf.kw.threshold = 3;
	conf.kw.window = 60;
	conf.kw.dict = fkw_dict_load(WORDS_DIR, err, sizeof(err));
	ck_assert_msg(conf.kw.dict != NULL, "%s", err);
}

static void
kw_teardown(void)
{
	fkw_dict_free(conf.kw.dict);
}

#endif
