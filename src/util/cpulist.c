/* "0-3,7" -> a bit mask. Strict: decimal numbers, ranges and commas only, as runc reads them;
 * anything else is refused rather than guessed at. */
#include <stdlib.h>
#include <string.h>

#include "ward/cpulist.h"

#define BITS_PER_WORD (8 * sizeof(unsigned long))

/* A decimal number below CPULIST_LIMIT at *s; advances *s past it. */
static int read_number(const char **s, size_t *out, const char **why)
{
	size_t v = 0;
	const char *p = *s;

	if (*p < '0' || *p > '9') {
		*why = "expected a number (lists look like \"0-3,7\")";
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (size_t)(*p - '0');
		if (v >= CPULIST_LIMIT) {
			*why = "a number is above 8191, the largest the kernel supports";
			return -1;
		}
	}
	*s = p;
	*out = v;
	return 0;
}

static int set_range(struct cpulist *l, size_t lo, size_t hi)
{
	size_t need = hi / BITS_PER_WORD + 1;

	if (need > l->words) {
		unsigned long *grown = realloc(l->bits, need * sizeof *grown);
		if (!grown)
			return -1;
		memset(grown + l->words, 0, (need - l->words) * sizeof *grown);
		l->bits = grown;
		l->words = need;
	}
	for (size_t n = lo; n <= hi; n++) {
		unsigned long bit = 1UL << (n % BITS_PER_WORD);
		if (!(l->bits[n / BITS_PER_WORD] & bit))
			l->count++;
		l->bits[n / BITS_PER_WORD] |= bit;
	}
	return 0;
}

int cpulist_parse(const char *s, struct cpulist *out, const char **why)
{
	struct cpulist l = {0};

	*why = NULL;
	if (!s || !*s) {
		*out = l;
		return 0;
	}
	for (const char *p = s;;) {
		size_t lo, hi;
		if (read_number(&p, &lo, why) < 0)
			goto fail;
		hi = lo;
		if (*p == '-') {
			p++;
			if (read_number(&p, &hi, why) < 0)
				goto fail;
			if (hi < lo) {
				*why = "a range must not run backwards (write \"2-5\", not "
				       "\"5-2\")";
				goto fail;
			}
		}
		if (set_range(&l, lo, hi) < 0)
			goto fail;
		if (*p == '\0')
			break;
		if (*p != ',') {
			*why = "expected a comma between elements (lists look like \"0-3,7\")";
			goto fail;
		}
		p++;
	}
	*out = l;
	return 0;
fail:
	free(l.bits);
	return -1;
}

void cpulist_free(struct cpulist *l)
{
	free(l->bits);
	l->bits = NULL;
	l->words = l->count = 0;
}

bool cpulist_has(const struct cpulist *l, size_t n)
{
	return n / BITS_PER_WORD < l->words &&
	       (l->bits[n / BITS_PER_WORD] & (1UL << (n % BITS_PER_WORD)));
}
