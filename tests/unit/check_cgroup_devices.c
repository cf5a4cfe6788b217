/* The device control program: built for every access subset and wildcard combination of a
 * rule, each program is run by a strict interpreter of the instructions it uses (which also
 * refuses what the kernel's verifier refuses, such as reserved fields that are set) against a
 * model of the rules' meaning, loaded with bpf(BPF_PROG_LOAD) so that the verifier judges it
 * where the kernel allows (root), and a few are attached to a real cgroup to check the kernel's
 * verdict on open(2). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"

/* ck_assert records every assertion that passes (a write to a pipe): the loops below make
 * millions, so they only call into check when one fails. */
#define REQUIRE(cond, ...)                                                                         \
	do {                                                                                       \
		if (!(cond))                                                                       \
			ck_abort_msg(__VA_ARGS__);                                                 \
	} while (0)

/* A rule as the tests write it: major or minor -1 is any. */
struct trule {
	bool allow;
	char type;
	int major, minor;
	unsigned access;
};

struct tdev {
	char type;
	int major, minor;
};

static void set_rules(struct ward_linux *lx, const struct trule *r, size_t n)
{
	memset(lx, 0, sizeof *lx);
	lx->has_resources = true;
	lx->resources.devices = calloc(n + 1, sizeof *lx->resources.devices);
	lx->resources.n_devices = n;
	for (size_t i = 0; i < n; i++) {
		struct ward_device_rule *d = &lx->resources.devices[i];
		d->allow = r[i].allow;
		d->type = r[i].type;
		d->has_major = r[i].major >= 0;
		d->major = r[i].major >= 0 ? (uint32_t)r[i].major : 0;
		d->has_minor = r[i].minor >= 0;
		d->minor = r[i].minor >= 0 ? (uint32_t)r[i].minor : 0;
		d->access = r[i].access;
	}
}

static void set_devices(struct ward_linux *lx, const struct tdev *d, size_t n)
{
	lx->devices = calloc(n + 1, sizeof *lx->devices);
	lx->n_devices = n;
	for (size_t i = 0; i < n; i++) {
		lx->devices[i].path = strdup("/dev/x");
		lx->devices[i].type = d[i].type;
		lx->devices[i].major = (uint32_t)d[i].major;
		lx->devices[i].minor = (uint32_t)d[i].minor;
	}
}

static void clear(struct ward_linux *lx)
{
	for (size_t i = 0; i < lx->n_devices; i++)
		free(lx->devices[i].path);
	free(lx->devices);
	free(lx->resources.devices);
	memset(lx, 0, sizeof *lx);
}

/* ---- the model: what the rules mean (ward-run(8), "Device control") ----------------------- */

static const struct trule model_defaults[] = {
	{true, 'c', 1, 3, 7}, {true, 'c', 1, 5, 7}, {true, 'c', 1, 7, 7}, {true, 'c', 1, 8, 7},
	{true, 'c', 1, 9, 7}, {true, 'c', 5, 0, 7}, {true, 'c', 5, 2, 7}, {true, 'c', 136, -1, 7},
};

static bool rule_matches(const struct trule *r, char type, int major, int minor)
{
	return (r->type == 'a' || r->type == type) && (r->major < 0 || r->major == major) &&
	       (r->minor < 0 || r->minor == minor);
}

/* A configured rule names an implicit one's device: same type (or a), same major, same minor
 * or both any. */
static bool names(const struct trule *cfg, size_t n, const struct trule *imp)
{
	for (size_t i = 0; i < n; i++)
		if ((cfg[i].type == 'a' || cfg[i].type == imp->type) && cfg[i].major >= 0 &&
		    cfg[i].major == imp->major && cfg[i].minor == imp->minor)
			return true;
	return false;
}

/* Per kind of access: the last rule that matches the device and names it decides. */
static int model(const struct trule *cfg, size_t n, const struct tdev *devs, size_t n_devs,
		 char type, unsigned access, int major, int minor)
{
	struct trule all[64];
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		all[k++] = cfg[i];
	/* The defaults and linux.devices: rwm, or only m (their nodes are made under the
	 * program) when a configured rule names them. */
	for (size_t i = 0; i < ARRAY_SIZE(model_defaults); i++) {
		all[k] = model_defaults[i];
		if (names(cfg, n, &all[k]))
			all[k].access = BPF_DEVCG_ACC_MKNOD;
		k++;
	}
	for (size_t i = 0; i < n_devs; i++) {
		struct trule r = {true, devs[i].type == 'b' ? 'b' : 'c', devs[i].major,
				  devs[i].minor, 7};
		if (devs[i].type == 'p')
			continue;
		if (names(cfg, n, &r))
			r.access = BPF_DEVCG_ACC_MKNOD;
		all[k++] = r;
	}
	for (unsigned bit = 1; bit <= 4; bit <<= 1) {
		if (!(access & bit))
			continue;
		int verdict = 0;
		for (size_t i = k; i-- > 0;)
			if (rule_matches(&all[i], type, major, minor) && (all[i].access & bit)) {
				verdict = all[i].allow;
				break;
			}
		if (!verdict)
			return 0;
	}
	return 1;
}

/* ---- a strict interpreter of the instructions the program may use ------------------------ */

static int interpret(const struct bpf_insn *p, size_t n, char type, unsigned access, int major,
		     int minor)
{
	uint64_t r[11] = {0};
	bool ctx[11] = {[1] = true}; /* which registers hold the context pointer */
	uint32_t c[3] = {(access << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
			 (uint32_t)major, (uint32_t)minor};
	size_t pc = 0;

	for (size_t steps = 0; steps < 100000; steps++) {
		REQUIRE(pc < n, "the program runs off its end at %zu", pc);
		struct bpf_insn i = p[pc++];
		REQUIRE(i.dst_reg < 10 && i.src_reg < 10, "insn %zu: bad register", pc - 1);
		switch (i.code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			REQUIRE(ctx[i.src_reg] && i.imm == 0 && i.off >= 0 && i.off <= 8 &&
					i.off % 4 == 0,
				"insn %zu: bad load", pc - 1);
			r[i.dst_reg] = c[i.off / 4];
			ctx[i.dst_reg] = false;
			break;
		case BPF_ALU64 | BPF_MOV | BPF_X:
			REQUIRE(i.off == 0 && i.imm == 0, "insn %zu: reserved fields", pc - 1);
			r[i.dst_reg] = r[i.src_reg];
			ctx[i.dst_reg] = ctx[i.src_reg];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			REQUIRE(i.off == 0 && i.src_reg == 0, "insn %zu: reserved fields", pc - 1);
			r[i.dst_reg] = (uint64_t)(int64_t)i.imm;
			ctx[i.dst_reg] = false;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_K:
			REQUIRE(i.off == 0 && i.src_reg == 0 && !ctx[i.dst_reg],
				"insn %zu: reserved fields (BPF_ALU uses reserved fields)", pc - 1);
			if (BPF_OP(i.code) == BPF_AND)
				r[i.dst_reg] = (uint32_t)r[i.dst_reg] & (uint32_t)i.imm;
			else
				r[i.dst_reg] = (uint32_t)r[i.dst_reg] >> i.imm;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
		case BPF_JMP | BPF_JEQ | BPF_K:
			REQUIRE(i.src_reg == 0 && i.off >= 0 && !ctx[i.dst_reg],
				"insn %zu: bad jump", pc - 1);
			if ((r[i.dst_reg] == (uint64_t)(int64_t)i.imm) ==
			    (BPF_OP(i.code) == BPF_JEQ))
				pc += (size_t)i.off;
			break;
		case BPF_JMP | BPF_EXIT:
			REQUIRE(i.off == 0 && i.imm == 0 && i.src_reg == 0 && i.dst_reg == 0,
				"insn %zu: reserved fields", pc - 1);
			return (int)r[0];
		default:
			ck_abort_msg("insn %zu: unexpected opcode 0x%02x", pc - 1, i.code);
		}
	}
	ck_abort_msg("the program does not end");
	return -1;
}

/* Every instruction is reachable (the verifier refuses unreachable ones). */
static void assert_all_reachable(const struct bpf_insn *p, size_t n)
{
	bool *seen = calloc(n, 1);
	REQUIRE(seen, "no memory");
	seen[0] = true;
	for (size_t pc = 0; pc < n; pc++) {
		if (!seen[pc])
			continue;
		uint8_t cls = BPF_CLASS(p[pc].code);
		bool exit = p[pc].code == (BPF_JMP | BPF_EXIT);
		if (cls == BPF_JMP && !exit) {
			REQUIRE(pc + 1 + (size_t)p[pc].off < n, "insn %zu jumps out", pc);
			seen[pc + 1 + (size_t)p[pc].off] = true;
		}
		if (!exit && pc + 1 < n)
			seen[pc + 1] = true;
	}
	for (size_t pc = 0; pc < n; pc++)
		REQUIRE(seen[pc], "insn %zu is unreachable", pc);
	REQUIRE(p[n - 1].code == (BPF_JMP | BPF_EXIT), "the program does not end in exit");
	free(seen);
}

/* -1: the kernel cannot be asked (not root); else whether the verifier accepted it. */
static int kernel_loads(const struct bpf_insn *p, size_t n, char *why, size_t why_len)
{
	struct ward_error err = {0};
	int fd = cgroup_devices_load(p, n, &err);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	if (err.code == EPERM)
		return -1;
	snprintf(why, why_len, "%s", err.msg);
	return 0;
}

static const struct tdev requests[] = {
	{'c', 1, 9},	      {'c', 1, 3}, {'c', 1, 11},   {'c', 10, 229},
	{'c', 10, 200},	      {'c', 5, 1}, {'c', 136, 4},  {'c', 0, 0},
	{'c', 4095, 1048575}, {'b', 1, 9}, {'b', 10, 229}, {'b', 8, 0},
};

static size_t loaded, judged;
static bool kernel_unavailable;

/* Builds the program for these rules and devices; the interpreter must agree with the model on
 * every request, and the kernel must load it. */
static void check_program(const char *label, const struct trule *cfg, size_t n,
			  const struct tdev *devs, size_t n_devs)
{
	struct ward_linux lx;
	struct ward_error err = {0};
	struct bpf_insn *insns = NULL;
	size_t count = 0;
	char why[sizeof err.msg] = "";

	set_rules(&lx, cfg, n);
	set_devices(&lx, devs, n_devs);
	ck_assert_msg(cgroup_devices_program(&lx, &insns, &count, &err) == 0, "%s", err.msg);
	assert_all_reachable(insns, count);
	for (size_t d = 0; d < ARRAY_SIZE(requests); d++)
		for (unsigned access = 1; access <= 7; access++) {
			const struct tdev *q = &requests[d];
			int want = model(cfg, n, devs, n_devs, q->type, access, q->major, q->minor);
			int got = interpret(insns, count, q->type, access, q->major, q->minor);
			REQUIRE(got == want,
				"%s: request %c %d:%d access %u: the program says %d, the "
				"rules mean %d",
				label, q->type, q->major, q->minor, access, got, want);
			judged++;
		}
	int k = kernel_loads(insns, count, why, sizeof why);
	if (k < 0)
		kernel_unavailable = true;
	else
		ck_assert_msg(k == 1, "%s: the verifier refuses the program: %s", label, why);
	loaded += k == 1;
	free(insns);
	clear(&lx);
}

START_TEST(every_access_subset_and_wildcard_combination)
{
	static const char types[] = {'a', 'c', 'b'};
	static const int majors[] = {-1, 1, 10}, minors[] = {-1, 9, 229};
	static const struct tdev with_nodes[] = {{'c', 1, 9}, {'c', 10, 229}, {'p', 0, 0}};
	size_t programs = 0;

	loaded = judged = 0;
	for (size_t t = 0; t < ARRAY_SIZE(types); t++)
		for (size_t ma = 0; ma < ARRAY_SIZE(majors); ma++)
			for (size_t mi = 0; mi < ARRAY_SIZE(minors); mi++)
				for (unsigned access = 1; access <= 7; access++)
					for (int allow = 0; allow <= 1; allow++) {
						struct trule cfg[2] = {{!allow, 'a', -1, -1, 7},
								       {allow, types[t], majors[ma],
									minors[mi], access}};
						char label[64];
						snprintf(label, sizeof label,
							 "%s %c %d:%d access %u",
							 allow ? "allow" : "deny", types[t],
							 majors[ma], minors[mi], access);
						check_program(label, cfg, 2, NULL, 0);
						check_program(label, cfg, 2, with_nodes,
							      ARRAY_SIZE(with_nodes));
						check_program(label, &cfg[1], 1, NULL, 0);
						programs += 3;
					}
	ck_assert_uint_eq(programs, 3 * 3 * 3 * 7 * 2 * 3);
	ck_assert_uint_eq(judged, programs * ARRAY_SIZE(requests) * 7);
	if (kernel_unavailable)
		fprintf(stderr, "note: not root, %zu programs judged by the interpreter only\n",
			programs);
	else
		ck_assert_uint_eq(loaded, programs);
}
END_TEST

/* The rules that engines and users write, each a program the verifier must accept. */
START_TEST(the_rules_engines_write)
{
	const struct trule docker[] = {
		{false, 'a', -1, -1, 7},  {true, 'c', -1, -1, 1},  {true, 'b', -1, -1, 1},
		{true, 'c', 1, 5, 7},	  {true, 'c', 5, 1, 7},	   {true, 'c', 136, -1, 7},
		{false, 'c', 10, 229, 7}, {true, 'c', 10, 229, 2},
	};
	const struct trule fuse_read_only[] = {{false, 'a', -1, -1, 7}, {true, 'c', 10, 229, 2}};
	const struct trule allow_all[] = {{true, 'a', -1, -1, 7}};
	const struct trule deny_all_last[] = {{true, 'c', 1, 9, 7}, {false, 'a', -1, -1, 7}};
	const struct trule none[] = {{false, 'c', 0, 0, 0}};
	const struct trule split[] = {
		{false, 'a', -1, -1, 7}, {true, 'c', 1, 9, 2},	{true, 'c', 1, 9, 4},
		{true, 'c', 1, 9, 6},	 {false, 'c', 1, 9, 4}, {true, 'c', 1, 3, 1},
	};
	const struct tdev fuse[] = {{'c', 10, 229}};

	check_program("docker", docker, ARRAY_SIZE(docker), fuse, 1);
	check_program("fuse:r", fuse_read_only, ARRAY_SIZE(fuse_read_only), fuse, 1);
	check_program("allow all", allow_all, ARRAY_SIZE(allow_all), NULL, 0);
	check_program("deny all last", deny_all_last, ARRAY_SIZE(deny_all_last), NULL, 0);
	check_program("no rules", none, 0, NULL, 0);
	check_program("a rule with no access", none, 1, fuse, 1);
	check_program("split", split, ARRAY_SIZE(split), NULL, 0);
}
END_TEST

/* What the rules mean, spelled out for the cases the model could get wrong with the program. */
START_TEST(each_kind_of_access_is_decided_by_its_own_last_rule)
{
	const struct trule r_then_w[] = {
		{false, 'a', -1, -1, 7}, {true, 'c', 1, 9, 2}, {true, 'c', 1, 9, 4}};
	const struct trule rwm_then_deny_w[] = {{true, 'c', 1, 9, 7}, {false, 'c', 1, 9, 4}};
	const struct tdev urandom[] = {{'c', 1, 9}};
	const unsigned R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE, M = BPF_DEVCG_ACC_MKNOD;

	ck_assert_int_eq(model(r_then_w, 3, NULL, 0, 'c', R | W, 1, 9), 1);
	/* m: not named by a rule here, but /dev/urandom is a default device: its node is made
	 * under the program. */
	ck_assert_int_eq(model(r_then_w, 3, NULL, 0, 'c', M, 1, 9), 1);
	ck_assert_int_eq(model(r_then_w, 3, NULL, 0, 'c', M, 1, 11), 0);
	ck_assert_int_eq(model(rwm_then_deny_w, 2, NULL, 0, 'c', R, 1, 9), 1);
	ck_assert_int_eq(model(rwm_then_deny_w, 2, NULL, 0, 'c', R | W, 1, 9), 0);
	/* A rule naming the device replaces the default rwm; a deny-all does not. mknod stays:
	 * the init makes the node under the program. */
	ck_assert_int_eq(model(r_then_w, 1, urandom, 1, 'c', W, 1, 9), 1);
	ck_assert_int_eq(model(&r_then_w[0], 2, urandom, 1, 'c', W, 1, 9), 0);
	ck_assert_int_eq(model(&r_then_w[0], 2, urandom, 1, 'c', R, 1, 9), 1);
	ck_assert_int_eq(model(&r_then_w[0], 2, urandom, 1, 'c', M, 1, 9), 1);
	ck_assert_int_eq(model(&rwm_then_deny_w[1], 1, NULL, 0, 'c', M, 1, 9), 1);
	ck_assert_int_eq(model(&rwm_then_deny_w[1], 1, NULL, 0, 'c', R, 1, 9), 0);
	/* The host's console is no default device. */
	ck_assert_int_eq(model(NULL, 0, NULL, 0, 'c', R, 5, 1), 0);
	ck_assert_int_eq(model(NULL, 0, NULL, 0, 'c', R | W, 136, 7), 1);
	check_program("r then w", r_then_w, 3, urandom, 1);
	check_program("rwm then deny w", rwm_then_deny_w, 2, urandom, 1);
}
END_TEST

START_TEST(refuses_numbers_the_kernel_cannot_have)
{
	struct ward_linux lx;
	struct ward_error err = {0};
	struct bpf_insn *insns = NULL;
	size_t n = 0;
	const struct trule big[] = {{true, 'c', 4096, 11, 6}};
	const struct tdev node[] = {{'c', 1, 0x100000}};

	set_rules(&lx, big, 1);
	ck_assert_int_eq(cgroup_devices_program(&lx, &insns, &n, &err), -1);
	ck_assert_str_eq(err.msg,
			 "linux.resources.devices[0]: not a device rule: invalid argument");
	clear(&lx);
	set_rules(&lx, NULL, 0);
	set_devices(&lx, node, 1);
	ck_assert_int_eq(cgroup_devices_program(&lx, &insns, &n, &err), -1);
	ck_assert_str_eq(err.msg, "linux.devices[0]: device number out of range: invalid argument");
	clear(&lx);
}
END_TEST

/* ---- the kernel's verdict on a real cgroup ------------------------------------------------ */

static char cg[256];

/* 0 or the errno of opening path with flags in a child that lives in a cgroup with the
 * program of these rules; -1 when this host cannot run it (not root, no cgroup2). */
static int open_in_cgroup(const struct trule *cfg, size_t n, const char *path, int flags)
{
	struct ward_linux lx;
	struct ward_error err = {0};
	int pipefd[2], status, result = 0;

	if (geteuid() != 0 || (mkdir(cg, 0755) < 0 && errno != EEXIST))
		return -1;
	cleanup_close int cgfd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(cgfd, 0);
	set_rules(&lx, cfg, n);
	ck_assert_msg(cgroup_attach_devices(cgfd, &lx, &err) == 0, "%s", err.msg);
	clear(&lx);
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char procs[300], self[32];
		int fd = -1, e = 0;
		snprintf(procs, sizeof procs, "%s/cgroup.procs", cg);
		snprintf(self, sizeof self, "%d", getpid());
		int p = open(procs, O_WRONLY | O_CLOEXEC);
		if (p < 0 || write(p, self, strlen(self)) < 0)
			_exit(2);
		fd = open(path, flags | O_NOCTTY | O_CLOEXEC);
		e = fd < 0 ? errno : 0;
		if (write(pipefd[1], &e, sizeof e) != sizeof e)
			_exit(3);
		_exit(0);
	}
	close(pipefd[1]);
	ck_assert_int_eq(read(pipefd[0], &result, sizeof result), (ssize_t)sizeof result);
	close(pipefd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* A fresh cgroup each time: the programs attached with BPF_F_ALLOW_MULTI would stack. */
	ck_assert_int_eq(rmdir(cg), 0);
	return result;
}

START_TEST(the_kernel_enforces_what_the_rules_mean)
{
	const struct trule read_only[] = {{false, 'a', -1, -1, 7}, {true, 'c', 1, 9, 2}};
	const struct trule r_then_w[] = {
		{false, 'a', -1, -1, 7}, {true, 'c', 1, 9, 2}, {true, 'c', 1, 9, 4}};
	const struct trule deny_w[] = {
		{false, 'a', -1, -1, 7}, {true, 'c', 1, 9, 7}, {false, 'c', 1, 9, 4}};
	const struct trule console[] = {{false, 'a', -1, -1, 7}};
	const struct trule null_w[] = {{false, 'a', -1, -1, 7}, {true, 'c', 1, 3, 4}};

	int rc = open_in_cgroup(read_only, 2, "/dev/urandom", O_RDONLY);
	if (rc == -1) {
		fprintf(stderr, "note: not root or no cgroup2 at /sys/fs/cgroup/unified: the "
				"kernel's verdict is left to the integration tests\n");
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(open_in_cgroup(read_only, 2, "/dev/urandom", O_WRONLY), EPERM);
	ck_assert_int_eq(open_in_cgroup(read_only, 2, "/dev/urandom", O_RDWR), EPERM);
	ck_assert_int_eq(open_in_cgroup(read_only, 2, "/dev/null", O_RDWR), 0);
	ck_assert_int_eq(open_in_cgroup(r_then_w, 3, "/dev/urandom", O_RDWR), 0);
	ck_assert_int_eq(open_in_cgroup(deny_w, 3, "/dev/urandom", O_RDONLY), 0);
	ck_assert_int_eq(open_in_cgroup(deny_w, 3, "/dev/urandom", O_RDWR), EPERM);
	ck_assert_int_eq(open_in_cgroup(deny_w, 3, "/dev/urandom", O_WRONLY), EPERM);
	/* A deny-all leaves the defaults; a rule that names one decides for it. */
	ck_assert_int_eq(open_in_cgroup(console, 1, "/dev/zero", O_RDONLY), 0);
	ck_assert_int_eq(open_in_cgroup(deny_w, 3, "/dev/zero", O_RDWR), 0);
	ck_assert_int_eq(open_in_cgroup(null_w, 2, "/dev/null", O_RDONLY), EPERM);
	ck_assert_int_eq(open_in_cgroup(console, 1, "/dev/console", O_RDONLY), EPERM);
}
END_TEST

/* Unchecked: run by the test runner, so the cgroup goes even when a test fails in its child. */
static void setup(void)
{
	snprintf(cg, sizeof cg, "/sys/fs/cgroup/unified/ward-check-devices-%d", getpid());
}

static void teardown(void)
{
	rmdir(cg);
}

static Suite *devices_suite(void)
{
	Suite *s = suite_create("cgroup_devices");
	TCase *prog = tcase_create("program"), *kernel = tcase_create("kernel");

	tcase_set_timeout(prog, 60);
	tcase_add_test(prog, every_access_subset_and_wildcard_combination);
	tcase_add_test(prog, the_rules_engines_write);
	tcase_add_test(prog, each_kind_of_access_is_decided_by_its_own_last_rule);
	tcase_add_test(prog, refuses_numbers_the_kernel_cannot_have);
	suite_add_tcase(s, prog);
	tcase_add_unchecked_fixture(kernel, setup, teardown);
	tcase_add_test(kernel, the_kernel_enforces_what_the_rules_mean);
	suite_add_tcase(s, kernel);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(devices_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
