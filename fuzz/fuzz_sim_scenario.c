/* libFuzzer target for hvsim's scenario loader (scenario.c): the bytes are
 * a --scenario file, which users write by hand and CI generates, so a
 * broken one must end in an error message, never a crash. The loader only
 * takes a path, so each input is written to one private temporary file
 * first. A scenario that loads is then turned into every WMI class's
 * instances, each resolved again through its own EPR, which walks the
 * snapshot trees and job settings the scenario described. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "sim/model.h"

static volatile size_t sink;
static char path[64];

static void remove_file(void)
{
	if (path[0])
		unlink(path);
}

/* Writes the input as the whole file; 0 or -1. */
static int put_file(const uint8_t *data, size_t size)
{
	FILE *f;
	if (!path[0]) {
		const char *tmp = getenv("TMPDIR");
		int fd;
		snprintf(path, sizeof(path), "%s/hvsim-fuzz.XXXXXX",
		         tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
		fd = mkstemp(path);
		if (fd < 0) {
			path[0] = '\0';
			return -1;
		}
		close(fd);
		atexit(remove_file);
	}
	f = fopen(path, "wb");
	if (!f)
		return -1;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

/* Instances of a class resolved again through their EPR: resolving is a
 * scan of the class, so doing it for every one of thousands of VMs would
 * make this harness quadratic and time out on a legal scenario (as it did
 * for 4 hosts of 622 VMs). The first few exercise the path as well. */
#define RESOLVE_PER_CLASS 32

static void walk_model(sim_model *m)
{
	static const char *const classes[] = {
		"Msvm_ComputerSystem", "Msvm_VirtualSystemSettingData",
		"Msvm_VirtualSystemSnapshotService",
		"Msvm_VirtualSystemManagementService", "Msvm_ConcreteJob",
		"Msvm_AffectedJobElement", "Msvm_SnapshotOfVirtualSystem",
		"Msvm_ParentChildSettingData", "Msvm_MostCurrentSnapshotInBranch",
		"Msvm_SettingsDefineState", NULL
	};
	size_t c, i;
	for (c = 0; classes[c]; c++) {
		sim_list all = { 0 };
		class_instances(m, classes[c], c % 2 ? "ja-JP" : "en-US", &all);
		for (i = 0; i < all.n; i++) {
			buf b = BUF_INIT;
			sim_epr e;
			sim_inst *again;
			xw_instance(&b, all.v[i]);
			sink += b.len;
			hvs_buf_free(&b);
			if (i >= RESOLVE_PER_CLASS)
				continue;
			class_epr(all.v[i], &e);
			again = class_resolve(m, &e, "en-US");
			inst_free(again);
			epr_clear(&e);
		}
		list_free(&all);
	}
}

/* Whether the input asks for many copies ("count" above 64): the loader
 * bounds them (2,048 VMs a host, 50,000 a fleet, tested in
 * test_hvsim_basic), but building thousands of VMs per input would slow
 * the fuzzer to a few executions a second; small counts reach the same
 * code. */
static int many_copies(const uint8_t *data, size_t size)
{
	static const char key[] = "\"count\"";
	for (size_t i = 0; i + sizeof(key) - 1 < size; i++) {
		if (memcmp(data + i, key, sizeof(key) - 1) != 0)
			continue;
		size_t k = i + sizeof(key) - 1;
		while (k < size && (data[k] == ' ' || data[k] == ':' || data[k] == '\t'))
			k++;
		unsigned long v = 0;
		while (k < size && data[k] >= '0' && data[k] <= '9' && v < 100000)
			v = v * 10 + (unsigned long)(data[k++] - '0');
		if (v > 64)
			return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sim_model *m;
	sim_scenario sc;
	char *err = NULL;

	if (many_copies(data, size) || put_file(data, size) != 0)
		return 0;
	m = model_new();
	if (scenario_load(path, m, &sc, &err) == 0) {
		if (err)
			abort(); /* success leaves no message */
		walk_model(m);
		jobs_tick(m, now_ms());
	} else {
		if (!err)
			abort(); /* every failure says why */
		sink += strlen(err);
		free(err);
	}
	scenario_free(&sc);
	model_free(m);

	/* the fleet reader of the same file ("hosts", "count") */
	sim_host *hosts = NULL;
	size_t n = 0;
	err = NULL;
	if (scenario_load_hosts(path, 0, &hosts, &n, &err) == 0) {
		if (err || n == 0)
			abort();
		walk_model(hosts[0].m);
		scenario_free_hosts(hosts, n);
	} else {
		if (!err || hosts || n)
			abort();
		sink += strlen(err);
		free(err);
	}
	return 0;
}
