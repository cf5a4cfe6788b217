/* A linux.seccomp object -> the compiled BPF program (compiled, never loaded), for a bounding
 * set taken from the input so that rules' capability conditions go both ways; and the bytes of
 * a cached program, which ward decodes before it trusts them. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ward/seccomp.h"

static uint64_t bounding_of(const uint8_t *data, size_t size)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ull;
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_error err = {0};
	struct ward_seccomp_program prog = {0};
	const char *why;
	char key[65];

	struct ward_seccomp *sc =
		spec_parse_seccomp((const char *)data, size, "linux.seccomp", &err);
	if (sc) {
		uint64_t caps = bounding_of(data, size);
		if (ward_seccomp_compile(sc, caps, -1, &prog, &err) == 0) {
			/* What the cache would keep of it decodes to the same program. */
			void *buf = NULL;
			size_t len = 0;
			struct ward_seccomp_program back = {0};
			ward_seccomp_cache_key(sc, caps, "fuzz", key);
			if (ward_seccomp_cache_encode(key, &prog, &buf, &len) == 0) {
				if (ward_seccomp_cache_decode(buf, len, key, &back, &why) < 0 ||
				    back.len != prog.len ||
				    memcmp(back.filter, prog.filter, prog.len * 8) != 0)
					abort();
				ward_seccomp_program_free(&back);
				free(buf);
			}
			ward_seccomp_program_free(&prog);
		}
		spec_seccomp_free(sc);
		return 0;
	}
	ward_seccomp_cache_key(NULL, 0, "fuzz", key);
	if (ward_seccomp_cache_decode(data, size, key, &prog, &why) == 0)
		ward_seccomp_program_free(&prog);
	return 0;
}
