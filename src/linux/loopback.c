/* Bringing up the loopback interface of a new network namespace.
 *
 * Through the SIOCGIFFLAGS/SIOCSIFFLAGS ioctls rather than rtnetlink: setting one flag on one
 * interface is two system calls on any socket, with no message to build, no reply or ack to
 * parse and no sequence numbers. The kernel does the same thing for both (dev_change_flags),
 * and checks the same CAP_NET_ADMIN over the namespace's owning user namespace. */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/loopback.h"

int loopback_up(struct ward_error *err)
{
	struct ifreq ifr;
	/* Any socket reaches the interface ioctls; a netlink one exists in every kernel with
	 * networking, whatever address families are built in. */
	cleanup_close int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return ward_fail(err, errno, "bring up lo: open a socket");
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return ward_fail(err, errno, "bring up lo: read its flags");
	if (ifr.ifr_flags & IFF_UP)
		return 0;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return ward_fail(err, errno, "bring up lo in the container's network namespace");
	return 0;
}
