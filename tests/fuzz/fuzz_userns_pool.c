/* The text `userns = auto` reads from files an admin (or anyone who could write them) controls:
 * /etc/subuid-style lines, passwd and group lines, `userns-pool` ranges, the ledger's entries
 * in /run/ward-userns and /proc/<pid>/stat. The first byte picks the parser; every refusal is
 * named, and what the ledger parser accepts formats back to the same entry. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ward/userns_pool.h"

static void ledger_round_trip(const char *text, size_t len)
{
	struct userns_ledger_entry e, again;
	char buf[8192];

	if (userns_ledger_parse(text, len, &e) < 0)
		return;
	int n = userns_ledger_format(&e, buf, sizeof buf);
	if (n < 0)
		return;
	if (userns_ledger_parse(buf, (size_t)n, &again) < 0 ||
	    memcmp(&e.lease, &again.lease, sizeof e.lease) != 0 || e.pid != again.pid ||
	    e.start_time != again.start_time || strcmp(e.root, again.root) != 0 ||
	    strcmp(e.id, again.id) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_error err = {0};
	struct id_owners owners = {0};
	struct id_range *ranges = NULL;
	size_t n = 0;
	char state;
	uint64_t start;
	int rc = 0;

	if (size < 1)
		return 0;
	char *text = strndup((const char *)data + 1, size - 1);
	if (!text)
		return 0;
	switch (data[0] % 5) {
	case 0:
		rc = userns_parse_subid(text, "subuid", &owners, &err);
		break;
	case 1:
		rc = userns_parse_idfile(text, "passwd", &owners, &err);
		break;
	case 2:
		rc = userns_parse_ranges(text, &ranges, &n, &err);
		if (rc == 0)
			(void)userns_pool_blocks(ranges, n, 65536);
		break;
	case 3:
		ledger_round_trip((const char *)data + 1, size - 1);
		break;
	case 4:
		(void)userns_proc_stat_parse(text, &state, &start);
		break;
	}
	if (rc < 0 && !err.msg[0])
		abort();
	id_owners_clear(&owners);
	free(ranges);
	free(text);
	return 0;
}
