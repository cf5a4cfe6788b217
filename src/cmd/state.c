/* ward state: print a container's state as JSON. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "json_state.h"
#include "ward/cli.h"
#include "ward/container.h"
#include "ward/json_gen.h"

static const char usage[] =
	"Usage: ward [global options] state <container-id>\n"
	"\n"
	"Prints the container's state as JSON: ociVersion, id, pid, status\n"
	"(created, running, paused or stopped), bundle, rootfs, created, owner\n"
	"and annotations.\n";

void gen_container_state(yajl_gen g, const struct container_info *info)
{
	const struct ward_state *st = &info->state;
	struct passwd *pw = getpwuid(st->owner);

	yajl_gen_map_open(g);
	json_gen_str(g, "ociVersion");
	json_gen_str(g, st->oci_version);
	json_gen_str(g, "id");
	json_gen_str(g, st->id);
	json_gen_str(g, "pid");
	yajl_gen_integer(g, info->status == STATUS_STOPPED ? 0 : st->pid);
	json_gen_str(g, "status");
	json_gen_str(g, state_status_name(info->status));
	json_gen_str(g, "bundle");
	json_gen_str(g, st->bundle);
	json_gen_str(g, "rootfs");
	json_gen_str(g, st->rootfs);
	json_gen_str(g, "created");
	json_gen_str(g, st->created);
	json_gen_str(g, "owner");
	json_gen_str(g, pw && st->owner != 0 ? pw->pw_name : "");
	if (st->n_annotations) {
		json_gen_str(g, "annotations");
		container_gen_map(g, st->annotations, st->n_annotations);
	}
	yajl_gen_map_close(g);
}

int cmd_state(const struct global_opts *g, int argc, char **argv)
{
	struct ward_error err = {0};
	struct container_info info;
	int status;
	const char *id = cli_id_args("state", usage, argc, argv, &status);

	if (!id)
		return status;
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
