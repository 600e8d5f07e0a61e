/* hvsnap command-line entry point (placeholder until the CLI lands). */
#include <stdio.h>
#include "hvsnap/hvsnap.h"

int main(void)
{
	fprintf(stderr, "hvsnap: not implemented yet\n");
	return 2;
}
