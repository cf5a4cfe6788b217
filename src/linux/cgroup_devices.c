/* Device control for cgroup v2: the OCI device rules compiled into a
 * BPF_PROG_TYPE_CGROUP_DEVICE program. Deny by default; rules are checked from the last to the
 * first, so the last one that matches decides, as the runtime spec says. */
#include <errno.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"

/* The instruction encodings this program needs (linux/filter.h style). */
#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(dst, src, off) INSN(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV_REG(dst, src)    INSN(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_IMM(dst, imm)    INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define AND_IMM(dst, imm)    INSN(BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH_IMM(dst, imm)    INSN(BPF_ALU | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, o) INSN(BPF_JMP | BPF_JNE | BPF_K, dst, 0, o, imm)
#define EXIT()		     INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

struct rule {
	bool allow;
	char type;	      /* 'a', 'c', 'b' */
	int64_t major, minor; /* -1: any */
	unsigned access;      /* BPF_DEVCG_ACC_* bits */
};

struct prog {
	struct bpf_insn *insns;
	size_t n, cap;
};

static int emit(struct prog *p, struct bpf_insn insn)
{
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 64;
		struct bpf_insn *ni = realloc(p->insns, ncap * sizeof *ni);
		if (!ni)
			return -1;
		p->insns = ni;
		p->cap = ncap;
	}
	p->insns[p->n++] = insn;
	return 0;
}

static unsigned access_bits(const char *access)
{
	unsigned bits = 0;
	if (!access || !*access)
		return BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
	for (; *access; access++) {
		if (*access == 'r')
			bits |= BPF_DEVCG_ACC_READ;
		else if (*access == 'w')
			bits |= BPF_DEVCG_ACC_WRITE;
		else if (*access == 'm')
			bits |= BPF_DEVCG_ACC_MKNOD;
	}
	return bits;
}

/* r2 = device type, r3 = requested access, r4 = major, r5 = minor (loaded once at entry).
 * Sets *final when the rule matches every access: nothing after it can be reached. */
static int emit_rule(struct prog *p, const struct rule *r, bool *final)
{
	const unsigned all = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
	struct bpf_insn block[8];
	int n = 0;

	if (r->type != 'a')
		block[n++] = JNE_IMM(BPF_REG_2,
				     r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0);
	if ((r->access & all) != all) {
		/* Matches only when every requested access is one the rule names. */
		block[n++] = MOV_REG(BPF_REG_1, BPF_REG_3);
		block[n++] = AND_IMM(BPF_REG_1, (int)(~r->access & all));
		block[n++] = JNE_IMM(BPF_REG_1, 0, 0);
	}
	if (r->major >= 0)
		block[n++] = JNE_IMM(BPF_REG_4, (int)r->major, 0);
	if (r->minor >= 0)
		block[n++] = JNE_IMM(BPF_REG_5, (int)r->minor, 0);
	*final = n == 0;
	block[n++] = MOV_IMM(BPF_REG_0, r->allow ? 1 : 0);
	block[n++] = EXIT();
	/* Every conditional jump skips to the end of this rule's block. */
	for (int i = 0; i < n; i++)
		if (BPF_OP(block[i].code) == BPF_JNE)
			block[i].off = (short)(n - i - 1);
	for (int i = 0; i < n; i++)
		if (emit(p, block[i]) < 0)
			return -1;
	return 0;
}

static const struct rule default_rules[] = {
	{true, 'c', 1, 3, 7}, {true, 'c', 1, 5, 7}, {true, 'c', 1, 7, 7},
	{true, 'c', 1, 8, 7}, {true, 'c', 1, 9, 7}, {true, 'c', 5, 0, 7},
	{true, 'c', 5, 1, 7}, {true, 'c', 5, 2, 7}, {true, 'c', 136, -1, 7},
};

int cgroup_attach_devices(int cgfd, const struct ward_linux *lx, struct ward_error *err)
{
	const struct ward_resources *res = &lx->resources;
	size_t nrules =
		res->n_devices + lx->n_devices + sizeof default_rules / sizeof default_rules[0];
	cleanup_free struct rule *rules = calloc(nrules, sizeof *rules);
	struct prog p = {0};
	size_t k = 0;
	char log[4096] = "";
	int progfd, rc = -1;

	if (!rules)
		return ward_fail(err, ENOMEM, "device rules");
	for (size_t i = 0; i < res->n_devices; i++) {
		const struct ward_device_rule *d = &res->devices[i];
		rules[k++] = (struct rule){d->allow, d->type, d->has_major ? d->major : -1,
					   d->has_minor ? d->minor : -1, access_bits(d->access)};
	}
	/* The devices every container gets, and those the config creates, stay usable. */
	for (size_t i = 0; i < sizeof default_rules / sizeof default_rules[0]; i++)
		rules[k++] = default_rules[i];
	for (size_t i = 0; i < lx->n_devices; i++) {
		const struct ward_device *d = &lx->devices[i];
		if (d->type == 'p')
			continue;
		rules[k++] = (struct rule){true, d->type == 'b' ? 'b' : 'c', d->major, d->minor, 7};
	}

	if (emit(&p, LDX_W(BPF_REG_2, BPF_REG_1,
			   offsetof(struct bpf_cgroup_dev_ctx, access_type))) < 0 ||
	    emit(&p, MOV_REG(BPF_REG_3, BPF_REG_2)) < 0 ||
	    emit(&p, AND_IMM(BPF_REG_2, 0xffff)) < 0 || emit(&p, RSH_IMM(BPF_REG_3, 16)) < 0 ||
	    emit(&p, LDX_W(BPF_REG_4, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, major))) < 0 ||
	    emit(&p, LDX_W(BPF_REG_5, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, minor))) < 0)
		goto nomem;
	bool final = false;
	for (size_t i = k; i-- > 0 && !final;)
		if (emit_rule(&p, &rules[i], &final) < 0)
			goto nomem;
	/* Deny whatever no rule matched. */
	if (!final && (emit(&p, MOV_IMM(BPF_REG_0, 0)) < 0 || emit(&p, EXIT()) < 0))
		goto nomem;

	union bpf_attr load = {
		.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
		.insns = (uint64_t)(uintptr_t)p.insns,
		.insn_cnt = (uint32_t)p.n,
		.license = (uint64_t)(uintptr_t) "Apache-2.0",
	};
	progfd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
	if (progfd < 0 && errno != EPERM) {
		/* Load again only to get the verifier's explanation (a log of a successful load
		 * can overflow the buffer and fail with ENOSPC). */
		int saved = errno;
		load.log_buf = (uint64_t)(uintptr_t)log;
		load.log_size = sizeof log;
		load.log_level = 1;
		if (syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load) >= 0)
			log[0] = '\0';
		errno = saved;
	}
	if (progfd < 0) {
		ward_fail(err, errno,
			  "linux.resources.devices: load the device control program%s%s",
			  log[0] ? ": " : "", log);
		goto out;
	}
	union bpf_attr attach = {
		.target_fd = (uint32_t)cgfd,
		.attach_bpf_fd = (uint32_t)progfd,
		.attach_type = BPF_CGROUP_DEVICE,
		.attach_flags = BPF_F_ALLOW_MULTI,
	};
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attach, sizeof attach) < 0)
		ward_fail(err, errno, "linux.resources.devices: attach the device control program");
	else
		rc = 0;
	close(progfd);
	goto out;
nomem:
	ward_fail(err, ENOMEM, "device rules");
out:
	free(p.insns);
	return rc;
}
