/* What `ward inspect` reads from the kernel, decoded: /proc/<pid>/status, id maps, mountinfo,
 * what is in force at a masked or read-only path, capability names, digests; and the
 * confinement record of state.json written and read back. */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/procview.h"
#include "ward/state.h"
#include "run_suite.h"

/* As Linux 6.x prints it (abridged). */
static const char status_text[] = "Name:\tsleep\n"
				  "Umask:\t0022\n"
				  "State:\tS (sleeping)\n"
				  "CapInh:\t0000000000000000\n"
				  "CapPrm:\t0000000020000420\n"
				  "CapEff:\t0000000020000420\n"
				  "CapBnd:\t00000000a80425fb\n"
				  "CapAmb:\t0000000000000000\n"
				  "NoNewPrivs:\t1\n"
				  "Seccomp:\t2\n"
				  "Seccomp_filters:\t2\n"
				  "Speculation_Store_Bypass:\tthread force mitigated\n"
				  "Cpus_allowed_list:\t0-1";

START_TEST(status_fields_are_decoded)
{
	struct procview_status st;

	ck_assert_int_eq(procview_parse_status(status_text, &st), 0);
	ck_assert_uint_eq(st.caps[PV_CAP_INH], 0);
	ck_assert_uint_eq(st.caps[PV_CAP_PRM], 0x20000420);
	ck_assert_uint_eq(st.caps[PV_CAP_EFF], 0x20000420);
	ck_assert_uint_eq(st.caps[PV_CAP_BND], 0xa80425fb);
	ck_assert_uint_eq(st.caps[PV_CAP_AMB], 0);
	for (int i = 0; i < PV_CAP_SETS; i++)
		ck_assert(st.has_caps[i]);
	ck_assert_int_eq(st.no_new_privs, 1);
	ck_assert_int_eq(st.seccomp, 2);
	ck_assert_int_eq(st.seccomp_filters, 2);
}
END_TEST

START_TEST(missing_status_fields_are_not_reported_and_bad_ones_refused)
{
	struct procview_status st;

	/* A kernel before 5.9 has no Seccomp_filters; one without seccomp, no Seccomp. */
	ck_assert_int_eq(procview_parse_status("CapEff:\t0000000000000001\nNoNewPrivs:\t0\n", &st),
			 0);
	ck_assert(st.has_caps[PV_CAP_EFF] && st.caps[PV_CAP_EFF] == 1);
	ck_assert(!st.has_caps[PV_CAP_BND]);
	ck_assert_int_eq(st.no_new_privs, 0);
	ck_assert_int_eq(st.seccomp, -1);
	ck_assert_int_eq(st.seccomp_filters, -1);
	/* The last line without a newline counts too. */
	ck_assert_int_eq(procview_parse_status("Seccomp:\t1", &st), 0);
	ck_assert_int_eq(st.seccomp, 1);
	ck_assert_int_eq(procview_parse_status("", &st), 0);
	/* A value ward reads that is not what the kernel writes: refused, never guessed. */
	ck_assert_int_eq(procview_parse_status("CapEff:\tzz\n", &st), -1);
	ck_assert_int_eq(procview_parse_status("Seccomp:\t\n", &st), -1);
	ck_assert_int_eq(procview_parse_status("NoNewPrivs:\t-1\n", &st), -1);
}
END_TEST

START_TEST(capability_masks_become_names_in_bit_order)
{
	cleanup_strv char **names = procview_cap_names(0x20000420);
	cleanup_strv char **none = procview_cap_names(0);
	cleanup_strv char **unknown = procview_cap_names((1ULL << 63) | 1);

	ck_assert_ptr_nonnull(names);
	ck_assert_str_eq(names[0], "CAP_KILL");
	ck_assert_str_eq(names[1], "CAP_NET_BIND_SERVICE");
	ck_assert_str_eq(names[2], "CAP_AUDIT_WRITE");
	ck_assert_ptr_null(names[3]);
	ck_assert_ptr_nonnull(none);
	ck_assert_ptr_null(none[0]);
	/* A capability newer than ward's table is still shown, by number. */
	ck_assert_str_eq(unknown[0], "CAP_CHOWN");
	ck_assert_str_eq(unknown[1], "CAP_63");
}
END_TEST

START_TEST(id_maps_are_decoded)
{
	struct procview_idmap *m = NULL;
	size_t n = 0;

	ck_assert_int_eq(procview_parse_idmap("         0       1000          1\n"
					      "         1     165536      65536\n",
					      &m, &n),
			 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(m[0].inside == 0 && m[0].outside == 1000 && m[0].count == 1);
	ck_assert(m[1].inside == 1 && m[1].outside == 165536 && m[1].count == 65536);
	free(m);
	ck_assert_int_eq(procview_parse_idmap("0 0 4294967295", &m, &n), 0);
	ck_assert(n == 1 && m[0].count == 4294967295ULL);
	free(m);
	/* A new user namespace before its map is written. */
	ck_assert_int_eq(procview_parse_idmap("", &m, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(m);
	ck_assert_int_eq(procview_parse_idmap("0 1000\n", &m, &n), -1);
	ck_assert_int_eq(procview_parse_idmap("0 x 1\n", &m, &n), -1);
}
END_TEST

/* A container's table as the kernel prints it: optional fields, an escaped space. */
static const char mountinfo_text[] =
	"620 540 0:52 / / ro,relatime master:1 - overlay overlay rw,lowerdir=/l\n"
	"621 620 0:60 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
	"622 621 0:60 /sys /proc/sys ro,nosuid,nodev,noexec,relatime - proc proc rw\n"
	"623 620 0:61 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755\n"
	"624 621 0:61 /null /proc/kcore rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755\n"
	"625 621 0:70 / /proc/acpi ro,nosuid,nodev,noexec - tmpfs tmpfs ro,size=0k\n"
	"626 620 0:71 / /my\\040data rw,relatime shared:4 master:2 - ext4 /dev/sda1 rw\n"
	"627 621 0:72 / /proc/acpi rw,relatime - tmpfs tmpfs rw\n";

START_TEST(mountinfo_is_decoded)
{
	struct procview_mount *m = NULL;
	size_t n = 0;

	ck_assert_int_eq(procview_parse_mountinfo(mountinfo_text, &m, &n), 0);
	ck_assert_uint_eq(n, 8);
	ck_assert_uint_eq(m[0].id, 620);
	ck_assert_uint_eq(m[0].parent, 540);
	ck_assert_str_eq(m[0].mount_point, "/");
	ck_assert_str_eq(m[0].fstype, "overlay");
	ck_assert(procview_mount_readonly(&m[0]));
	ck_assert(!procview_mount_readonly(&m[1]));
	ck_assert_str_eq(m[2].root, "/sys");
	ck_assert_str_eq(m[6].mount_point, "/my data");
	ck_assert_str_eq(m[6].source, "/dev/sda1");
	procview_mounts_free(m, n);
	/* No separator, or too few fields: refused. */
	ck_assert_int_eq(procview_parse_mountinfo("1 0 0:1 / / rw shared:1 proc proc rw\n", &m, &n),
			 -1);
	ck_assert_int_eq(procview_parse_mountinfo("1 0 0:1 /\n", &m, &n), -1);
	ck_assert_int_eq(procview_parse_mountinfo("", &m, &n), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(the_mount_holding_a_path_is_the_deepest_and_topmost)
{
	struct procview_mount *m = NULL;
	size_t n = 0;

	ck_assert_int_eq(procview_parse_mountinfo(mountinfo_text, &m, &n), 0);
	ck_assert_uint_eq(procview_mount_holding(m, n, "/proc/sys/kernel")->id, 622);
	ck_assert_uint_eq(procview_mount_holding(m, n, "/proc/sys")->id, 622);
	/* "/proc/sysrq-trigger" is not below "/proc/sys". */
	ck_assert_uint_eq(procview_mount_holding(m, n, "/proc/sysrq-trigger")->id, 621);
	ck_assert_uint_eq(procview_mount_holding(m, n, "/etc")->id, 620);
	/* Two mounts on one point: the later one is on top. */
	ck_assert_uint_eq(procview_mount_holding(m, n, "/proc/acpi")->id, 627);
	ck_assert_ptr_null(procview_mount_holding(m, 0, "/etc"));
	procview_mounts_free(m, n);
}
END_TEST

START_TEST(what_is_in_force_at_a_path)
{
	struct procview_mount *m = NULL;
	size_t n = 0;
	struct stat null_dev = {.st_mode = S_IFCHR | 0666, .st_rdev = makedev(1, 3)};
	struct stat zero_dev = {.st_mode = S_IFCHR | 0666, .st_rdev = makedev(1, 5)};
	struct stat empty_dir = {.st_mode = S_IFDIR | 0555, .st_nlink = 2};
	struct stat file = {.st_mode = S_IFREG | 0444, .st_nlink = 1};

	ck_assert_int_eq(procview_parse_mountinfo(mountinfo_text, &m, &n), 0);
	ck_assert_int_eq(procview_classify_path(m, n, "/proc/kcore", &null_dev),
			 PV_PATH_MASKED_NULL);
	/* Another device bound there is no mask. */
	ck_assert_int_eq(procview_classify_path(m, n, "/proc/kcore", &zero_dev), PV_PATH_OPEN);
	/* The null device seen through a path nothing is mounted on is not a mask either. */
	ck_assert_int_eq(procview_classify_path(m, n, "/proc/keys", &null_dev), PV_PATH_OPEN);
	ck_assert_int_eq(procview_classify_path(m, n, "/proc/sys", &empty_dir), PV_PATH_READONLY);
	ck_assert_int_eq(procview_classify_path(m, n, "/proc/sys/kernel", &empty_dir),
			 PV_PATH_READONLY);
	ck_assert_int_eq(procview_classify_path(m, n, "/proc/uptime", &file), PV_PATH_OPEN);
	ck_assert_int_eq(procview_classify_path(m, n, "/proc/asound", NULL), PV_PATH_ABSENT);
	/* A writable tmpfs stacked over the empty read-only one undoes the mask. */
	ck_assert_int_eq(procview_classify_path(m, n, "/proc/acpi", &empty_dir), PV_PATH_OPEN);
	ck_assert_int_eq(procview_classify_path(m, n - 1, "/proc/acpi", &empty_dir),
			 PV_PATH_MASKED_EMPTY);
	/* Under a read-only root, an unmasked path is at least read-only. */
	ck_assert_int_eq(procview_classify_path(m, n, "/etc/passwd", &file), PV_PATH_READONLY);
	ck_assert_str_eq(procview_path_state_name(PV_PATH_MASKED_NULL), "masked-null");
	ck_assert_str_eq(procview_path_state_name(PV_PATH_OPEN), "open");
	procview_mounts_free(m, n);
}
END_TEST

START_TEST(digests_are_sha256_of_the_instructions)
{
	char digest[72], tag[17];

	procview_program_digest("", 0, digest);
	ck_assert_str_eq(digest,
			 "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	procview_bpf_tag("", 0, false, tag);
	ck_assert_str_eq(tag, "e3b0c44298fc1c14");
	procview_bpf_tag("", 0, true, tag);
	ck_assert_str_eq(tag, "da39a3ee5e6b4b0d");
	/* SHA-1 across its padding cases: 8, 56 (the length spills into a second block), 64
	 * and 120 bytes. */
	char a[120];
	memset(a, 'a', sizeof a);
	procview_bpf_tag(a, 1, true, tag);
	ck_assert_str_eq(tag, "b480c074d6b75947");
	procview_bpf_tag(a, 7, true, tag);
	ck_assert_str_eq(tag, "c2db330f6083854c");
	procview_bpf_tag(a, 8, true, tag);
	ck_assert_str_eq(tag, "0098ba824b5c1642");
	procview_bpf_tag(a, 15, true, tag);
	ck_assert_str_eq(tag, "f34c1488385346a5");
	/* Eight bytes an instruction: one instruction of "abcdefgh". */
	procview_program_digest("abcdefgh", 1, digest);
	ck_assert_str_eq(digest,
			 "sha256:9c56cc51b374c3ba189210d5b6d4bf57790d351c96c47c02190ecf1e430635ab");
}
END_TEST

START_TEST(the_confinement_record_is_written_and_read_back)
{
	char dir[] = "/tmp/ward-procview-XXXXXX";
	struct ward_lifted_check lifted[] = {
		{"restricted-seccomp", "linux.seccomp", "file"},
		{"host-network", "linux.namespaces", "annotation"},
	};
	struct ward_state st = {.oci_version = "1.3.0", .id = "c", .bundle = "/b", .rootfs = "/r"};
	struct ward_state back, old;
	struct ward_error err = {0};

	ck_assert_ptr_nonnull(mkdtemp(dir));
	cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	st.confinement = (struct ward_confinement){
		.recorded = true,
		.seccomp_profile = "config",
		.seccomp_digest = "sha256:00",
		.seccomp_filters = 1,
		.lifted = lifted,
		.n_lifted = 2,
	};
	ck_assert_int_eq(state_write(dfd, &st, &err), 0);
	ck_assert_int_eq(state_read(dfd, &back, &err), 0);
	ck_assert(back.confinement.recorded);
	ck_assert_str_eq(back.confinement.seccomp_profile, "config");
	ck_assert_str_eq(back.confinement.seccomp_digest, "sha256:00");
	ck_assert_ptr_null(back.confinement.never_digest);
	ck_assert_uint_eq(back.confinement.seccomp_filters, 1);
	ck_assert_uint_eq(back.confinement.n_lifted, 2);
	ck_assert_str_eq(back.confinement.lifted[1].check, "host-network");
	ck_assert_str_eq(back.confinement.lifted[1].path, "linux.namespaces");
	ck_assert_str_eq(back.confinement.lifted[1].source, "annotation");
	state_clear(&back);
	/* A state an older ward wrote has no record, which is not "nothing was lifted". */
	st.confinement = (struct ward_confinement){0};
	ck_assert_int_eq(state_write(dfd, &st, &err), 0);
	ck_assert_int_eq(state_read(dfd, &old, &err), 0);
	ck_assert(!old.confinement.recorded);
	ck_assert_uint_eq(old.confinement.n_lifted, 0);
	state_clear(&old);
	unlinkat(dfd, "state.json", 0);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("procview");
	TCase *tc = tcase_create("procview");
	tcase_add_test(tc, status_fields_are_decoded);
	tcase_add_test(tc, missing_status_fields_are_not_reported_and_bad_ones_refused);
	tcase_add_test(tc, capability_masks_become_names_in_bit_order);
	tcase_add_test(tc, id_maps_are_decoded);
	tcase_add_test(tc, mountinfo_is_decoded);
	tcase_add_test(tc, the_mount_holding_a_path_is_the_deepest_and_topmost);
	tcase_add_test(tc, what_is_in_force_at_a_path);
	tcase_add_test(tc, digests_are_sha256_of_the_instructions);
	tcase_add_test(tc, the_confinement_record_is_written_and_read_back);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
