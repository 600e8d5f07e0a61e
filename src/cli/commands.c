/* The table of commands: each name with the operands it takes and the
 * function that runs it. Argument parsing and dispatch both read it, so a
 * command is added in one place. */
#include <string.h>

#include "cli/cli.h"

static const cli_command commands[] = {
	{ "identify", 0, 0, cmd_identify, CLI_FLEET_NO },
	{ "vms", 0, 0, cmd_vms, CLI_FLEET_VMS },
	{ "create", 1, 1, cmd_create, CLI_FLEET_VMS },
	{ "list", 1, 1, cmd_list, CLI_FLEET_VMS },
	{ "apply", 2, 2, cmd_apply, CLI_FLEET_VMS_SNAPSHOT },
	{ "delete", 2, 2, cmd_delete, CLI_FLEET_VMS_SNAPSHOT },
	{ "rename", 3, 3, cmd_rename, CLI_FLEET_NO },
	{ "job", 1, 1, cmd_job, CLI_FLEET_NO },
	{ "show", 1, 1, cmd_show, CLI_FLEET_NO },
	{ "start", 1, 1, cmd_start, CLI_FLEET_VMS },
	{ "stop", 1, 1, cmd_stop, CLI_FLEET_VMS },
	{ "save", 1, 1, cmd_save, CLI_FLEET_VMS },
	{ "pause", 1, 1, cmd_pause, CLI_FLEET_NO },
	{ "resume", 1, 1, cmd_resume, CLI_FLEET_NO },
	{ "wait", 1, 1, cmd_wait, CLI_FLEET_NO },
	{ "reset", 2, 2, cmd_reset, CLI_FLEET_VMS_SNAPSHOT },
	{ "policy", 1, 1, cmd_policy, CLI_FLEET_NO },
	{ "clear-state", 2, 2, cmd_clear_state, CLI_FLEET_NO },
	{ "refpoint", 2, 3, cmd_refpoint, CLI_FLEET_NO },  /* convert|list|delete VM [X] */
	{ "wsman", 1, 3, cmd_wsman, CLI_FLEET_NO },
	{ "doctor", 0, 0, cmd_doctor, CLI_FLEET_NO },
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
