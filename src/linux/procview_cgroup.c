/* A process's cgroup as the kernel reports it: the path in /proc/<pid>/cgroup, the limit files
 * that exist in it, the device programs attached to it; and the digest of a compiled seccomp
 * program. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/procview.h"
#include "ward/sha256.h"
#include "ward/util.h"

#define LIMIT_FILE_MAX (64 * 1024)

int procview_read_cgroup(int procfd, char **out, struct ward_error *err)
{
	cleanup_close int fd = openat(procfd, "cgroup", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_free char *text = NULL;
	size_t len;

	*out = NULL;
	if (fd < 0)
		return ward_fail(err, errno, "read /proc/<pid>/cgroup");
	if (read_fd_limited(fd, LIMIT_FILE_MAX, &text, &len, err) < 0)
		return ward_error_prefix(err, "read /proc/<pid>/cgroup");
	for (char *line = text; line && *line;) {
		char *eol = strchr(line, '\n');
		if (eol)
			*eol = '\0';
		if (strncmp(line, "0::", 3) == 0) {
			*out = strdup(line + 3);
			return *out ? 0 : ward_fail(err, ENOMEM, "cgroup");
		}
		line = eol ? eol + 1 : NULL;
	}
	return 0; /* no cgroup v2 line: the process is in no unified hierarchy */
}

void procview_kv_free(struct procview_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

/* Appends name's value when the file exists; 0 when it does not (controller not enabled). */
static int add_limit(int cgfd, const char *name, struct procview_kv **kv, size_t *n,
		     struct ward_error *err)
{
	cleanup_close int fd = openat(cgfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_free char *text = NULL;
	size_t len;

	if (fd < 0)
		return errno == ENOENT ? 0 : ward_fail(err, errno, "read cgroup file %s", name);
	if (read_fd_limited(fd, LIMIT_FILE_MAX, &text, &len, err) < 0)
		return ward_error_prefix(err, "read cgroup file %s", name);
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	struct procview_kv *nk = realloc(*kv, (*n + 1) * sizeof *nk);
	if (!nk)
		return ward_fail(err, ENOMEM, "cgroup limits");
	*kv = nk;
	nk[*n].key = strdup(name);
	nk[*n].value = steal_ptr(text);
	if (!nk[(*n)++].key)
		return ward_fail(err, ENOMEM, "cgroup limits");
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The hugetlb.<size>.max (and .rsvd.max) files, sorted: their sizes depend on the machine. */
static int add_hugetlb_limits(int cgfd, struct procview_kv **kv, size_t *n, struct ward_error *err)
{
	cleanup_strv char **names = NULL;
	int dfd = openat(cgfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_dir DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return ward_fail(err, errno, "list the cgroup's files");
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (strncmp(e->d_name, "hugetlb.", 8) == 0 && len > 4 &&
		    strcmp(e->d_name + len - 4, ".max") == 0 && strv_push(&names, e->d_name) < 0)
			return ward_fail(err, ENOMEM, "cgroup limits");
	}
	if (!names)
		return 0;
	qsort(names, strv_length(names), sizeof *names, by_name);
	for (size_t i = 0; names[i]; i++)
		if (add_limit(cgfd, names[i], kv, n, err) < 0)
			return -1;
	return 0;
}

int procview_cgroup_limits(int cgfd, struct procview_kv **out, size_t *n, struct ward_error *err)
{
	static const char *const files[] = {
		"cpu.max",	   "cpu.max.burst",    "cpu.weight",  "cpu.idle",
		"cpuset.cpus",	   "cpuset.mems",      "io.max",      "io.weight",
		"memory.min",	   "memory.low",       "memory.high", "memory.max",
		"memory.swap.max", "memory.oom.group", "pids.max",    "rdma.max",
		"misc.max",
	};
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (add_limit(cgfd, files[i], out, n, err) < 0)
			goto fail;
	if (add_hugetlb_limits(cgfd, out, n, err) < 0)
		goto fail;
	return 0;
fail:
	procview_kv_free(*out, *n);
	*out = NULL;
	*n = 0;
	return -1;
}

static int bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

/* The kernel's tag of program id; "" when it cannot be read (CAP_SYS_ADMIN is needed). */
static void program_tag(uint32_t id, char out[17])
{
	union bpf_attr get = {.prog_id = id};
	struct bpf_prog_info info = {0};
	cleanup_close int fd = bpf(BPF_PROG_GET_FD_BY_ID, &get);

	out[0] = '\0';
	if (fd < 0)
		return;
	union bpf_attr q = {.info = {.bpf_fd = (uint32_t)fd,
				     .info_len = sizeof info,
				     .info = (uint64_t)(uintptr_t)&info}};
	if (bpf(BPF_OBJ_GET_INFO_BY_FD, &q) < 0)
		return;
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", info.tag[i]);
}

void procview_device_programs(int cgfd, struct procview_devices *out)
{
	union bpf_attr q = {0};

	memset(out, 0, sizeof *out);
	q.query.target_fd = (uint32_t)cgfd;
	q.query.attach_type = BPF_CGROUP_DEVICE;
	q.query.query_flags = BPF_F_QUERY_EFFECTIVE;
	if (bpf(BPF_PROG_QUERY, &q) < 0) {
		out->query_errno = errno;
		return;
	}
	out->n_effective = q.query.prog_cnt;
	memset(&q, 0, sizeof q);
	q.query.target_fd = (uint32_t)cgfd;
	q.query.attach_type = BPF_CGROUP_DEVICE;
	q.query.prog_ids = (uint64_t)(uintptr_t)out->ids;
	q.query.prog_cnt = PROCVIEW_MAX_PROGS;
	/* ENOSPC: more than the array holds; the count is still the kernel's. */
	if (bpf(BPF_PROG_QUERY, &q) < 0 && errno != ENOSPC) {
		out->query_errno = errno;
		return;
	}
	out->n_attached = q.query.prog_cnt;
	for (uint32_t i = 0; i < out->n_attached && i < PROCVIEW_MAX_PROGS; i++)
		program_tag(out->ids[i], out->tags[i]);
}

static uint32_t rol32(uint32_t v, int n)
{
	return (v << n) | (v >> (32 - n));
}

static void sha1_block(uint32_t h[5], const unsigned char *b)
{
	uint32_t w[80], a = h[0], c1 = h[1], c2 = h[2], d = h[3], e = h[4];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
		       (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20)
			f = (c1 & c2) | (~c1 & d), k = 0x5a827999;
		else if (i < 40)
			f = c1 ^ c2 ^ d, k = 0x6ed9eba1;
		else if (i < 60)
			f = (c1 & c2) | (c1 & d) | (c2 & d), k = 0x8f1bbcdc;
		else
			f = c1 ^ c2 ^ d, k = 0xca62c1d6;
		uint32_t t = rol32(a, 5) + f + e + k + w[i];
		e = d, d = c2, c2 = rol32(c1, 30), c1 = a, a = t;
	}
	h[0] += a, h[1] += c1, h[2] += c2, h[3] += d, h[4] += e;
}

/* The first 8 bytes of the SHA-1 of len bytes (FIPS 180-4), in hex: the tag of Linux < 6.18. */
static void sha1_tag(const unsigned char *data, size_t len, char out[17])
{
	uint32_t h[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
	unsigned char last[128] = {0};
	size_t full = len / 64 * 64, rest = len - full, total;
	uint64_t bits = (uint64_t)len * 8;

	for (size_t off = 0; off < full; off += 64)
		sha1_block(h, data + off);
	memcpy(last, data + full, rest);
	last[rest] = 0x80;
	total = rest + 9 <= 64 ? 64 : 128;
	for (int i = 0; i < 8; i++)
		last[total - 1 - i] = (unsigned char)(bits >> (8 * i));
	for (size_t off = 0; off < total; off += 64)
		sha1_block(h, last + off);
	snprintf(out, 17, "%08x%08x", h[0], h[1]);
}

void procview_bpf_tag(const void *insns, size_t n, bool sha1, char out[17])
{
	struct sha256 s;
	char hex[65];

	/* The tag is the first 8 bytes of a digest of the instructions (map references
	 * zeroed; ward's device program has none): SHA-256 since Linux 6.18, SHA-1 before. */
	if (sha1) {
		sha1_tag(insns, n * sizeof(struct bpf_insn), out);
		return;
	}
	sha256_init(&s);
	sha256_update(&s, insns, n * sizeof(struct bpf_insn));
	sha256_hex(&s, hex);
	memcpy(out, hex, 16);
	out[16] = '\0';
}

void procview_program_digest(const void *filter, size_t len, char out[72])
{
	struct sha256 s;
	char hex[65];

	sha256_init(&s);
	/* struct sock_filter: 8 bytes per instruction. */
	sha256_update(&s, filter, len * 8);
	sha256_hex(&s, hex);
	snprintf(out, 72, "sha256:%s", hex);
}
