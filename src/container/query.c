/* `state`, `list` and `ps`: what the state directory and the live processes say. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/container.h"
#include "ward/log.h"
#include "internal.h"

int container_info(const char *root, const char *id, struct container_info *info,
		   struct ward_error *err)
{
	cleanup_container struct opened_container c;

	memset(info, 0, sizeof *info);
	if (open_container(root, id, &c, err) < 0)
		return -1;
	info->status = opened_status(&c);
	info->state = c.st;
	memset(&c.st, 0, sizeof c.st); /* moved to info */
	if (info->status == STATUS_STOPPED)
		info->state.pid = 0;
	return 0;
}

void container_info_clear(struct container_info *info)
{
	state_clear(&info->state);
}

int container_list(const char *root, struct container_info **list, size_t *n,
		   struct ward_error *err)
{
	DIR *d;
	struct dirent *e;
	size_t cap = 0;

	*list = NULL;
	*n = 0;
	d = opendir(root);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		return ward_fail(err, errno, "--root: open %s", root);
	}
	while ((e = readdir(d)) != NULL) {
		struct ward_error ignored;
		struct container_info info;
		if (e->d_name[0] == '.' || state_validate_id(e->d_name, &ignored) < 0)
			continue;
		if (container_info(root, e->d_name, &info, &ignored) < 0) {
			/* A state that does not match the kernel is not listed as if it did. */
			if (strstr(ignored.msg, "tampered"))
				log_warn("%s", ignored.msg);
			continue;
		}
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct container_info *nl = realloc(*list, ncap * sizeof *nl);
			if (!nl) {
				container_info_clear(&info);
				break;
			}
			*list = nl;
			cap = ncap;
		}
		(*list)[(*n)++] = info;
	}
	closedir(d);
	return 0;
}

int container_pids(const char *root, const char *id, pid_t **pids, size_t *n,
		   struct ward_error *err)
{
	cleanup_container struct opened_container c;

	if (open_container(root, id, &c, err) < 0)
		return -1;
	return container_pids_of(&c.st, pids, n, err);
}
