/* Internal helpers to fill an optional hvsnap_error. */
#ifndef HVSNAP_UTIL_ERR_H
#define HVSNAP_UTIL_ERR_H

#include "hvsnap/error.h"

/* Sets kind, code and a formatted message; returns kind so callers can write
 * `return hvs_err_set(err, HVSNAP_ERR_PROTOCOL, 0, "...")`. err may be NULL. */
hvsnap_status hvs_err_set(hvsnap_error *err, hvsnap_status kind, long code,
                      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Appends to detail ("; " separated). */
void hvs_err_add_detail(hvsnap_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Says what err->code is a number of, where hvs_err_set's guess from the
 * kind is wrong. */
void hvs_err_set_code_kind(hvsnap_error *err, hvsnap_code_kind kind);
/* Adds the note every error after an Invoke's request left must carry:
 * the method may have run on the host, and was not sent again. why says
 * what became of the answer ("its answer was lost"). Sets may_have_run. */
void hvs_err_note_may_have_run(hvsnap_error *err, const char *method, const char *why);
/* The body of every public NAME_init(opts, version): the struct's _INIT
 * macro, given as the trailing arguments (so its commas survive), copied
 * into *opts once the version is the one this library knows. */
#define HVS_INIT_FROM_TEMPLATE(opts, version, want, type, ...) \
	do { \
		static const type hvs_template_ = __VA_ARGS__; \
		if (!(opts) || (version) != (want)) \
			return HVSNAP_ERR_USAGE; \
		*(opts) = hvs_template_; \
		return HVSNAP_OK; \
	} while (0)

/* Checks the version of a versioned public struct (options, policy: its
 * first member is an unsigned int version). A NULL struct counts as
 * version 0. HVSNAP_OK when it is want, else HVSNAP_ERR_USAGE naming what
 * ("wait options"). */
hvsnap_status hvs_check_version(hvsnap_error *err, const char *what, const void *versioned,
                                unsigned int want);
/* Shorthand for an allocation failure. */
hvsnap_status hvs_err_nomem(hvsnap_error *err);

#endif
