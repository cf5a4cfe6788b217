/* The hardened config.json that `ward spec` writes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "ward/cleanup.h"
#include "ward/json_gen.h"
#include "ward/spec.h"

static void gen_strv(yajl_gen g, const char *key, const char *const *v)
{
	json_gen_str(g, key);
	yajl_gen_array_open(g);
	for (; *v; v++)
		json_gen_str(g, *v);
	yajl_gen_array_close(g);
}

static void gen_mount(yajl_gen g, const char *dest, const char *type, const char *src,
		      const char *const *opts)
{
	yajl_gen_map_open(g);
	json_gen_str(g, "destination");
	json_gen_str(g, dest);
	json_gen_str(g, "type");
	json_gen_str(g, type);
	json_gen_str(g, "source");
	json_gen_str(g, src);
	gen_strv(g, "options", opts);
	yajl_gen_map_close(g);
}

/* Capabilities a plain shell needs; all three are in the Pod Security "baseline" set. */
static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
					   NULL};
static const char *const no_caps[] = {NULL};

const char *const spec_default_masked_paths[] = {
	"/proc/acpi",
	"/proc/asound",
	"/proc/interrupts",
	"/proc/kcore",
	"/proc/keys",
	"/proc/latency_stats",
	"/proc/timer_list",
	"/proc/timer_stats",
	"/proc/sched_debug",
	"/proc/scsi",
	"/sys/firmware",
	"/sys/devices/virtual/powercap",
	NULL,
};

const char *const spec_default_readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static void gen_process(yajl_gen g)
{
	json_gen_str(g, "process");
	yajl_gen_map_open(g);
	json_gen_str(g, "terminal");
	yajl_gen_bool(g, 0);
	json_gen_str(g, "user");
	yajl_gen_map_open(g);
	json_gen_str(g, "uid");
	yajl_gen_integer(g, 0);
	json_gen_str(g, "gid");
	yajl_gen_integer(g, 0);
	yajl_gen_map_close(g);
	gen_strv(g, "args", (const char *const[]){"sh", NULL});
	gen_strv(g, "env",
		 (const char *const[]){
			 "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			 "TERM=xterm", NULL});
	json_gen_str(g, "cwd");
	json_gen_str(g, "/");
	json_gen_str(g, "capabilities");
	yajl_gen_map_open(g);
	gen_strv(g, "bounding", default_caps);
	gen_strv(g, "effective", default_caps);
	gen_strv(g, "permitted", default_caps);
	gen_strv(g, "inheritable", no_caps);
	gen_strv(g, "ambient", no_caps);
	yajl_gen_map_close(g);
	json_gen_str(g, "rlimits");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	json_gen_str(g, "type");
	json_gen_str(g, "RLIMIT_NOFILE");
	json_gen_str(g, "hard");
	yajl_gen_integer(g, 1024);
	json_gen_str(g, "soft");
	yajl_gen_integer(g, 1024);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
	json_gen_str(g, "noNewPrivileges");
	yajl_gen_bool(g, 1);
	yajl_gen_map_close(g);
}

static void gen_mounts(yajl_gen g, bool rootless)
{
	json_gen_str(g, "mounts");
	yajl_gen_array_open(g);
	gen_mount(g, "/proc", "proc", "proc",
		  (const char *const[]){"nosuid", "noexec", "nodev", NULL});
	gen_mount(g, "/dev", "tmpfs", "tmpfs",
		  (const char *const[]){"nosuid", "strictatime", "mode=755", "size=65536k", NULL});
	/* gid 5 (tty) is not mapped in a rootless user namespace. */
	gen_mount(g, "/dev/pts", "devpts", "devpts",
		  rootless ? (const char *const[]){"nosuid", "noexec", "newinstance",
						   "ptmxmode=0666", "mode=0620", NULL}
			   : (const char *const[]){"nosuid", "noexec", "newinstance",
						   "ptmxmode=0666", "mode=0620", "gid=5", NULL});
	gen_mount(g, "/dev/shm", "tmpfs", "shm",
		  (const char *const[]){"nosuid", "noexec", "nodev", "mode=1777", "size=65536k",
					NULL});
	gen_mount(g, "/dev/mqueue", "mqueue", "mqueue",
		  (const char *const[]){"nosuid", "noexec", "nodev", NULL});
	gen_mount(g, "/sys", "sysfs", "sysfs",
		  (const char *const[]){"nosuid", "noexec", "nodev", "ro", NULL});
	gen_mount(g, "/sys/fs/cgroup", "cgroup2", "cgroup",
		  (const char *const[]){"nosuid", "noexec", "nodev", "relatime", "ro", NULL});
	yajl_gen_array_close(g);
}

static void gen_mapping(yajl_gen g, const char *key, unsigned host_id)
{
	json_gen_str(g, key);
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	json_gen_str(g, "containerID");
	yajl_gen_integer(g, 0);
	json_gen_str(g, "hostID");
	yajl_gen_integer(g, host_id);
	json_gen_str(g, "size");
	yajl_gen_integer(g, 1);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
}

static void gen_linux(yajl_gen g, bool rootless, unsigned uid, unsigned gid)
{
	static const char *const ns[] = {"pid", "network", "ipc", "uts", "mount", "cgroup", NULL};

	json_gen_str(g, "linux");
	yajl_gen_map_open(g);
	json_gen_str(g, "namespaces");
	yajl_gen_array_open(g);
	for (const char *const *n = ns; *n; n++) {
		yajl_gen_map_open(g);
		json_gen_str(g, "type");
		json_gen_str(g, *n);
		yajl_gen_map_close(g);
	}
	if (rootless) {
		yajl_gen_map_open(g);
		json_gen_str(g, "type");
		json_gen_str(g, "user");
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	/* Rootless: the caller's own uid and gid become root in the container (no newuidmap). */
	if (rootless) {
		gen_mapping(g, "uidMappings", uid);
		gen_mapping(g, "gidMappings", gid);
	}
	gen_strv(g, "maskedPaths", spec_default_masked_paths);
	gen_strv(g, "readonlyPaths", spec_default_readonly_paths);
	yajl_gen_map_close(g);
}

int spec_generate_default(char **out, size_t *out_len, struct ward_error *err)
{
	return spec_generate(false, 0, 0, out, out_len, err);
}

int spec_generate(bool rootless, unsigned uid, unsigned gid, char **out, size_t *out_len,
		  struct ward_error *err)
{
	cleanup_json_gen yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (!g)
		return ward_fail(err, ENOMEM, "generate config.json");
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	yajl_gen_map_open(g);
	json_gen_str(g, "ociVersion");
	json_gen_str(g, WARD_OCI_VERSION);
	gen_process(g);
	json_gen_str(g, "root");
	yajl_gen_map_open(g);
	json_gen_str(g, "path");
	json_gen_str(g, "rootfs");
	json_gen_str(g, "readonly");
	yajl_gen_bool(g, 1);
	yajl_gen_map_close(g);
	json_gen_str(g, "hostname");
	json_gen_str(g, "ward");
	gen_mounts(g, rootless);
	gen_linux(g, rootless, uid, gid);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return ward_fail(err, 0, "generate config.json: internal JSON generator error");
	*out = malloc(len + 1);
	if (!*out)
		return ward_fail(err, ENOMEM, "generate config.json");
	memcpy(*out, buf, len);
	(*out)[len] = '\0';
	*out_len = len;
	return 0;
}
