/* hvsnap: entry point. Parses the command line and runs one command. */
#include <locale.h>
#include <stdio.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
	/* The terminal's character set, for display widths and tree glyphs;
	 * numbers and JSON do not depend on it (LC_CTYPE only). */
	setlocale(LC_CTYPE, "");
	cli_options o;
	int rc = cli_parse_args(argc, argv, &o);
	if (rc != EXIT_OK)
		return rc;
	if (o.version) {
		cli_print_version(stdout);
		return EXIT_OK;
	}
	if (o.help) {
		cli_print_help(stdout, o.command);
		return EXIT_OK;
	}
	cli_signals_install();
	if (cli_fleet_mode(&o))
		return cli_run_fleet(&o);
	/* cli_parse_args accepts only known commands. */
	return cli_find_command(o.command)->run(&o);
}
