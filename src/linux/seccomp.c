#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <stddef.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/log.h"
#include "ward/sha256.h"
#include "ward/seccomp.h"
#include "ward/util.h"

/* The exported filter: at most BPF_MAXINSNS (4096) instructions of 8 bytes; read with room. */
#define EXPORT_MAX_BYTES (1 << 20)

static const unsigned char default_profile[] = {
#include "default-profile.inc"
};

const char *seccomp_default_profile_json(size_t *len)
{
	*len = sizeof default_profile;
	return (const char *)default_profile;
}

static int action_of(const char *name, bool has_errno, uint32_t errno_ret, uint32_t default_errno,
		     uint32_t *out)
{
	if (strcmp(name, "SCMP_ACT_ALLOW") == 0)
		*out = SCMP_ACT_ALLOW;
	else if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
		*out = SCMP_ACT_ERRNO(has_errno ? errno_ret : default_errno);
	else if (strcmp(name, "SCMP_ACT_KILL") == 0 || strcmp(name, "SCMP_ACT_KILL_THREAD") == 0)
		*out = SCMP_ACT_KILL_THREAD;
	else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0)
		*out = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(name, "SCMP_ACT_TRAP") == 0)
		*out = SCMP_ACT_TRAP;
	else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
		*out = SCMP_ACT_TRACE(has_errno ? errno_ret : default_errno);
	else if (strcmp(name, "SCMP_ACT_LOG") == 0)
		*out = SCMP_ACT_LOG;
	else if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
		*out = SCMP_ACT_NOTIFY;
	else
		return -1;
	return 0;
}

static int op_of(const char *name, enum scmp_compare *out)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
		{"SCMP_CMP_NE", SCMP_CMP_NE},
		{"SCMP_CMP_LT", SCMP_CMP_LT},
		{"SCMP_CMP_LE", SCMP_CMP_LE},
		{"SCMP_CMP_EQ", SCMP_CMP_EQ},
		{"SCMP_CMP_GE", SCMP_CMP_GE},
		{"SCMP_CMP_GT", SCMP_CMP_GT},
		{"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
	};
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (strcmp(ops[i].name, name) == 0) {
			*out = ops[i].op;
			return 0;
		}
	return -1;
}

/* Go's name of the native architecture, as Docker-style profiles write it. */
static const char *native_go_arch(void)
{
	struct utsname u;
	if (uname(&u) < 0)
		return "";
	if (strcmp(u.machine, "x86_64") == 0)
		return "amd64";
	if (strcmp(u.machine, "aarch64") == 0)
		return "arm64";
	if (u.machine[0] == 'i' && strcmp(u.machine + 2, "86") == 0)
		return "386";
	if (strncmp(u.machine, "arm", 3) == 0)
		return "arm";
	return "";
}

/* Architectures whose system calls this kernel can receive: a filter needs no rules for the
 * others (an x86_64 kernel never sees an ARM system call). */
static bool runs_here(uint32_t arch)
{
	uint32_t native = seccomp_arch_native();
	if (arch == native)
		return true;
	if (native == SCMP_ARCH_X86_64)
		return arch == SCMP_ARCH_X86 || arch == SCMP_ARCH_X32;
	if (native == SCMP_ARCH_AARCH64)
		return arch == SCMP_ARCH_ARM;
	return false;
}

bool seccomp_rule_applies(const struct ward_seccomp_rule *r, uint64_t caps)
{
	const char *arch = native_go_arch();
	if ((r->includes_caps & caps) != r->includes_caps)
		return false;
	if (r->excludes_caps & caps)
		return false;
	if (r->includes_arches && r->includes_arches[0] && !strv_contains(r->includes_arches, arch))
		return false;
	if (r->excludes_arches && strv_contains(r->excludes_arches, arch))
		return false;
	return true;
}

static struct scmp_arg_cmp arg_cmp(const struct ward_seccomp_arg *a)
{
	enum scmp_compare op = SCMP_CMP_EQ;
	op_of(a->op, &op);
	return (struct scmp_arg_cmp){
		.arg = a->index, .op = op, .datum_a = a->value, .datum_b = a->value_two};
}

static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, const struct ward_seccomp_rule *r,
		    size_t ri, const char *name, struct ward_error *err)
{
	struct scmp_arg_cmp cmp[6];
	bool repeated = false;
	int rc;

	for (size_t i = 0; i < r->n_args; i++)
		for (size_t j = 0; j < i; j++)
			repeated |= r->args[j].index == r->args[i].index;
	if (repeated) {
		/* libseccomp takes one comparison per argument in a rule: conditions on the same
		 * argument become separate rules (any of them matches), as runc does. There may be
		 * more of them than the six arguments. */
		for (size_t i = 0; i < r->n_args; i++) {
			cmp[0] = arg_cmp(&r->args[i]);
			rc = seccomp_rule_add_array(ctx, action, nr, 1, cmp);
			if (rc < 0 && rc != -EEXIST)
				goto fail;
		}
		return 0;
	}
	/* Each on another of the six arguments (the parser allows indexes 0 to 5 only). */
	if (r->n_args > ARRAY_SIZE(cmp))
		return ward_fail(err, 0, "linux.seccomp.syscalls[%zu].args: more than 6", ri);
	for (size_t i = 0; i < r->n_args; i++)
		cmp[i] = arg_cmp(&r->args[i]);
	rc = seccomp_rule_add_array(ctx, action, nr, (unsigned)r->n_args, cmp);
	if (rc >= 0 || rc == -EEXIST)
		return 0;
fail:
	return ward_fail(err, -rc, "linux.seccomp.syscalls[%zu]: add the rule for %s", ri, name);
}

static int export_bpf(scmp_filter_ctx ctx, struct seccomp_program *out, struct ward_error *err)
{
	cleanup_close int fd = memfd_create("ward-seccomp", MFD_CLOEXEC);
	cleanup_free char *buf = NULL;
	size_t len;
	int rc;

	if (fd < 0)
		return ward_fail(err, errno, "seccomp: create a buffer");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return ward_fail(err, -rc, "seccomp: compile the filter");
	if (lseek(fd, 0, SEEK_SET) < 0 ||
	    read_fd_limited(fd, EXPORT_MAX_BYTES, &buf, &len, err) < 0)
		return -1;
	out->filter = steal_ptr(buf);
	out->len = len / sizeof(struct sock_filter);
	return 0;
}

/* A deny-by-default profile must not turn system calls newer than itself into EPERM: libc
 * probes new calls (clone3, faccessat2, ...) and falls back only on ENOSYS. This prologue
 * answers ENOSYS for native system call numbers above the newest one the profile names; x32
 * calls (which carry __X32_SYSCALL_BIT) and other architectures go on to the filter. */
static int prepend_enosys(struct seccomp_program *p, uint32_t newest, struct ward_error *err)
{
#if defined(__x86_64__)
	const uint32_t arch = AUDIT_ARCH_X86_64;
	const uint32_t skip_from = 0x40000000; /* __X32_SYSCALL_BIT */
#elif defined(__aarch64__)
	const uint32_t arch = AUDIT_ARCH_AARCH64;
	const uint32_t skip_from = 0xffffffff;
#else
	(void)p, (void)newest, (void)err;
	return 0;
#endif
#if defined(__x86_64__) || defined(__aarch64__)
	struct sock_filter pro[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, skip_from, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, newest, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
	};
	size_t n = sizeof pro / sizeof pro[0];
	struct sock_filter *f = malloc((p->len + n) * sizeof *f);
	if (!f)
		return ward_fail(err, ENOMEM, "seccomp filter");
	memcpy(f, pro, sizeof pro);
	memcpy(f + n, p->filter, p->len * sizeof *f);
	free(p->filter);
	p->filter = f;
	p->len += n;
	return 0;
#endif
}

/* The architectures the profile names that this kernel runs; libseccomp's names are the
 * spec's without their prefix, in lower case. */
static int add_architectures(scmp_filter_ctx ctx, const struct ward_seccomp *profile,
			     struct ward_error *err)
{
	static const char prefix[] = "SCMP_ARCH_"; /* the spec reader checked every name has it */

	for (size_t i = 0; profile->architectures && profile->architectures[i]; i++) {
		char name[64];
		snprintf(name, sizeof name, "%s", profile->architectures[i] + sizeof prefix - 1);
		for (char *c = name; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
		uint32_t arch = seccomp_arch_resolve_name(name);
		if (!arch || !runs_here(arch))
			continue; /* unknown to libseccomp, or code this kernel cannot run */
		int r = seccomp_arch_add(ctx, arch);
		if (r < 0 && r != -EEXIST)
			return ward_fail(err, -r, "linux.seccomp.architectures[%zu]: add %s", i,
					 profile->architectures[i]);
	}
	return 0;
}

/* linux.seccomp.flags as seccomp(2)'s flags; the spec reader refused unknown names. */
static unsigned filter_flags(const struct ward_seccomp *profile)
{
	unsigned flags = 0;

	for (size_t i = 0; profile->flags && profile->flags[i]; i++) {
		const char *f = profile->flags[i];
		if (strcmp(f, "SECCOMP_FILTER_FLAG_LOG") == 0)
			flags |= SECCOMP_FILTER_FLAG_LOG;
		else if (strcmp(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
			flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
		else if (strcmp(f, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
			flags |= SECCOMP_FILTER_FLAG_TSYNC;
		else if (strcmp(f, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
			flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV; /* only meaningful with
									    notify */
	}
	return flags;
}

/* The newest system call the profile knows about, rules that do not apply included. */
static int newest_syscall(const struct ward_seccomp *profile)
{
	int newest = -1;

	for (size_t i = 0; i < profile->n_rules; i++)
		for (size_t n = 0; profile->rules[i].names[n]; n++) {
			int nr = seccomp_syscall_resolve_name(profile->rules[i].names[n]);
			if (nr > newest)
				newest = nr;
		}
	return newest;
}

/* The rules that apply with these capabilities, except those that repeat the default. */
static int add_rules(scmp_filter_ctx ctx, const struct ward_seccomp *profile, uint64_t caps,
		     uint32_t default_action, uint32_t default_errno, struct seccomp_program *out,
		     struct ward_error *err)
{
	for (size_t i = 0; i < profile->n_rules; i++) {
		const struct ward_seccomp_rule *r = &profile->rules[i];
		uint32_t action;
		if (!seccomp_rule_applies(r, caps))
			continue;
		if (strcmp(r->action, "SCMP_ACT_NOTIFY") == 0) {
			if (!profile->listener_path)
				return ward_fail(
					err, 0,
					"linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY needs "
					"linux.seccomp.listenerPath (the agent that answers)",
					i);
			out->listener = true;
		}
		action_of(r->action, r->has_errno_ret, r->errno_ret, default_errno, &action);
		if (action == default_action)
			continue; /* libseccomp refuses rules that repeat the default */
		for (size_t n = 0; r->names[n]; n++) {
			int nr = seccomp_syscall_resolve_name(r->names[n]);
			if (nr == __NR_SCMP_ERROR)
				continue; /* unknown to this libseccomp: skipped, as runc does */
			if (add_rule(ctx, action, nr, r, i, r->names[n], err) < 0)
				return -1;
		}
	}
	return 0;
}

static int compile_uncached(const struct ward_seccomp *profile, uint64_t caps,
			    struct seccomp_program *out, struct ward_error *err)
{
	struct ward_seccomp *builtin = NULL;
	scmp_filter_ctx ctx = NULL;
	uint32_t default_action;
	uint32_t default_errno;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!profile) {
		size_t len;
		const char *json = seccomp_default_profile_json(&len);
		builtin = spec_parse_seccomp(json, len, "the built-in seccomp profile", err);
		if (!builtin)
			return -1;
		profile = builtin;
	}
	default_errno = profile->has_default_errno_ret ? profile->default_errno_ret : EPERM;
	if (strcmp(profile->default_action, "SCMP_ACT_NOTIFY") == 0 ||
	    action_of(profile->default_action, profile->has_default_errno_ret,
		      profile->default_errno_ret, EPERM, &default_action) < 0) {
		ward_fail(err, 0, "linux.seccomp.defaultAction: %s is not supported as the default",
			  profile->default_action);
		goto out;
	}
	ctx = seccomp_init(default_action);
	if (!ctx) {
		ward_fail(err, ENOMEM, "seccomp: initialise the filter");
		goto out;
	}
	/* Filters are loaded as raw BPF, with no_new_privs handled by ward itself. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (add_architectures(ctx, profile, err) < 0)
		goto out;
	out->flags |= filter_flags(profile);
	if (add_rules(ctx, profile, caps, default_action, default_errno, out, err) < 0)
		goto out;
	rc = export_bpf(ctx, out, err);
	int newest = newest_syscall(profile);
	if (rc == 0 && default_action != SCMP_ACT_ALLOW && default_action != SCMP_ACT_LOG &&
	    newest >= 0)
		rc = prepend_enosys(out, (uint32_t)newest, err);
out:
	if (ctx)
		seccomp_release(ctx);
	spec_seccomp_free(builtin);
	return rc;
}

int seccomp_syscall_nr(const char *name)
{
	return seccomp_syscall_resolve_name(name);
}

/* clone's flags are its first argument on every architecture the filter is built for (s390,
 * where they are the second, is not one of them). */
static int never_userns(scmp_filter_ctx ctx, struct ward_error *err)
{
	const struct scmp_arg_cmp newuser =
		SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER);
	static const char *const calls[] = {"clone", "unshare"};
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		r = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EPERM),
					   seccomp_syscall_resolve_name(calls[i]), 1, &newuser);
		if (r < 0 && r != -EEXIST)
			return ward_fail(err, -r, "seccomp: deny %s(CLONE_NEWUSER)", calls[i]);
	}
	int nr = seccomp_syscall_resolve_name("clone3");
	if (nr != __NR_SCMP_ERROR &&
	    (r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0)) < 0 && r != -EEXIST)
		return ward_fail(err, -r, "seccomp: deny clone3");
	return 0;
}

static int compile_never_uncached(unsigned what, struct seccomp_program *out,
				  struct ward_error *err)
{
	static const char *const never[] = {
		"kexec_load",	 "kexec_file_load",   "init_module",	"finit_module",
		"delete_module", "open_by_handle_at", "lookup_dcookie", "nfsservctl",
	};
	static const char *const keyring[] = {"keyctl", "add_key", "request_key"};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!ctx)
		return ward_fail(err, ENOMEM, "seccomp: initialise the filter");
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* Every architecture this kernel runs (an unknown one would hit the default: allow). */
	static const uint32_t arches[] = {SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_ARM};
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (runs_here(arches[i]))
			seccomp_arch_add(ctx, arches[i]);
	for (size_t i = 0; (what & SECCOMP_NEVER_BASE) && i < ARRAY_SIZE(never); i++) {
		int nr = seccomp_syscall_resolve_name(never[i]);
		if (nr == __NR_SCMP_ERROR)
			continue;
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
		if (r < 0 && r != -EEXIST) {
			ward_fail(err, -r, "seccomp: deny %s", never[i]);
			goto out;
		}
	}
	for (size_t i = 0; (what & SECCOMP_NEVER_KEYRING) && i < ARRAY_SIZE(keyring); i++) {
		int nr = seccomp_syscall_resolve_name(keyring[i]);
		if (nr == __NR_SCMP_ERROR)
			continue;
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
		if (r < 0 && r != -EEXIST) {
			ward_fail(err, -r, "seccomp: deny %s", keyring[i]);
			goto out;
		}
	}
	if ((what & SECCOMP_NEVER_USERNS) && never_userns(ctx, err) < 0)
		goto out;
	rc = export_bpf(ctx, out, err);
out:
	seccomp_release(ctx);
	return rc;
}

int seccomp_install(const struct seccomp_program *prog, int *listener_fd, struct ward_error *err)
{
	struct sock_fprog fprog = {.len = (unsigned short)prog->len, .filter = prog->filter};
	unsigned flags = prog->flags | (prog->listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0);
	long rc;

	if (listener_fd)
		*listener_fd = -1;
	if (!prog->filter)
		return 0;
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
	if (rc < 0)
		return ward_fail(err, errno, "linux.seccomp: load the filter");
	if (prog->listener && listener_fd)
		*listener_fd = (int)rc;
	return 0;
}

int seccomp_send_listener(int socket_fd, const char *name, int listener_fd, const char *state_json,
			  struct ward_error *err)
{
	cleanup_close int sock = unix_connect_fd(socket_fd);

	if (sock < 0)
		return ward_fail(err, errno, "linux.seccomp.listenerPath: connect to %s", name);
	if (send_fd(sock, listener_fd, state_json, strlen(state_json)) < 0)
		return ward_fail(err, errno, "linux.seccomp.listenerPath: send to %s", name);
	return 0;
}

void seccomp_program_free(struct seccomp_program *prog)
{
	free(prog->filter);
	prog->filter = NULL;
}

static long elapsed_us(const struct timespec *since)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000000L + (now.tv_nsec - since->tv_nsec) / 1000;
}

int seccomp_compile(const struct ward_seccomp *profile, uint64_t caps, int cache_dirfd,
		    struct seccomp_program *out, struct ward_error *err)
{
	const char *what = profile ? "the config's profile" : "the built-in profile";
	struct timespec t0;
	char key[65];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (cache_dirfd >= 0) {
		char builtin[65] = "config";
		if (!profile) {
			/* The built-in profile is keyed by its bytes. */
			size_t len;
			const char *json = seccomp_default_profile_json(&len);
			struct sha256 h;
			sha256_init(&h);
			sha256_update(&h, json, len);
			sha256_hex(&h, builtin);
		}
		seccomp_cache_key(profile, caps, builtin, key);
		if (seccomp_cache_load(cache_dirfd, key, out)) {
			log_debug("seccomp: %s loaded from cache entry %s.bpf in %ld us", what, key,
				  elapsed_us(&t0));
			return 0;
		}
	}
	if (compile_uncached(profile, caps, out, err) < 0)
		return -1;
	log_debug("seccomp: %s compiled in %ld us%s%s%s", what, elapsed_us(&t0),
		  cache_dirfd >= 0 ? " (cache entry " : "", cache_dirfd >= 0 ? key : "",
		  cache_dirfd >= 0 ? ".bpf)" : "");
	if (cache_dirfd >= 0)
		seccomp_cache_store(cache_dirfd, key, out);
	return 0;
}

int seccomp_compile_never(unsigned what, int cache_dirfd, struct seccomp_program *out,
			  struct ward_error *err)
{
	char key[65];

	if (cache_dirfd >= 0) {
		/* The rules it holds take the place of the bounding set in the key. */
		seccomp_cache_key(NULL, what, "never", key);
		if (seccomp_cache_load(cache_dirfd, key, out))
			return 0;
	}
	if (compile_never_uncached(what, out, err) < 0)
		return -1;
	if (cache_dirfd >= 0)
		seccomp_cache_store(cache_dirfd, key, out);
	return 0;
}
