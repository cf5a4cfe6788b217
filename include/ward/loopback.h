/* The loopback interface of a container's new network namespace. */
#ifndef WARD_LOOPBACK_H
#define WARD_LOOPBACK_H

#include "ward/error.h"

/* Brings `lo` up in the caller's network namespace, as runc does for a new one: the kernel
 * creates it down, and 127.0.0.1 is unreachable until it is up. Needs CAP_NET_ADMIN over the
 * namespace; call it only in a namespace the container owns, never in a joined one. */
int loopback_up(struct ward_error *err);

#endif
