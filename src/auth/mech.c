/* Lifetime of an auth_mech, whatever mechanism is behind it. */
#include "auth/mech.h"

#include <string.h>

void hvs_auth_mech_free(auth_mech *m)
{
	if (!m)
		return;
	if (m->ctx && m->free)
		m->free(m->ctx);
	memset(m, 0, sizeof(*m));
}
