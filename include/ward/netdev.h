/* linux.netDevices: host network interfaces moved into the container's network namespace. */
#ifndef WARD_NETDEV_H
#define WARD_NETDEV_H

#include "ward/error.h"
#include "ward/spec.h"

/* Moves every interface of lx->net_devices into the network namespace of the process behind
 * pidfd (the container's init, before its process starts), renamed as asked; keeps their
 * permanent global addresses and sets them up (runtime-spec 1.3). Runs in ward, which holds
 * CAP_NET_ADMIN over the host's namespace. Refuses a target namespace that is ward's own. A
 * device moved before a failure stays in the container's namespace, and goes with it. */
int netdev_move_all(const struct ward_linux *lx, int pidfd, struct ward_error *err);

#endif
