/* placeholder */
#include "cli/cli.h"
int cmd_doctor(const cli_options *o) { (void)o; return EXIT_FAILED; }
