/* Helpers of the benchmark programs (bench_util.h). */
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>

#include "hvsnap/hyperv.h"
#include "util/buf.h"

void bench_die(const char *prog, const char *what)
{
	fprintf(stderr, "%s: %s\n", prog, what);
	exit(1);
}

char *bench_read_file(const char *prog, const char *dir, const char *name, size_t *len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: cannot open %s\n", prog, path);
		exit(1);
	}
	buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (hvs_buf_append(&b, chunk, n) != 0)
			bench_die(prog, "out of memory");
	fclose(f);
	*len = b.len;
	return hvs_buf_detach(&b);
}

xmlDocPtr bench_build_create_snapshot(wsman_request_opts *o, const hvsnap_params *params)
{
	static const hvsnap_selector sel[] = {
		{ (char *)"CreationClassName", (char *)"Msvm_VirtualSystemSnapshotService" },
		{ (char *)"Name", (char *)"vssnapsvc" },
		{ (char *)"SystemCreationClassName", (char *)"Msvm_ComputerSystem" },
		{ (char *)"SystemName", (char *)"HV01" },
	};
	o->resource_uri = HVSNAP_WMI_V2_URI "Msvm_VirtualSystemSnapshotService";
	o->selectors = sel;
	o->n_selectors = sizeof(sel) / sizeof(sel[0]);
	return hvs_wsman_build_invoke(o, "CreateSnapshot", params);
}

xmlDocPtr bench_build_vm_lookup(wsman_request_opts *o, const char *quoted_name)
{
	char wql[256];
	snprintf(wql, sizeof(wql), "SELECT * FROM Msvm_ComputerSystem WHERE "
	         "Caption = 'Virtual Machine' AND ElementName = '%s'", quoted_name);
	hvsnap_enum_options e = { .version = HVSNAP_ENUM_OPTIONS_VERSION,
		.resource_uri = HVSNAP_WMI_V2_ALL,
		.wql = wql,
		.mode = HVSNAP_ENUM_OBJECTS,
		.optimize = 1,
		.max_elements = 100,
	};
	o->resource_uri = HVSNAP_WMI_V2_ALL;
	return hvs_wsman_build_enumerate(o, &e);
}
