/* Reads the fleet inventory (INI through libinih). libinih is line based:
 * the reader hands it one line at a time, so counting lines there gives
 * the line of every key the handler sees, for errors that say file:line.
 * A key that would hold a password is refused outright: the file names
 * where the password is (an environment variable or a file), never it. */
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/inventory.h"

#define MAX_INVENTORY_BYTES (4u << 20)
#define MAX_ENTRIES 10000

typedef struct parse_state {
	const char *text, *end, *pos;
	int line;
	const char *name;
	inventory *inv;
	char section[256];  /* the current section, as written */
	int kind;           /* 0 none yet, 1 defaults, 2 host, 3 group */
	int err_line;
	char err[512];
	int failed;
} parse_state;

static int open_section(parse_state *p, const char *section);

/* Sections are opened here, as the reader sees them, so that a section
 * without keys (a [host NAME] that needs none) still counts: libinih
 * itself only reports sections along with their keys. */
static void see_section(parse_state *p, const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line != '[')
		return;
	const char *end = strchr(line, ']');
	if (!end)
		return; /* libinih reports the syntax error */
	snprintf(p->section, sizeof(p->section), "%.*s", (int)(end - line - 1), line + 1);
	p->kind = 0;
	open_section(p, p->section);
}

/* libinih's reader: the next line into buf (with its newline). */
static char *next_line(char *buf, int size, void *stream)
{
	parse_state *p = stream;
	if (p->failed || p->pos >= p->end || size < 2)
		return NULL;
	size_t max = (size_t)size - 1, n = 0;
	while (p->pos + n < p->end && n < max) {
		char c = p->pos[n++];
		if (c == '\n')
			break;
	}
	memcpy(buf, p->pos, n);
	buf[n] = '\0';
	/* a NUL inside a line would cut it short silently: make it an error */
	p->line++;
	if (memchr(buf, '\0', n)) {
		p->failed = 1;
		p->err_line = p->line;
		snprintf(p->err, sizeof(p->err), "a NUL byte in the file");
	}
	p->pos += n;
	/* libinih would read the rest of a longer line as a line of its own */
	if (n == max && buf[n - 1] != '\n' && p->pos < p->end && !p->failed) {
		p->failed = 1;
		p->err_line = p->line;
		snprintf(p->err, sizeof(p->err), "line longer than %d characters "
		         "(continue a long list on indented lines)", size - 2);
	}
	if (!p->failed)
		see_section(p, buf);
	if (p->failed)
		buf[0] = '\0'; /* nothing more for libinih: the error stands */
	return buf;
}

static int fail(parse_state *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(parse_state *p, const char *fmt, ...)
{
	if (!p->failed) {
		va_list ap;
		p->failed = 1;
		p->err_line = p->line;
		va_start(ap, fmt);
		vsnprintf(p->err, sizeof(p->err), fmt, ap);
		va_end(ap);
	}
	return 0;
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

static int set_str(parse_state *p, char **slot, const char *key, const char *value)
{
	if (*slot && !strcmp(key, "vms") && *value) {
		/* an indented continuation line (libinih gives the key again) */
		size_t a = strlen(*slot), b = strlen(value);
		char *g = realloc(*slot, a + b + 2);
		if (!g)
			return fail(p, "out of memory");
		g[a] = ',';
		memcpy(g + a + 1, value, b + 1);
		*slot = g;
		return 1;
	}
	if (*slot)
		return fail(p, "'%s' is set twice in this section", key);
	if (!*value)
		return fail(p, "'%s' has an empty value", key);
	*slot = dup_str(value);
	return *slot ? 1 : fail(p, "out of memory");
}

static int parse_number(const char *v, long min, long max, long *out)
{
	char *end = NULL;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (!*v || errno || *end || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

static int parse_bool(const char *v)
{
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") ||
	    !strcasecmp(v, "on"))
		return 1;
	if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") ||
	    !strcasecmp(v, "off"))
		return 0;
	return -1;
}

static int set_key(parse_state *p, inv_settings *s, const char *key, const char *v)
{
	static const struct { const char *key; size_t off; } strs[] = {
		{ "address", offsetof(inv_settings, address) },
		{ "transport", offsetof(inv_settings, transport) },
		{ "auth", offsetof(inv_settings, auth) },
		{ "user", offsetof(inv_settings, user) },
		{ "password-env", offsetof(inv_settings, password_env) },
		{ "password-file", offsetof(inv_settings, password_file) },
		{ "cacert", offsetof(inv_settings, cacert) },
		{ "pin", offsetof(inv_settings, pin) },
		{ "cert", offsetof(inv_settings, cert) },
		{ "key", offsetof(inv_settings, key) },
		{ "spn-service", offsetof(inv_settings, spn_service) },
		{ "spn-host", offsetof(inv_settings, spn_host) },
		{ "vms", offsetof(inv_settings, vms) },
	};
	long n;
	if (!strcmp(key, "password") || !strcmp(key, "pass") || !strcmp(key, "passwd"))
		return fail(p, "'%s': a password never goes in the inventory; "
		            "use password-env NAME or password-file PATH", key);
	if (!strcmp(key, "transport") && strcmp(v, "http") && strcmp(v, "https"))
		return fail(p, "transport: '%s' is not http or https", v);
	if (!strcmp(key, "auth") && strcmp(v, "basic") && strcmp(v, "ntlm") &&
	    strcmp(v, "kerberos") && strcmp(v, "negotiate") && strcmp(v, "certificate"))
		return fail(p, "auth: '%s' is not basic, ntlm, kerberos, negotiate or "
		            "certificate", v);
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (!strcmp(key, strs[i].key))
			return set_str(p, (char **)((char *)s + strs[i].off), key, v);
	if (!strcmp(key, "port")) {
		if (s->port)
			return fail(p, "'%s' is set twice in this section", key);
		if (parse_number(v, 1, 65535, &n) != 0)
			return fail(p, "port: '%s' is not a port number (1-65535)", v);
		s->port = (unsigned)n;
		return 1;
	}
	if (!strcmp(key, "timeout")) {
		if (s->timeout_s)
			return fail(p, "'%s' is set twice in this section", key);
		if (parse_number(v, 1, 86400, &n) != 0)
			return fail(p, "timeout: '%s' is not a number of seconds (1-86400)", v);
		s->timeout_s = n;
		return 1;
	}
	if (!strcmp(key, "insecure")) {
		if (s->insecure != -1)
			return fail(p, "'%s' is set twice in this section", key);
		if ((s->insecure = parse_bool(v)) < 0)
			return fail(p, "insecure: '%s' is not true or false", v);
		return 1;
	}
	return fail(p, "unknown key '%s' (address port transport auth user password-env "
	            "password-file cacert insecure pin cert key spn-service spn-host "
	            "timeout vms)", key);
}

/* "host NAME" / "group NAME": the kind and the name, or -1. */
static int split_section(const char *section, const char *kind, const char **name)
{
	size_t k = strlen(kind);
	if (strncmp(section, kind, k) != 0 || (section[k] != ' ' && section[k] != '\t'))
		return -1;
	const char *n = section + k;
	while (*n == ' ' || *n == '\t')
		n++;
	*name = n;
	return *n ? 0 : -1;
}

static int name_ok(const char *name)
{
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == ',' || *c == ' ' || *c == '\t')
			return 0;
	return 1;
}

static int grow(void **v, size_t n, size_t size)
{
	if (n >= MAX_ENTRIES)
		return -1;
	if ((n & (n - 1)) == 0) { /* at 0, 1, 2, 4, ...: double */
		void *g = realloc(*v, (n ? n * 2 : 1) * size);
		if (!g)
			return -1;
		*v = g;
	}
	return 0;
}

static void init_settings(inv_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->insecure = -1;
}

/* A new section starts: [defaults], [host NAME] or [group NAME]. */
static int open_section(parse_state *p, const char *section)
{
	inventory *inv = p->inv;
	const char *name;
	if (!strcmp(section, "defaults")) {
		p->kind = 1;
		return 1;
	}
	if (split_section(section, "host", &name) == 0) {
		p->kind = 2;
		if (!name_ok(name))
			return fail(p, "[host %s]: a host name has no spaces, commas or "
			            "control characters", name);
		for (size_t i = 0; i < inv->n_hosts; i++)
			if (!strcasecmp(inv->hosts[i].name, name))
				return fail(p, "[host %s] appears twice", name);
		if (grow((void **)&inv->hosts, inv->n_hosts, sizeof(*inv->hosts)) != 0)
			return fail(p, "too many hosts");
		inv_host *h = &inv->hosts[inv->n_hosts];
		init_settings(&h->s);
		h->line = p->line;
		if (!(h->name = dup_str(name)))
			return fail(p, "out of memory");
		inv->n_hosts++;
		return 1;
	}
	if (split_section(section, "group", &name) == 0) {
		p->kind = 3;
		if (!name_ok(name))
			return fail(p, "[group %s]: a group name has no spaces, commas or "
			            "control characters", name);
		for (size_t i = 0; i < inv->n_groups; i++)
			if (!strcasecmp(inv->groups[i].name, name))
				return fail(p, "[group %s] appears twice", name);
		if (grow((void **)&inv->groups, inv->n_groups, sizeof(*inv->groups)) != 0)
			return fail(p, "too many groups");
		inv_group *g = &inv->groups[inv->n_groups];
		memset(g, 0, sizeof(*g));
		g->line = p->line;
		if (!(g->name = dup_str(name)))
			return fail(p, "out of memory");
		inv->n_groups++;
		return 1;
	}
	return fail(p, "unknown section [%s]: expected [defaults], [host NAME] or "
	            "[group NAME]", section);
}

static int group_hosts(parse_state *p, inv_group *g, const char *value)
{
	/* a second 'hosts' is libinih's continuation line: more hosts */
	char *copy = dup_str(value);
	if (!copy)
		return fail(p, "out of memory");
	for (char *save = NULL, *item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		item = trim(item);
		if (!*item)
			continue;
		if (grow((void **)&g->hosts, g->n, sizeof(*g->hosts)) != 0 ||
		    !(g->hosts[g->n] = dup_str(item))) {
			free(copy);
			return fail(p, "too many hosts in [group %s]", g->name);
		}
		g->n++;
	}
	free(copy);
	if (!g->n)
		return fail(p, "[group %s]: 'hosts' names no host", g->name);
	return 1;
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
	parse_state *p = user;
	(void)section; /* the reader already opened it (see_section) */
	if (p->failed)
		return 0;
	switch (p->kind) {
	case 1:
		return set_key(p, &p->inv->defaults, key, value);
	case 2:
		return set_key(p, &p->inv->hosts[p->inv->n_hosts - 1].s, key, value);
	case 3:
		if (strcmp(key, "hosts") != 0)
			return fail(p, "[group %s] takes only 'hosts', not '%s'",
			            p->inv->groups[p->inv->n_groups - 1].name, key);
		return group_hosts(p, &p->inv->groups[p->inv->n_groups - 1], value);
	default:
		return fail(p, "'%s' stands before any section", key);
	}
}

int inventory_parse(const char *text, size_t len, const char *name, inventory *inv,
                    char *err, size_t errlen)
{
	parse_state p;
	memset(&p, 0, sizeof(p));
	memset(inv, 0, sizeof(*inv));
	init_settings(&inv->defaults);
	p.text = p.pos = text;
	p.end = text + len;
	p.name = name;
	p.inv = inv;
	inv->path = dup_str(name);
	int rc = ini_parse_stream(next_line, &p, on_key, &p);
	if (rc != 0 || p.failed) {
		if (!p.failed)
			snprintf(p.err, sizeof(p.err), rc == -2 ? "out of memory"
			         : "not an INI line (expected [section] or key = value)");
		/* the handler's failure is on the line just read; a syntax
		 * error is on the line libinih names */
		int line = p.failed ? p.err_line : rc > 0 ? rc : p.line;
		snprintf(err, errlen, "%s:%d: %s", name, line, p.err);
		inventory_free(inv);
		return -1;
	}
	/* groups may name hosts defined after them: checked at the end */
	for (size_t i = 0; i < inv->n_groups; i++) {
		if (inv->groups[i].n == 0) {
			snprintf(err, errlen, "%s:%d: [group %s] has no 'hosts'", name,
			         inv->groups[i].line, inv->groups[i].name);
			inventory_free(inv);
			return -1;
		}
		for (size_t k = 0; k < inv->groups[i].n; k++) {
			const char *h = inv->groups[i].hosts[k];
			int found = 0;
			for (size_t j = 0; j < inv->n_hosts && !found; j++)
				found = !strcasecmp(inv->hosts[j].name, h);
			if (!found) {
				snprintf(err, errlen, "%s:%d: [group %s]: no [host %s] in the "
				         "inventory", name, inv->groups[i].line,
				         inv->groups[i].name, h);
				inventory_free(inv);
				return -1;
			}
		}
	}
	if (inv->n_hosts == 0) {
		snprintf(err, errlen, "%s:%d: no [host NAME] section", name, p.line);
		inventory_free(inv);
		return -1;
	}
	return 0;
}

int inventory_load(const char *path, inventory *inv, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *text = malloc(MAX_INVENTORY_BYTES + 1);
	size_t len = text ? fread(text, 1, MAX_INVENTORY_BYTES + 1, f) : 0;
	int bad = ferror(f);
	fclose(f);
	if (!text || bad || len > MAX_INVENTORY_BYTES) {
		snprintf(err, errlen, "%s: %s", path, !text ? "out of memory"
		         : bad ? "cannot read the file" : "larger than 4 MiB");
		free(text);
		return -1;
	}
	int rc = inventory_parse(text, len, path, inv, err, errlen);
	free(text);
	return rc;
}

static void free_settings(inv_settings *s)
{
	free(s->address); free(s->transport); free(s->auth); free(s->user);
	free(s->password_env); free(s->password_file); free(s->cacert); free(s->pin);
	free(s->cert); free(s->key); free(s->spn_service); free(s->spn_host);
	free(s->vms);
}

void inventory_free(inventory *inv)
{
	free_settings(&inv->defaults);
	for (size_t i = 0; i < inv->n_hosts; i++) {
		free(inv->hosts[i].name);
		free_settings(&inv->hosts[i].s);
	}
	free(inv->hosts);
	for (size_t i = 0; i < inv->n_groups; i++) {
		free(inv->groups[i].name);
		for (size_t k = 0; k < inv->groups[i].n; k++)
			free(inv->groups[i].hosts[k]);
		free(inv->groups[i].hosts);
	}
	free(inv->groups);
	free(inv->path);
	memset(inv, 0, sizeof(*inv));
}
