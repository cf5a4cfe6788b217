/* ward state: print a container's state as JSON. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "json_state.h"
#include "ward/cli.h"
#include "ward/container.h"

#define GS(g, s) yajl_gen_string(g, (const unsigned char *)(s), strlen(s))

static const char usage[] =
	"Usage: ward [global options] state <container-id>\n"
	"\n"
	"Prints the container's state as JSON: ociVersion, id, pid, status\n"
	"(created, running, paused or stopped), bundle, rootfs, created, owner\n"
	"and annotations.\n";

static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

void gen_container_state(yajl_gen g, const struct container_info *info)
{
	const struct ward_state *st = &info->state;
	struct passwd *pw = getpwuid(st->owner);

	yajl_gen_map_open(g);
	GS(g, "ociVersion");
	GS(g, st->oci_version);
	GS(g, "id");
	GS(g, st->id);
	GS(g, "pid");
	yajl_gen_integer(g, info->status == STATUS_STOPPED ? 0 : st->pid);
	GS(g, "status");
	GS(g, state_status_name(info->status));
	GS(g, "bundle");
	GS(g, st->bundle);
	GS(g, "rootfs");
	GS(g, st->rootfs);
	GS(g, "created");
	GS(g, st->created);
	GS(g, "owner");
	GS(g, pw && st->owner != 0 ? pw->pw_name : "");
	if (st->n_annotations) {
		GS(g, "annotations");
		yajl_gen_map_open(g);
		for (size_t i = 0; i < st->n_annotations; i++) {
			GS(g, st->annotations[i].key);
			GS(g, st->annotations[i].value);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
}

int cmd_state(const struct global_opts *g, int argc, char **argv)
{
	struct ward_error err = {0};
	struct container_info info;
	const char *id;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		return cli_usage_error("state", "unknown option");
	}
	id = cli_one_id("state", argc, argv);
	if (!id)
		return 1;
	if (container_info(g->root, id, &info, &err) < 0)
		return cli_fail(&err);
	yajl_gen gen = yajl_gen_alloc(NULL);
	yajl_gen_config(gen, yajl_gen_beautify, 1);
	yajl_gen_config(gen, yajl_gen_indent_string, "  ");
	gen_container_state(gen, &info);
	cli_print_json(gen, false);
	yajl_gen_free(gen);
	container_info_clear(&info);
	return 0;
}
