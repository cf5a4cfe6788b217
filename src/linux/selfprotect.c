/* Self-protection against CVE-2019-5736: the processes that enter a container run from a
 * sealed memfd copy of ward, so a container that opens /proc/<pid>/exe of one of them holds a
 * copy that cannot be written, never the host's binary. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/selfprotect.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

bool selfprotect_is_sealed(void)
{
	cleanup_close int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int seals = fd >= 0 ? fcntl(fd, F_GET_SEALS) : -1;
	return seals >= 0 && (seals & SEALS) == SEALS;
}

int selfprotect_reexec(char **argv, struct ward_error *err)
{
	cleanup_close int self = -1;
	cleanup_close int copy = -1;
	struct stat st;
	off_t off = 0;

	if (selfprotect_is_sealed())
		return 0;
	self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0 || fstat(self, &st) < 0)
		return ward_fail(err, errno, "open ward's own binary");
	copy = memfd_create("ward", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (copy < 0)
		return ward_fail(err, errno, "create a sealed copy of ward");
	while (off < st.st_size) {
		ssize_t n = sendfile(copy, self, &off, (size_t)(st.st_size - off));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ward_fail(err, n < 0 ? errno : EIO, "copy ward's binary");
	}
	if (fcntl(copy, F_ADD_SEALS, SEALS) < 0)
		return ward_fail(err, errno, "seal the copy of ward");
	fexecve(copy, argv, environ);
	return ward_fail(err, errno, "run the sealed copy of ward");
}
