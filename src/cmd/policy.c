/* ward policy check|list|show: the verdict on a config without running anything, the table
 * of checks, and the effective policy. Exit 0 allowed, 1 refused, 2 usage or parse error. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "ward/cleanup.h"
#include "ward/cli.h"
#include "ward/container.h"
#include "ward/log.h"
#include "ward/policy.h"
#include "ward/util.h"

static const char usage[] =
	"Usage: ward [global options] policy check [--format text|json] [CONFIG | --bundle DIR]\n"
	"       ward [global options] policy list [--format text|json]\n"
	"       ward [global options] policy show [--format text|json]\n"
	"\n"
	"  check   judge a config.json (default ./config.json) against the policy: exit 0\n"
	"          allowed, 1 refused, 2 usage or parse error\n"
	"  list    every check with its level, kind and reason\n"
	"  show    the effective policy: file, level, allow, overridable and the\n"
	"          allow-lists (hook, host-path, device, mount-type, seccomp-listener)\n"
	"\n"
	"Options:\n"
	"  -f, --format text|json   output format (default text)\n"
	"  -b, --bundle DIR         check DIR/config.json\n"
	"  -h, --help               show this help\n"
	"\n"
	"The policy file is /etc/ward/policy.conf, or the global --policy FILE; see\n"
	"ward-policy(5) and ward-policy(8).\n";

static const struct option longopts[] = {
	{"format", required_argument, NULL, 'f'},
	{"bundle", required_argument, NULL, 'b'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

#define EXIT_USAGE 2

static void str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void kv(yajl_gen g, const char *k, const char *v)
{
	str(g, k);
	str(g, v);
}

static void json_names(yajl_gen g, const char *key, const bool *set)
{
	size_t n;
	const struct policy_check *t = policy_checks(&n);
	str(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		if (set[i])
			str(g, t[i].name);
	yajl_gen_array_close(g);
}

static void text_names(const char *key, const bool *set)
{
	size_t n;
	const struct policy_check *t = policy_checks(&n);
	const char *sep = "";
	printf("%-18s", key);
	for (size_t i = 0; i < n; i++)
		if (set[i]) {
			printf("%s%s", sep, t[i].name);
			sep = ", ";
		}
	printf("%s\n", *sep ? "" : "(none)");
}

static void json_list(yajl_gen g, const char *key, char **list)
{
	str(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; list && list[i]; i++)
		str(g, list[i]);
	yajl_gen_array_close(g);
}

/* One entry per line under its key; nothing when the list is empty. */
static void text_list(const char *key, char **list)
{
	for (size_t i = 0; list && list[i]; i++)
		printf("%-18s%s\n", i ? "" : key, list[i]);
}

static const char *device_text(const struct policy_device *d, char *buf, size_t len)
{
	if (d->minor < 0)
		snprintf(buf, len, "%c %lld:*", d->type, (long long)d->major);
	else
		snprintf(buf, len, "%c %lld:%lld", d->type, (long long)d->major,
			 (long long)d->minor);
	return buf;
}

static void print_verdict_json(const struct policy *p, const struct policy_verdict *v)
{
	size_t n;
	const struct policy_check *t = policy_checks(&n);
	yajl_gen g = yajl_gen_alloc(NULL);
	char line[128];

	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_map_open(g);
	str(g, "allowed");
	yajl_gen_bool(g, v->n_violations == 0);
	kv(g, "level", policy_level_name(p->level));
	kv(g, "policy", p->file);
	str(g, "violations");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < v->n_violations; i++) {
		const struct policy_finding *f = &v->violations[i];
		snprintf(line, sizeof line, "allow = %s", t[f->check].name);
		yajl_gen_map_open(g);
		kv(g, "check", t[f->check].name);
		kv(g, "path", f->path);
		kv(g, "found", f->detail);
		kv(g, "reason", t[f->check].reason);
		kv(g, "remedy", t[f->check].remedy);
		kv(g, "policy_line", line);
		char flag[128];
		kv(g, "engine_flag", policy_engine_flag(f, flag, sizeof flag));
		str(g, "overridable");
		yajl_gen_bool(g, p->overridable[f->check]);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	str(g, "hardened");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < v->n_hardened; i++) {
		yajl_gen_map_open(g);
		kv(g, "check", t[v->hardened[i].check].name);
		kv(g, "path", v->hardened[i].path);
		kv(g, "change", v->hardened[i].detail);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	str(g, "overrides");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < v->n_overrides; i++) {
		yajl_gen_map_open(g);
		kv(g, "check", t[v->overrides[i].check].name);
		kv(g, "path", v->overrides[i].path);
		kv(g, "found", v->overrides[i].detail);
		kv(g, "by", policy_source_name(v->overrides[i].source));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	cli_print_json(g, true);
	yajl_gen_free(g);
}

static void print_verdict_text(const struct policy *p, const struct policy_verdict *v)
{
	size_t n;
	const struct policy_check *t = policy_checks(&n);

	printf("%s at level %s (policy %s%s)\n", v->n_violations ? "REFUSED" : "allowed",
	       policy_level_name(p->level), p->file,
	       p->file_present ? "" : ", not present: defaults");
	for (size_t i = 0; i < v->n_violations; i++) {
		const struct policy_finding *f = &v->violations[i];
		const struct policy_check *c = &t[f->check];
		printf("\nviolation %s\n  at:     %s: %s\n  why:    %s\n  fix:    %s\n"
		       "  allow:  add \"allow = %s\" to %s\n",
		       c->name, f->path, f->detail, c->reason, c->remedy, c->name, p->file);
		if (p->overridable[f->check])
			printf("          or annotate the container with %s=%s\n",
			       POLICY_ANNOTATION, c->name);
		char flag[128];
		if (*policy_engine_flag(f, flag, sizeof flag))
			printf("  engine: docker/podman %s\n", flag);
	}
	if (v->n_violations > 1) {
		bool seen[POLICY_MAX_CHECKS] = {false};
		const char *sep = "";
		printf("\nto allow them all, add to %s:\n  allow = ", p->file);
		for (size_t i = 0; i < v->n_violations; i++) {
			if (seen[v->violations[i].check])
				continue;
			seen[v->violations[i].check] = true;
			printf("%s%s", sep, t[v->violations[i].check].name);
			sep = ", ";
		}
		printf("\n");
	}
	if (v->n_hardened)
		printf("\nhardened (silently; \"allow = CHECK\" switches one off):\n");
	for (size_t i = 0; i < v->n_hardened; i++)
		printf("  %-26s %s: %s\n", t[v->hardened[i].check].name, v->hardened[i].path,
		       v->hardened[i].detail);
	if (v->n_overrides)
		printf("\noverrides in effect:\n");
	for (size_t i = 0; i < v->n_overrides; i++)
		printf("  %-26s %s: %s (by the %s)\n", t[v->overrides[i].check].name,
		       v->overrides[i].path, v->overrides[i].detail,
		       policy_source_name(v->overrides[i].source));
}

/* The directory holding config (a bundle): where relative paths in it start. */
static char *config_dir(const char *config)
{
	char buf[PATH_MAX];
	const char *slash = strrchr(config, '/');
	if (!slash)
		return strdup(".");
	if ((size_t)(slash - config) >= sizeof buf)
		return NULL;
	memcpy(buf, config, (size_t)(slash - config));
	buf[slash - config] = '\0';
	return strdup(slash == config ? "/" : buf);
}

static int policy_check_cmd(const struct global_opts *g, const char *config, bool json)
{
	struct ward_error err = {0};
	struct policy p;
	struct policy_verdict v;
	struct ward_spec *spec;
	int rc;

	if (policy_load(g->policy, &p, &err) < 0) {
		log_error("%s", err.msg);
		return EXIT_USAGE;
	}
	spec = spec_parse_file(config, "config.json", &err);
	if (!spec) {
		policy_clear(&p);
		log_error("%s", err.msg);
		return EXIT_USAGE;
	}
	/* Judged as create would carry it out on this host: host objects resolved from the
	 * config's directory; those this host does not have are judged by their names. */
	struct ward_plan plan;
	cleanup_free char *dir = config_dir(config);
	if (!dir || plan_build(spec, dir, g->root, PLAN_RESOLVE, &plan, &err) < 0) {
		if (!dir)
			ward_fail(&err, ENOMEM, "policy check");
		log_error("%s", err.msg);
		spec_free(spec);
		policy_clear(&p);
		return EXIT_USAGE;
	}
	if (userns_auto_preview(&p, spec, &plan.auto_userns, &err) < 0 ||
	    policy_evaluate(&p, spec, &plan, &v, &err) < 0) {
		log_error("%s", err.msg);
		rc = EXIT_USAGE;
	} else {
		if (json)
			print_verdict_json(&p, &v);
		else
			print_verdict_text(&p, &v);
		rc = v.n_violations ? 1 : 0;
	}
	policy_verdict_clear(&v);
	plan_clear(&plan);
	spec_free(spec);
	policy_clear(&p);
	return rc;
}

static int policy_list_cmd(bool json)
{
	size_t n;
	const struct policy_check *t = policy_checks(&n);

	if (!json) {
		printf("%-32s %-10s %-7s %s\n", "CHECK", "LEVEL", "KIND", "REASON");
		for (size_t i = 0; i < n; i++)
			printf("%-32s %-10s %-7s %s\n", t[i].name, policy_level_name(t[i].level),
			       t[i].kind == POLICY_HARDEN ? "harden" : "refuse", t[i].reason);
		return 0;
	}
	yajl_gen g = yajl_gen_alloc(NULL);
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		kv(g, "check", t[i].name);
		kv(g, "level", policy_level_name(t[i].level));
		kv(g, "kind", t[i].kind == POLICY_HARDEN ? "harden" : "refuse");
		kv(g, "paths", t[i].paths);
		kv(g, "reason", t[i].reason);
		kv(g, "remedy", t[i].remedy);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	cli_print_json(g, true);
	yajl_gen_free(g);
	return 0;
}

/* The settings with one value: what is in force, defaults included. */
static const char *userns_pool_shown(const struct policy *p)
{
	return p->userns_pool ? p->userns_pool : "ward (the default: its /etc/subuid, /etc/subgid)";
}

static void show_json(const struct policy *p)
{
	yajl_gen gen = yajl_gen_alloc(NULL);
	yajl_gen_config(gen, yajl_gen_beautify, 1);
	yajl_gen_map_open(gen);
	kv(gen, "file", p->file);
	str(gen, "present");
	yajl_gen_bool(gen, p->file_present);
	kv(gen, "level", policy_level_name(p->level));
	json_names(gen, "allow", p->allow);
	json_names(gen, "overridable", p->overridable);
	json_list(gen, "hook", p->hooks);
	str(gen, "builtin-hook");
	yajl_gen_array_open(gen);
	for (const char *const *h = policy_builtin_hooks(); *h; h++)
		str(gen, *h);
	yajl_gen_array_close(gen);
	json_list(gen, "host-path", p->host_paths);
	json_list(gen, "mount-type", p->mount_types);
	json_list(gen, "seccomp-listener", p->listener_dirs);
	str(gen, "device");
	yajl_gen_array_open(gen);
	for (size_t i = 0; i < p->n_devices; i++) {
		char d[48];
		str(gen, device_text(&p->devices[i], d, sizeof d));
	}
	yajl_gen_array_close(gen);
	str(gen, "seccomp-complain");
	yajl_gen_bool(gen, p->seccomp_complain);
	str(gen, "audit");
	if (p->audit)
		str(gen, p->audit);
	else
		yajl_gen_null(gen);
	kv(gen, "userns", p->userns_auto ? "auto" : "off");
	kv(gen, "userns-pool", p->userns_pool ? p->userns_pool : "ward");
	yajl_gen_map_close(gen);
	cli_print_json(gen, true);
	yajl_gen_free(gen);
}

static void show_text(const struct policy *p)
{
	printf("%-18s%s%s\n", "file", p->file, p->file_present ? "" : " (not present: defaults)");
	printf("%-18s%s\n", "level", policy_level_name(p->level));
	text_names("allow", p->allow);
	text_names("overridable", p->overridable);
	text_list("hook", p->hooks);
	const char *const *builtin = policy_builtin_hooks();
	for (size_t i = 0; builtin[i]; i++)
		printf("%-18s%s\n", i ? "" : "builtin-hook", builtin[i]);
	text_list("host-path", p->host_paths);
	text_list("mount-type", p->mount_types);
	text_list("seccomp-listener", p->listener_dirs);
	for (size_t i = 0; i < p->n_devices; i++) {
		char d[48];
		printf("%-18s%s\n", i ? "" : "device", device_text(&p->devices[i], d, sizeof d));
	}
	printf("%-18s%s\n", "seccomp-complain", p->seccomp_complain ? "yes" : "no");
	printf("%-18s%s\n", "audit", p->audit ? p->audit : "(none)");
	printf("%-18s%s\n", "userns", p->userns_auto ? "auto" : "off");
	if (p->userns_auto)
		printf("%-18s%s\n", "userns-pool", userns_pool_shown(p));
}

static int policy_show_cmd(const struct global_opts *g, bool json)
{
	struct ward_error err = {0};
	struct policy p;

	if (policy_load(g->policy, &p, &err) < 0) {
		log_error("%s", err.msg);
		return EXIT_USAGE;
	}
	if (json)
		show_json(&p);
	else
		show_text(&p);
	policy_clear(&p);
	return 0;
}

/* Options may come before or after the subcommand: 0 parsed, 1 help printed, -1 error. */
static int parse_options(int argc, char **argv, const char **format, const char **bundle)
{
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+f:b:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			*format = optarg;
			break;
		case 'b':
			*bundle = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		default:
			cli_usage_error("policy", "unknown option");
			return -1;
		}
	}
	return 0;
}

int cmd_policy(const struct global_opts *g, int argc, char **argv)
{
	const char *format = "text", *bundle = NULL;
	cleanup_free char *config = NULL;
	int rc;

	cli_normalize_args(argc, argv, longopts);
	rc = parse_options(argc, argv, &format, &bundle);
	if (rc != 0)
		return rc > 0 ? 0 : EXIT_USAGE;
	if (optind >= argc) {
		cli_usage_error("policy", "which one: check, list or show?");
		return EXIT_USAGE;
	}
	const char *sub = argv[optind];
	int sub_argc = argc - optind;
	char **sub_argv = argv + optind;
	rc = parse_options(sub_argc, sub_argv, &format, &bundle);
	if (rc != 0)
		return rc > 0 ? 0 : EXIT_USAGE;
	bool json = strcmp(format, "json") == 0;
	if (!json && strcmp(format, "text") != 0) {
		cli_usage_error("policy", "--format: \"%s\" is not text or json", format);
		return EXIT_USAGE;
	}
	int rest = sub_argc - optind;
	if (strcmp(sub, "check") == 0) {
		if (rest > 1 || (rest == 1 && bundle)) {
			cli_usage_error("policy", "check takes one CONFIG or --bundle DIR");
			return EXIT_USAGE;
		}
		config = rest == 1 ? strdup(sub_argv[optind])
				   : path_join(bundle ? bundle : ".", "config.json");
		if (!config)
			return EXIT_USAGE;
		return policy_check_cmd(g, config, json);
	}
	if (rest > 0 || bundle) {
		cli_usage_error("policy", "%s takes no arguments", sub);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "list") == 0)
		return policy_list_cmd(json);
	if (strcmp(sub, "show") == 0)
		return policy_show_cmd(g, json);
	cli_usage_error("policy", "unknown subcommand \"%s\" (check, list or show)", sub);
	return EXIT_USAGE;
}
