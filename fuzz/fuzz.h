/* The libFuzzer entry point every fuzz target defines, declared once so the
 * targets and the standalone replay driver agree on it (and so
 * -Wmissing-prototypes stays quiet). */
#ifndef HVSNAP_FUZZ_FUZZ_H
#define HVSNAP_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
