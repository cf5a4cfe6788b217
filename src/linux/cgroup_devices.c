/* Device control for cgroup v2: the OCI device rules compiled into a
 * BPF_PROG_TYPE_CGROUP_DEVICE program.
 *
 * Each kind of access a request asks for (read, write, mknod) is decided on its own by the last
 * rule that matches the device and names that kind; the request is allowed when every kind it
 * asks for is allowed, and denied when one is denied or no rule decides it. That is cgroup v1's
 * meaning of a list of rules, so [deny all, allow c 1:9 r, allow c 1:9 w] allows opening
 * /dev/urandom for reading and writing, and [allow c 1:9 rwm, deny c 1:9 w] allows reading it
 * but denies O_RDWR.
 *
 * After the configuration's rules come the default devices and those of linux.devices, each
 * allowed for rwm, unless a rule of the configuration names that very device (type, major and
 * minor, not a wildcard): then the configuration decides about r and w, so `c 1:9 r` with
 * /dev/urandom in linux.devices gives a read-only /dev/urandom. m stays allowed for them
 * either way: the container's init makes their nodes with mknod under this program (without m
 * it would fall back to binding the host's node, and lose fileMode, uid and gid). A leading
 * "deny everything" names no device and does not take the defaults away. */
#include <errno.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/util.h"

/* The instruction encodings this program needs (linux/filter.h style). */
#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(dst, src, off) INSN(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV_REG(dst, src)    INSN(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_IMM(dst, imm)    INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define AND_IMM(dst, imm)    INSN(BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH_IMM(dst, imm)    INSN(BPF_ALU | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm)    INSN(BPF_JMP | BPF_JNE | BPF_K, dst, 0, 0, imm)
#define JEQ_IMM(dst, imm)    INSN(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, 0, imm)
#define EXIT()		     INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define ACC_ALL (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)

/* Registers while the rules run: the device type, the kinds of access still undecided, the
 * major and the minor (loaded once at entry); r1 is scratch. */
#define R_TYPE	  BPF_REG_2
#define R_PENDING BPF_REG_3
#define R_MAJOR	  BPF_REG_4
#define R_MINOR	  BPF_REG_5

struct rule {
	bool allow;
	char type; /* 'a', 'c', 'b' */
	bool any_major, any_minor;
	uint32_t major, minor;
	unsigned access; /* BPF_DEVCG_ACC_* bits */
};

struct prog {
	struct bpf_insn *insns;
	size_t n, cap;
};

static int emit(struct prog *p, struct bpf_insn insn)
{
	if (p->n == p->cap) {
		struct bpf_insn *grown = array_grow(p->insns, &p->cap, sizeof *grown, 64);
		if (!grown)
			return -1;
		p->insns = grown;
	}
	p->insns[p->n++] = insn;
	return 0;
}

static unsigned bpf_access(unsigned ward_access)
{
	return (ward_access & WARD_DEVICE_READ ? BPF_DEVCG_ACC_READ : 0) |
	       (ward_access & WARD_DEVICE_WRITE ? BPF_DEVCG_ACC_WRITE : 0) |
	       (ward_access & WARD_DEVICE_MKNOD ? BPF_DEVCG_ACC_MKNOD : 0);
}

/* One rule as a block of instructions whose conditional jumps all lead past the block (to the
 * next rule). Sets *final when the block always exits: nothing after it could be reached, and
 * the verifier refuses unreachable instructions. */
static int emit_rule(struct prog *p, const struct rule *r, bool *final)
{
	struct bpf_insn block[10];
	size_t skips[6], n = 0, n_skips = 0;
	bool matches_all = r->type == 'a' && r->any_major && r->any_minor;

	if (r->type != 'a') {
		skips[n_skips++] = n;
		block[n++] =
			JNE_IMM(R_TYPE, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	}
	/* Device numbers fit in 12 and 20 bits (the parser and the callers see to it), so the
	 * immediate is the number itself, never a truncation of it. */
	if (!r->any_major) {
		skips[n_skips++] = n;
		block[n++] = JNE_IMM(R_MAJOR, (int32_t)r->major);
	}
	if (!r->any_minor) {
		skips[n_skips++] = n;
		block[n++] = JNE_IMM(R_MINOR, (int32_t)r->minor);
	}
	if (r->allow) {
		/* The kinds it names are allowed; decided once none is left. */
		if ((r->access & ACC_ALL) != ACC_ALL) {
			block[n++] = AND_IMM(R_PENDING, (int32_t)(~r->access & ACC_ALL));
			skips[n_skips++] = n;
			block[n++] = JNE_IMM(R_PENDING, 0);
		}
		block[n++] = MOV_IMM(BPF_REG_0, 1);
	} else {
		/* Denies the request if it asks for a kind the rule names. */
		if ((r->access & ACC_ALL) != ACC_ALL) {
			block[n++] = MOV_REG(BPF_REG_1, R_PENDING);
			block[n++] = AND_IMM(BPF_REG_1, (int32_t)(r->access & ACC_ALL));
			skips[n_skips++] = n;
			block[n++] = JEQ_IMM(BPF_REG_1, 0);
		}
		block[n++] = MOV_IMM(BPF_REG_0, 0);
	}
	block[n++] = EXIT();
	*final = matches_all && n_skips == 0;
	for (size_t i = 0; i < n_skips; i++)
		block[skips[i]].off = (int16_t)(n - skips[i] - 1);
	for (size_t i = 0; i < n; i++)
		if (emit(p, block[i]) < 0)
			return -1;
	return 0;
}

/* The devices every container gets (runtime-spec "Default Devices", /dev/ptmx and the ptys of
 * the container's own devpts). Not /dev/console (5:1): the container's console is a pty of its
 * own devpts, bound there; 5:1 is the host's console. */
static const struct rule default_rules[] = {
	{true, 'c', false, false, 1, 3, ACC_ALL}, {true, 'c', false, false, 1, 5, ACC_ALL},
	{true, 'c', false, false, 1, 7, ACC_ALL}, {true, 'c', false, false, 1, 8, ACC_ALL},
	{true, 'c', false, false, 1, 9, ACC_ALL}, {true, 'c', false, false, 5, 0, ACC_ALL},
	{true, 'c', false, false, 5, 2, ACC_ALL}, {true, 'c', false, true, 136, 0, ACC_ALL},
};

/* Whether a rule of the configuration names exactly the device of an implicit rule. */
static bool named_by_config(const struct ward_resources *res, const struct rule *implicit)
{
	for (size_t i = 0; i < res->n_devices; i++) {
		const struct ward_device_rule *d = &res->devices[i];
		bool same_minor = implicit->any_minor ? !d->has_minor
						      : d->has_minor && d->minor == implicit->minor;
		if ((d->type == 'a' || d->type == implicit->type) && d->has_major &&
		    d->major == implicit->major && same_minor)
			return true;
	}
	return false;
}

static bool in_range(bool any, uint32_t v, uint32_t max)
{
	return any || v <= max;
}

int cgroup_devices_program(const struct ward_linux *lx, struct bpf_insn **insns, size_t *n,
			   struct ward_error *err)
{
	const struct ward_resources *res = &lx->resources;
	size_t nrules = res->n_devices + lx->n_devices + ARRAY_SIZE(default_rules);
	cleanup_free struct rule *rules = calloc(nrules, sizeof *rules);
	struct prog p = {0};
	size_t k = 0;
	bool final = false;

	if (!rules)
		return ward_fail(err, ENOMEM, "device rules");
	for (size_t i = 0; i < res->n_devices; i++) {
		const struct ward_device_rule *d = &res->devices[i];
		if (!in_range(!d->has_major, d->major, WARD_DEVICE_MAJOR_MAX) ||
		    !in_range(!d->has_minor, d->minor, WARD_DEVICE_MINOR_MAX) ||
		    !strchr("acb", d->type))
			return ward_fail(err, EINVAL,
					 "linux.resources.devices[%zu]: not a device rule", i);
		rules[k++] = (struct rule){d->allow, d->type,  !d->has_major,	     !d->has_minor,
					   d->major, d->minor, bpf_access(d->access)};
	}
	for (size_t i = 0; i < ARRAY_SIZE(default_rules); i++) {
		rules[k] = default_rules[i];
		if (named_by_config(res, &rules[k]))
			rules[k].access = BPF_DEVCG_ACC_MKNOD;
		k++;
	}
	for (size_t i = 0; i < lx->n_devices; i++) {
		const struct ward_device *d = &lx->devices[i];
		if (d->type == 'p')
			continue;
		if (d->major > WARD_DEVICE_MAJOR_MAX || d->minor > WARD_DEVICE_MINOR_MAX)
			return ward_fail(err, EINVAL,
					 "linux.devices[%zu]: device number out of range", i);
		struct rule r = {
			true,	d->type == 'b' ? 'b' : 'c', false, false, d->major, d->minor,
			ACC_ALL};
		if (named_by_config(res, &r))
			r.access = BPF_DEVCG_ACC_MKNOD;
		rules[k++] = r;
	}

	if (emit(&p, LDX_W(R_TYPE, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type))) <
		    0 ||
	    emit(&p, MOV_REG(R_PENDING, R_TYPE)) < 0 || emit(&p, AND_IMM(R_TYPE, 0xffff)) < 0 ||
	    emit(&p, RSH_IMM(R_PENDING, 16)) < 0 ||
	    emit(&p, LDX_W(R_MAJOR, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, major))) < 0 ||
	    emit(&p, LDX_W(R_MINOR, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, minor))) < 0)
		goto nomem;
	for (size_t i = k; i-- > 0 && !final;)
		if (emit_rule(&p, &rules[i], &final) < 0)
			goto nomem;
	/* Deny whatever no rule decided. */
	if (!final && (emit(&p, MOV_IMM(BPF_REG_0, 0)) < 0 || emit(&p, EXIT()) < 0))
		goto nomem;
	*insns = p.insns;
	*n = p.n;
	return 0;
nomem:
	free(p.insns);
	return ward_fail(err, ENOMEM, "device rules");
}

int cgroup_devices_load(const struct bpf_insn *insns, size_t n, struct ward_error *err)
{
	char log[4096] = "";
	union bpf_attr load = {
		.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
		.insns = (uint64_t)(uintptr_t)insns,
		.insn_cnt = (uint32_t)n,
		.license = (uint64_t)(uintptr_t) "Apache-2.0",
	};
	int progfd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);

	if (progfd >= 0)
		return progfd;
	if (errno != EPERM) {
		/* Load again only to get the verifier's explanation (a log of a successful load
		 * can overflow the buffer and fail with ENOSPC). */
		int saved = errno;
		load.log_buf = (uint64_t)(uintptr_t)log;
		load.log_size = sizeof log;
		load.log_level = 1;
		int again = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
		if (again >= 0) {
			close(again);
			log[0] = '\0';
		}
		errno = saved;
	}
	return ward_fail(err, errno, "linux.resources.devices: load the device control program%s%s",
			 log[0] ? ": " : "", log);
}

int cgroup_attach_devices(int cgfd, const struct ward_linux *lx, struct ward_error *err)
{
	cleanup_free struct bpf_insn *insns = NULL;
	cleanup_close int progfd = -1;
	size_t n = 0;

	if (cgroup_devices_program(lx, &insns, &n, err) < 0)
		return -1;
	progfd = cgroup_devices_load(insns, n, err);
	if (progfd < 0)
		return -1;
	union bpf_attr attach = {
		.target_fd = (uint32_t)cgfd,
		.attach_bpf_fd = (uint32_t)progfd,
		.attach_type = BPF_CGROUP_DEVICE,
		.attach_flags = BPF_F_ALLOW_MULTI,
	};
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attach, sizeof attach) < 0)
		return ward_fail(err, errno,
				 "linux.resources.devices: attach the device control program");
	return 0;
}
