#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/util.h"

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* "16 MiB", or the byte count when the limit is not a whole number of MiB. */
static const char *format_limit(size_t max, char *buf, size_t size)
{
	if (max >= (1u << 20) && max % (1u << 20) == 0)
		snprintf(buf, size, "%zu MiB", max >> 20);
	else
		snprintf(buf, size, "%zu-byte", max);
	return buf;
}

int read_fd_limited(int fd, size_t max, char **out, size_t *len, struct ward_error *err)
{
	char lim[64];
	size_t cap = 8192, used = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		return ward_fail(err, ENOMEM, "read");
	for (;;) {
		if (used == cap) {
			if (cap > max) {
				free(buf);
				return ward_fail(err, EFBIG, "larger than the %s limit",
						 format_limit(max, lim, sizeof lim));
			}
			cap *= 2;
			char *nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return ward_fail(err, ENOMEM, "read");
			}
			buf = nb;
		}
		ssize_t n = read(fd, buf + used, cap - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(buf);
			return ward_fail(err, e, "read");
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max) {
			free(buf);
			return ward_fail(err, EFBIG, "larger than the %s limit",
					 format_limit(max, lim, sizeof lim));
		}
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	return 0;
}

int read_file_limited(const char *path, size_t max, char **out, size_t *len, struct ward_error *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	char lim[64];

	if (fd < 0)
		return ward_fail(err, errno, "open %s", path);
	if (fstat(fd, &st) < 0)
		return ward_fail(err, errno, "stat %s", path);
	if (S_ISDIR(st.st_mode))
		return ward_fail(err, EISDIR, "read %s", path);
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > max)
		return ward_fail(err, 0, "%s is %lld bytes, larger than the %s limit", path,
				 (long long)st.st_size, format_limit(max, lim, sizeof lim));
	if (read_fd_limited(fd, max, out, len, err) < 0)
		return ward_error_prefix(err, "%s", path);
	return 0;
}

int write_file_atomic(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		      struct ward_error *err)
{
	char tmp[512];
	int fd;

	if (snprintf(tmp, sizeof tmp, ".%s.tmp", name) >= (int)sizeof tmp)
		return ward_fail(err, ENAMETOOLONG, "write %s", name);
	/* The errors name the file written, not its temporary name. */
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return ward_fail(err, errno, "write %s", name);
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		int e = errno;
		close(fd);
		unlinkat(dirfd, tmp, 0);
		return ward_fail(err, e, "write %s", name);
	}
	close(fd);
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int e = errno;
		unlinkat(dirfd, tmp, 0);
		return ward_fail(err, e, "replace %s", name);
	}
	return 0;
}
