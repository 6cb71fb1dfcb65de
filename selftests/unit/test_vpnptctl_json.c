// SPDX-License-Identifier: GPL-2.0
/* vpnptctl: the JSON writer, string escaping above all. */
#include <stdlib.h>

#include "vpnptctl/vpnptctl.h"

#include "unit.h"

static char *quote(const char *s)
{
	static char out[256];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	vpnptctl_json_quote(f, s);
	fclose(f);
	snprintf(out, sizeof(out), "%s", buf);
	free(buf);
	return out;
}

UNIT_TEST(vpnptctl_json_escape)
{
	CHECK_STR(quote(""), "\"\"");
	CHECK_STR(quote("plain 0.1.0"), "\"plain 0.1.0\"");
	CHECK_STR(quote("a\"b"), "\"a\\\"b\"");
	CHECK_STR(quote("a\\b"), "\"a\\\\b\"");
	CHECK_STR(quote("/"), "\"/\"");
	CHECK_STR(quote("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
	CHECK_STR(quote("\x01\x1f"), "\"\\u0001\\u001f\"");
	CHECK_STR(quote("\x1b[31m"), "\"\\u001b[31m\"");
	CHECK_STR(quote("\x7f"), "\"\\u007f\"");
	CHECK_STR(quote(" ~"), "\" ~\"");
}

UNIT_TEST(vpnptctl_json_utf8)
{
	/* Valid UTF-8 is kept as it is. */
	CHECK_STR(quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");		/* é */
	CHECK_STR(quote("\xe2\x82\xac"), "\"\xe2\x82\xac\"");		/* € */
	CHECK_STR(quote("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");	/* U+1F600 */
	CHECK_STR(quote("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"");	/* U+10FFFF */
	CHECK_STR(quote("\xed\x9f\xbf"), "\"\xed\x9f\xbf\"");		/* U+D7FF */
	/* Anything else: U+FFFD per bad byte, and the next byte is looked at. */
	CHECK_STR(quote("\x80"), "\"\\ufffd\"");			/* lone continuation */
	CHECK_STR(quote("\xc0\xaf"), "\"\\ufffd\\ufffd\"");		/* overlong '/' */
	CHECK_STR(quote("\xc1\xbf"), "\"\\ufffd\\ufffd\"");		/* overlong */
	CHECK_STR(quote("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");	/* overlong 3 */
	CHECK_STR(quote("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	CHECK_STR(quote("\xf4\x90\x80\x80"),
		  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");			/* > U+10FFFF */
	CHECK_STR(quote("\xf5"), "\"\\ufffd\"");
	CHECK_STR(quote("\xff"), "\"\\ufffd\"");
	CHECK_STR(quote("\xe2\x82"), "\"\\ufffd\\ufffd\"");		/* truncated */
	CHECK_STR(quote("\xe2\x82x"), "\"\\ufffd\\ufffdx\"");
	CHECK_STR(quote("a\xc3"), "\"a\\ufffd\"");			/* cut at the end */
}

static char *render(bool pretty, int what)
{
	static char out[1024];
	struct vpnptctl_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	vpnptctl_json_init(&j, f, pretty);
	switch (what) {
	case 0:
		vpnptctl_json_open_object(&j, NULL);
		vpnptctl_json_string(&j, "s", "x\"y");
		vpnptctl_json_u64(&j, "n", 18446744073709551615ULL);
		vpnptctl_json_bool(&j, "t", true);
		vpnptctl_json_bool(&j, "f", false);
		vpnptctl_json_open_object(&j, "o");
		vpnptctl_json_u64(&j, "zero", 0);
		vpnptctl_json_close_object(&j);
		vpnptctl_json_open_array(&j, "a");
		vpnptctl_json_u64(&j, NULL, 1);
		vpnptctl_json_open_object(&j, NULL);
		vpnptctl_json_close_object(&j);
		vpnptctl_json_open_array(&j, NULL);
		vpnptctl_json_close_array(&j);
		vpnptctl_json_close_array(&j);
		vpnptctl_json_open_object(&j, "e");
		vpnptctl_json_close_object(&j);
		vpnptctl_json_close_object(&j);
		break;
	case 1:
		vpnptctl_json_open_array(&j, NULL);
		vpnptctl_json_close_array(&j);
		break;
	case 2:
		vpnptctl_json_string(&j, NULL, "top");
		break;
	}
	vpnptctl_json_end(&j);
	fclose(f);
	snprintf(out, sizeof(out), "%s", buf);
	free(buf);
	return out;
}

UNIT_TEST(vpnptctl_json_writer)
{
	CHECK_STR(render(false, 0),
		  "{\"s\":\"x\\\"y\",\"n\":18446744073709551615,\"t\":true,\"f\":false,"
		  "\"o\":{\"zero\":0},\"a\":[1,{},[]],\"e\":{}}\n");
	CHECK_STR(render(true, 0),
		  "{\n"
		  "  \"s\": \"x\\\"y\",\n"
		  "  \"n\": 18446744073709551615,\n"
		  "  \"t\": true,\n"
		  "  \"f\": false,\n"
		  "  \"o\": {\n"
		  "    \"zero\": 0\n"
		  "  },\n"
		  "  \"a\": [\n"
		  "    1,\n"
		  "    {},\n"
		  "    []\n"
		  "  ],\n"
		  "  \"e\": {}\n"
		  "}\n");
	CHECK_STR(render(false, 1), "[]\n");
	CHECK_STR(render(true, 1), "[]\n");
	CHECK_STR(render(false, 2), "\"top\"\n");
}
