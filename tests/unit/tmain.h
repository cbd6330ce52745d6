/* tmain: the one way the unit tests run their suites. Every test's main()
 * hands its suites to tu_run, which sets up GMime and libxml2 (as a library
 * of fortrolig.h would), runs them and turns the result into the exit code
 * automake reads. */
#ifndef FORTROLIG_TMAIN_H
#define FORTROLIG_TMAIN_H

#include <check.h>
#include <stdlib.h>

#include "analyse/message.h"

/* Runs s and, when not NULL, more. EXIT_SUCCESS or EXIT_FAILURE. */
static inline int
tu_run(Suite *s, Suite *more)
{
	SRunner *sr = srunner_create(s);
	int failed;

	if (more)
		srunner_add_suite(sr, more);
	fmsg_global_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	fmsg_global_shutdown();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
