/* Devices: linux.devices and the device cgroup rules, judged on the parsed values: a major or
 * minor of -1 is already the wildcard (has_major/has_minor false) and every number fits the
 * kernel's, so what is judged here is what the device program will enforce.
 *
 * A linux.devices entry is a device the container gets (ward creates it and allows it rwm); an
 * allow rule with r or w is one it can open once it has a node (CAP_MKNOD, or a bind). Rules
 * that allow only m, and deny rules, give nothing to judge: the program still denies r and w.
 * Each device, or each set of devices a rule covers, is judged by the first of these that
 * applies: a wildcard major (device-rule-allow-all, or device-block for type b), the admin's
 * `device` lines (which allow it), device-block, device-kernel-access, device-host-tty, and last
 * device-not-allowed for anything beyond the default devices and the built-in safe list. */
#include <stdio.h>
#include <string.h>

#include "ward/cleanup.h"
#include "ward/policy.h"
#include "internal.h"

#define ANY_MINOR WARD_DEVICE_MINOR_MAX

/* Character devices, as ranges of majors and of minors. */
struct devrange {
	uint32_t major_lo, major_hi, minor_lo, minor_hi;
};

/* Devices that read or write the kernel: mem, kmem, port, kmsg, nvram, snapshot (the
 * hibernation image: all of RAM), CPU MSRs and cpuid. */
static const struct devrange kernel_devices[] = {
	{1, 1, 1, 1},
	{1, 1, 2, 2},
	{1, 1, 4, 4},
	{1, 1, 11, 11},
	{10, 10, 144, 144},
	{10, 10, 231, 231},
	{202, 203, 0, ANY_MINOR},
};

/* The host's terminals and consoles: BSD pty masters and slaves (2, 3), virtual consoles and
 * 8250 serial ports (4), /dev/console (5:1), ttyprintk and the callout devices (5:3 and up),
 * the virtual console memory vcs/vcsa (7), ttyACM (166), ttyUSB (188), other serial drivers
 * (204: ttyAMA, ttySAC, ...) and hypervisor consoles (229: hvc). Through them the container
 * reads what the host's users type and see, and types for them.
 *
 * The container's own terminal is not among them: /dev/tty (5:0) is the caller's controlling
 * terminal, /dev/ptmx (5:2) opens the multiplexer of the devpts instance mounted at the pts/
 * next to the node (the container's own), and a pty slave (136-143) opens only through its
 * own devpts instance. Checked on this kernel (6.18) before relying on it: with two devpts
 * newinstance mounts a and b, a pty of a opened through a node made with mknod on a tmpfs
 * (same 136:N) fails with EIO (pts_unix98_lookup finds no tty for a dentry outside devpts),
 * mknod inside either devpts fails with EPERM, b has no entry for a's pty (ENOENT), and a 5:2
 * node made with mknod opens the devpts instance at its sibling pts/ (ENOENT without one). So
 * allowing 136:* reaches only ptys of devpts instances the container can see; a bind of the
 * host's /dev/pts would be another matter, for the mount checks. */
static const struct devrange tty_devices[] = {
	{2, 4, 0, ANY_MINOR},	  {5, 5, 1, 1},
	{5, 5, 3, ANY_MINOR},	  {7, 7, 0, ANY_MINOR},
	{166, 166, 0, ANY_MINOR}, {188, 188, 0, ANY_MINOR},
	{204, 204, 0, ANY_MINOR}, {229, 229, 0, ANY_MINOR},
};

/* What every container may have: the runtime-spec's default devices, /dev/tty, /dev/ptmx, the
 * container's own ptys (136-143, see above), and a safe list of one, /dev/fuse (10:229):
 * mode 0666 on every distribution, it lets a process serve a file system it mounts, and the
 * mount itself needs CAP_SYS_ADMIN (or a user namespace) where the container is; `docker run
 * --device /dev/fuse` is common. /dev/net/tun is not on it: the admin lists it (`device = c
 * 10:200`) where containers need their own interfaces, as runc no longer allows it by default. */
static const struct devrange allowed_devices[] = {
	{1, 1, 3, 3},	    {1, 1, 5, 5}, {1, 1, 7, 7}, {1, 1, 8, 8},
	{1, 1, 9, 9},	    {5, 5, 0, 0}, {5, 5, 2, 2}, {136, 143, 0, ANY_MINOR},
	{10, 10, 229, 229},
};

/* A set of devices: one type, one major, one minor or any. */
struct devset {
	char type; /* 'c' or 'b' */
	uint32_t major, minor;
	bool any_minor;
};

static bool meets(const struct devset *s, const struct devrange *r)
{
	return s->major >= r->major_lo && s->major <= r->major_hi &&
	       (s->any_minor || (s->minor >= r->minor_lo && s->minor <= r->minor_hi));
}

static bool within(const struct devset *s, const struct devrange *r)
{
	return s->major >= r->major_lo && s->major <= r->major_hi &&
	       (s->any_minor ? r->minor_lo == 0 && r->minor_hi == ANY_MINOR
			     : s->minor >= r->minor_lo && s->minor <= r->minor_hi);
}

static bool meets_any(const struct devset *s, const struct devrange *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (meets(s, &t[i]))
			return true;
	return false;
}

static bool within_any(const struct devset *s, const struct devrange *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (within(s, &t[i]))
			return true;
	return false;
}

/* The admin's `device = TYPE MAJOR:MINOR` lines that take in the whole set. */
static bool admin_allows(const struct policy *p, const struct devset *s)
{
	for (size_t i = 0; i < p->n_devices; i++) {
		const struct policy_device *d = &p->devices[i];
		bool any = d->minor < 0;
		if (d->type == s->type && d->major == s->major &&
		    (any || (!s->any_minor && d->minor == s->minor)))
			return true;
	}
	return false;
}

static void access_text(unsigned access, char out[4])
{
	size_t n = 0;
	if (access & WARD_DEVICE_READ)
		out[n++] = 'r';
	if (access & WARD_DEVICE_WRITE)
		out[n++] = 'w';
	if (access & WARD_DEVICE_MKNOD)
		out[n++] = 'm';
	out[n] = '\0';
}

/* Judges one set of devices the container can read or write; `what` says where it is from
 * ("/dev/fuse" or "a rule allowing rw"). */
static void judge_set(struct eval *e, const char *path, const char *what, const struct devset *s)
{
	char num[32];

	if (s->any_minor)
		snprintf(num, sizeof num, "%u:*", s->major);
	else
		snprintf(num, sizeof num, "%u:%u", s->major, s->minor);
	if (admin_allows(e->p, s))
		return;
	if (s->type == 'b')
		report(e, "device-block", path, "%s (block %s)", what, num);
	else if (meets_any(s, kernel_devices, ARRAY_SIZE(kernel_devices)))
		report(e, "device-kernel-access", path, "%s (char %s)", what, num);
	else if (meets_any(s, tty_devices, ARRAY_SIZE(tty_devices)))
		report(e, "device-host-tty", path, "%s (char %s)", what, num);
	else if (!within_any(s, allowed_devices, ARRAY_SIZE(allowed_devices)))
		report(e, "device-not-allowed", path, "%s (char %s)", what, num);
}

/* An allow rule for the host's console exactly, as Docker and containerd send by default:
 * left to the host-console-rule hardening rather than refused. */
static bool console_rule(const struct ward_device_rule *r)
{
	return r->allow && (r->type == 'c' || r->type == 'a') && r->has_major && r->major == 5 &&
	       r->has_minor && r->minor == 1;
}

void judge_devices(struct eval *e, const struct ward_spec *spec)
{
	const struct ward_linux *lx = &spec->linux_;
	char path[64], what[64];

	for (size_t i = 0; i < lx->n_devices; i++) {
		const struct ward_device *d = &lx->devices[i];
		if (d->type == 'p')
			continue;
		snprintf(path, sizeof path, "linux.devices[%zu]", i);
		struct devset s = {d->type == 'b' ? 'b' : 'c', d->major, d->minor, false};
		judge_set(e, path, d->path, &s);
	}
	for (size_t i = 0; lx->has_resources && i < lx->resources.n_devices; i++) {
		const struct ward_device_rule *r = &lx->resources.devices[i];
		char access[4];
		if (!r->allow || !(r->access & (WARD_DEVICE_READ | WARD_DEVICE_WRITE)))
			continue;
		snprintf(path, sizeof path, "linux.resources.devices[%zu]", i);
		access_text(r->access, access);
		if (!r->has_major) {
			if (r->type == 'b')
				report(e, "device-block", path, "allows %s on every block device",
				       access);
			else
				report(e, "device-rule-allow-all", path,
				       "allows %s on every%s device", access,
				       r->type == 'c' ? " char" : "");
			continue;
		}
		snprintf(what, sizeof what, "a rule allowing %s", access);
		struct devset s = {'c', r->major, r->minor, !r->has_minor};
		if (r->type != 'b' && !console_rule(r))
			judge_set(e, path, what, &s);
		s.type = 'b';
		if (r->type != 'c')
			judge_set(e, path, what, &s);
	}
}

/* The host-console-rule hardening: Docker's and containerd's default rules allow c 5:1 rwm,
 * the host's console, which no container needs (a container's /dev/console is a pty of its own
 * devpts, bound there) and which a container with CAP_MKNOD could otherwise create and write.
 * r and w are taken out of such rules; m stays, harmless without them. Only this exact rule,
 * which engines add by themselves, is hardened: any other rule for a host terminal was asked
 * for and is refused by device-host-tty, with a reason, rather than silently emptied. */
void harden_device_rules(struct eval *e, struct ward_spec *spec)
{
	struct ward_resources *res = &spec->linux_.resources;
	const struct devset console = {'c', 5, 1, false};
	char path[64], access[4];

	if (!spec->linux_.has_resources || admin_allows(e->p, &console))
		return;
	for (size_t i = 0; i < res->n_devices; i++) {
		struct ward_device_rule *r = &res->devices[i];
		if (!console_rule(r) || !(r->access & (WARD_DEVICE_READ | WARD_DEVICE_WRITE)))
			continue;
		snprintf(path, sizeof path, "linux.resources.devices[%zu]", i);
		access_text(r->access & (WARD_DEVICE_READ | WARD_DEVICE_WRITE), access);
		if (report(e, "host-console-rule", path,
			   "took %s out of the rule for the host's console (%s 5:1); the "
			   "container's /dev/console is its own pty",
			   access, r->type == 'a' ? "a" : "c"))
			r->access &= ~(WARD_DEVICE_READ | WARD_DEVICE_WRITE);
	}
}
