/* What every public header needs: the export macro that marks the library's
 * API (everything else in libhvsnap is hidden), and the version of the
 * headers, for callers that must know what they were built against. */
#ifndef HVSNAP_COMMON_H
#define HVSNAP_COMMON_H

/* Marks a function of the public API. The library is built with
 * -fvisibility=hidden, so a symbol without it is not exported. */
#if defined(__GNUC__) && __GNUC__ >= 4
#define HVSNAP_EXTERN __attribute__((visibility("default")))
#else
#define HVSNAP_EXTERN
#endif

/* The options structs are versioned in libgit2's manner: their first
 * member is a version, set by the struct's _INIT macro (C99 designated
 * initializers; in C++ call the struct's _init function instead) or by its
 * _init(opts, version) function. A NULL options pointer means defaults. */

/* The version these headers describe; hvsnap_version_info() tells the
 * version of the library actually loaded. */
#define HVSNAP_VERSION_MAJOR 0
#define HVSNAP_VERSION_MINOR 2
#define HVSNAP_VERSION_PATCH 0
#define HVSNAP_VERSION_STRING "0.2.0"

#endif
