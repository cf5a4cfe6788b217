/* The bounded JSON reader: well-formed input becomes a tree, anything else an error naming the
 * line and column, and no input can take unbounded memory or stack. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ward/json.h"

static struct json_doc *parse_ok(const char *s)
{
	struct ward_error err = {0};
	struct json_doc *doc = json_parse(s, strlen(s), &err);

	ck_assert_msg(doc != NULL, "json_parse(%s) failed: %s", s, err.msg);
	return doc;
}

/* Parses buf[0..len) expecting failure; returns the message in err. */
static void parse_fail_n(const char *buf, size_t len, struct ward_error *err)
{
	struct json_doc *doc = json_parse(buf, len, err);

	ck_assert_msg(doc == NULL, "json_parse unexpectedly succeeded");
	json_free(doc);
	ck_assert_int_eq(err->code, 0);
}

static void parse_fail(const char *s, struct ward_error *err)
{
	parse_fail_n(s, strlen(s), err);
}

/* "[[[...]]]" or {"a":{"a":...}} with depth levels. */
static char *nested(size_t depth, bool objects)
{
	size_t open_len = objects ? 5 : 1; /* {"a": */
	char *s = malloc(depth * (open_len + 1) + 4);
	size_t o = 0;

	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < depth; i++) {
		memcpy(s + o, objects ? "{\"a\":" : "[", open_len);
		o += open_len;
	}
	if (objects) {
		s[o++] = '1';
	}
	for (size_t i = 0; i < depth; i++)
		s[o++] = objects ? '}' : ']';
	s[o] = '\0';
	return s;
}

START_TEST(parses_every_value_type)
{
	struct json_doc *doc =
		parse_ok("{\"n\": null, \"t\": true, \"f\": false, \"i\": -12, \"s\": \"hi\", "
			 "\"a\": [1, 2], \"o\": {}}");
	const struct json_node *root = json_root(doc);

	ck_assert_int_eq(root->type, JSON_OBJECT);
	ck_assert_uint_eq(root->count, 7);
	ck_assert_int_eq(json_get(root, "t")->type, JSON_BOOL);
	ck_assert(json_get(root, "t")->boolean);
	ck_assert(!json_get(root, "f")->boolean);
	ck_assert_int_eq(json_get(root, "i")->type, JSON_NUMBER);
	ck_assert_str_eq(json_get(root, "i")->str, "-12");
	ck_assert_int_eq(json_get(root, "s")->type, JSON_STRING);
	ck_assert_str_eq(json_get(root, "s")->str, "hi");
	ck_assert_uint_eq(json_get(root, "s")->len, 2);
	ck_assert_int_eq(json_get(root, "a")->type, JSON_ARRAY);
	ck_assert_uint_eq(json_get(root, "a")->count, 2);
	ck_assert_int_eq(json_get(root, "o")->type, JSON_OBJECT);
	ck_assert_uint_eq(json_get(root, "o")->count, 0);
	ck_assert_ptr_null(json_get(root, "o")->first);
	json_free(doc);
}
END_TEST

START_TEST(accepts_a_scalar_document)
{
	struct json_doc *doc = parse_ok("  \"x\"\n");

	ck_assert_int_eq(json_root(doc)->type, JSON_STRING);
	ck_assert_str_eq(json_root(doc)->str, "x");
	json_free(doc);
}
END_TEST

START_TEST(keeps_number_literals_as_written)
{
	/* Range checks belong to the typed reader: the tree keeps what the document said. */
	struct json_doc *doc = parse_ok("[1e3, 1.5, -0, 123456789012345678901234567890]");
	const struct json_node *c = json_root(doc)->first;

	ck_assert_str_eq(c->str, "1e3");
	ck_assert_str_eq(c->next->str, "1.5");
	ck_assert_str_eq(c->next->next->str, "-0");
	ck_assert_str_eq(c->next->next->next->str, "123456789012345678901234567890");
	ck_assert_uint_eq(c->next->next->next->len, 30);
	json_free(doc);
}
END_TEST

START_TEST(keeps_members_and_elements_in_document_order)
{
	struct json_doc *doc = parse_ok("{\"b\": [\"x\", \"y\", \"z\"], \"a\": 1}");
	const struct json_node *root = json_root(doc), *c;
	const char *want[] = {"x", "y", "z"};
	size_t i = 0;

	ck_assert_str_eq(root->first->key, "b");
	ck_assert_uint_eq(root->first->key_len, 1);
	ck_assert_str_eq(root->last->key, "a");
	json_foreach(c, json_get(root, "b"))
	{
		ck_assert_ptr_null(c->key);
		ck_assert_str_eq(c->str, want[i++]);
	}
	ck_assert_uint_eq(i, 3);
	json_free(doc);
}
END_TEST

START_TEST(get_returns_the_last_of_duplicate_keys)
{
	struct json_doc *doc = parse_ok("{\"a\": 1, \"b\": 2, \"a\": 3}");

	ck_assert_str_eq(json_get(json_root(doc), "a")->str, "3");
	ck_assert_str_eq(json_get(json_root(doc), "b")->str, "2");
	json_free(doc);
}
END_TEST

START_TEST(get_treats_null_as_absent)
{
	struct json_doc *doc =
		parse_ok("{\"a\": null, \"b\": 1, \"b\": null, \"c\": null, \"c\": 2}");
	const struct json_node *root = json_root(doc);

	ck_assert_ptr_null(json_get(root, "a"));
	/* The last duplicate wins even when it is null. */
	ck_assert_ptr_null(json_get(root, "b"));
	ck_assert_str_eq(json_get(root, "c")->str, "2");
	ck_assert_ptr_null(json_get(root, "missing"));
	json_free(doc);
}
END_TEST

START_TEST(get_matches_whole_keys_only)
{
	struct json_doc *doc = parse_ok("{\"ab\": 1, \"a\\u0000b\": 2, \"\": 3}");
	const struct json_node *root = json_root(doc);

	ck_assert_ptr_null(json_get(root, "a"));
	ck_assert_str_eq(json_get(root, "ab")->str, "1");
	ck_assert_str_eq(json_get(root, "")->str, "3");
	json_free(doc);
}
END_TEST

START_TEST(get_on_a_non_object_returns_null)
{
	struct json_doc *doc = parse_ok("[{\"a\": 1}]");

	ck_assert_ptr_null(json_get(json_root(doc), "a"));
	ck_assert_ptr_null(json_get(NULL, "a"));
	json_free(doc);
}
END_TEST

START_TEST(decodes_escapes_and_unicode)
{
	struct json_doc *doc =
		parse_ok("[\"a\\n\\t\\\"\\\\\\/\", \"\\u00e9\", \"\\ud83d\\ude00\"]");
	const struct json_node *c = json_root(doc)->first;

	ck_assert_str_eq(c->str, "a\n\t\"\\/");
	ck_assert_str_eq(c->next->str, "\xc3\xa9");
	ck_assert_str_eq(c->next->next->str, "\xf0\x9f\x98\x80");
	ck_assert_uint_eq(c->next->next->len, 4);
	json_free(doc);
}
END_TEST

START_TEST(keeps_embedded_nul_bytes_with_their_length)
{
	struct json_doc *doc = parse_ok("[\"a\\u0000b\"]");
	const struct json_node *c = json_root(doc)->first;

	ck_assert_uint_eq(c->len, 3);
	ck_assert_mem_eq(c->str, "a\0b", 4);
	json_free(doc);
}
END_TEST

START_TEST(accepts_valid_multibyte_utf8)
{
	struct json_doc *doc = parse_ok("[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"]");

	ck_assert_uint_eq(json_root(doc)->first->len, 14);
	json_free(doc);
}
END_TEST

START_TEST(reports_line_and_column_of_a_syntax_error)
{
	struct ward_error err = {0};

	parse_fail("{\n  \"a\": 1,\n  \"b\": tru\n}", &err);
	ck_assert_str_eq(err.msg,
			 "invalid JSON at line 3, column 11: lexical error: invalid string "
			 "in json text");
}
END_TEST

START_TEST(rejects_a_trailing_comma)
{
	struct ward_error err = {0};

	parse_fail("{\"a\": 1,}", &err);
	ck_assert_str_eq(err.msg, "invalid JSON at line 1, column 10: parse error: invalid object "
				  "key (must be a string)");
}
END_TEST

START_TEST(rejects_trailing_garbage)
{
	struct ward_error err = {0};

	parse_fail("{} x", &err);
	ck_assert_str_eq(err.msg,
			 "invalid JSON at line 1, column 5: parse error: trailing garbage");
}
END_TEST

START_TEST(rejects_two_documents)
{
	struct ward_error err = {0};

	parse_fail("{}\n{}", &err);
	ck_assert_str_eq(err.msg,
			 "invalid JSON at line 2, column 2: parse error: trailing garbage");
}
END_TEST

START_TEST(rejects_comments)
{
	struct ward_error err = {0};

	parse_fail("// config\n{}", &err);
	ck_assert_str_eq(err.msg, "invalid JSON at line 1, column 1: lexical error: probable "
				  "comment found in input text, comments are not enabled");
}
END_TEST

START_TEST(rejects_empty_input)
{
	struct ward_error err = {0};

	parse_fail("", &err);
	ck_assert_str_eq(err.msg, "invalid JSON at line 1, column 1: parse error: premature EOF");
}
END_TEST

START_TEST(rejects_whitespace_only_input)
{
	struct ward_error err = {0};

	parse_fail(" \n ", &err);
	ck_assert_str_eq(err.msg, "invalid JSON at line 2, column 2: parse error: premature EOF");
}
END_TEST

START_TEST(rejects_a_truncated_document)
{
	struct ward_error err = {0};

	parse_fail("{\"a\": [1, 2", &err);
	ck_assert_str_eq(err.msg, "invalid JSON at line 1, column 12: parse error: premature EOF");
}
END_TEST

START_TEST(rejects_single_quoted_strings)
{
	struct ward_error err = {0};

	parse_fail("{'a': 1}", &err);
	ck_assert_str_eq(err.msg,
			 "invalid JSON at line 1, column 3: lexical error: invalid char in "
			 "json text");
}
END_TEST

START_TEST(rejects_invalid_utf8)
{
	struct ward_error err = {0};

	parse_fail("[\"ab\xff\"]", &err);
	ck_assert_str_eq(err.msg,
			 "invalid JSON at line 1, column 6: lexical error: invalid bytes in UTF8 "
			 "string");
}
END_TEST

START_TEST(rejects_truncated_utf8_sequence)
{
	struct ward_error err = {0};

	parse_fail("[\"\xe2\x82\"]", &err);
	ck_assert_ptr_nonnull(strstr(err.msg, "invalid bytes in UTF8 string"));
	ck_assert_ptr_nonnull(strstr(err.msg, "invalid JSON at line 1, column "));
}
END_TEST

START_TEST(rejects_invalid_utf8_in_a_key)
{
	struct ward_error err = {0};

	parse_fail("{\"\xc3\x28\": 1}", &err);
	ck_assert_ptr_nonnull(strstr(err.msg, "invalid bytes in UTF8 string"));
}
END_TEST

START_TEST(rejects_raw_control_characters_in_strings)
{
	struct ward_error err = {0};

	parse_fail("[\"a\x01\"]", &err);
	ck_assert_str_eq(err.msg, "invalid JSON at line 1, column 4: lexical error: invalid "
				  "character inside string");
}
END_TEST

START_TEST(rejects_a_raw_nul_byte)
{
	struct ward_error err = {0};

	parse_fail_n("[\"a\0\"]", 6, &err);
	ck_assert_str_eq(err.msg, "invalid JSON at line 1, column 4: lexical error: invalid "
				  "character inside string");
}
END_TEST

START_TEST(rejects_arrays_nested_100000_deep)
{
	struct ward_error err = {0};
	char *s = nested(100000, false);

	parse_fail(s, &err);
	free(s);
	ck_assert_str_eq(err.msg, "invalid JSON at line 1, column 65: nested too deeply (the limit "
				  "is 64 levels)");
}
END_TEST

START_TEST(rejects_unbalanced_brackets_100000_deep)
{
	/* Never closed: the parser must stop at the limit, not on EOF. */
	struct ward_error err = {0};
	char *s = malloc(100001);

	memset(s, '[', 100000);
	s[100000] = '\0';
	parse_fail(s, &err);
	free(s);
	ck_assert_ptr_nonnull(strstr(err.msg, "nested too deeply (the limit is 64 levels)"));
}
END_TEST

START_TEST(rejects_objects_nested_100000_deep)
{
	struct ward_error err = {0};
	char *s = nested(100000, true);

	parse_fail(s, &err);
	free(s);
	ck_assert_ptr_nonnull(strstr(err.msg, "nested too deeply (the limit is 64 levels)"));
}
END_TEST

START_TEST(accepts_nesting_up_to_the_limit)
{
	struct ward_error err = {0};
	char *s = nested(JSON_MAX_DEPTH, false);
	struct json_doc *doc = parse_ok(s);

	free(s);
	json_free(doc);

	s = nested(JSON_MAX_DEPTH + 1, false);
	parse_fail(s, &err);
	free(s);
	ck_assert_str_eq(err.msg, "invalid JSON at line 1, column 65: nested too deeply (the limit "
				  "is 64 levels)");
}
END_TEST

START_TEST(accepts_a_1mb_string)
{
	size_t n = 1 << 20;
	char *s = malloc(n + 5);
	struct json_doc *doc;

	s[0] = '[';
	s[1] = '"';
	memset(s + 2, 'x', n);
	memcpy(s + 2 + n, "\"]", 3);
	doc = parse_ok(s);
	ck_assert_uint_eq(json_root(doc)->first->len, n);
	ck_assert_uint_eq(strlen(json_root(doc)->first->str), n);
	ck_assert_int_eq(json_root(doc)->first->str[n - 1], 'x');
	json_free(doc);
	free(s);
}
END_TEST

START_TEST(accepts_many_large_strings_and_keys)
{
	/* Ten 100 kB strings under 100 kB keys: values larger than an arena block. */
	size_t n = 100000, o = 0;
	char *s = malloc(10 * (2 * n + 8) + 4);

	s[o++] = '{';
	for (int i = 0; i < 10; i++) {
		s[o++] = '"';
		memset(s + o, 'a' + i, n);
		o += n;
		memcpy(s + o, "\":\"", 3);
		o += 3;
		memset(s + o, 'A' + i, n);
		o += n;
		s[o++] = '"';
		s[o++] = i < 9 ? ',' : '}';
	}
	s[o] = '\0';
	struct json_doc *doc = parse_ok(s);
	const struct json_node *c;
	int i = 0;
	json_foreach(c, json_root(doc))
	{
		ck_assert_uint_eq(c->key_len, n);
		ck_assert_int_eq(c->key[0], 'a' + i);
		ck_assert_uint_eq(c->len, n);
		ck_assert_int_eq(c->str[n - 1], 'A' + i);
		i++;
	}
	ck_assert_int_eq(i, 10);
	json_free(doc);
	free(s);
}
END_TEST

START_TEST(rejects_input_larger_than_the_size_limit)
{
	struct ward_error err = {0};
	size_t len = JSON_MAX_BYTES + 1;
	char *s = malloc(len);

	memset(s, ' ', len);
	s[0] = '[';
	parse_fail_n(s, len, &err);
	free(s);
	ck_assert_str_eq(err.msg, "file is 16777217 bytes, larger than the 16 MiB limit");
}
END_TEST

START_TEST(rejects_more_values_than_the_limit)
{
	/* "[0,0,...]": the array itself counts as one value. */
	size_t n = JSON_MAX_VALUES, len = 2 * n + 1;
	struct ward_error err = {0};
	char *s = malloc(len + 1);

	for (size_t i = 0; i < n; i++) {
		s[2 * i] = i ? ',' : '[';
		s[2 * i + 1] = '0';
	}
	s[len - 1] = ']';
	s[len] = '\0';
	parse_fail(s, &err);
	free(s);
	ck_assert_ptr_nonnull(strstr(err.msg, "too many values (the limit is 1048576)"));
	ck_assert_ptr_nonnull(strstr(err.msg, "invalid JSON at line 1, column "));
}
END_TEST

START_TEST(accepts_exactly_the_value_limit)
{
	size_t n = JSON_MAX_VALUES - 1, len = 2 * n + 1;
	char *s = malloc(len + 1);

	for (size_t i = 0; i < n; i++) {
		s[2 * i] = i ? ',' : '[';
		s[2 * i + 1] = '0';
	}
	s[len - 1] = ']';
	s[len] = '\0';
	struct json_doc *doc = parse_ok(s);
	ck_assert_uint_eq(json_root(doc)->count, n);
	json_free(doc);
	free(s);
}
END_TEST

START_TEST(names_types_for_messages)
{
	ck_assert_str_eq(json_type_name(JSON_NULL), "null");
	ck_assert_str_eq(json_type_name(JSON_BOOL), "a boolean");
	ck_assert_str_eq(json_type_name(JSON_NUMBER), "a number");
	ck_assert_str_eq(json_type_name(JSON_STRING), "a string");
	ck_assert_str_eq(json_type_name(JSON_ARRAY), "an array");
	ck_assert_str_eq(json_type_name(JSON_OBJECT), "an object");
}
END_TEST

START_TEST(free_accepts_null)
{
	json_free(NULL);
	/* Passing means: no crash (the test runs in a forked child, which would die). */
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("parse");
	TCase *limits = tcase_create("limits");

	tcase_add_test(tc, parses_every_value_type);
	tcase_add_test(tc, accepts_a_scalar_document);
	tcase_add_test(tc, keeps_number_literals_as_written);
	tcase_add_test(tc, keeps_members_and_elements_in_document_order);
	tcase_add_test(tc, get_returns_the_last_of_duplicate_keys);
	tcase_add_test(tc, get_treats_null_as_absent);
	tcase_add_test(tc, get_matches_whole_keys_only);
	tcase_add_test(tc, get_on_a_non_object_returns_null);
	tcase_add_test(tc, decodes_escapes_and_unicode);
	tcase_add_test(tc, keeps_embedded_nul_bytes_with_their_length);
	tcase_add_test(tc, accepts_valid_multibyte_utf8);
	tcase_add_test(tc, reports_line_and_column_of_a_syntax_error);
	tcase_add_test(tc, rejects_a_trailing_comma);
	tcase_add_test(tc, rejects_trailing_garbage);
	tcase_add_test(tc, rejects_two_documents);
	tcase_add_test(tc, rejects_comments);
	tcase_add_test(tc, rejects_empty_input);
	tcase_add_test(tc, rejects_whitespace_only_input);
	tcase_add_test(tc, rejects_a_truncated_document);
	tcase_add_test(tc, rejects_single_quoted_strings);
	tcase_add_test(tc, rejects_invalid_utf8);
	tcase_add_test(tc, rejects_truncated_utf8_sequence);
	tcase_add_test(tc, rejects_invalid_utf8_in_a_key);
	tcase_add_test(tc, rejects_raw_control_characters_in_strings);
	tcase_add_test(tc, rejects_a_raw_nul_byte);
	tcase_add_test(tc, names_types_for_messages);
	tcase_add_test(tc, free_accepts_null);
	suite_add_tcase(s, tc);

	tcase_set_timeout(limits, 30);
	tcase_add_test(limits, rejects_arrays_nested_100000_deep);
	tcase_add_test(limits, rejects_unbalanced_brackets_100000_deep);
	tcase_add_test(limits, rejects_objects_nested_100000_deep);
	tcase_add_test(limits, accepts_nesting_up_to_the_limit);
	tcase_add_test(limits, accepts_a_1mb_string);
	tcase_add_test(limits, accepts_many_large_strings_and_keys);
	tcase_add_test(limits, rejects_input_larger_than_the_size_limit);
	tcase_add_test(limits, rejects_more_values_than_the_limit);
	tcase_add_test(limits, accepts_exactly_the_value_limit);
	suite_add_tcase(s, limits);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(json_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
