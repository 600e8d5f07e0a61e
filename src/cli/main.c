/* hvsnap: entry point. Parses the command line and runs one command. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

typedef int (*command_fn)(const cli_options *o);

static const struct {
	const char *name;
	command_fn run;
} handlers[] = {
	{ "identify", cmd_identify },
	{ "vms", cmd_vms },
	{ "create", cmd_create },
	{ "list", cmd_list },
	{ "apply", cmd_apply },
	{ "delete", cmd_delete },
	{ "rename", cmd_rename },
	{ "job", cmd_job },
};

int main(int argc, char **argv)
{
	cli_options o;
	int rc = cli_parse_args(argc, argv, &o);
	if (rc != EXIT_OK)
		return rc;
	if (o.version) {
		printf("hvsnap %s\n", hvsnap_version());
		return EXIT_OK;
	}
	if (o.help) {
		cli_print_help(stdout, o.command);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (strcmp(handlers[i].name, o.command) == 0)
			return handlers[i].run(&o);
	return cli_report_usage(&o, "unknown command '%s'", o.command);
}
