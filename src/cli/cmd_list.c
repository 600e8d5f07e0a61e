/* hvsnap list VM: the VM's snapshots as a tree (current one marked, each
 * one's kind and saved state shown) or as JSON. Recovery checkpoints (a
 * backup product's) are left out unless --include-recovery. The tree is built in O(n log n) from the parent ids, whatever the
 * host sends: a parent that is not in the list makes its child a root
 * (marked), and snapshots caught in a parent cycle are still all shown,
 * once each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/resolve.h"
#include "cli/textwidth.h"

/* Deeper levels are not indented further, so that a chain of thousands of
 * checkpoints prints in linear space; their depth is shown instead. */
#define MAX_INDENT 32

/* Box drawing where the terminal's character set has it, ASCII elsewhere. */
typedef struct tree_glyphs {
	const char *branch, *corner, *pipe;
} tree_glyphs;

static const tree_glyphs utf8_glyphs = { "\u251c\u2500 ", "\u2514\u2500 ", "\u2502  " };
static const tree_glyphs ascii_glyphs = { "|- ", "`- ", "|  " };

typedef struct tree {
	const tree_glyphs *glyphs;
	const hvsnap_snapshot **items; /* the snapshots shown */
	size_t n;
	size_t *by_id;       /* indexes sorted by id, for parent lookups */
	size_t *parent;      /* index of the parent, or n for none in the list */
	size_t *first_child; /* children of i: child[first_child[i] .. first_child[i+1]) */
	size_t *child;
	char *printed;
} tree;

static const char *id_at(const tree *t, size_t i)
{
	const char *id = hvsnap_snapshot_id(t->items[i]);
	return id ? id : "";
}

static const tree *sort_tree; /* qsort has no context argument */

static int cmp_by_id(const void *a, const void *b)
{
	return strcasecmp(id_at(sort_tree, *(const size_t *)a), id_at(sort_tree, *(const size_t *)b));
}

static size_t find_id(const tree *t, const char *id)
{
	size_t lo = 0, hi = t->n;
	while (id && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcasecmp(id, id_at(t, t->by_id[mid]));
		if (c == 0)
			return t->by_id[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return t->n;
}

static int build_tree(tree *t, const hvsnap_snapshot **items, size_t count)
{
	memset(t, 0, sizeof(*t));
	t->glyphs = cli_utf8_locale() ? &utf8_glyphs : &ascii_glyphs;
	t->items = items;
	t->n = count;
	size_t n = t->n ? t->n : 1;
	t->by_id = calloc(n, sizeof(size_t));
	t->parent = calloc(n, sizeof(size_t));
	t->first_child = calloc(n + 1, sizeof(size_t));
	t->child = calloc(n, sizeof(size_t));
	t->printed = calloc(n, 1);
	if (!t->by_id || !t->parent || !t->first_child || !t->child || !t->printed)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		t->by_id[i] = i;
	sort_tree = t;
	qsort(t->by_id, t->n, sizeof(size_t), cmp_by_id);
	for (size_t i = 0; i < t->n; i++) {
		const char *pid = hvsnap_snapshot_parent_id(items[i]);
		size_t p = find_id(t, pid);
		t->parent[i] = p == i ? t->n : p;   /* its own parent: treat as a root */
		if (t->parent[i] < t->n)
			t->first_child[t->parent[i] + 1]++;
	}
	for (size_t i = 0; i < t->n; i++)
		t->first_child[i + 1] += t->first_child[i];
	size_t *fill = calloc(n, sizeof(size_t));
	if (!fill)
		return -1;
	for (size_t i = 0; i < t->n; i++)   /* children keep the list's order */
		if (t->parent[i] < t->n)
			t->child[t->first_child[t->parent[i]] + fill[t->parent[i]]++] = i;
	free(fill);
	return 0;
}

static void free_tree(tree *t)
{
	free(t->by_id);
	free(t->parent);
	free(t->first_child);
	free(t->child);
	free(t->printed);
}

static void print_line(const tree *t, size_t i, size_t depth, const char *prefix, int last,
                       const char *note)
{
	const hvsnap_snapshot *s = t->items[i];
	const char *created = hvsnap_snapshot_created(s);
	hvsnap_snapshot_role role = hvsnap_snapshot_kind_of(s);
	char level[32] = "", kind[32] = "";
	if (depth >= MAX_INDENT)
		snprintf(level, sizeof(level), "[%zu] ", depth);
	/* A user checkpoint is the ordinary case: only the others are named. */
	if (role != HVSNAP_ROLE_CHECKPOINT)
		snprintf(kind, sizeof(kind), " [%s]", hvsnap_snapshot_role_name(role));
	printf("%s%s%s%s%s%s%s%s  %s  %s\n", prefix, last ? t->glyphs->corner : t->glyphs->branch,
	       level, cli_safe(hvsnap_snapshot_name(s)), kind,
	       hvsnap_snapshot_is_saved(s) ? " (saved)" : "",
	       hvsnap_snapshot_is_current(s) ? " (current)" : "",
	       note, cli_safe(hvsnap_snapshot_id(s)), created ? cli_safe(created) : "");
}

/* Prints the subtree under root without recursion (a chain may be
 * thousands deep). stack[k] is the node at depth k on the current path and
 * where its children are up to; last_at[k] says whether that node is the
 * last of its siblings, which decides the prefix cell drawn under it. */
static int print_subtree(tree *t, size_t root, int root_last, const char *note)
{
	typedef struct frame { size_t node, next_child; } frame;
	frame *stack = malloc((t->n + 1) * sizeof(frame));
	char *prefix = malloc(MAX_INDENT * strlen(t->glyphs->pipe) + 1);
	char *last_at = calloc(MAX_INDENT + 1, 1);
	if (!stack || !prefix || !last_at) {
		free(stack);
		free(prefix);
		free(last_at);
		return -1;
	}
	size_t plen = 0;
	prefix[0] = '\0';
	t->printed[root] = 1;
	print_line(t, root, 0, "", root_last, note);
	last_at[0] = (char)root_last;
	stack[0] = (frame){ root, t->first_child[root] };
	size_t top = 1;
	while (top > 0) {
		frame *f = &stack[top - 1];
		size_t depth = top - 1, end = t->first_child[f->node + 1];
		while (f->next_child < end && t->printed[t->child[f->next_child]])
			f->next_child++;
		if (f->next_child == end) {
			top--;
			if (top > 0 && top - 1 < MAX_INDENT) {
				/* back to the parent: drop the cell drawn under it */
				plen -= strlen(last_at[top - 1] ? "   " : t->glyphs->pipe);
				prefix[plen] = '\0';
			}
			continue;
		}
		size_t c = t->child[f->next_child++];
		int last = 1;
		for (size_t k = f->next_child; k < end && last; k++)
			last = t->printed[t->child[k]];
		if (depth < MAX_INDENT) {
			const char *cell = last_at[depth] ? "   " : t->glyphs->pipe;
			size_t cl = strlen(cell);
			memcpy(prefix + plen, cell, cl + 1);
			plen += cl;
			last_at[depth + 1] = (char)last;
		}
		t->printed[c] = 1;
		print_line(t, c, depth + 1, prefix, last, "");
		stack[top++] = (frame){ c, t->first_child[c] };
	}
	free(stack);
	free(prefix);
	free(last_at);
	return 0;
}

/* Whether id names a snapshot of the full list that is not shown (a
 * hidden recovery checkpoint). */
static int hidden_parent(const hvsnap_snapshot_list *list, const char *id)
{
	for (size_t i = 0; id && i < hvsnap_snapshot_list_count(list); i++) {
		const hvsnap_snapshot *s = hvsnap_snapshot_list_at(list, i);
		if (strcasecmp(id, hvsnap_snapshot_id(s) ? hvsnap_snapshot_id(s) : "") == 0)
			return 1;
	}
	return 0;
}

static int print_tree(const hvsnap_vm *vm, const hvsnap_snapshot_list *list,
                      const hvsnap_snapshot **items, size_t count, size_t hidden)
{
	printf("%s (%s)\n", cli_safe(hvsnap_vm_name(vm)), cli_safe(hvsnap_vm_id(vm)));
	tree t;
	int rc = build_tree(&t, items, count);
	if (rc == 0 && t.n == 0)
		printf("  no snapshots\n");
	if (rc == 0 && hidden)
		printf("  (%zu recovery checkpoint%s hidden; see --include-recovery)\n", hidden,
		       hidden == 1 ? "" : "s");
	size_t last_root = t.n;
	for (size_t i = 0; rc == 0 && i < t.n; i++)
		if (t.parent[i] >= t.n)
			last_root = i;
	for (size_t i = 0; rc == 0 && i < t.n; i++) {
		if (t.printed[i] || t.parent[i] < t.n)
			continue;
		const char *pid = hvsnap_snapshot_parent_id(items[i]);
		rc = print_subtree(&t, i, i == last_root,
		                   !pid ? "" : hidden_parent(list, pid) ? " (parent hidden)"
		                                                          : " (parent missing)");
	}
	/* Whatever is left hangs on a parent cycle: show it, once each. */
	for (size_t i = 0; rc == 0 && i < t.n; i++)
		if (!t.printed[i])
			rc = print_subtree(&t, i, 1, " (in a parent cycle)");
	free_tree(&t);
	return rc;
}

int cmd_list(const cli_options *o)
{
	hvsnap_session *s = NULL;
	hvsnap_vm *vm = NULL;
	int rc = cli_open_vm(o, &s, &vm);
	if (rc != EXIT_OK)
		return rc;
	hvsnap_snapshot_list *list = NULL;
	const hvsnap_snapshot **shown = NULL;
	size_t n_shown = 0, hidden = 0;
	hvsnap_error err;
	if (hvsnap_snapshot_list_get(s, vm, &list, &err) != HVSNAP_OK) {
		rc = cli_report_error(o, &err);
		goto out;
	}
	size_t n = hvsnap_snapshot_list_count(list);
	if (!(shown = calloc(n ? n : 1, sizeof(*shown)))) {
		rc = cli_report_usage(o, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const hvsnap_snapshot *snap = hvsnap_snapshot_list_at(list, i);
		if (!o->include_recovery && hvsnap_snapshot_kind_of(snap) == HVSNAP_ROLE_RECOVERY)
			hidden++;
		else
			shown[n_shown++] = snap;
	}
	if (o->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n_shown; i++)
			json_array_append_new(arr, json_snapshot(shown[i]));
		json_t *root = json_object();
		json_object_set_new(root, "vm", json_vm(vm));
		json_object_set_new(root, "snapshots", arr);
		json_object_set_new(root, "hidden_recovery", json_integer((json_int_t)hidden));
		json_print(root);
	} else if (print_tree(vm, list, shown, n_shown, hidden) != 0) {
		rc = cli_report_usage(o, "out of memory while printing the tree");
	}
out:
	free(shown);
	hvsnap_snapshot_list_free(list);
	hvsnap_vm_free(vm);
	cli_close_session(s);
	return rc;
}
