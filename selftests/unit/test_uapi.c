// SPDX-License-Identifier: GPL-2.0
/* The uapi header compiles on its own in userspace and is consistent. */
#include <linux/vpnpt.h>
#include <stdlib.h>

#include "unit.h"

UNIT_TEST(uapi_proto_names)
{
	static const char *const names[] = VPNPT_PROTO_NAMES;

	CHECK_EQ(sizeof(names) / sizeof(names[0]), __VPNPT_PROTO_MAX);
	CHECK_STR(names[VPNPT_PROTO_PPTP], "pptp");
	CHECK_STR(names[VPNPT_PROTO_L2TP], "l2tp");
	CHECK_STR(names[VPNPT_PROTO_IKE], "ike");
	CHECK_STR(names[VPNPT_PROTO_ESP], "esp");
	CHECK_STR(names[VPNPT_PROTO_AH], "ah");
	CHECK_STR(names[VPNPT_PROTO_NATT], "natt");
	CHECK_EQ(VPNPT_PROTO_ALL, 0x3f);
}

/*
 * docs/netlink.md's tables ("| N | `NAME` | ...") give every attribute,
 * counter and session state with the number the header gives it. The list
 * below must name every constant of those enums: its counts are checked
 * against the __*_MAX of each.
 */
#define U(name) { #name, name }
static const struct {
	const char *name;
	long value;
} uapi_constants[] = {
	U(VPNPT_A_UNSPEC), U(VPNPT_A_SWITCHES), U(VPNPT_A_SWITCHES_MASK),
	U(VPNPT_A_MAX_SESSIONS), U(VPNPT_A_MAX_CLIENT_SESSIONS),
	U(VPNPT_A_TIMEOUTS), U(VPNPT_A_MODULE_VERSION), U(VPNPT_A_STATS),
	U(VPNPT_A_STATS_PROTO), U(VPNPT_A_PROTOS), U(VPNPT_A_FLUSHED),
	U(VPNPT_A_SESSION), U(VPNPT_A_PAD), U(VPNPT_A_IKE_KEEP_PORT),
	U(VPNPT_A_CEIL_MAX_SESSIONS), U(VPNPT_A_CEIL_MAX_CLIENT_SESSIONS),
#define UAPI_N_ATTR 16
	U(VPNPT_STAT_UNSPEC), U(VPNPT_STAT_PROTO), U(VPNPT_STAT_PAD),
	U(VPNPT_STAT_PACKETS), U(VPNPT_STAT_DROPPED_DISABLED),
	U(VPNPT_STAT_PARSE_ERRORS), U(VPNPT_STAT_DROPPED_MALFORMED),
	U(VPNPT_STAT_SESSIONS_CREATED), U(VPNPT_STAT_SESSIONS_ENDED),
	U(VPNPT_STAT_SESSIONS_REFUSED), U(VPNPT_STAT_SESSIONS_ACTIVE),
	U(VPNPT_STAT_AH_NAT_BROKEN), U(VPNPT_STAT_NATT_IKE),
	U(VPNPT_STAT_NATT_ESP), U(VPNPT_STAT_NATT_KEEPALIVE),
	U(VPNPT_STAT_IKE_PORT_KEPT),
#define UAPI_N_STAT 16
	U(VPNPT_SESSION_NEW), U(VPNPT_SESSION_ESTABLISHED),
	U(VPNPT_SESSION_CLOSING),
#define UAPI_N_STATE 3
	U(VPNPT_SA_UNSPEC), U(VPNPT_SA_PAD), U(VPNPT_SA_ID), U(VPNPT_SA_PROTO),
	U(VPNPT_SA_STATE), U(VPNPT_SA_CLIENT), U(VPNPT_SA_SERVER),
	U(VPNPT_SA_PUBLIC), U(VPNPT_SA_AGE), U(VPNPT_SA_IDLE),
	U(VPNPT_SA_PACKETS_OUT), U(VPNPT_SA_PACKETS_IN), U(VPNPT_SA_BYTES_OUT),
	U(VPNPT_SA_BYTES_IN), U(VPNPT_SA_CALL_ID_INSIDE),
	U(VPNPT_SA_CALL_ID_OUTSIDE), U(VPNPT_SA_PEER_CALL_ID),
	U(VPNPT_SA_SPI_OUT), U(VPNPT_SA_SPI_IN), U(VPNPT_SA_IKE_SPI_I),
	U(VPNPT_SA_IKE_SPI_R), U(VPNPT_SA_TUNNEL_ID),
	U(VPNPT_SA_PEER_TUNNEL_ID), U(VPNPT_SA_PARENT), U(VPNPT_SA_ZONE),
	U(VPNPT_SA_IKE_RESPONSES),
#define UAPI_N_SA 26
	U(VPNPT_IKE_RESP_UNSPEC), U(VPNPT_IKE_RESP_ENTRY),
	U(VPNPT_IKE_RESP_EXCHANGE), U(VPNPT_IKE_RESP_AGE),
#define UAPI_N_IKE_RESP 4
};

#define UAPI_N (sizeof(uapi_constants) / sizeof(uapi_constants[0]))

static char *read_netlink_md(void)
{
	const char *slash = strrchr(__FILE__, '/');
	int dirlen = slash ? (int)(slash - __FILE__) : 1;
	char path[512], *buf;
	long len;
	FILE *f;

	snprintf(path, sizeof(path), "%.*s/../../docs/netlink.md", dirlen,
		 slash ? __FILE__ : ".");
	f = fopen(path, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len + 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[len] = '\0';
	fclose(f);
	return buf;
}

UNIT_TEST(uapi_netlink_md_tables)
{
	char *doc = read_netlink_md(), *line, *save = NULL;
	int documented[UAPI_N] = { 0 };
	unsigned int i;

	CHECK_EQ(UAPI_N_ATTR, __VPNPT_A_MAX);
	CHECK_EQ(UAPI_N_STAT, __VPNPT_STAT_MAX);
	CHECK_EQ(UAPI_N_STATE, __VPNPT_SESSION_STATE_MAX);
	CHECK_EQ(UAPI_N_SA, __VPNPT_SA_MAX);
	CHECK_EQ(UAPI_N_IKE_RESP, __VPNPT_IKE_RESP_MAX);
	CHECK_EQ(UAPI_N, UAPI_N_ATTR + UAPI_N_STAT + UAPI_N_STATE + UAPI_N_SA +
		 UAPI_N_IKE_RESP);
	CHECK(doc);
	if (!doc)
		return;
	for (line = strtok_r(doc, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[64];
		long n;

		if (sscanf(line, "| %ld | `%63[A-Z_]` |", &n, name) != 2 ||
		    strncmp(name, "VPNPT_", 6))
			continue;
		for (i = 0; i < UAPI_N; i++)
			if (!strcmp(name, uapi_constants[i].name))
				break;
		if (i == UAPI_N) {
			fprintf(stderr, "# docs/netlink.md: %s is not in the header\n", name);
			unit_failed_checks++;
			continue;
		}
		documented[i]++;
		if (n != uapi_constants[i].value) {
			fprintf(stderr, "# docs/netlink.md: %s is %ld, the header says %ld\n",
				name, n, uapi_constants[i].value);
			unit_failed_checks++;
		}
	}
	for (i = 0; i < UAPI_N; i++)
		if (documented[i] != 1) {
			fprintf(stderr, "# docs/netlink.md: %s in %d table rows, want 1\n",
				uapi_constants[i].name, documented[i]);
			unit_failed_checks++;
		}
	free(doc);
}
