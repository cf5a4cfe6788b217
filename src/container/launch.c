/* The stages create and exec share to start a process in a container, and the undo record of
 * what they made (see internal.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/console.h"
#include "ward/json_gen.h"
#include "ward/log.h"
#include "ward/util.h"
#include "internal.h"

void launch_init(struct launch *l, const char *id)
{
	memset(l, 0, sizeof *l);
	l->id = id;
	l->console = l->console_ours = l->cgroup_fd = l->pidfd_sock = -1;
	l->learn.record_fd = l->state_dirfd = l->audit.fd = -1;
	l->spawn.pid = l->spawn.pidfd = l->spawn.sync_fd = -1;
	l->undo.shared_root_nsfd = l->undo.rootfd = -1;
}

int launch_console(struct launch *l, const char *console_socket, struct ward_error *err)
{
	int pair[2];

	if (!l->process->terminal)
		return 0;
	if (console_socket) {
		l->console = console_connect(console_socket, err);
		return l->console < 0 ? -1 : 0;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
		return ward_fail(err, errno, "create the terminal socket pair");
	l->console_ours = pair[0];
	l->console = pair[1];
	return 0;
}

int launch_pidfd_socket(struct launch *l, const char *path, struct ward_error *err)
{
	if (path && (l->pidfd_sock = unix_connect(path)) < 0)
		return ward_fail(err, errno, "--pidfd-socket %s", path);
	return 0;
}

int launch_filters(struct launch *l, struct ward_error *err)
{
	const struct policy_verdict *v = &l->verdict;
	cleanup_close int cache = ward_seccomp_cache_open();
	unsigned never = (v->never_filter ? WARD_SECCOMP_NEVER_BASE : 0) |
			 (v->never_userns ? WARD_SECCOMP_NEVER_USERNS : 0) |
			 (v->never_keyring ? WARD_SECCOMP_NEVER_KEYRING : 0);

	/* Compiled here, where a failure can still be reported cleanly. */
	if ((l->spec->linux_.seccomp || v->default_seccomp) &&
	    ward_seccomp_compile(l->spec->linux_.seccomp, l->process->caps.bounding, cache,
				 &l->filter, err) < 0)
		return -1;
	if (never && ward_seccomp_compile_never(never, cache, &l->never, err) < 0)
		return -1;
	/* Learning's filter, or the profile in complain mode's form (ward-seccomp(7)). */
	return learn_session_filters(&l->learn, &l->filter, l->state_dirfd, err);
}

/* The seccomp agent handoff: the container process state runc sends to listenerPath
 * ({"ociVersion","fds":["seccompFd"],"pid","metadata","state"}) with the fd, to the agent's
 * socket as the plan resolved and the policy judged it. */
static int seccomp_handoff(void *ctx, pid_t pid, int fd, struct ward_error *err)
{
	const struct launch *l = ctx;
	const struct ward_seccomp *sc = l->spec->linux_.seccomp;
	cleanup_json_gen yajl_gen g = NULL;
	cleanup_free char *msg = NULL;
	const unsigned char *buf;
	size_t len;

	if (!sc || !sc->listener_path || !l->listener || l->listener->fd < 0)
		return ward_fail(err, EINVAL, "seccomp notification without a listenerPath");
	g = yajl_gen_alloc(NULL);
	if (!g)
		return ward_fail(err, ENOMEM, "seccomp handoff");
	yajl_gen_map_open(g);
	json_gen_str(g, "ociVersion");
	json_gen_str(g, l->spec->oci_version);
	json_gen_str(g, "fds");
	yajl_gen_array_open(g);
	json_gen_str(g, "seccompFd");
	yajl_gen_array_close(g);
	json_gen_str(g, "pid");
	yajl_gen_integer(g, pid);
	json_gen_str(g, "metadata");
	json_gen_str(g, sc->listener_metadata ? sc->listener_metadata : "");
	json_gen_str(g, "state");
	yajl_gen_map_open(g);
	const char *const fields[][2] = {
		{"ociVersion", l->spec->oci_version}, {"id", l->id}, {"status", "creating"}};
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		json_gen_str(g, fields[i][0]);
		json_gen_str(g, fields[i][1]);
	}
	json_gen_str(g, "pid");
	yajl_gen_integer(g, pid);
	json_gen_str(g, "bundle");
	json_gen_str(g, l->bundle);
	json_gen_str(g, "annotations");
	container_gen_map(g, l->spec->annotations, l->spec->n_annotations);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		msg = strndup((const char *)buf, len);
	if (!msg)
		return ward_fail(err, ENOMEM, "seccomp handoff");
	return ward_seccomp_send_listener(l->listener->fd, sc->listener_path, fd, msg, err);
}

void launch_process_config(struct launch *l, char *const *env, int preserve_fds,
			   struct ward_init_config *cfg)
{
	static char *const no_env[] = {NULL};

	*cfg = (struct ward_init_config){
		/* exec: the container's personality and memory policy hold for it too */
		.spec = l->spec,
		.id = l->id,
		.bundle = l->bundle,
		.process = l->process,
		.env = env		 ? env
		       : l->process->env ? l->process->env
					 : no_env,
		.console_fd = l->console,
		.cgroup_fd = l->cgroup_fd,
		.preserve_fds = preserve_fds,
		.seccomp = &l->filter,
		.seccomp_never = &l->never,
		.seccomp_listener = l->learn.on ? learn_session_handoff : seccomp_handoff,
		.listener_ctx = l->learn.on ? (void *)&l->learn : l,
		.seccomp_learn =
			l->learn.on && l->learn.mode == LEARN_MODE_LEARN ? &l->learn.filter : NULL,
		.seccomp_complain = l->learn.on && l->learn.mode == LEARN_MODE_COMPLAIN,
		.exec_fifo_fd = -1,
		.join_pidfd = -1,
		.join_root_fd = -1,
		.idmap_rootfs_fd = -1,
	};
}

int launch_send_pidfd(struct launch *l, const char *pidfd_socket, const char *payload,
		      struct ward_error *err)
{
	if (l->pidfd_sock >= 0 && send_fd_to(l->pidfd_sock, l->spawn.pidfd, payload, err) < 0)
		return ward_error_prefix(err, "--pidfd-socket %s", pidfd_socket);
	return 0;
}

void launch_undo(struct launch *l)
{
	struct launch_undo *u = &l->undo;
	struct ward_error ignored;

	spawn_abort(&l->spawn); /* nothing when there is no process */
	/* The process is gone: what it mounted in a namespace that is not its own goes too. */
	if (u->shared_root) {
		struct ward_state st = *u->shared_root;
		st.rootfs_mount_id = l->spawn.rootfs_mnt_id;
		if (unmount_shared_root(&st, u->shared_root_nsfd, &ignored) < 0)
			log_warn("%s", ignored.msg);
	}
	if (u->cgroup_path)
		cgroup_destroy(u->cgroup_root, u->cgroup_path, &ignored);
	if (u->unit)
		unit_placement_undo(u->unit);
	if (u->dir)
		state_remove_dir(u->rootfd, u->dir, &ignored);
	/* Last: no process of the container is left to hold the ids. */
	if (u->userns_state)
		userns_auto_release(u->userns_root, l->id, u->userns_state);
	memset(u, 0, sizeof *u);
	u->shared_root_nsfd = u->rootfd = -1;
}

void launch_release(struct launch *l)
{
	policy_verdict_clear(&l->verdict);
	ward_seccomp_program_free(&l->filter);
	ward_seccomp_program_free(&l->never);
	learn_session_clear(&l->learn);
	audit_close(&l->audit);
	spawn_release(&l->spawn);
	cleanup_closep(&l->console);
	cleanup_closep(&l->console_ours);
	cleanup_closep(&l->cgroup_fd);
	cleanup_closep(&l->pidfd_sock);
	l->console = l->console_ours = l->cgroup_fd = l->pidfd_sock = -1;
}
