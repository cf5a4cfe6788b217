/* Idmapped mounts: a user namespace that exists only to carry the mapping a mount is shown
 * through (mount_setattr MOUNT_ATTR_IDMAP). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/mounts.h"
#include "ward/namespaces.h"
#include "ward/util.h"

int idmap_userns_fd(const struct ward_id_mapping *uids, size_t nu,
		    const struct ward_id_mapping *gids, size_t ng, struct ward_error *err)
{
	int ready[2];
	char byte;
	pid_t pid;
	int fd = -1;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return ward_fail(err, errno, "idmap: create a pipe");
	pid = fork();
	if (pid < 0) {
		close(ready[0]);
		close(ready[1]);
		return ward_fail(err, errno, "idmap: fork");
	}
	if (pid == 0) {
		/* Lives only until ward has opened its user namespace. */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		close(ready[0]);
		byte = unshare(CLONE_NEWUSER) == 0 ? 1 : 0;
		if (write(ready[1], &byte, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read(ready[0], &byte, 1) != 1 || byte != 1) {
		ward_fail(err, 0, "idmap: could not create a user namespace");
		goto out;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/user", pid);
	if (ns_write_id_map(pid, "uid_map", uids, nu, "idmap", err) < 0 ||
	    ns_write_id_map(pid, "gid_map", gids, ng, "idmap", err) < 0)
		goto out;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		ward_fail(err, errno, "idmap: open %s", path);
out:
	close(ready[0]);
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return fd;
}
