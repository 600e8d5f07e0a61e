/* libFuzzer target for hvsim's WQL parser and evaluator: the bytes are the
 * text of a wsman:Filter (the client controls it completely). A query
 * that parses is read back through every accessor and evaluated against a
 * hand-made instance holding every property kind (text, number, nil,
 * array, EPR), and, when it names a known class, against that class's
 * instances of the built-in demo host, as op_enumerate does. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sim/model.h"
#include "sim/wql.h"

static volatile size_t sink;

static void touch(const char *s)
{
	if (s)
		sink += strlen(s);
}

/* One instance of cls with a property of each kind, under names the seed
 * queries use. */
static sim_inst *sample(const char *cls)
{
	static const char *const status[] = { "2", "32768" };
	sim_inst *in = inst_new(cls);
	sim_epr e;
	inst_set_text(in, "ElementName", "web01");
	inst_set_uint(in, "EnabledState", 2);
	inst_set_bool(in, "IsSaved", 1);
	inst_set_nil(in, "InstallDate");
	inst_set_datetime(in, "TimeOfLastStateChange", 86400000);
	inst_set_array(in, "OperationalStatus", status, 2);
	epr_init(&e, "Msvm_ComputerSystem");
	epr_add(&e, "Name", "web01");
	inst_set_epr(in, "Dependent", &e);
	epr_clear(&e);
	return in;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, err[128];
	wql_query *q = NULL;
	const sim_epr *src;
	size_t i;

	/* wql_parse takes a C string, as req_text hands it over */
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (wql_parse(text, &q, err, sizeof(err)) != 0) {
		if (q || !memchr(err, '\0', sizeof(err)))
			abort(); /* a failure leaves no query, a terminated message */
		free(text);
		return 0;
	}
	touch(wql_class(q));
	touch(wql_assoc_class(q));
	touch(wql_result_class(q));
	touch(wql_role(q));
	touch(wql_result_role(q));
	src = wql_source(q);
	touch(src->cls);
	for (i = 0; i < src->nsel; i++) {
		touch(src->sel[i].name);
		touch(src->sel[i].value);
	}
	if (!wql_is_associators(q)) {
		sim_inst *in;
		if (!wql_class(q))
			abort(); /* SELECT always names its class */
		in = sample(wql_class(q));
		sink += (size_t)wql_match(q, in);
		inst_free(in);
		if (class_known(wql_class(q))) {
			sim_model *m = model_new();
			sim_scenario sc;
			sim_list all = { 0 };
			scenario_demo(m, &sc);
			class_instances(m, wql_class(q), "en-US", &all);
			for (i = 0; i < all.n; i++)
				sink += (size_t)wql_match(q, all.v[i]);
			list_free(&all);
			scenario_free(&sc);
			model_free(m);
		}
	}
	wql_free(q);
	free(text);
	return 0;
}
