/* The table of checks. Names are a stable interface (policy files and annotations use them);
 * add new checks, never rename one. */
#include <string.h>

#include "ward/policy.h"
#include "ward/cleanup.h"

#define CAP(n, why)                                                                                \
	{                                                                                          \
		"cap-" n, POLICY_BASELINE, POLICY_REFUSE, "process.capabilities", why,             \
			"drop the capability from every set of process.capabilities"               \
	}
#define NS(n, t)                                                                                   \
	{                                                                                          \
		"host-" n "-namespace", POLICY_BASELINE, POLICY_REFUSE, "linux.namespaces",        \
			"the container would share the host's " n " namespace",                    \
			"add {\"type\": \"" t                                                      \
			"\"} to linux.namespaces without a path to the host's namespace"           \
	}
#define MOUNT(n, what)                                                                             \
	{                                                                                          \
		"mount-" n, POLICY_BASELINE, POLICY_REFUSE, "mounts[].source",                     \
			"a bind mount of " what " gives the container control over the host",      \
			"bind a narrower directory or file, or a volume, instead"                  \
	}

static const struct policy_check checks[] = {
	/* Capabilities outside Docker's default set: each is privileged-equivalent or close. */
	CAP("sys-admin", "CAP_SYS_ADMIN allows mount, namespaces, BPF and most escapes"),
	CAP("sys-module", "CAP_SYS_MODULE loads kernel modules into the host kernel"),
	CAP("sys-rawio", "CAP_SYS_RAWIO gives raw I/O ports and /dev/mem access"),
	CAP("sys-ptrace", "CAP_SYS_PTRACE traces any process the container can see"),
	CAP("net-admin", "CAP_NET_ADMIN reconfigures networking, firewall and interfaces"),
	CAP("bpf", "CAP_BPF loads BPF programs into the kernel"),
	CAP("perfmon", "CAP_PERFMON reads kernel performance data (kernel address leaks)"),
	CAP("dac-read-search",
	    "CAP_DAC_READ_SEARCH opens host files by handle (the shocker escape)"),
	CAP("sys-boot", "CAP_SYS_BOOT reboots or kexecs the host"),
	CAP("sys-time", "CAP_SYS_TIME sets the host's clock"),
	CAP("mac-admin", "CAP_MAC_ADMIN changes the LSM policy that confines the container"),
	CAP("mac-override", "CAP_MAC_OVERRIDE bypasses the LSM policy"),
	CAP("syslog", "CAP_SYSLOG reads and clears the kernel log (kernel address leaks)"),
	CAP("sys-resource", "CAP_SYS_RESOURCE overrides resource limits and quotas"),
	CAP("linux-immutable", "CAP_LINUX_IMMUTABLE changes immutable and append-only files"),
	CAP("wake-alarm", "CAP_WAKE_ALARM wakes the host from suspend"),
	CAP("ipc-lock", "CAP_IPC_LOCK locks unlimited memory"),
	CAP("ipc-owner", "CAP_IPC_OWNER bypasses IPC permission checks"),
	CAP("lease", "CAP_LEASE takes leases on files it does not own"),
	CAP("sys-nice", "CAP_SYS_NICE raises priorities and real-time scheduling over the host"),
	CAP("sys-pacct", "CAP_SYS_PACCT switches process accounting for the host"),
	CAP("sys-tty-config", "CAP_SYS_TTY_CONFIG reconfigures terminals (vhangup)"),
	CAP("audit-control", "CAP_AUDIT_CONTROL changes the host's audit rules"),
	CAP("audit-read", "CAP_AUDIT_READ reads the host's audit log"),
	CAP("block-suspend", "CAP_BLOCK_SUSPEND keeps the host from suspending"),
	CAP("net-broadcast", "CAP_NET_BROADCAST broadcasts and listens to multicast"),
	CAP("checkpoint-restore",
	    "CAP_CHECKPOINT_RESTORE sets pids and reads other processes' maps"),

	/* Host namespaces. */
	NS("pid", "pid"),
	NS("network", "network"),
	NS("ipc", "ipc"),
	NS("uts", "uts"),
	NS("mount", "mount"),
	NS("cgroup", "cgroup"),
	{"join-mount-namespace", POLICY_BASELINE, POLICY_REFUSE, "linux.namespaces[mount].path",
	 "the container's root and mounts would be made in a mount namespace it shares with "
	 "other processes, which see them and may change them",
	 "leave out the path of the {\"type\": \"mount\"} entry"},

	/* Sensitive host paths: binding one, or a directory that contains one. */
	MOUNT("host-root", "the host's root directory"),
	MOUNT("host-proc", "the host's /proc"),
	MOUNT("host-sys", "the host's /sys"),
	MOUNT("host-dev", "the host's /dev"),
	MOUNT("host-boot", "the host's /boot (kernels, boot loader)"),
	MOUNT("host-etc", "the host's /etc"),
	MOUNT("host-modules", "the host's kernel modules"),
	MOUNT("host-run", "the host's /run (daemons' sockets and state)"),
	MOUNT("engine-state",
	      "a container engine's state (/var/lib/docker, containerd, kubelet, containers)"),
	MOUNT("container-socket",
	      "a host daemon's socket (a container engine's API, systemd, D-Bus, ...)"),
	MOUNT("host-system",
	      "the host's programs, libraries or system state (/usr, /lib, /opt, /var/lib, "
	      "/var/spool, /var/log, ...)"),
	MOUNT("host-home", "a home directory or its dot-files (/root, /home/<user>, ~/.ssh, ...)"),
	{"mount-ward-state", POLICY_BASELINE, POLICY_REFUSE, "mounts[].source",
	 "ward's own state root or seccomp cache lets the container rewrite what ward trusts",
	 "never give a container ward's --root or cache directory"},
	{"rootfs-host-path", POLICY_BASELINE, POLICY_REFUSE, "root.path",
	 "a root file system that is (or holds, or lies in) a host system directory hands the "
	 "container the host's files",
	 "use an image's root file system; or list its directory with \"host-path = DIR\" in "
	 "the policy file"},
	{"mount-type", POLICY_BASELINE, POLICY_REFUSE, "mounts[].type",
	 "only bind, tmpfs, proc, sysfs, devpts, mqueue and cgroup2 mounts are the container's "
	 "own; any other filesystem mounts the host's devices or kernel interfaces as root",
	 "bind a directory instead; or allow the type with \"mount-type = TYPE\" in the policy "
	 "file"},
	{"mount-proc-unmasked", POLICY_BASELINE, POLICY_REFUSE, "mounts[].destination",
	 "a procfs anywhere but /proc escapes the masked and read-only paths",
	 "mount proc only on /proc"},
	{"proc-unmasked", POLICY_BASELINE, POLICY_REFUSE, "linux.maskedPaths",
	 "an explicitly empty maskedPaths (procMount: Unmasked, --security-opt unmask=ALL) exposes "
	 "/proc/kcore, /proc/keys, /sys/firmware and the rest to the container",
	 "leave linux.maskedPaths out or list the paths; to honour it, allow it (and run the "
	 "container in a user namespace)"},
	{"proc-unmasked-without-userns", POLICY_BASELINE, POLICY_REFUSE, "linux.maskedPaths",
	 "unmasked /proc and /sys for root without a user namespace is the host's root reading "
	 "kernel interfaces",
	 "add a user namespace (Kubernetes hostUsers: false) to the container"},
	{"mount-cgroup-read-write", POLICY_BASELINE, POLICY_REFUSE, "mounts[].options",
	 "a writable cgroup2 mount lets the container change its own limits, unless the container "
	 "has a cgroup namespace of its own and the host mounts cgroup2 with nsdelegate (then it "
	 "passes)",
	 "add \"ro\" to the options of the cgroup mount, or give the container a cgroup namespace "
	 "on a host whose cgroup2 has nsdelegate (systemd mounts it so)"},
	{"mount-shared-propagation", POLICY_BASELINE, POLICY_REFUSE,
	 "mounts[].options, linux.rootfsPropagation",
	 "shared propagation lets the container's mounts appear on the host",
	 "use private, rprivate, slave or rslave propagation"},

	/* Devices. */
	{"device-block", POLICY_BASELINE, POLICY_REFUSE, "linux.devices, linux.resources.devices",
	 "a block device gives raw access to the host's disks",
	 "bind the file system the container needs instead of the block device"},
	{"device-kernel-access", POLICY_BASELINE, POLICY_REFUSE,
	 "linux.devices, linux.resources.devices",
	 "/dev/mem, /dev/kmem, /dev/port, /dev/kmsg and CPU MSRs read or write the kernel",
	 "remove the device and its device rule"},
	{"device-rule-allow-all", POLICY_BASELINE, POLICY_REFUSE, "linux.resources.devices",
	 "a device rule without a major number lets the container read and write every device",
	 "allow only the devices the container needs, by type, major and minor"},
	{"device-host-tty", POLICY_BASELINE, POLICY_REFUSE,
	 "linux.devices, linux.resources.devices",
	 "the host's consoles and terminals (/dev/console, tty*, ttyS*, vcs*, ttyUSB*, ...) read "
	 "and type what the host's users see and type",
	 "remove the device and its rule; the container's own terminal is process.terminal"},
	{"device-not-allowed", POLICY_BASELINE, POLICY_REFUSE,
	 "linux.devices, linux.resources.devices",
	 "only the default devices and /dev/fuse may be read or written unless the admin lists "
	 "the device",
	 "remove the device and its rule, or have the admin add `device = c MAJOR:MINOR` to the "
	 "policy"},
	{"host-console-rule", POLICY_BASELINE, POLICY_HARDEN, "linux.resources.devices",
	 "an allow rule for c 5:1, the host's console, loses r and w (the container's "
	 "/dev/console is its own pty)",
	 "nothing to do; allow it only to keep an engine's console rule as it was sent"},

	/* Network. */
	{"net-device", POLICY_BASELINE, POLICY_REFUSE, "linux.netDevices",
	 "moving a host network interface into the container takes it from the host and gives the "
	 "container a link of its own onto the host's networks",
	 "remove linux.netDevices; or, for a container that must own the interface, add \"allow = "
	 "net-device\" to the policy file"},

	/* Confinement. */
	{"seccomp-unconfined", POLICY_BASELINE, POLICY_REFUSE, "linux.seccomp.defaultAction",
	 "a seccomp profile that allows every syscall by default does not confine anything",
	 "use a default-deny profile, or leave linux.seccomp out for ward's built-in one"},
	{"apparmor-unconfined", POLICY_BASELINE, POLICY_REFUSE, "process.apparmorProfile",
	 "the unconfined AppArmor profile removes the LSM's confinement",
	 "name a profile (e.g. ward-default), or leave process.apparmorProfile out"},
	{"selinux-unconfined", POLICY_BASELINE, POLICY_REFUSE, "process.selinuxLabel",
	 "the spc_t and unconfined_t SELinux types are not confined",
	 "use container_t (or leave process.selinuxLabel out)"},
	{"sysfs-read-write", POLICY_BASELINE, POLICY_REFUSE, "mounts[].options",
	 "a writable /sys changes host kernel and device settings",
	 "add \"ro\" to the options of the sysfs mount"},
	{"sysctl-unsafe", POLICY_BASELINE, POLICY_REFUSE, "linux.sysctl",
	 "only the Kubernetes safe sysctls are isolated enough to set at baseline",
	 "remove the sysctl, or set one of the safe set (ward-policy(5))"},
	{"oom-score-adj-lowered", POLICY_BASELINE, POLICY_REFUSE, "process.oomScoreAdj",
	 "a negative OOM score below ward's caller's (the engine's shim) protects the container "
	 "from the OOM killer better than the host services that started it, which are killed "
	 "first",
	 "leave process.oomScoreAdj out, or set it to 0 or more, or no lower than the caller's"},
	{"seccomp-weakened", POLICY_BASELINE, POLICY_REFUSE,
	 "linux.seccomp.syscalls, linux.seccomp.defaultAction",
	 "the profile allows system calls that reach kernel code the container's capabilities "
	 "are meant to keep it from (creating user namespaces, BPF, perf events, fanotify, "
	 "userfaultfd, the host's keyrings)",
	 "deny them as Docker's default profile does (see ward-seccomp(7)), or leave "
	 "linux.seccomp out for ward's built-in profile"},
	{"seccomp-listener-not-allowed", POLICY_BASELINE, POLICY_REFUSE,
	 "linux.seccomp.listenerPath",
	 "ward connects as root to the seccomp agent's socket and hands it the container's system "
	 "calls: only an agent the admin chose may get them",
	 "list the agent's socket directory with \"seccomp-listener = DIR\" in the policy file"},
	{"sched-realtime", POLICY_BASELINE, POLICY_REFUSE, "process.scheduler.policy",
	 "real-time scheduling (SCHED_FIFO, SCHED_RR, SCHED_DEADLINE) that the container could "
	 "not take itself lets it starve the host's CPUs",
	 "use SCHED_OTHER, SCHED_BATCH or SCHED_IDLE, or leave process.scheduler out"},
	{"sched-nice-raised", POLICY_BASELINE, POLICY_REFUSE, "process.scheduler.nice",
	 "a nice value below the caller's gives the container CPU priority over the host's "
	 "processes",
	 "set process.scheduler.nice no lower than the caller's, or leave process.scheduler out"},
	{"ioprio-realtime", POLICY_BASELINE, POLICY_REFUSE, "process.ioPriority.class",
	 "the real-time I/O class lets the container starve the host's disk I/O",
	 "use IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE, or leave process.ioPriority out"},
	{"rlimit-above-caller", POLICY_BASELINE, POLICY_REFUSE, "process.rlimits",
	 "a limit above ward's own hard limit is one only CAP_SYS_RESOURCE could set: more "
	 "real-time or nice priority (RLIMIT_RTPRIO, RLIMIT_NICE), locked memory, open files "
	 "or pending signals than the engine itself may have",
	 "lower the limit to the hard limit of ward's caller, or raise the caller's (LimitNOFILE= "
	 "and the like in the engine's service; Podman: default_ulimits in containers.conf)"},

	/* Hooks. */
	{"hook-not-allowed", POLICY_BASELINE, POLICY_REFUSE,
	 "hooks.prestart, hooks.createRuntime, hooks.createContainer, hooks.poststart, "
	 "hooks.poststop",
	 "a hook runs a host program with ward's privileges (root on the host): only a "
	 "root-owned program the host admin allows may run there",
	 "remove the hook (or the loader, shell or interpreter variable from its env); or list "
	 "its executable or its directory with \"hook = PATH\" in the policy file (it must be "
	 "a regular file owned by root that group and others cannot write)"},

	/* restricted: for untrusted code and CI. */
	{"restricted-run-as-root", POLICY_RESTRICTED, POLICY_REFUSE,
	 "process.user.uid, linux.namespaces", "root without a user namespace is the host's root",
	 "run as a non-zero uid, or add a user namespace with uid/gid mappings"},
	{"restricted-privilege-escalation", POLICY_RESTRICTED, POLICY_REFUSE,
	 "process.noNewPrivileges", "setuid binaries and file capabilities can raise privileges",
	 "set process.noNewPrivileges to true"},
	{"restricted-capabilities", POLICY_RESTRICTED, POLICY_REFUSE, "process.capabilities",
	 "restricted allows no capability but CAP_NET_BIND_SERVICE",
	 "drop every capability but CAP_NET_BIND_SERVICE"},
	{"restricted-writable-rootfs", POLICY_RESTRICTED, POLICY_REFUSE, "root.readonly",
	 "a writable root file system lets code modify its own image",
	 "set root.readonly to true and mount tmpfs where the process writes"},
	{"restricted-memory-limit", POLICY_RESTRICTED, POLICY_REFUSE,
	 "linux.resources.memory.limit",
	 "without a memory limit the container can exhaust the host",
	 "set linux.resources.memory.limit"},
	{"restricted-pids-limit", POLICY_RESTRICTED, POLICY_REFUSE, "linux.resources.pids.limit",
	 "without a pids limit a fork bomb exhausts the host", "set linux.resources.pids.limit"},

	/* Silent hardening: applied unless allowed (switched off). */
	{"auto-user-namespace", POLICY_BASELINE, POLICY_HARDEN,
	 "linux.namespaces, linux.uidMappings, linux.gidMappings",
	 "with `userns = auto`, a container without a user namespace gets one: 65536 ids of the "
	 "pool, so that its root is an unprivileged id on the host",
	 "nothing to do; allow it only for a container that must run with the host's ids"},
	{"default-seccomp", POLICY_BASELINE, POLICY_HARDEN, "linux.seccomp",
	 "a container without linux.seccomp gets ward's built-in default-deny profile",
	 "send your own profile in linux.seccomp"},
	{"default-masked-paths", POLICY_BASELINE, POLICY_HARDEN, "linux.maskedPaths",
	 "the default masked paths (/proc/kcore, /proc/keys, /sys/firmware, ...) are always masked",
	 "nothing to do; allow it only for a container that must read them"},
	{"default-readonly-paths", POLICY_BASELINE, POLICY_HARDEN, "linux.readonlyPaths",
	 "the default read-only paths (/proc/sys, /proc/sysrq-trigger, ...) are always read-only",
	 "nothing to do; allow it only for a container that must write them"},
	{"private-cgroup-namespace", POLICY_BASELINE, POLICY_HARDEN, "linux.namespaces",
	 "a container without a cgroup namespace gets a private one (it sees only its own cgroup)",
	 "add {\"type\": \"cgroup\"} to linux.namespaces yourself"},
	{"never-seccomp-filter", POLICY_BASELINE, POLICY_HARDEN, "linux.seccomp",
	 "a stacked seccomp filter refuses what no container needs (kexec, module loading, ...)",
	 "nothing to do; see ward-seccomp(7)"},
	{"never-user-namespace", POLICY_BASELINE, POLICY_HARDEN,
	 "linux.seccomp, process.capabilities.bounding",
	 "a container without CAP_SYS_ADMIN cannot create user namespaces (clone and unshare "
	 "with CLONE_NEWUSER, clone3), whatever its profile allows",
	 "nothing to do; allow it only where containers must nest user namespaces (rootless "
	 "Podman or BuildKit inside a container)"},
	{"never-host-keyring", POLICY_BASELINE, POLICY_HARDEN, "linux.seccomp, linux.namespaces",
	 "a container without a user namespace of its own cannot use the keyring calls (keyctl, "
	 "add_key, request_key), which reach the host's keyrings, whatever its profile allows",
	 "nothing to do; a container with a user namespace keeps them (its keyrings are its "
	 "own)"},
};

_Static_assert(ARRAY_SIZE(checks) <= POLICY_MAX_CHECKS, "raise POLICY_MAX_CHECKS");

const struct policy_check *policy_checks(size_t *n)
{
	*n = ARRAY_SIZE(checks);
	return checks;
}

int policy_check_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++)
		if (strcmp(checks[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *policy_level_name(enum policy_level level)
{
	switch (level) {
	case POLICY_BASELINE:
		return "baseline";
	case POLICY_RESTRICTED:
		return "restricted";
	case POLICY_PRIVILEGED:
		return "privileged";
	}
	return "?";
}

const char *policy_source_name(enum policy_source s)
{
	switch (s) {
	case POLICY_BY_FILE:
		return "policy file";
	case POLICY_BY_ANNOTATION:
		return "annotation";
	case POLICY_BY_LEVEL:
		return "level privileged";
	}
	return "?";
}
