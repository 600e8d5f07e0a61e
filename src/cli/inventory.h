/* The fleet inventory file (CLI.md "Inventory file"): INI read with
 * libinih, [defaults], [host NAME] and [group NAME] sections. Values are
 * checked as they are read, and every error names file:line. */
#ifndef HVSNAP_CLI_INVENTORY_H
#define HVSNAP_CLI_INVENTORY_H

#include <stddef.h>

/* The keys a [defaults] or [host] section may set; NULL / 0: not set. */
typedef struct inv_settings {
	char *address, *transport, *auth, *user, *password_env, *password_file;
	char *cacert, *pin, *cert, *key, *spn_service, *spn_host, *vms;
	unsigned port;
	long timeout_s;
	int insecure;          /* -1 not set, else 0/1 */
} inv_settings;

typedef struct inv_host {
	char *name;
	int line;              /* of its [host NAME] */
	inv_settings s;        /* its own keys only (defaults not merged) */
} inv_host;

typedef struct inv_group {
	char *name;
	int line;
	char **hosts;
	size_t n;
} inv_group;

typedef struct inventory {
	char *path;
	inv_settings defaults;
	inv_host *hosts;
	size_t n_hosts;
	inv_group *groups;
	size_t n_groups;
} inventory;

/* Parses INI text (name is what errors call the file). 0, or -1 with
 * "name:line: reason" in err; inv is then already freed. */
int inventory_parse(const char *text, size_t len, const char *name, inventory *inv,
                    char *err, size_t errlen);
/* Reads and parses a file (at most 4 MiB). */
int inventory_load(const char *path, inventory *inv, char *err, size_t errlen);
void inventory_free(inventory *inv);

#endif
