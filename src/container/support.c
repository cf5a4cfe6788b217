/* What the runtime spec defines but ward does not do, or cannot do for this config: refused by
 * name before anything exists on the host, never parsed and then silently left out. */
#include "ward/spec.h"
#include "internal.h"

int check_supported(const struct ward_spec *spec, struct ward_error *err)
{
	const struct ward_linux *lx = &spec->linux_;

	if (lx->has_intel_rdt)
		return ward_fail(err, 0,
				 "config.json: linux.intelRdt: ward does not implement Intel RDT "
				 "(resctrl cache and memory bandwidth allocation); remove it or "
				 "use a runtime that does");
	if (lx->n_net_devices && !lx->namespaces[WARD_NS_NETWORK].present)
		return ward_fail(err, 0,
				 "config.json: linux.netDevices: moving %s into the container "
				 "needs a network namespace of its own (add {\"type\": "
				 "\"network\"} to linux.namespaces)",
				 lx->net_devices[0].key);
	return 0;
}
