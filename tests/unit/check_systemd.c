/* The systemd driver's pure parts: unit names from linux.cgroupsPath, and the D-Bus
 * marshalling (checked byte for byte against the layout the D-Bus specification defines). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/systemd.h"
#include "ward/systemd_dbus.h"
#include "run_suite.h"

static struct ward_error err;

static void parse_ok(const char *path, bool rootless, const char *name, const char *slice,
		     const char *slice_path, bool is_slice)
{
	struct systemd_unit u;
	ward_error_clear(&err);
	ck_assert_msg(systemd_parse_cgroups_path(path, "c1", rootless, &u, &err) == 0, "%s: %s",
		      path ? path : "(null)", err.msg);
	ck_assert_str_eq(u.name, name);
	ck_assert_str_eq(u.slice, slice);
	ck_assert_str_eq(u.slice_path, slice_path);
	ck_assert_int_eq(u.is_slice, is_slice);
	systemd_unit_clear(&u);
}

static void parse_bad(const char *path, const char *fragment)
{
	struct systemd_unit u;
	ward_error_clear(&err);
	ck_assert_msg(systemd_parse_cgroups_path(path, "c1", false, &u, &err) < 0, "%s accepted",
		      path);
	ck_assert_msg(strstr(err.msg, "linux.cgroupsPath"), "%s", err.msg);
	ck_assert_msg(strstr(err.msg, fragment), "%s: wanted \"%s\" in: %s", path, fragment,
		      err.msg);
	ck_assert_ptr_null(u.name);
}

START_TEST(empty_path_is_ward_prefix_and_the_id)
{
	parse_ok(NULL, false, "ward-c1.scope", "system.slice", "/system.slice", false);
	parse_ok("", false, "ward-c1.scope", "system.slice", "/system.slice", false);
	/* rootless defaults to user.slice, as runc */
	parse_ok("", true, "ward-c1.scope", "user.slice", "/user.slice", false);
}
END_TEST

START_TEST(three_and_two_part_forms)
{
	parse_ok("system.slice:docker:abc", false, "docker-abc.scope", "system.slice",
		 "/system.slice", false);
	parse_ok("machine-libpod_pod_1.slice:libpod:abc", false, "libpod-abc.scope",
		 "machine-libpod_pod_1.slice", "/machine.slice/machine-libpod_pod_1.slice", false);
	parse_ok(":crio:abc", false, "crio-abc.scope", "system.slice", "/system.slice", false);
	parse_ok(":crio:abc", true, "crio-abc.scope", "user.slice", "/user.slice", false);
	parse_ok("cri-containerd:abc", false, "cri-containerd-abc.scope", "system.slice",
		 "/system.slice", false);
	/* the root slice as parent: the scope is a new unit at the top */
	parse_ok("-.slice:ward:x", false, "ward-x.scope", "-.slice", "/", false);
	/* a name ending in .slice is a slice unit (prefix ignored), a child of the slice */
	parse_ok("kubepods.slice:cri:kubepods-pod1.slice", false, "kubepods-pod1.slice",
		 "kubepods.slice", "/kubepods.slice", true);
	parse_ok("-.slice:x:top.slice", false, "top.slice", "-.slice", "/", true);
}
END_TEST

START_TEST(bad_paths_are_refused_naming_the_part)
{
	parse_bad("/sys/fs/cgroup/x", "not systemd's form");
	parse_bad("a:b:c:d", "not systemd's form");
	parse_bad("system.slice:ward:a/b", "the name \"a/b\" contains \"/\"");
	parse_bad("system.slice:ward:..", "the name \"..\" is \".\" or \"..\"");
	parse_bad("system.slice:ward:", "the name \"\" is empty");
	parse_bad("system.slice::x", "the prefix \"\" is empty");
	parse_bad("system.slice:a/b:x", "the prefix \"a/b\" contains \"/\"");
	parse_bad("system.slice:ward:a+b", "character systemd does not allow");
	parse_bad("system:ward:x", "the slice \"system\" does not end in \".slice\"");
	parse_bad("a/b.slice:ward:x", "the slice \"a/b.slice\" contains \"/\"");
	parse_bad("a--b.slice:ward:x", "two in a row");
	parse_bad("-a.slice:ward:x", "at the start or end");
	parse_bad("a-.slice:ward:x", "at the start or end");
	parse_bad("../x.slice:ward:x", "contains \"/\"");
	/* the container can never be the root slice, nor a slice outside its parent */
	parse_bad("-.slice:ward:-.slice", "is the root slice");
	parse_bad("system.slice:ward:-.slice", "is the root slice");
	parse_bad("system.slice:ward:user.slice", "is not a child of the slice");
	parse_bad("system.slice:ward:system-a-b.slice", "is not a child of the slice");
	char longname[300];
	memset(longname, 'a', sizeof longname);
	memcpy(longname, "s.slice:p:", 10);
	longname[sizeof longname - 1] = '\0';
	parse_bad(longname, "longer than 255");
}
END_TEST

START_TEST(slices_expand_as_systemd_nests_them)
{
	const char *why;
	char *p = systemd_expand_slice("a-b-c.slice", &why);
	ck_assert_str_eq(p, "/a.slice/a-b.slice/a-b-c.slice");
	free(p);
	p = systemd_expand_slice("-.slice", &why);
	ck_assert_str_eq(p, "/");
	free(p);
	p = systemd_expand_slice("user-1000.slice", &why);
	ck_assert_str_eq(p, "/user.slice/user-1000.slice");
	free(p);
	ck_assert_ptr_null(systemd_expand_slice(".slice", &why));
	ck_assert_ptr_null(systemd_expand_slice("a.scope", &why));
}
END_TEST

START_TEST(unit_names_read_back_are_checked)
{
	ck_assert(systemd_valid_unit_name("docker-abc.scope"));
	ck_assert(systemd_valid_unit_name("kubepods-pod1.slice"));
	ck_assert(!systemd_valid_unit_name("-.slice"));
	ck_assert(!systemd_valid_unit_name("sshd.service"));
	ck_assert(!systemd_valid_unit_name("a/b.scope"));
	ck_assert(!systemd_valid_unit_name(""));
	ck_assert(!systemd_valid_unit_name(NULL));
}
END_TEST

START_TEST(auth_line_hex_encodes_the_decimal_uid)
{
	char line[64];
	dbus_auth_line(0, line, sizeof line);
	ck_assert_str_eq(line, "AUTH EXTERNAL 30\r\n");
	dbus_auth_line(1000, line, sizeof line);
	ck_assert_str_eq(line, "AUTH EXTERNAL 31303030\r\n");
	dbus_auth_line((uid_t)-1, line, sizeof line);
	ck_assert_str_eq(line, "AUTH EXTERNAL\r\n");
}
END_TEST

static void assert_bytes(const struct dbus_buf *b, const unsigned char *want, size_t n)
{
	ck_assert_uint_eq(b->len, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(b->data[i] == want[i], "byte %zu: 0x%02x, want 0x%02x", i, b->data[i],
			      want[i]);
}

START_TEST(method_call_header_layout)
{
	struct dbus_msg m = {.type = DBUS_METHOD_CALL, .serial = 1, .path = "/o", .member = "M"};
	struct dbus_buf b = {0};
	static const unsigned char want[] = {
		'l', 1,	  0,   1, 0,  0, 0, 0,
		1,   0,	  0,   0, 26, 0, 0, 0, /* fixed header, fields: 26 */
		1,   1,	  'o', 0, 2,  0, 0, 0,
		'/', 'o', 0,   0, 0,  0, 0, 0, /* PATH "/o", padded to 8 */
		3,   1,	  's', 0, 1,  0, 0, 0,
		'M', 0,	  0,   0, 0,  0, 0, 0, /* MEMBER "M", header padded */
	};
	ck_assert_int_eq(dbus_msg_encode(&m, &b), 0);
	assert_bytes(&b, want, sizeof want);
	dbus_buf_free(&b);
}
END_TEST

START_TEST(property_entry_layout)
{
	struct dbus_buf b = {0};
	static const unsigned char want[] = {
		0, 0,	0, 0, 0,   0,	0,   0, /* array length (filled below), padding to 8 */
		9, 0,	0, 0, 'M', 'e', 'm', 'o', 'r', 'y', 'M', 'a', 'x', 0, /* "MemoryMax" */
		1, 't', 0, 0, 0,   0,	0,   0,	  0,   0, /* signature "t", padding to 8 */
		0, 0,	0, 0, 1,   0,	0,   0,		  /* 1 << 32 */
		8, 0,	0, 0, 'D', 'e', 'l', 'e', 'g', 'a', 't', 'e', 0, /* "Delegate" */
		1, 'b', 0, 1, 0,   0,	0, /* "b", true (already aligned) */
	};
	size_t at = dbus_open_array(&b, 8);
	dbus_put_prop_u64(&b, "MemoryMax", 1ULL << 32);
	dbus_put_prop_bool(&b, "Delegate", true);
	dbus_close_array(&b, at, 8);
	ck_assert_uint_eq(b.data[0], sizeof want - 8);
	unsigned char w[sizeof want];
	memcpy(w, want, sizeof want);
	w[0] = (unsigned char)(sizeof want - 8);
	assert_bytes(&b, w, sizeof w);
	dbus_buf_free(&b);
}
END_TEST

START_TEST(an_empty_array_of_structs_still_pads)
{
	struct dbus_buf b = {0};
	dbus_put_byte(&b, 7);
	size_t at = dbus_open_array(&b, 8);
	dbus_close_array(&b, at, 8);
	static const unsigned char want[] = {7, 0, 0, 0, 0, 0, 0, 0};
	assert_bytes(&b, want, sizeof want);
	dbus_buf_free(&b);
}
END_TEST

START_TEST(messages_round_trip)
{
	struct dbus_buf body = {0}, out = {0};
	dbus_put_string(&body, "ward-c1.scope");
	dbus_put_string(&body, "fail");
	struct dbus_msg m = {.type = DBUS_METHOD_CALL,
			     .serial = 7,
			     .path = "/org/freedesktop/systemd1",
			     .interface = "org.freedesktop.systemd1.Manager",
			     .member = "StopUnit",
			     .destination = "org.freedesktop.systemd1",
			     .signature = "ss",
			     .body = body.data,
			     .body_len = body.len};
	ck_assert_int_eq(dbus_msg_encode(&m, &out), 0);
	ck_assert_int_eq(dbus_msg_size(out.data, 15), 0);
	ck_assert_int_eq(dbus_msg_size(out.data, out.len), (long)out.len);
	struct dbus_msg d;
	const char *why = NULL;
	ck_assert_int_eq(dbus_msg_decode(out.data, out.len, &d, &why), 0);
	ck_assert_uint_eq(d.serial, 7);
	ck_assert_str_eq(d.member, "StopUnit");
	ck_assert_str_eq(d.interface, "org.freedesktop.systemd1.Manager");
	ck_assert_str_eq(d.destination, "org.freedesktop.systemd1");
	ck_assert_str_eq(d.signature, "ss");
	struct dbus_reader r = dbus_body(&d);
	ck_assert_str_eq(dbus_get_string(&r), "ward-c1.scope");
	ck_assert_str_eq(dbus_get_string(&r), "fail");
	ck_assert(!r.bad);
	ck_assert_ptr_null(dbus_get_string(&r)); /* past the end */
	ck_assert(r.bad);
	/* a truncated message, and one whose body length lies */
	ck_assert_int_lt(dbus_msg_decode(out.data, out.len - 1, &d, &why), 0);
	out.data[4] ^= 1;
	ck_assert_int_lt(dbus_msg_decode(out.data, out.len, &d, &why), 0);
	out.data[0] = 'X';
	ck_assert_int_lt(dbus_msg_size(out.data, out.len), 0);
	dbus_buf_free(&out);
	dbus_buf_free(&body);
}
END_TEST

START_TEST(big_endian_replies_are_read)
{
	static const unsigned char msg[] = {
		'B', 2, 0,   1, 0,   0,	  0, 7,
		0,   0, 0,   5, 0,   0,	  0, 15, /* body 7, serial 5, fields 15 */
		5,   1, 'u', 0, 0,   0,	  0, 1,	 /* REPLY_SERIAL 1 */
		8,   1, 'g', 0, 1,   's', 0, 0,	 /* SIGNATURE "s", padded */
		0,   0, 0,   2, 'h', 'i', 0,	 /* "hi" */
	};
	struct dbus_msg d;
	const char *why;
	ck_assert_int_eq(dbus_msg_decode(msg, sizeof msg, &d, &why), 0);
	ck_assert_int_eq(d.type, DBUS_METHOD_RETURN);
	ck_assert_uint_eq(d.reply_serial, 1);
	ck_assert_str_eq(d.signature, "s");
	struct dbus_reader r = dbus_body(&d);
	ck_assert_str_eq(dbus_get_string(&r), "hi");
}
END_TEST

START_TEST(type_lengths_and_skipping)
{
	ck_assert_uint_eq(dbus_type_length("a{sv}x"), 5);
	ck_assert_uint_eq(dbus_type_length("a(sa(sv))"), 9);
	ck_assert_uint_eq(dbus_type_length("(ii"), 0);
	ck_assert_uint_eq(dbus_type_length("a"), 0);
	ck_assert_uint_eq(dbus_type_length("{s}"), 0);
	ck_assert_uint_eq(dbus_type_length("()"), 0);
	ck_assert_uint_eq(dbus_type_length("z"), 0);

	struct dbus_buf b = {0};
	size_t at = dbus_open_array(&b, 8);
	dbus_put_prop_string(&b, "Slice", "system.slice");
	uint32_t pids[] = {1, 2};
	dbus_put_prop_u32_array(&b, "PIDs", pids, 2);
	dbus_close_array(&b, at, 8);
	dbus_put_u32(&b, 0xabcd);
	struct dbus_reader r = {.data = b.data, .len = b.len};
	const char *sig = "a(sv)u";
	dbus_skip(&r, &sig);
	ck_assert_str_eq(sig, "u");
	ck_assert_uint_eq(dbus_get_u32(&r), 0xabcd);
	ck_assert(!r.bad);

	/* walking the same list element by element */
	r = (struct dbus_reader){.data = b.data, .len = b.len};
	size_t end = dbus_get_array(&r, 8);
	int seen = 0;
	while (!r.bad && r.pos < end) {
		dbus_get_struct(&r);
		const char *name = dbus_get_string(&r);
		const char *vsig = dbus_get_signature(&r);
		ck_assert_ptr_nonnull(name);
		ck_assert_ptr_nonnull(vsig);
		dbus_skip(&r, &vsig);
		seen++;
	}
	ck_assert_int_eq(seen, 2);
	ck_assert(!r.bad);
	dbus_buf_free(&b);
}
END_TEST

/* The properties as a list of name -> (signature, u64 or byte string). */
struct prop {
	char name[32], sig[8];
	uint64_t v;
	unsigned char bytes[8];
	size_t n_bytes;
};

static size_t read_props(const struct dbus_buf *b, struct prop *out, size_t max)
{
	struct dbus_reader r = {.data = b->data, .len = b->len};
	size_t end = dbus_get_array(&r, 8), n = 0;
	while (!r.bad && r.pos < end && n < max) {
		memset(&out[n], 0, sizeof out[n]);
		dbus_get_struct(&r);
		snprintf(out[n].name, sizeof out[n].name, "%s", dbus_get_string(&r));
		snprintf(out[n].sig, sizeof out[n].sig, "%s", dbus_get_signature(&r));
		if (strcmp(out[n].sig, "t") == 0) {
			out[n].v = dbus_get_u64(&r);
		} else if (strcmp(out[n].sig, "ay") == 0) {
			size_t e = dbus_get_array(&r, 1);
			while (r.pos < e && out[n].n_bytes < sizeof out[n].bytes)
				out[n].bytes[out[n].n_bytes++] = dbus_get_byte(&r);
		} else {
			ck_abort_msg("unexpected signature %s after %zu (%s)", out[n].sig, n,
				     n ? out[n - 1].name : "");
		}
		n++;
	}
	ck_assert(!r.bad);
	return n;
}

static const struct prop *find(const struct prop *p, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].name, name) == 0)
			return &p[i];
	return NULL;
}

static size_t props_of(const struct ward_resources *res, unsigned version, struct prop *p,
		       size_t max)
{
	struct dbus_buf b = {0};
	size_t count;
	size_t at = dbus_open_array(&b, 8);
	ck_assert_int_eq(systemd_resource_properties(res, version, &b, &count, &err), 0);
	dbus_close_array(&b, at, 8);
	size_t n = read_props(&b, p, max);
	ck_assert_uint_eq(n, count);
	dbus_buf_free(&b);
	return n;
}

START_TEST(limits_become_unit_properties)
{
	struct ward_kv unified[] = {{.key = "memory.high", .value = "1048576"},
				    {.key = "memory.max", .value = "bogus"},
				    {.key = "io.max", .value = "8:0 rbps=1"}};
	struct ward_resources res = {
		.has_memory_limit = true,
		.memory_limit = 64 << 20,
		.has_memory_reservation = true,
		.memory_reservation = 32 << 20,
		.has_memory_swap = true,
		.memory_swap = 96 << 20,
		.has_pids_limit = true,
		.pids_limit = 100,
		.has_cpu_shares = true,
		.cpu_shares = 1024,
		.has_cpu_quota = true,
		.cpu_quota = 50000,
		.has_cpu_period = true,
		.cpu_period = 100000,
		.cpu_cpus = "0-2,9",
		.cpu_mems = "0",
		.has_blkio_weight = true,
		.blkio_weight = 500,
		.unified = unified,
		.n_unified = 3,
	};
	struct prop p[32];
	size_t n = props_of(&res, 252, p, 32);
	ck_assert_uint_eq(find(p, n, "MemoryMax")->v, 64 << 20);
	ck_assert_uint_eq(find(p, n, "MemoryLow")->v, 32 << 20);
	ck_assert_uint_eq(find(p, n, "MemorySwapMax")->v, 32 << 20);
	ck_assert_uint_eq(find(p, n, "TasksMax")->v, 100);
	ck_assert_uint_eq(find(p, n, "CPUWeight")->v, 100);
	ck_assert_uint_eq(find(p, n, "CPUQuotaPerSecUSec")->v, 500000);
	ck_assert_uint_eq(find(p, n, "CPUQuotaPeriodUSec")->v, 100000);
	ck_assert_uint_eq(find(p, n, "IOWeight")->v, 4950);
	ck_assert_uint_eq(find(p, n, "MemoryHigh")->v, 1048576);
	const struct prop *cpus = find(p, n, "AllowedCPUs");
	ck_assert_uint_eq(cpus->n_bytes, 2);
	ck_assert_uint_eq(cpus->bytes[0], 0x07);
	ck_assert_uint_eq(cpus->bytes[1], 0x02);
	ck_assert_uint_eq(find(p, n, "AllowedMemoryNodes")->bytes[0], 0x01);
	/* a unified value that is not a number stays a cgroup file (which refuses it) */
	ck_assert_uint_eq(n, 11);

	/* an older manager gets no property it does not know */
	n = props_of(&res, 239, p, 32);
	ck_assert_ptr_null(find(p, n, "AllowedCPUs"));
	ck_assert_ptr_null(find(p, n, "CPUQuotaPeriodUSec"));
	ck_assert_ptr_nonnull(find(p, n, "CPUQuotaPerSecUSec"));
}
END_TEST

START_TEST(unlimited_values_are_infinity)
{
	struct ward_resources res = {.has_memory_limit = true,
				     .memory_limit = -1,
				     .has_pids_limit = true,
				     .pids_limit = 0,
				     .has_memory_swap = true,
				     .memory_swap = -1,
				     .has_cpu_quota = true,
				     .cpu_quota = -1};
	struct prop p[8];
	size_t n = props_of(&res, 0, p, 8);
	ck_assert_uint_eq(find(p, n, "MemoryMax")->v, UINT64_MAX);
	ck_assert_uint_eq(find(p, n, "TasksMax")->v, UINT64_MAX);
	ck_assert_uint_eq(find(p, n, "MemorySwapMax")->v, UINT64_MAX);
	ck_assert_uint_eq(find(p, n, "CPUQuotaPerSecUSec")->v, UINT64_MAX);
	/* nothing asked: no property */
	struct ward_resources none = {0};
	ck_assert_uint_eq(props_of(&none, 0, p, 8), 0);
}
END_TEST

START_TEST(cpu_quota_per_second_rounds_up)
{
	ck_assert_uint_eq(systemd_cpu_quota_per_sec(50000, 100000), 500000);
	ck_assert_uint_eq(systemd_cpu_quota_per_sec(1, 3), 333334);
	ck_assert_uint_eq(systemd_cpu_quota_per_sec(200000, 100000), 2000000);
	ck_assert_uint_eq(systemd_cpu_quota_per_sec(0, 100000), UINT64_MAX);
}
END_TEST

START_TEST(a_bad_cpu_list_is_an_error_naming_the_field)
{
	struct ward_resources res = {.cpu_cpus = "3-1"};
	struct dbus_buf b = {0};
	size_t count;
	ck_assert_int_lt(systemd_resource_properties(&res, 0, &b, &count, &err), 0);
	ck_assert_msg(strstr(err.msg, "linux.resources.cpu.cpus"), "%s", err.msg);
	dbus_buf_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("systemd");
	TCase *tc = tcase_create("systemd");
	tcase_add_test(tc, empty_path_is_ward_prefix_and_the_id);
	tcase_add_test(tc, three_and_two_part_forms);
	tcase_add_test(tc, bad_paths_are_refused_naming_the_part);
	tcase_add_test(tc, slices_expand_as_systemd_nests_them);
	tcase_add_test(tc, unit_names_read_back_are_checked);
	tcase_add_test(tc, auth_line_hex_encodes_the_decimal_uid);
	tcase_add_test(tc, method_call_header_layout);
	tcase_add_test(tc, property_entry_layout);
	tcase_add_test(tc, an_empty_array_of_structs_still_pads);
	tcase_add_test(tc, messages_round_trip);
	tcase_add_test(tc, big_endian_replies_are_read);
	tcase_add_test(tc, type_lengths_and_skipping);
	tcase_add_test(tc, limits_become_unit_properties);
	tcase_add_test(tc, unlimited_values_are_infinity);
	tcase_add_test(tc, cpu_quota_per_second_rounds_up);
	tcase_add_test(tc, a_bad_cpu_list_is_an_error_naming_the_field);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
