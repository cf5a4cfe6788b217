/* CPU and memory-node lists as the runtime spec writes them ("0-3,7": linux.resources.cpu.cpus
 * and mems, process.execCPUAffinity, linux.memoryPolicy.nodes), turned into the bit masks that
 * sched_setaffinity(2) and set_mempolicy(2) take. */
#ifndef WARD_CPULIST_H
#define WARD_CPULIST_H

#include <stdbool.h>
#include <stddef.h>

/* The largest CPU or node number a list may name, plus one (the kernel's NR_CPUS limit). */
#define CPULIST_LIMIT 8192

struct cpulist {
	unsigned long *bits; /* NULL for an empty list */
	size_t words;	     /* the length of bits, in unsigned longs */
	size_t count;	     /* how many CPUs or nodes it names */
};

/* Parses s ("" is the empty list). On a malformed list returns -1 and sets *why to a static
 * explanation ("a range must not run backwards", ...); -1 with *why NULL means no memory. */
int cpulist_parse(const char *s, struct cpulist *out, const char **why);
void cpulist_free(struct cpulist *l);
/* Whether list l names n. */
bool cpulist_has(const struct cpulist *l, size_t n);

#endif
