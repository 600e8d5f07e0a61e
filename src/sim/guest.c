/* The guest side of a running VM as Hyper-V shows it: the integration
 * components Msvm_HeartbeatComponent, Msvm_ShutdownComponent and
 * Msvm_KvpExchangeComponent (one each per running or paused VM with
 * integration services; none when the VM is off or saved, which is what
 * Microsoft's sample reads as "not running"), and when the guest answers.
 * A guest answers boot_ms after its VM starts, unless never_ready; until
 * then the heartbeat is No Contact, the shutdown component refuses with
 * 32780 and the KVP intrinsic items are empty. Sources: reference
 * vm-lifecycle-fleet.md §1.7; values without a source are marked [INF]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util/strutil.h"

#define HB "Msvm_HeartbeatComponent"
#define SD "Msvm_ShutdownComponent"
#define KVP "Msvm_KvpExchangeComponent"

/* DeviceID is "Microsoft:<VM GUID>\<integration service GUID>" [DOC form];
 * the service GUIDs are those Get-VMIntegrationService shows as Id [INF] */
static const struct {
	const char *cls, *guid, *name;
} components[] = {
	{ HB, "84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47", "Heartbeat" },
	{ SD, "9F8233AC-BE49-4C79-8EE3-E7E1985B2077", "Shutdown" },
	{ KVP, "2A34B1C2-FD73-4043-8A5B-DD2159BC743F", "Key-Value Pair Exchange" },
};
#define NCOMP (sizeof(components) / sizeof(components[0]))

int guest_class(const char *cls)
{
	size_t i;
	for (i = 0; cls && i < NCOMP; i++)
		if (hvs_str_case_eq(components[i].cls, cls))
			return 1;
	return 0;
}

int guest_ready(const sim_vm *vm, long long now)
{
	return vm->integration && !vm->never_ready &&
	       (vm->state == VM_RUNNING || vm->state == VM_PAUSED) &&
	       now >= vm->ready_ms;
}

static const char *status_text(unsigned code, int app)
{
	if (app) {
		switch (code) {
		case 2: return "OK";
		case 32775: return "Protocol Mismatch";
		case 32782: return "Application Critical State";
		case 32783: return "Communication Timed Out";
		case 32784: return "Communication Failed";
		}
	}
	switch (code) {
	case 2: return "OK";
	case 3: return "Degraded";
	case 7: return "Non-Recoverable Error";
	case 12: return "No Contact";
	case 13: return "Lost Communication";
	case 15: return "Paused";
	}
	return "Unknown";
}

static void set_status(sim_inst *in, const unsigned *st, size_t n)
{
	const char *txt[2];
	size_t i;
	for (i = 0; i < n && i < 2; i++)
		txt[i] = status_text(st[i], i == 1);
	inst_set_uint_array(in, "OperationalStatus", st, n);
	inst_set_array(in, "StatusDescriptions", txt, n);
}

static sim_inst *component(const sim_model *m, const sim_vm *vm, size_t c)
{
	sim_inst *in = inst_new(components[c].cls);
	char id[128];
	(void)m;
	snprintf(id, sizeof(id), "Microsoft:%s\\%s", vm->id, components[c].guid);
	inst_set_nil(in, "AvailableRequestedStates");
	inst_set_text(in, "Caption", components[c].name);
	inst_set_nil(in, "CommunicationStatus");
	inst_set_text(in, "CreationClassName", components[c].cls);
	inst_set_text(in, "Description", "Microsoft Virtual Machine Integration "
	              "Component"); /* [INF] */
	inst_set_text(in, "DeviceID", id);
	inst_set_text(in, "ElementName", components[c].name);
	inst_set_uint(in, "EnabledDefault", 2);
	inst_set_uint(in, "EnabledState", 2);
	inst_set_uint(in, "HealthState", 5);
	inst_set_nil(in, "InstallDate");
	inst_set_text(in, "InstanceID", id);
	inst_set_text(in, "Name", components[c].name);
	inst_set_uint(in, "RequestedState", 12); /* [DOC] */
	inst_set_text(in, "SystemCreationClassName", "Msvm_ComputerSystem");
	inst_set_text(in, "SystemName", vm->id);
	return in;
}

static sim_inst *heartbeat(const sim_model *m, const sim_vm *vm,
                           long long now)
{
	sim_inst *in = component(m, vm, 0);
	unsigned st[2];
	size_t n = 1;
	if (vm->state == VM_PAUSED) {
		st[0] = 15; /* Paused [DOC] */
	} else if (!guest_ready(vm, now)) {
		st[0] = 12; /* No Contact: booting, or never */
	} else {
		st[0] = vm->heartbeat[0];
		st[1] = vm->heartbeat[1];
		n = vm->nheartbeat;
	}
	set_status(in, st, n);
	return in;
}

static sim_inst *shutdown_comp(const sim_model *m, const sim_vm *vm,
                               long long now)
{
	sim_inst *in = component(m, vm, 1);
	unsigned st = guest_ready(vm, now) ? 2 : 12; /* [INF] */
	set_status(in, &st, 1);
	return in;
}

/* One Msvm_KvpExchangeDataItem as CIM-XML text, the way a host embeds
 * it: inherited properties null, Source 2 (guest intrinsic). */
static char *kvp_item(const char *name, const char *data)
{
	buf b = BUF_INIT;
	xw_cimprop p[] = {
		{ "Caption", "string", NULL, 0, "CIM_ManagedElement" },
		{ "Data", "string", data, 0, "Msvm_KvpExchangeDataItem" },
		{ "Description", "string", NULL, 0, "CIM_ManagedElement" },
		{ "ElementName", "string", NULL, 0, "CIM_ManagedElement" },
		{ "InstanceID", "string", NULL, 0, "CIM_ManagedElement" },
		{ "Name", "string", name, 0, "Msvm_KvpExchangeDataItem" },
		{ "Source", "uint16", "2", 0, "Msvm_KvpExchangeDataItem" },
	};
	xw_cimxml_instance(&b, "Msvm_KvpExchangeDataItem", p,
	                   sizeof(p) / sizeof(p[0]));
	return hvs_buf_detach(&b);
}

static sim_inst *kvp(const sim_model *m, const sim_vm *vm, long long now)
{
	sim_inst *in = component(m, vm, 2);
	unsigned ok = 2;
	set_status(in, &ok, 1);
	inst_set_nil(in, "GuestExchangeItems");
	if (guest_ready(vm, now)) {
		const char *names[] = { "FullyQualifiedDomainName", "OSName",
			"IntegrationServicesVersion", "NetworkAddressIPv4",
			"NetworkAddressIPv6" };
		const char *data[] = { vm->fqdn ? vm->fqdn : vm->name,
			"Windows Server 2022 Datacenter", "10.0.20348.1",
			vm->ipv4, vm->ipv6 };
		char *items[5];
		size_t i, n = 0;
		for (i = 0; i < 5; i++)
			if (data[i] && *data[i])
				items[n++] = kvp_item(names[i], data[i]);
		inst_set_array(in, "GuestIntrinsicExchangeItems",
		               (const char *const *)items, n);
		for (i = 0; i < n; i++)
			free(items[i]);
	} else {
		inst_set_nil(in, "GuestIntrinsicExchangeItems");
	}
	return in;
}

void guest_instances(sim_model *m, const char *cls, const char *lang,
                     long long now, sim_list *out)
{
	size_t i;
	(void)lang;
	for (i = 0; i < m->nvms; i++) {
		const sim_vm *vm = &m->vms[i];
		if (!vm->integration ||
		    (vm->state != VM_RUNNING && vm->state != VM_PAUSED))
			continue;
		if (hvs_str_case_eq(cls, HB))
			list_push(out, heartbeat(m, vm, now));
		else if (hvs_str_case_eq(cls, SD))
			list_push(out, shutdown_comp(m, vm, now));
		else if (hvs_str_case_eq(cls, KVP))
			list_push(out, kvp(m, vm, now));
	}
}
