/* The table of commands: each name with the operands it takes and the
 * function that runs it. Argument parsing and dispatch both read it, so a
 * command is added in one place. */
#include <string.h>

#include "cli/cli.h"

static const cli_command commands[] = {
	{ "identify", 0, 0, cmd_identify },
	{ "vms", 0, 0, cmd_vms },
	{ "create", 1, 1, cmd_create },
	{ "list", 1, 1, cmd_list },
	{ "apply", 2, 2, cmd_apply },
	{ "delete", 2, 2, cmd_delete },
	{ "rename", 3, 3, cmd_rename },
	{ "job", 1, 1, cmd_job },
	{ "show", 1, 1, cmd_show },
	{ "start", 1, 1, cmd_start },
	{ "stop", 1, 1, cmd_stop },
	{ "save", 1, 1, cmd_save },
	{ "pause", 1, 1, cmd_pause },
	{ "resume", 1, 1, cmd_resume },
	{ "wait", 1, 1, cmd_wait },
	{ "reset", 2, 2, cmd_reset },
	{ "policy", 1, 1, cmd_policy },
	{ "clear-state", 2, 2, cmd_clear_state },
	{ "refpoint", 2, 3, cmd_refpoint },  /* convert|list|delete VM [X] */
	{ "wsman", 1, 3, cmd_wsman },
	{ "doctor", 0, 0, cmd_doctor },
};

const cli_command *cli_find_command(const char *name)
{
	for (size_t i = 0; name && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

const char *cli_command_name_at(const void *unused, size_t i)
{
	(void)unused;
	return i < sizeof(commands) / sizeof(commands[0]) ? commands[i].name : NULL;
}
