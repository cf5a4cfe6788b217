/* linux.netDevices through rtnetlink: for each host interface, its permanent global addresses
 * are read, then one RTM_NEWLINK moves it into the container's namespace (IFLA_NET_NS_FD) and
 * renames it (IFLA_IFNAME) at once, so it never exists under a name that could clash; in the
 * container's namespace the addresses are added back (the kernel drops them on a move) and
 * the link is set up. The container side is reached through a netlink socket opened in that
 * namespace by a short-lived child of ward, which also hands back the namespace itself. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/netdev.h"
#include "ward/util.h"

#define NL_BUF 8192

struct nl {
	int fd;
	uint32_t seq;
};

/* A request under construction: header, fixed part, attributes. */
struct nl_req {
	union {
		struct nlmsghdr h;
		char buf[1024];
	};
};

static void *req_begin(struct nl_req *r, uint16_t type, uint16_t flags, size_t fixed)
{
	memset(r, 0, sizeof *r);
	r->h.nlmsg_len = (uint32_t)NLMSG_LENGTH(fixed);
	r->h.nlmsg_type = type;
	r->h.nlmsg_flags = NLM_F_REQUEST | flags;
	return NLMSG_DATA(&r->h);
}

static void req_attr(struct nl_req *r, uint16_t type, const void *data, size_t len)
{
	size_t at = NLMSG_ALIGN(r->h.nlmsg_len);
	struct rtattr *a = (struct rtattr *)(r->buf + at);

	/* Names and addresses only: a request never comes near the buffer's size. */
	if (at + RTA_SPACE(len) > sizeof r->buf)
		return;
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = (uint32_t)(at + RTA_SPACE(len));
}

static int nl_send(struct nl *nl, struct nl_req *r)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};

	r->h.nlmsg_seq = ++nl->seq;
	if (sendto(nl->fd, r, r->h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
		return -errno;
	return 0;
}

/* Receives the replies to the last request: each data message is given to cb (may be NULL);
 * returns 0 at the ack or the end of a dump, -errno for an error reply. */
static int nl_recv(struct nl *nl, int (*cb)(const struct nlmsghdr *h, void *ctx), void *ctx)
{
	cleanup_free char *buf = malloc(NL_BUF);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = recv(nl->fd, buf, NL_BUF, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		size_t left = (size_t)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != nl->seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				return e->error;
			}
			if (cb) {
				int rc = cb(h, ctx);
				if (rc < 0)
					return rc;
			}
		}
	}
}

static int nl_talk(struct nl *nl, struct nl_req *r)
{
	int rc = nl_send(nl, r);
	return rc < 0 ? rc : nl_recv(nl, NULL, NULL);
}

static int nl_open(struct nl *nl)
{
	nl->seq = 0;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	return nl->fd < 0 ? -errno : 0;
}

/* ---- addresses ------------------------------------------------------------------------- */

struct addr {
	uint8_t family, prefixlen;
	uint8_t local[16], address[16];
	size_t len; /* 4 or 16 */
	bool has_local, has_address;
};

struct addr_list {
	int ifindex;
	struct addr *v;
	size_t n;
};

static int collect_addr(const struct nlmsghdr *h, void *ctx)
{
	struct addr_list *l = ctx;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	size_t len = IFA_PAYLOAD(h);
	uint32_t flags = ifa->ifa_flags;
	struct addr a = {.family = ifa->ifa_family, .prefixlen = ifa->ifa_prefixlen};

	if (h->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != l->ifindex)
		return 0;
	a.len = ifa->ifa_family == AF_INET6 ? 16 : 4;
	for (const struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		size_t n = RTA_PAYLOAD(rta);
		if (rta->rta_type == IFA_FLAGS && n >= sizeof(uint32_t))
			memcpy(&flags, RTA_DATA(rta), sizeof flags);
		else if (rta->rta_type == IFA_LOCAL && n == a.len)
			memcpy(a.local, RTA_DATA(rta), n), a.has_local = true;
		else if (rta->rta_type == IFA_ADDRESS && n == a.len)
			memcpy(a.address, RTA_DATA(rta), n), a.has_address = true;
	}
	/* runtime-spec 1.3: the permanent addresses of global scope, as RFC 3549 names them;
	 * dynamic and link-local ones belong to the host's network. */
	if (!(flags & IFA_F_PERMANENT) || ifa->ifa_scope != RT_SCOPE_UNIVERSE ||
	    (a.family != AF_INET && a.family != AF_INET6))
		return 0;
	struct addr *grown = realloc(l->v, (l->n + 1) * sizeof *grown);
	if (!grown)
		return -ENOMEM;
	l->v = grown;
	l->v[l->n++] = a;
	return 0;
}

static int read_addrs(struct nl *host, struct addr_list *l)
{
	struct nl_req r;
	struct ifaddrmsg *ifa = req_begin(&r, RTM_GETADDR, NLM_F_DUMP, sizeof *ifa);

	ifa->ifa_family = AF_UNSPEC;
	int rc = nl_send(host, &r);
	return rc < 0 ? rc : nl_recv(host, collect_addr, l);
}

static int add_addr(struct nl *nl, int ifindex, const struct addr *a)
{
	struct nl_req r;
	struct ifaddrmsg *ifa =
		req_begin(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, sizeof *ifa);

	ifa->ifa_family = a->family;
	ifa->ifa_prefixlen = a->prefixlen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_flags = IFA_F_PERMANENT;
	ifa->ifa_index = (unsigned)ifindex;
	if (a->has_local)
		req_attr(&r, IFA_LOCAL, a->local, a->len);
	if (a->has_address)
		req_attr(&r, IFA_ADDRESS, a->address, a->len);
	return nl_talk(nl, &r);
}

/* ---- links ----------------------------------------------------------------------------- */

static int set_up(struct nl *nl, int ifindex, bool up)
{
	struct nl_req r;
	struct ifinfomsg *ifi = req_begin(&r, RTM_NEWLINK, NLM_F_ACK, sizeof *ifi);

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return nl_talk(nl, &r);
}

static int move_link(struct nl *host, int ifindex, const char *new_name, int netns)
{
	struct nl_req r;
	struct ifinfomsg *ifi = req_begin(&r, RTM_NEWLINK, NLM_F_ACK, sizeof *ifi);
	uint32_t fd = (uint32_t)netns;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	req_attr(&r, IFLA_IFNAME, new_name, strlen(new_name) + 1);
	req_attr(&r, IFLA_NET_NS_FD, &fd, sizeof fd);
	return nl_talk(host, &r);
}

struct link_lookup {
	const char *name; /* a fixed name, or NULL: match the index */
	int ifindex;
	int found;
	char found_name[IFNAMSIZ];
};

static int match_link(const struct nlmsghdr *h, void *ctx)
{
	struct link_lookup *l = ctx;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	size_t len = IFLA_PAYLOAD(h);
	const char *name = NULL;

	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	for (const struct rtattr *rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if (rta->rta_type == IFLA_IFNAME && RTA_PAYLOAD(rta) <= IFNAMSIZ)
			name = RTA_DATA(rta);
	if (!name || !memchr(name, '\0', IFNAMSIZ))
		return 0;
	if (l->name ? strcmp(name, l->name) == 0 : ifi->ifi_index == l->ifindex) {
		l->found = ifi->ifi_index;
		snprintf(l->found_name, sizeof l->found_name, "%s", name);
	}
	return 0;
}

/* The moved interface in the container's namespace: by its new name, or, for a "%d"
 * template the kernel filled in, by its index (which a move keeps unless it is taken). */
static int find_moved(struct nl *ctr, const char *name, int old_index, struct link_lookup *l)
{
	struct nl_req r;
	struct ifinfomsg *ifi = req_begin(&r, RTM_GETLINK, NLM_F_DUMP, sizeof *ifi);

	ifi->ifi_family = AF_UNSPEC;
	*l = (struct link_lookup){.name = strchr(name, '%') ? NULL : name, .ifindex = old_index};
	int rc = nl_send(ctr, &r);
	if (rc == 0)
		rc = nl_recv(ctr, match_link, l);
	return rc < 0 ? rc : l->found ? 0 : -ENODEV;
}

/* ---- the container's side --------------------------------------------------------------- */

static int recv_one_fd(int sock)
{
	char byte;
	int fd;

	if (recv_fd(sock, &byte, 1, &fd) <= 0 && fd >= 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The container's network namespace and a netlink socket in it, from a child of ward that
 * enters the namespace through the init's pidfd: ward itself never leaves its own. */
static int open_container_side(int pidfd, int *netns, struct nl *ctr, struct ward_error *err)
{
	int pair[2];
	pid_t child;
	int status;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return ward_fail(err, errno, "linux.netDevices: create a socket pair");
	child = fork();
	if (child < 0) {
		int e = errno;
		close(pair[0]);
		close(pair[1]);
		return ward_fail(err, e, "linux.netDevices: fork");
	}
	if (child == 0) {
		close(pair[0]);
		if (setns(pidfd, CLONE_NEWNET) < 0)
			_exit(1);
		int ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		int sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		if (ns < 0 || sock < 0 || send_fd(pair[1], ns, "n", 1) < 0 ||
		    send_fd(pair[1], sock, "s", 1) < 0)
			_exit(2);
		_exit(0);
	}
	close(pair[1]);
	*netns = recv_one_fd(pair[0]);
	ctr->fd = recv_one_fd(pair[0]);
	ctr->seq = 0;
	close(pair[0]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (*netns < 0 || ctr->fd < 0) {
		if (*netns >= 0)
			close(*netns);
		if (ctr->fd >= 0)
			close(ctr->fd);
		return ward_fail(err, 0,
				 "linux.netDevices: enter the container's network namespace "
				 "(status %d)",
				 status);
	}
	return 0;
}

static bool same_namespace(int a, const char *b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_ino == sb.st_ino &&
	       sa.st_dev == sb.st_dev;
}

static int move_one(struct nl *host, struct nl *ctr, int netns, const struct ward_kv *dev,
		    struct ward_error *err)
{
	const char *name = dev->value ? dev->value : dev->key;
	struct addr_list addrs = {0};
	struct link_lookup moved;
	char field[48];
	int rc;

	snprintf(field, sizeof field, "linux.netDevices.%s", dev->key);
	addrs.ifindex = (int)if_nametoindex(dev->key);
	if (!addrs.ifindex)
		return ward_fail(err, errno, "%s: no interface %s on the host", field, dev->key);
	/* Down first, so nothing on the host keeps using it while it goes (runc does so). */
	if ((rc = set_up(host, addrs.ifindex, false)) < 0)
		return ward_fail(err, -rc, "%s: set it down", field);
	if ((rc = read_addrs(host, &addrs)) < 0) {
		free(addrs.v);
		return ward_fail(err, -rc, "%s: read its addresses", field);
	}
	if ((rc = move_link(host, addrs.ifindex, name, netns)) < 0) {
		free(addrs.v);
		ward_fail(err, -rc, "%s: move it into the container's network namespace as %s",
			  field, name);
		if (rc == -EEXIST)
			ward_error_hint(err, "the container already has an interface of that "
					     "name; give another \"name\" (\"eth%%d\" picks a free "
					     "number)");
		return -1;
	}
	rc = find_moved(ctr, name, addrs.ifindex, &moved);
	if (rc < 0) {
		free(addrs.v);
		return ward_fail(err, -rc, "%s: find %s in the container's network namespace",
				 field, name);
	}
	for (size_t i = 0; i < addrs.n; i++) {
		if ((rc = add_addr(ctr, moved.found, &addrs.v[i])) < 0) {
			free(addrs.v);
			return ward_fail(err, -rc, "%s: keep its address %zu of %zu on %s", field,
					 i + 1, addrs.n, moved.found_name);
		}
	}
	free(addrs.v);
	if ((rc = set_up(ctr, moved.found, true)) < 0)
		return ward_fail(err, -rc, "%s: set %s up in the container", field,
				 moved.found_name);
	return 0;
}

int netdev_move_all(const struct ward_linux *lx, int pidfd, struct ward_error *err)
{
	struct nl host = {.fd = -1}, ctr = {.fd = -1};
	int netns = -1, rc = -1;

	if (!lx->n_net_devices)
		return 0;
	if (open_container_side(pidfd, &netns, &ctr, err) < 0)
		return -1;
	/* A namespace joined by path may be the host's: nothing is moved out of it. */
	if (same_namespace(netns, "/proc/self/ns/net")) {
		ward_fail(err, 0,
			  "config.json: linux.netDevices: the network namespace the container "
			  "joins (linux.namespaces[network].path) is the host's own; %s can only "
			  "be moved into a network namespace of the container's",
			  lx->net_devices[0].key);
		goto out;
	}
	int e = nl_open(&host);
	if (e < 0) {
		ward_fail(err, -e, "linux.netDevices: open a netlink socket");
		goto out;
	}
	for (size_t i = 0; i < lx->n_net_devices; i++)
		if (move_one(&host, &ctr, netns, &lx->net_devices[i], err) < 0)
			goto out;
	rc = 0;
out:
	if (host.fd >= 0)
		close(host.fd);
	close(ctr.fd);
	close(netns);
	return rc;
}
