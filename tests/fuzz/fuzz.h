/* The entry points every fuzzer defines: libFuzzer calls them in the fuzzing build (configure
 * --enable-fuzzing CC=clang), replay.c calls them on the committed corpus in the normal one. */
#ifndef WARD_FUZZ_H
#define WARD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional: once, before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A NUL-terminated copy of the input (malloc'd; NULL on allocation failure). */
char *fuzz_strndup(const uint8_t *data, size_t size);

struct policy;
struct policy_caller;
struct ward_spec;
/* The caller verdicts are judged against: no limits, every capability. */
const struct policy_caller *fuzz_caller(void);
/* The policies every verdict is judged under: baseline as shipped; restricted with every check
 * overridable (so that a config's annotation can lift any of them) and an entry of each
 * allow-list; privileged. Parsed once; each has a fixed caller (no limits, every
 * capability), so a verdict depends on the input alone. */
enum { FUZZ_POLICIES = 3 };
const struct policy *fuzz_policy(int i);
/* The config `ward spec` writes (a fresh copy, for spec_free()): the container that `exec`
 * and `update` inputs are judged for. */
struct ward_spec *fuzz_default_spec(void);

#endif
