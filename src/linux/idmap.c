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

static int write_map(pid_t pid, const char *file, const struct ward_id_mapping *m, size_t n,
		     struct ward_error *err)
{
	char path[64], buf[ID_MAP_MAX_LINES * ID_MAP_LINE_MAX + 1];
	size_t used = 0;
	cleanup_close int fd = -1;

	for (size_t i = 0; i < n && i < ID_MAP_MAX_LINES; i++)
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%u %u %u\n",
					 m[i].container_id, m[i].host_id, m[i].size);
	snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, used) != (ssize_t)used)
		return ward_fail(err, errno, "write the idmap %s", file);
	return 0;
}

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
	if (write_map(pid, "uid_map", uids, nu, err) < 0 ||
	    write_map(pid, "gid_map", gids, ng, err) < 0)
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
