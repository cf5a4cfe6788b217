#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ward/cleanup.h"
#include "ward/util.h"

void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

size_t strv_length(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

bool strv_contains(char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

int strv_push(char ***v, const char *s)
{
	size_t n = strv_length(*v);
	char *copy = strdup(s);
	char **grown = copy ? realloc(*v, (n + 2) * sizeof *grown) : NULL;
	if (!grown) {
		free(copy);
		errno = ENOMEM;
		return -1;
	}
	grown[n] = copy;
	grown[n + 1] = NULL;
	*v = grown;
	return 0;
}

int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	/* strtol() would skip leading white space; a number is digits only. */
	if (!s || !*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || end == s)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb;
	char *p;

	/* An empty base is the current directory: "" + "b" is "b", not "/b". */
	if (!*a)
		return strdup(b);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	lb = strlen(b);
	p = malloc(la + lb + 2);
	if (!p)
		return NULL;
	memcpy(p, a, la);
	if (!(la == 1 && a[0] == '/'))
		p[la++] = '/';
	memcpy(p + la, b, lb + 1);
	return p;
}

void path_clean(const char *path, char *out)
{
	size_t o = 0;
	const char *p = path;

	out[o++] = '/';
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *end = strchrnul(p, '/');
		size_t n = (size_t)(end - p);
		if (n == 1 && p[0] == '.') {
			/* skip */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
		} else {
			if (o > 1)
				out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p = end;
	}
	out[o] = '\0';
}

void rfc3339_now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

void *array_grow(void *arr, size_t *cap, size_t elem_size, size_t first)
{
	size_t more = *cap ? *cap * 2 : first;
	void *grown;

	if (more < *cap || more > SIZE_MAX / elem_size) {
		errno = ENOMEM;
		return NULL;
	}
	grown = reallocarray(arr, more, elem_size);
	if (grown)
		*cap = more;
	return grown;
}
