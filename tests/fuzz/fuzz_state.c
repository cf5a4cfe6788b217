/* state.json as a later verb reads it (state_read), and the claims in it that ward checks
 * before it acts on them (the ID, the cgroup path). What ward writes back from it reads the
 * same. The files live in a private temporary directory. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "ward/state.h"
#include "ward/util.h"
#include "ward/verify.h"

static char dir_in[] = "/tmp/ward-fuzz-state.XXXXXX", dir_out[] = "/tmp/ward-fuzz-state.XXXXXX";
static int dirfd_in = -1, dirfd_out = -1;

static int private_dir(char *tmpl)
{
	if (!mkdtemp(tmpl))
		abort();
	return open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void remove_dirs(void)
{
	unlinkat(dirfd_in, "state.json", 0);
	unlinkat(dirfd_out, "state.json", 0);
	rmdir(dir_in);
	rmdir(dir_out);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	dirfd_in = private_dir(dir_in);
	dirfd_out = private_dir(dir_out);
	if (dirfd_in < 0 || dirfd_out < 0)
		abort();
	atexit(remove_dirs);
	return 0;
}

static bool same(const struct ward_state *a, const struct ward_state *b)
{
	if (strcmp(a->oci_version, b->oci_version) || strcmp(a->id, b->id) ||
	    strcmp(a->bundle, b->bundle) || strcmp(a->rootfs, b->rootfs) ||
	    strcmp(a->created, b->created) || a->pid != b->pid || a->start_time != b->start_time ||
	    a->owner != b->owner || a->own_pid_ns != b->own_pid_ns ||
	    !a->cgroup_path != !b->cgroup_path ||
	    (a->cgroup_path && strcmp(a->cgroup_path, b->cgroup_path)) ||
	    a->n_annotations != b->n_annotations)
		return false;
	for (size_t i = 0; i < a->n_annotations; i++)
		if (strcmp(a->annotations[i].key, b->annotations[i].key) ||
		    strcmp(a->annotations[i].value, b->annotations[i].value))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_error err = {0};
	struct ward_state st, again;
	const char *why;

	if (write_file_atomic(dirfd_in, "state.json", data, size, 0600, &err) < 0)
		abort();
	if (state_read(dirfd_in, &st, &err) < 0)
		return 0;
	state_validate_id(st.id, &err);
	why = NULL;
	if (verify_cgroup_path(st.cgroup_path, "/user.slice/ward.scope", &why) < 0 && !why)
		abort();
	/* ward rewrites state.json (pause, resume): a second read gives what the first did. */
	if (state_write(dirfd_out, &st, &err) == 0) {
		if (state_read(dirfd_out, &again, &err) < 0 || !same(&st, &again))
			abort();
		state_clear(&again);
	}
	state_clear(&st);
	return 0;
}
