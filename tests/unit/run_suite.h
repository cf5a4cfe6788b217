/* Every unit test's main ends the same way: its suite run, status 1 when a test failed. */
#ifndef WARD_RUN_SUITE_H
#define WARD_RUN_SUITE_H

#include <check.h>

static inline int run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif
