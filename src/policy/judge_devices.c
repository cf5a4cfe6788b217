/* Devices: linux.devices and the device cgroup rules. */
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/policy.h"
#include "ward/util.h"
#include "internal.h"

/* Character devices that read or write the kernel: mem, kmem, port, kmsg, nvram, CPU MSRs
 * and cpuid. minor < 0: any minor. */
static bool kernel_device(int64_t major, int64_t minor)
{
	if (major == 202 || major == 203)
		return true;
	if (major == 1)
		return minor < 0 || minor == 1 || minor == 2 || minor == 4 || minor == 11;
	return major == 10 && (minor < 0 || minor == 144);
}

static bool reads_or_writes(const char *access)
{
	return !access || strchr(access, 'r') || strchr(access, 'w');
}

void judge_devices(struct eval *e, const struct ward_spec *spec)
{
	const struct ward_linux *lx = &spec->linux_;
	char path[64];

	for (size_t i = 0; i < lx->n_devices; i++) {
		const struct ward_device *d = &lx->devices[i];
		snprintf(path, sizeof path, "linux.devices[%zu]", i);
		if (d->type == 'b')
			report(e, "device-block", path, "%s (block %lld:%lld)", d->path,
			       (long long)d->major, (long long)d->minor);
		else if (kernel_device(d->major, d->minor) || strcmp(d->path, "/dev/mem") == 0 ||
			 strcmp(d->path, "/dev/kmem") == 0 || strcmp(d->path, "/dev/port") == 0 ||
			 strcmp(d->path, "/dev/kmsg") == 0)
			report(e, "device-kernel-access", path, "%s (%lld:%lld)", d->path,
			       (long long)d->major, (long long)d->minor);
	}
	for (size_t i = 0; lx->has_resources && i < lx->resources.n_devices; i++) {
		const struct ward_device_rule *r = &lx->resources.devices[i];
		if (!r->allow || !reads_or_writes(r->access))
			continue;
		snprintf(path, sizeof path, "linux.resources.devices[%zu]", i);
		const char *access = r->access ? r->access : "rwm";
		if (r->type == 'a' || !r->has_major)
			report(e, "device-rule-allow-all", path, "allows %s on every%s device",
			       access,
			       r->type == 'b'	? " block"
			       : r->type == 'c' ? " char"
						: "");
		else if (r->type == 'b')
			report(e, "device-block", path, "allows %s on block %lld:*", access,
			       (long long)r->major);
		else if (kernel_device(r->major, r->has_minor ? r->minor : -1))
			report(e, "device-kernel-access", path, "allows %s on char %lld:%s", access,
			       (long long)r->major, r->has_minor ? "minor" : "*");
	}
}
