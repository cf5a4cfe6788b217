/* The filters of learning and complain mode, written as raw BPF: what they add is too small
 * for libseccomp (one exemption and one action), and complain mode rewrites the actions of a
 * profile libseccomp compiled. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ward/seccomp_learn.h"
#include "ward/sync.h"
#include "ward/util.h"

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "seccomp learning knows the audit architecture of x86_64 and aarch64 only"
#endif
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the handoff exemption reads the low word of an argument first (little endian)"
#endif

#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define ARG_HI(i) (ARG_LO(i) + 4)

/* Jump from instruction i past the prologue's last instruction (to the rest of the filter). */
#define PROLOGUE_LEN 9
#define TO_REST(i)   ((unsigned char)(PROLOGUE_LEN - 1 - (i)))

/* sendmsg(_, _, LEARN_HANDOFF_FLAGS) on the native architecture is allowed by this filter;
 * anything else goes on to the instructions that follow the prologue. The socket is not
 * compared: the flags alone are what no program sends, and the filter stays one program that
 * ward compiles before the init exists. */
static const struct sock_filter handoff_prologue[PROLOGUE_LEN] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 0, TO_REST(1)),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendmsg, 0, TO_REST(3)),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LEARN_HANDOFF_FLAGS, 0, TO_REST(5)),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_HI(2)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, TO_REST(7)),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

static int prepend(struct ward_seccomp_program *p, const struct sock_filter *pro, size_t n,
		   struct ward_error *err)
{
	struct sock_filter *f = malloc((p->len + n) * sizeof *f);

	if (!f)
		return ward_fail(err, ENOMEM, "seccomp learning filter");
	memcpy(f, pro, n * sizeof *f);
	if (p->len)
		memcpy(f + n, p->filter, p->len * sizeof *f);
	free(p->filter);
	p->filter = f;
	p->len += n;
	/* The listener is handed over and its filter loaded by one thread: TSYNC would refuse
	 * a new listener. */
	p->flags &= ~(unsigned)SECCOMP_FILTER_FLAG_TSYNC;
	p->listener = true;
	return 0;
}

int learn_prepend_handoff(struct ward_seccomp_program *p, struct ward_error *err)
{
	return prepend(p, handoff_prologue, PROLOGUE_LEN, err);
}

int learn_filter_build(struct ward_seccomp_program *out, struct ward_error *err)
{
	static const struct sock_filter notify = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);

	memset(out, 0, sizeof *out);
	out->filter = malloc(sizeof notify);
	if (!out->filter)
		return ward_fail(err, ENOMEM, "seccomp learning filter");
	memcpy(out->filter, &notify, sizeof notify);
	out->len = 1;
	return learn_prepend_handoff(out, err);
}

/* Whether a filter's action denies the call: it fails (errno), traps or kills. */
static bool denies(uint32_t action)
{
	switch (action & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
	case SECCOMP_RET_KILL_THREAD:
	case SECCOMP_RET_TRAP:
	case SECCOMP_RET_ERRNO:
		return true;
	default:
		return false;
	}
}

int learn_complain_form(struct ward_seccomp_program *p, struct ward_error *err)
{
	struct sock_filter *f = p->filter;

	for (size_t i = 0; i < p->len; i++) {
		if (BPF_CLASS(f[i].code) != BPF_RET)
			continue;
		/* libseccomp returns constants only; an action computed at run time cannot be
		 * told a denial or not. */
		if (BPF_RVAL(f[i].code) != BPF_K)
			return ward_fail(
				err, EINVAL,
				"--seccomp-complain: the compiled profile returns an action "
				"computed at run time (instruction %zu)",
				i);
		if (denies(f[i].k))
			f[i].k = SECCOMP_RET_USER_NOTIF;
	}
	return learn_prepend_handoff(p, err);
}

int learn_send_listener(int sync_fd, int listener, struct ward_error *err)
{
	struct sync_msg msg = {.type = SYNC_SECCOMP_FD};

	if (send_fd_flags(sync_fd, listener, &msg, offsetof(struct sync_msg, text),
			  LEARN_HANDOFF_FLAGS) < 0)
		return ward_fail(err, errno, "seccomp: hand the notification fd to ward");
	return 0;
}
