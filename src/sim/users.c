/* The scenario's users by login name (user, DOMAIN\user or user@domain),
 * for every way of logging in: Basic (auth.c), certificates (certauth.c)
 * and Negotiate (negotiate.c). */
#include <string.h>

#include "model.h"
#include "util/strutil.h"

const sim_user *auth_find_user(const sim_ctx *ctx, const char *login)
{
	char name[256], dom[256] = "";
	const char *bs = strchr(login, '\\'), *at = strchr(login, '@');
	size_t i;
	if (bs) {
		hvs_str_copy(dom, sizeof(dom), login);
		dom[bs - login < 255 ? bs - login : 255] = '\0';
		hvs_str_copy(name, sizeof(name), bs + 1);
	} else if (at) {
		hvs_str_copy(name, sizeof(name), login);
		name[at - login < 255 ? at - login : 255] = '\0';
		hvs_str_copy(dom, sizeof(dom), at + 1);
	} else {
		hvs_str_copy(name, sizeof(name), login);
	}
	for (i = 0; i < ctx->sc->nusers; i++) {
		const sim_user *u = &ctx->sc->users[i];
		if (!hvs_str_case_eq(u->name, name))
			continue;
		if (dom[0] && !hvs_str_case_eq(dom, u->domain ? u->domain : "") &&
		    !hvs_str_case_eq(dom, ctx->model->host))
			continue;
		return u;
	}
	return NULL;
}
