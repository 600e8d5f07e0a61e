/* libFuzzer target for the fleet inventory reader (src/cli/inventory.c,
 * INI through libinih): any bytes give either an inventory that keeps its
 * promises (at least one host, every group member a host of the file, no
 * empty names) or an error of the form "name:line: reason". */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "cli/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	inventory inv;
	char err[800];
	if (inventory_parse((const char *)data, size, "f.ini", &inv, err, sizeof(err)) != 0) {
		if (strncmp(err, "f.ini:", 6) != 0)
			abort();
		return 0;
	}
	if (inv.n_hosts == 0)
		abort();
	for (size_t i = 0; i < inv.n_hosts; i++)
		if (!inv.hosts[i].name || !*inv.hosts[i].name)
			abort();
	for (size_t g = 0; g < inv.n_groups; g++) {
		if (!inv.groups[g].n)
			abort();
		for (size_t k = 0; k < inv.groups[g].n; k++) {
			int found = 0;
			for (size_t i = 0; i < inv.n_hosts && !found; i++)
				found = !strcasecmp(inv.groups[g].hosts[k], inv.hosts[i].name);
			if (!found)
				abort();
		}
	}
	inventory_free(&inv);
	return 0;
}
