/* A small recursive-descent WQL parser and evaluator (grammar in wql.h).
 * It is strict on purpose: anything outside the subset is a syntax error,
 * which the caller turns into w:CannotProcessFilter like WMI does, so a
 * client's escaping bug shows up as a failure rather than a lucky match. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wql.h"
#include "util/strutil.h"

/* AND/OR chains are parsed in a loop but build a left-deep tree, which
 * eval and node_free walk recursively: without a bound, a filter of a few
 * hundred KB ("a=1 OR a=1 OR ...", well inside SIM_MAX_BODY) recursed
 * deep enough to overflow a connection thread's stack. Real clients send
 * a handful of conditions. */
#define WQL_MAX_OPS 256

enum tok { T_EOF, T_IDENT, T_STRING, T_NUMBER, T_PUNCT, T_ERR };

enum node_kind { N_AND, N_OR, N_NOT, N_CMP, N_ISNULL };
enum lit_kind { L_STRING, L_NUMBER, L_BOOL };

typedef struct node {
	enum node_kind kind;
	struct node *a, *b;
	char *prop;
	int op;            /* '=' or '!' (not equal) */
	int negate;        /* IS NOT NULL */
	enum lit_kind lk;
	char *lit;
} node;

struct wql_query {
	int assoc;
	char *cls;
	node *where;
	sim_epr source;
	char *assoc_class, *result_class, *role, *result_role;
};

typedef struct parser {
	const char *s;
	size_t pos;
	enum tok t;
	char *text;      /* current token text (malloc'd) */
	char *err;
	size_t errlen;
	int failed;
	int ops;         /* AND/OR operators so far (see WQL_MAX_OPS) */
} parser;

static void perr(parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void perr(parser *p, const char *fmt, ...)
{
	va_list ap;
	if (p->failed)
		return;
	p->failed = 1;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
}

static void next(parser *p)
{
	const char *s = p->s;
	size_t i = p->pos, start;
	free(p->text);
	p->text = NULL;
	while (s[i] && isspace((unsigned char)s[i]))
		i++;
	start = i;
	if (!s[i]) {
		p->t = T_EOF;
	} else if (isalpha((unsigned char)s[i]) || s[i] == '_') {
		while (isalnum((unsigned char)s[i]) || s[i] == '_')
			i++;
		p->t = T_IDENT;
		p->text = hvs_str_ndup(s + start, i - start);
	} else if (isdigit((unsigned char)s[i]) ||
	           (s[i] == '-' && isdigit((unsigned char)s[i + 1]))) {
		i++;
		while (isdigit((unsigned char)s[i]) || s[i] == '.')
			i++;
		p->t = T_NUMBER;
		p->text = hvs_str_ndup(s + start, i - start);
	} else if (s[i] == '\'' || s[i] == '"') {
		char q = s[i++];
		size_t o = 0;
		char *out = malloc(strlen(s + i) + 1);
		if (!out)
			abort();
		for (;;) {
			if (!s[i]) {
				free(out);
				p->t = T_ERR;
				perr(p, "unterminated string literal");
				p->pos = i;
				return;
			}
			if (s[i] == '\\' && s[i + 1]) {
				out[o++] = s[i + 1];
				i += 2;
				continue;
			}
			if (s[i] == q) {
				i++;
				break;
			}
			out[o++] = s[i++];
		}
		out[o] = '\0';
		p->t = T_STRING;
		p->text = out;
	} else {
		/* two-character operators first */
		if ((s[i] == '<' && s[i + 1] == '>') ||
		    (s[i] == '!' && s[i + 1] == '=')) {
			p->text = hvs_str_ndup(s + i, 2);
			i += 2;
		} else {
			p->text = hvs_str_ndup(s + i, 1);
			i++;
		}
		p->t = T_PUNCT;
	}
	p->pos = i;
}

static int is_kw(parser *p, const char *kw)
{
	return p->t == T_IDENT && hvs_str_case_eq(p->text, kw);
}

static int is_punct(parser *p, const char *c)
{
	return p->t == T_PUNCT && strcmp(p->text, c) == 0;
}

static void expect_kw(parser *p, const char *kw)
{
	if (!is_kw(p, kw))
		perr(p, "expected %s", kw);
	else
		next(p);
}

static void expect_punct(parser *p, const char *c)
{
	if (!is_punct(p, c))
		perr(p, "expected '%s'", c);
	else
		next(p);
}

static char *take_ident(parser *p, const char *what)
{
	char *r;
	if (p->t != T_IDENT) {
		perr(p, "expected %s", what);
		return NULL;
	}
	r = p->text;
	p->text = NULL;
	next(p);
	return r;
}

static void node_free(node *n)
{
	if (!n)
		return;
	node_free(n->a);
	node_free(n->b);
	free(n->prop);
	free(n->lit);
	free(n);
}

static node *mknode(enum node_kind k)
{
	node *n = calloc(1, sizeof(*n));
	if (!n)
		abort();
	n->kind = k;
	return n;
}

static int take_literal(parser *p, enum lit_kind *lk, char **lit)
{
	if (p->t == T_STRING) {
		*lk = L_STRING;
	} else if (p->t == T_NUMBER) {
		*lk = L_NUMBER;
	} else if (is_kw(p, "TRUE") || is_kw(p, "FALSE")) {
		*lk = L_BOOL;
	} else {
		perr(p, "expected a literal");
		return -1;
	}
	*lit = p->text;
	p->text = NULL;
	next(p);
	return 0;
}

static node *parse_or(parser *p, int depth);

/* Counts one AND/OR; 0 while the query stays within WQL_MAX_OPS. */
static int count_op(parser *p)
{
	if (++p->ops > WQL_MAX_OPS) {
		perr(p, "too many conditions");
		return -1;
	}
	return 0;
}

static node *parse_factor(parser *p, int depth)
{
	node *n;
	if (p->failed)
		return NULL;
	if (depth > 64) {
		perr(p, "condition nested too deeply");
		return NULL;
	}
	if (is_kw(p, "NOT")) {
		next(p);
		n = mknode(N_NOT);
		n->a = parse_factor(p, depth + 1);
		return n;
	}
	if (is_punct(p, "(")) {
		next(p);
		n = parse_or(p, depth + 1);
		expect_punct(p, ")");
		return n;
	}
	if (p->t != T_IDENT) {
		perr(p, "expected a property name");
		return NULL;
	}
	n = mknode(N_CMP);
	n->prop = take_ident(p, "a property name");
	if (is_kw(p, "IS")) {
		next(p);
		n->kind = N_ISNULL;
		if (is_kw(p, "NOT")) {
			n->negate = 1;
			next(p);
		}
		expect_kw(p, "NULL");
		return n;
	}
	if (is_punct(p, "="))
		n->op = '=';
	else if (is_punct(p, "<>") || is_punct(p, "!="))
		n->op = '!';
	else {
		perr(p, "expected a comparison operator after %s", n->prop);
		return n;
	}
	next(p);
	take_literal(p, &n->lk, &n->lit);
	return n;
}

static node *parse_and(parser *p, int depth)
{
	node *l = parse_factor(p, depth);
	while (!p->failed && is_kw(p, "AND") && count_op(p) == 0) {
		node *n = mknode(N_AND);
		next(p);
		n->a = l;
		n->b = parse_factor(p, depth);
		l = n;
	}
	return l;
}

static node *parse_or(parser *p, int depth)
{
	node *l = parse_and(p, depth);
	while (!p->failed && is_kw(p, "OR") && count_op(p) == 0) {
		node *n = mknode(N_OR);
		next(p);
		n->a = l;
		n->b = parse_and(p, depth);
		l = n;
	}
	return l;
}

static void parse_associators(parser *p, wql_query *q)
{
	char *cls;
	next(p);
	expect_kw(p, "OF");
	expect_punct(p, "{");
	cls = take_ident(p, "a class name");
	if (!cls)
		return;
	epr_init(&q->source, cls);
	q->cls = cls;
	if (is_punct(p, ".")) {
		next(p);
		for (;;) {
			char *key = take_ident(p, "a key name"), *lit = NULL;
			enum lit_kind lk;
			if (!key)
				return;
			expect_punct(p, "=");
			if (!p->failed && take_literal(p, &lk, &lit) == 0)
				epr_add(&q->source, key, lit);
			free(key);
			free(lit);
			if (p->failed)
				return;
			if (!is_punct(p, ","))
				break;
			next(p);
		}
	}
	expect_punct(p, "}");
	if (p->failed || p->t == T_EOF)
		return;
	expect_kw(p, "WHERE");
	while (!p->failed && p->t != T_EOF) {
		char **slot = NULL;
		if (is_kw(p, "AssocClass"))
			slot = &q->assoc_class;
		else if (is_kw(p, "ResultClass"))
			slot = &q->result_class;
		else if (is_kw(p, "Role"))
			slot = &q->role;
		else if (is_kw(p, "ResultRole"))
			slot = &q->result_role;
		else {
			perr(p, "unsupported ASSOCIATORS OF clause");
			return;
		}
		if (*slot) {
			perr(p, "clause given twice");
			return;
		}
		next(p);
		expect_punct(p, "=");
		*slot = take_ident(p, "a name");
	}
}

int wql_parse(const char *text, wql_query **out, char *err, size_t errlen)
{
	parser p = { 0 };
	wql_query *q = calloc(1, sizeof(*q));
	if (!q)
		abort();
	p.s = text ? text : "";
	p.err = err;
	p.errlen = errlen;
	next(&p);
	if (is_kw(&p, "SELECT")) {
		next(&p);
		expect_punct(&p, "*"); /* property lists are not supported */
		expect_kw(&p, "FROM");
		q->cls = take_ident(&p, "a class name");
		if (!p.failed && is_kw(&p, "WHERE")) {
			next(&p);
			q->where = parse_or(&p, 0);
		}
	} else if (is_kw(&p, "ASSOCIATORS")) {
		q->assoc = 1;
		parse_associators(&p, q);
	} else {
		perr(&p, "expected SELECT or ASSOCIATORS OF");
	}
	if (!p.failed && p.t != T_EOF)
		perr(&p, "unexpected text at offset %zu", p.pos);
	free(p.text);
	if (p.failed) {
		wql_free(q);
		*out = NULL;
		return -1;
	}
	*out = q;
	return 0;
}

void wql_free(wql_query *q)
{
	if (!q)
		return;
	node_free(q->where);
	free(q->cls);
	epr_clear(&q->source);
	free(q->assoc_class);
	free(q->result_class);
	free(q->role);
	free(q->result_role);
	free(q);
}

int wql_is_associators(const wql_query *q) { return q->assoc; }
const char *wql_class(const wql_query *q) { return q->cls; }
const char *wql_assoc_class(const wql_query *q) { return q->assoc_class; }
const char *wql_result_class(const wql_query *q) { return q->result_class; }
const char *wql_role(const wql_query *q) { return q->role; }
const char *wql_result_role(const wql_query *q) { return q->result_role; }
const sim_epr *wql_source(const wql_query *q) { return &q->source; }

static int value_eq(const char *v, const node *n)
{
	switch (n->lk) {
	case L_STRING:
		return hvs_str_case_eq(v, n->lit);
	case L_BOOL:
		return hvs_str_case_eq(v, n->lit);
	case L_NUMBER: {
		char *e1, *e2;
		double a = strtod(v, &e1), b = strtod(n->lit, &e2);
		return *v && !*e1 && !*e2 && a == b;
	}
	}
	return 0;
}

static int eval(const node *n, const sim_inst *in)
{
	const sim_prop *pr;
	int eq = 0;
	size_t i;
	if (!n)
		return 1;
	switch (n->kind) {
	case N_AND:
		return eval(n->a, in) && eval(n->b, in);
	case N_OR:
		return eval(n->a, in) || eval(n->b, in);
	case N_NOT:
		return !eval(n->a, in);
	case N_ISNULL:
		pr = inst_get(in, n->prop);
		return (!pr || pr->kind == PK_NIL) != n->negate;
	case N_CMP:
		pr = inst_get(in, n->prop);
		if (!pr || pr->kind == PK_NIL || pr->kind == PK_EPR)
			return 0; /* NULL compares false either way */
		if (pr->kind == PK_ARRAY) {
			for (i = 0; i < pr->nitems && !eq; i++)
				eq = value_eq(pr->items[i], n);
		} else {
			eq = value_eq(pr->text, n);
		}
		return n->op == '=' ? eq : !eq;
	}
	return 0;
}

int wql_match(const wql_query *q, const sim_inst *in)
{
	if (q->assoc)
		return 1;
	if (!hvs_str_case_eq(in->cls, q->cls))
		return 0;
	return eval(q->where, in);
}
