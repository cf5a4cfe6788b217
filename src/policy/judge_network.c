/* Network: host interfaces the config moves into the container (linux.netDevices). */
#include <stdio.h>

#include "ward/policy.h"
#include "internal.h"

void judge_net_devices(struct eval *e, const struct ward_spec *spec)
{
	const struct ward_linux *lx = &spec->linux_;
	char path[64];

	for (size_t i = 0; i < lx->n_net_devices; i++) {
		const struct ward_kv *d = &lx->net_devices[i];
		snprintf(path, sizeof path, "linux.netDevices[\"%s\"]", d->key);
		report(e, "net-device", path,
		       "moves the host's interface %s into the container%s%s", d->key,
		       d->value ? " as " : "", d->value ? d->value : "");
	}
}
