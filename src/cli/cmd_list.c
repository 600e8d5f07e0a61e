/* hvsnap list VM: the VM's snapshots as a tree (current one marked) or as
 * JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/resolve.h"

static int same_id(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	for (; *a && *b; a++, b++) {
		char x = (*a >= 'a' && *a <= 'z') ? (char)(*a - 32) : *a;
		char y = (*b >= 'a' && *b <= 'z') ? (char)(*b - 32) : *b;
		if (x != y)
			return 0;
	}
	return *a == *b;
}

static int has_parent_in_list(const hvsnap_snapshot *snaps, size_t n, size_t i)
{
	for (size_t k = 0; k < n; k++)
		if (k != i && same_id(snaps[k].id, snaps[i].parent_id))
			return 1;
	return 0;
}

typedef struct tree {
	const hvsnap_snapshot *snaps;
	size_t n;
	char *printed; /* guards against cycles in malformed data */
} tree;

static void print_node(tree *t, size_t i, const char *prefix, int last)
{
	const hvsnap_snapshot *s = &t->snaps[i];
	t->printed[i] = 1;
	printf("%s%s%s%s  %s  %s\n", prefix, last ? "\u2514\u2500 " : "\u251c\u2500 ",
	       cli_safe(s->name), s->current ? " (current)" : "", cli_safe(s->id),
	       s->created ? cli_safe(s->created) : "");
	char child_prefix[512];
	snprintf(child_prefix, sizeof(child_prefix), "%s%s", prefix, last ? "   " : "\u2502  ");
	size_t last_child = t->n;
	for (size_t k = 0; k < t->n; k++)
		if (!t->printed[k] && same_id(t->snaps[k].parent_id, s->id))
			last_child = k;
	for (size_t k = 0; k < t->n; k++)
		if (!t->printed[k] && same_id(t->snaps[k].parent_id, s->id))
			print_node(t, k, child_prefix, k == last_child);
}

static void print_tree(const hvsnap_vm *vm, const hvsnap_snapshot *snaps, size_t n)
{
	printf("%s (%s)\n", cli_safe(vm->name), cli_safe(vm->id));
	if (n == 0) {
		printf("  no snapshots\n");
		return;
	}
	tree t = { snaps, n, calloc(n, 1) };
	if (!t.printed)
		return;
	size_t last_root = n;
	for (size_t i = 0; i < n; i++)
		if (!has_parent_in_list(snaps, n, i))
			last_root = i;
	for (size_t i = 0; i < n; i++)
		if (!t.printed[i] && !has_parent_in_list(snaps, n, i))
			print_node(&t, i, "", i == last_root);
	/* Anything left sits on a parent cycle; show it rather than hide it. */
	for (size_t i = 0; i < n; i++)
		if (!t.printed[i])
			print_node(&t, i, "", 1);
	free(t.printed);
}

int cmd_list(const cli_options *o)
{
	hvsnap_session *s = NULL;
	hvsnap_vm *vm = NULL;
	int rc = cli_open_vm(o, &s, &vm);
	if (rc != EXIT_OK)
		return rc;
	hvsnap_snapshot *snaps = NULL;
	size_t n = 0;
	hvsnap_error err;
	if (hvsnap_snapshot_list(s, vm, &snaps, &n, &err) != HVSNAP_OK) {
		rc = cli_report_error(o, &err);
	} else if (o->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_snapshot(&snaps[i]));
		json_t *root = json_object();
		json_object_set_new(root, "vm", json_vm(vm));
		json_object_set_new(root, "snapshots", arr);
		json_print(root);
	} else {
		print_tree(vm, snaps, n);
	}
	hvsnap_snapshot_list_free(snaps, n);
	hvsnap_vm_free(vm);
	hvsnap_session_free(s);
	return rc;
}
