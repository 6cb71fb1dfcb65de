// SPDX-License-Identifier: GPL-2.0
/*
 * vpnptctl: decoding of netlink replies from hand-made attribute buffers:
 * every field, unknown attributes (ignored), wrong sizes and truncation
 * (refused), extended ACKs.
 */
#include <arpa/inet.h>
#include <errno.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "vpnptctl/vpnptctl.h"

#include "unit.h"

/* A message builder: attributes as the kernel lays them out. */
struct mb {
	unsigned char buf[4096] __attribute__((aligned(8)));
	size_t len;
	size_t nest[8];
	int depth;
};

static void mb_put(struct mb *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr h = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };

	memcpy(m->buf + m->len, &h, sizeof(h));
	memcpy(m->buf + m->len + NLA_HDRLEN, data, len);
	memset(m->buf + m->len + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	m->len += NLA_HDRLEN + NLA_ALIGN(len);
}

static void mb_u8(struct mb *m, uint16_t type, uint8_t v)
{
	mb_put(m, type, &v, sizeof(v));
}

static void mb_u16(struct mb *m, uint16_t type, uint16_t v)
{
	mb_put(m, type, &v, sizeof(v));
}

static void mb_u32(struct mb *m, uint16_t type, uint32_t v)
{
	mb_put(m, type, &v, sizeof(v));
}

static void mb_u64(struct mb *m, uint16_t type, uint64_t v)
{
	mb_put(m, type, &v, sizeof(v));
}

static void mb_str(struct mb *m, uint16_t type, const char *s)
{
	mb_put(m, type, s, strlen(s) + 1);
}

static void mb_nest(struct mb *m, uint16_t type)
{
	struct nlattr h = { .nla_len = NLA_HDRLEN, .nla_type = type | NLA_F_NESTED };

	m->nest[m->depth++] = m->len;
	memcpy(m->buf + m->len, &h, sizeof(h));
	m->len += NLA_HDRLEN;
}

static void mb_end(struct mb *m)
{
	size_t start = m->nest[--m->depth];
	uint16_t len = (uint16_t)(m->len - start);

	memcpy(m->buf + start, &len, sizeof(len));
}

/* A session message with one IKE response entry open (three nests). */
static void mb_ike_entry(struct mb *m)
{
	memset(m, 0, sizeof(*m));
	mb_nest(m, VPNPT_A_SESSION);
	mb_nest(m, VPNPT_SA_IKE_RESPONSES);
	mb_nest(m, VPNPT_IKE_RESP_ENTRY);
}

static void mb_end_n(struct mb *m, int n)
{
	while (n--)
		mb_end(m);
}

static void mb_config(struct mb *m)
{
	unsigned int p;

	memset(m, 0, sizeof(*m));
	mb_u32(m, VPNPT_A_SWITCHES, 0x37);
	mb_u32(m, VPNPT_A_MAX_SESSIONS, 65536);
	mb_u32(m, VPNPT_A_MAX_CLIENT_SESSIONS, 256);
	mb_u8(m, VPNPT_A_IKE_KEEP_PORT, 1);
	mb_str(m, VPNPT_A_MODULE_VERSION, "0.1.0");
	mb_nest(m, VPNPT_A_TIMEOUTS);
	for (p = 0; p < VPNPTCTL_NPROTO; p++)
		mb_u32(m, p + 1, 100 * (p + 1));
	mb_end(m);
}

UNIT_TEST(vpnptctl_decode_config_all)
{
	struct vpnptctl_config c;
	struct mb m;
	unsigned int p;

	mb_config(&m);
	CHECK_EQ(vpnptctl_decode_config(m.buf, m.len, &c), 0);
	CHECK_EQ(c.present, VPNPTCTL_CFG_SWITCHES | VPNPTCTL_CFG_MAX_SESSIONS |
		 VPNPTCTL_CFG_MAX_CLIENT_SESSIONS | VPNPTCTL_CFG_MODULE_VERSION |
		 VPNPTCTL_CFG_IKE_KEEP_PORT);
	CHECK(c.ike_keep_port);
	CHECK_EQ(c.switches, 0x37);
	CHECK_EQ(c.max_sessions, 65536);
	CHECK_EQ(c.max_client_sessions, 256);
	CHECK_STR(c.module_version, "0.1.0");
	CHECK_EQ(c.timeouts_present, VPNPT_PROTO_ALL);
	for (p = 0; p < VPNPTCTL_NPROTO; p++)
		CHECK_EQ(c.timeouts[p], 100 * (p + 1));
	/* Nothing at all is not an error: fields are simply absent. */
	CHECK_EQ(vpnptctl_decode_config(m.buf, 0, &c), 0);
	CHECK_EQ(c.present, 0);
	CHECK_EQ(c.timeouts_present, 0);
}

UNIT_TEST(vpnptctl_decode_config_newer_kernel)
{
	struct vpnptctl_config c;
	struct mb m;

	/* Unknown attributes, a 7th protocol's switch bit and timeout. */
	memset(&m, 0, sizeof(m));
	mb_u64(&m, __VPNPT_A_MAX + 10, 42);
	mb_u32(&m, VPNPT_A_SWITCHES, 0x7f);
	mb_nest(&m, VPNPT_A_TIMEOUTS);
	mb_u32(&m, VPNPT_PROTO_ESP + 1, 600);
	mb_u32(&m, VPNPTCTL_NPROTO + 1, 999);
	mb_u32(&m, 0, 1);
	mb_end(&m);
	mb_nest(&m, 300);
	mb_u8(&m, 1, 1);
	mb_end(&m);
	mb_u32(&m, VPNPT_A_MAX_SESSIONS, 7);
	CHECK_EQ(vpnptctl_decode_config(m.buf, m.len, &c), 0);
	CHECK_EQ(c.switches, VPNPT_PROTO_ALL);
	CHECK_EQ(c.timeouts_present, 1U << VPNPT_PROTO_ESP);
	CHECK_EQ(c.timeouts[VPNPT_PROTO_ESP], 600);
	CHECK_EQ(c.max_sessions, 7);
	/* Trailing bytes shorter than a header are padding. */
	CHECK_EQ(vpnptctl_decode_config(m.buf, m.len + 3, &c), 0);
}

UNIT_TEST(vpnptctl_decode_config_bad)
{
	struct vpnptctl_config c;
	char ver[100];
	struct mb m;

	memset(&m, 0, sizeof(m));
	mb_u16(&m, VPNPT_A_SWITCHES, 1);		/* u32 expected */
	CHECK_EQ(vpnptctl_decode_config(m.buf, m.len, &c), -EBADMSG);

	memset(&m, 0, sizeof(m));
	mb_u64(&m, VPNPT_A_MAX_SESSIONS, 1);
	CHECK_EQ(vpnptctl_decode_config(m.buf, m.len, &c), -EBADMSG);

	memset(&m, 0, sizeof(m));
	mb_nest(&m, VPNPT_A_TIMEOUTS);
	mb_u16(&m, VPNPT_PROTO_PPTP + 1, 60);
	mb_end(&m);
	CHECK_EQ(vpnptctl_decode_config(m.buf, m.len, &c), -EBADMSG);

	/* Truncated: an attribute longer than what is left. */
	mb_config(&m);
	CHECK_EQ(vpnptctl_decode_config(m.buf, m.len - 4, &c), -EBADMSG);
	CHECK_EQ(vpnptctl_decode_config(m.buf, 6, &c), -EBADMSG);
	/* nla_len below the header size */
	memset(&m, 0, sizeof(m));
	mb_u32(&m, VPNPT_A_SWITCHES, 1);
	m.buf[0] = 3;
	CHECK_EQ(vpnptctl_decode_config(m.buf, m.len, &c), -EBADMSG);

	/* A version string without NUL, and one too long: cut, never overrun. */
	memset(&m, 0, sizeof(m));
	mb_put(&m, VPNPT_A_MODULE_VERSION, "1.2", 3);
	CHECK_EQ(vpnptctl_decode_config(m.buf, m.len, &c), 0);
	CHECK_STR(c.module_version, "1.2");
	memset(ver, 'v', sizeof(ver) - 1);
	ver[sizeof(ver) - 1] = '\0';
	memset(&m, 0, sizeof(m));
	mb_str(&m, VPNPT_A_MODULE_VERSION, ver);
	CHECK_EQ(vpnptctl_decode_config(m.buf, m.len, &c), 0);
	CHECK_EQ(strlen(c.module_version), sizeof(c.module_version) - 1);
}

static void mb_stats_proto(struct mb *m, uint32_t proto, uint64_t base)
{
	unsigned int k;

	mb_nest(m, VPNPT_A_STATS_PROTO);
	mb_u32(m, VPNPT_STAT_PROTO, proto);
	for (k = VPNPT_STAT_PACKETS; k < __VPNPT_STAT_MAX; k++)
		mb_u64(m, k, base + k);
	mb_end(m);
}

UNIT_TEST(vpnptctl_decode_stats_all)
{
	struct vpnptctl_stats st;
	struct mb m;
	unsigned int c;

	memset(&m, 0, sizeof(m));
	mb_u32(&m, 99, 1);				/* unknown, ignored */
	mb_nest(&m, VPNPT_A_STATS);
	mb_stats_proto(&m, VPNPT_PROTO_PPTP, 1000);
	mb_stats_proto(&m, VPNPTCTL_NPROTO + 2, 5000);	/* newer protocol */
	mb_stats_proto(&m, VPNPT_PROTO_NATT, 2000);
	mb_u32(&m, 77, 1);				/* unknown, ignored */
	mb_end(&m);
	CHECK_EQ(vpnptctl_decode_stats(m.buf, m.len, &st), 0);
	CHECK_EQ(st.present, (1U << VPNPT_PROTO_PPTP) | (1U << VPNPT_PROTO_NATT));
	for (c = 0; c < VPNPTCTL_NCOUNTERS; c++) {
		CHECK_EQ(st.counters[VPNPT_PROTO_PPTP][c], 1000 + VPNPT_STAT_PACKETS + c);
		CHECK_EQ(st.counters[VPNPT_PROTO_NATT][c], 2000 + VPNPT_STAT_PACKETS + c);
		CHECK_EQ(st.counters[VPNPT_PROTO_ESP][c], 0);
	}
	CHECK_STR(vpnptctl_counter_name(VPNPTCTL_C_PACKETS), "packets");
	CHECK_STR(vpnptctl_counter_name(VPNPTCTL_C_SESSIONS_ACTIVE), "sessions_active");
	CHECK(!vpnptctl_counter_name(VPNPTCTL_NCOUNTERS));
}

UNIT_TEST(vpnptctl_decode_stats_variants)
{
	struct vpnptctl_stats st;
	struct mb m;

	/* Unknown counter types are ignored; a 32-bit counter is taken. */
	memset(&m, 0, sizeof(m));
	mb_nest(&m, VPNPT_A_STATS);
	mb_nest(&m, VPNPT_A_STATS_PROTO);
	mb_u32(&m, VPNPT_STAT_PACKETS, 12);
	mb_u64(&m, __VPNPT_STAT_MAX + 3, 1);
	mb_u32(&m, VPNPT_STAT_PROTO, VPNPT_PROTO_ESP);	/* after the counters */
	mb_end(&m);
	mb_end(&m);
	CHECK_EQ(vpnptctl_decode_stats(m.buf, m.len, &st), 0);
	CHECK_EQ(st.present, 1U << VPNPT_PROTO_ESP);
	CHECK_EQ(st.counters[VPNPT_PROTO_ESP][VPNPTCTL_C_PACKETS], 12);

	/* No VPNPT_A_STATS at all. */
	memset(&m, 0, sizeof(m));
	mb_u32(&m, VPNPT_A_SWITCHES, 1);
	CHECK_EQ(vpnptctl_decode_stats(m.buf, m.len, &st), -EBADMSG);
	/* An entry without its protocol. */
	memset(&m, 0, sizeof(m));
	mb_nest(&m, VPNPT_A_STATS);
	mb_nest(&m, VPNPT_A_STATS_PROTO);
	mb_u64(&m, VPNPT_STAT_PACKETS, 12);
	mb_end(&m);
	mb_end(&m);
	CHECK_EQ(vpnptctl_decode_stats(m.buf, m.len, &st), -EBADMSG);
	/* A counter of the wrong size. */
	memset(&m, 0, sizeof(m));
	mb_nest(&m, VPNPT_A_STATS);
	mb_nest(&m, VPNPT_A_STATS_PROTO);
	mb_u32(&m, VPNPT_STAT_PROTO, 0);
	mb_u16(&m, VPNPT_STAT_DROPPED_DISABLED, 1);
	mb_end(&m);
	mb_end(&m);
	CHECK_EQ(vpnptctl_decode_stats(m.buf, m.len, &st), -EBADMSG);
}

UNIT_TEST(vpnptctl_decode_session_all)
{
	struct vpnptctl_session s;
	uint32_t a;
	struct mb m;

	memset(&m, 0, sizeof(m));
	mb_nest(&m, VPNPT_A_SESSION);
	mb_u64(&m, VPNPT_SA_ID, 0x100000001ULL);
	mb_u32(&m, VPNPT_SA_PROTO, VPNPT_PROTO_ESP);
	mb_u32(&m, VPNPT_SA_STATE, VPNPT_SESSION_ESTABLISHED);
	mb_u32(&m, VPNPT_SA_CLIENT, htonl(0x0a63000b));
	mb_u32(&m, VPNPT_SA_SERVER, htonl(0xcb007102));
	mb_u32(&m, VPNPT_SA_PUBLIC, htonl(0xcb007101));
	mb_u32(&m, VPNPT_SA_AGE, 3700);
	mb_u32(&m, VPNPT_SA_IDLE, 5);
	mb_u64(&m, VPNPT_SA_PACKETS_OUT, 1);
	mb_u64(&m, VPNPT_SA_PACKETS_IN, 2);
	mb_u64(&m, VPNPT_SA_BYTES_OUT, 3);
	mb_u64(&m, VPNPT_SA_BYTES_IN, 4);
	mb_u16(&m, VPNPT_SA_CALL_ID_INSIDE, 5);
	mb_u16(&m, VPNPT_SA_CALL_ID_OUTSIDE, 6);
	mb_u16(&m, VPNPT_SA_PEER_CALL_ID, 7);
	mb_u32(&m, VPNPT_SA_SPI_OUT, htonl(0xc0ffee01));
	mb_u32(&m, VPNPT_SA_SPI_IN, htonl(0x00000102));
	mb_u64(&m, VPNPT_SA_IKE_SPI_I, 0x0123456789abcdefULL);
	mb_u64(&m, VPNPT_SA_IKE_SPI_R, 0xfedcba9876543210ULL);
	mb_u16(&m, VPNPT_SA_TUNNEL_ID, 8);
	mb_u16(&m, VPNPT_SA_PEER_TUNNEL_ID, 9);
	mb_u64(&m, VPNPT_SA_PARENT, 10);
	mb_u16(&m, VPNPT_SA_ZONE, 11);
	mb_nest(&m, VPNPT_SA_IKE_RESPONSES);
	mb_nest(&m, VPNPT_IKE_RESP_ENTRY);
	mb_u8(&m, VPNPT_IKE_RESP_EXCHANGE, 34);
	mb_u32(&m, VPNPT_IKE_RESP_AGE, 12);
	mb_end(&m);
	mb_u32(&m, __VPNPT_IKE_RESP_MAX + 1, 0);	/* newer than the tool */
	mb_nest(&m, VPNPT_IKE_RESP_ENTRY);
	mb_u32(&m, VPNPT_IKE_RESP_AGE, 3);	/* either order */
	mb_u8(&m, VPNPT_IKE_RESP_EXCHANGE, VPNPT_IKE_RESP_EXCH_PRIVATE);
	mb_u64(&m, __VPNPT_IKE_RESP_MAX + 1, 0);	/* newer than the tool */
	mb_end(&m);
	mb_end(&m);
	mb_u64(&m, __VPNPT_SA_MAX + 5, 1);	/* newer than the tool */
	mb_end(&m);
	CHECK_EQ(vpnptctl_decode_session_msg(m.buf, m.len, &s), 0);
	CHECK_EQ(s.present, ((1ULL << __VPNPT_SA_MAX) - 1) &
		 ~(VPNPTCTL_SA(VPNPT_SA_UNSPEC) | VPNPTCTL_SA(VPNPT_SA_PAD)));
	CHECK_EQ(s.id, 0x100000001ULL);
	CHECK_EQ(s.proto, VPNPT_PROTO_ESP);
	CHECK_EQ(s.state, VPNPT_SESSION_ESTABLISHED);
	inet_pton(AF_INET, "10.99.0.11", &a);
	CHECK_EQ(s.client, a);
	inet_pton(AF_INET, "203.0.113.2", &a);
	CHECK_EQ(s.server, a);
	inet_pton(AF_INET, "203.0.113.1", &a);
	CHECK_EQ(s.public_addr, a);
	CHECK_EQ(s.age, 3700);
	CHECK_EQ(s.idle, 5);
	CHECK_EQ(s.packets_out, 1);
	CHECK_EQ(s.packets_in, 2);
	CHECK_EQ(s.bytes_out, 3);
	CHECK_EQ(s.bytes_in, 4);
	CHECK_EQ(s.call_id_inside, 5);
	CHECK_EQ(s.call_id_outside, 6);
	CHECK_EQ(s.peer_call_id, 7);
	CHECK_EQ(s.spi_out, 0xc0ffee01);	/* host order now */
	CHECK_EQ(s.spi_in, 0x00000102);
	CHECK(s.ike_spi_i == 0x0123456789abcdefULL);
	CHECK(s.ike_spi_r == 0xfedcba9876543210ULL);
	CHECK_EQ(s.tunnel_id, 8);
	CHECK_EQ(s.peer_tunnel_id, 9);
	CHECK_EQ(s.parent, 10);
	CHECK_EQ(s.zone, 11);
	CHECK_EQ(s.n_ike_responses, 2);
	CHECK_EQ(s.ike_responses[0].exchange, 34);
	CHECK_EQ(s.ike_responses[0].age, 12);
	CHECK_EQ(s.ike_responses[1].exchange, 240);
	CHECK_EQ(s.ike_responses[1].age, 3);
}

UNIT_TEST(vpnptctl_decode_ike_responses)
{
	struct vpnptctl_session s;
	unsigned int i;
	struct mb m;

	/* An empty nest: present, no entries. */
	memset(&m, 0, sizeof(m));
	mb_nest(&m, VPNPT_A_SESSION);
	mb_nest(&m, VPNPT_SA_IKE_RESPONSES);
	mb_end(&m);
	mb_end(&m);
	CHECK_EQ(vpnptctl_decode_session_msg(m.buf, m.len, &s), 0);
	CHECK_EQ(s.present, VPNPTCTL_SA(VPNPT_SA_IKE_RESPONSES));
	CHECK_EQ(s.n_ike_responses, 0);

	/* More entries than the tool keeps: the first ones are kept. */
	memset(&m, 0, sizeof(m));
	mb_nest(&m, VPNPT_A_SESSION);
	mb_nest(&m, VPNPT_SA_IKE_RESPONSES);
	for (i = 0; i < VPNPTCTL_MAX_IKE_RESPONSES + 3; i++) {
		mb_nest(&m, VPNPT_IKE_RESP_ENTRY);
		mb_u8(&m, VPNPT_IKE_RESP_EXCHANGE, (uint8_t)i);
		mb_u32(&m, VPNPT_IKE_RESP_AGE, i * 10);
		mb_end(&m);
	}
	mb_end(&m);
	mb_end(&m);
	CHECK_EQ(vpnptctl_decode_session_msg(m.buf, m.len, &s), 0);
	CHECK_EQ(s.n_ike_responses, VPNPTCTL_MAX_IKE_RESPONSES);
	CHECK_EQ(s.ike_responses[VPNPTCTL_MAX_IKE_RESPONSES - 1].exchange,
		 VPNPTCTL_MAX_IKE_RESPONSES - 1);
	CHECK_EQ(s.ike_responses[VPNPTCTL_MAX_IKE_RESPONSES - 1].age,
		 (VPNPTCTL_MAX_IKE_RESPONSES - 1) * 10);

	/* The exchange type is a u8. */
	mb_ike_entry(&m);
	mb_u32(&m, VPNPT_IKE_RESP_EXCHANGE, 35);
	mb_end_n(&m, 3);
	CHECK_EQ(vpnptctl_decode_session_msg(m.buf, m.len, &s), -EBADMSG);

	/* The age is a u32. */
	mb_ike_entry(&m);
	mb_u8(&m, VPNPT_IKE_RESP_EXCHANGE, 35);
	mb_u64(&m, VPNPT_IKE_RESP_AGE, 1);
	mb_end_n(&m, 3);
	CHECK_EQ(vpnptctl_decode_session_msg(m.buf, m.len, &s), -EBADMSG);

	/* An entry without its exchange type. */
	mb_ike_entry(&m);
	mb_u32(&m, VPNPT_IKE_RESP_AGE, 1);
	mb_end_n(&m, 3);
	CHECK_EQ(vpnptctl_decode_session_msg(m.buf, m.len, &s), -EBADMSG);

	/* An entry running past its nest. */
	mb_ike_entry(&m);
	mb_u8(&m, VPNPT_IKE_RESP_EXCHANGE, 35);
	mb_end_n(&m, 3);
	m.buf[2 * NLA_HDRLEN] = 200;
	CHECK_EQ(vpnptctl_decode_session_msg(m.buf, m.len, &s), -EBADMSG);
}

UNIT_TEST(vpnptctl_decode_session_bad)
{
	struct vpnptctl_session s;
	struct mb m;

	memset(&m, 0, sizeof(m));
	mb_u32(&m, VPNPT_A_FLUSHED, 1);
	CHECK_EQ(vpnptctl_decode_session_msg(m.buf, m.len, &s), -ENOENT);
	CHECK_EQ(s.present, 0);

	memset(&m, 0, sizeof(m));
	mb_nest(&m, VPNPT_A_SESSION);
	mb_u32(&m, VPNPT_SA_CALL_ID_INSIDE, 5);		/* u16 expected */
	mb_end(&m);
	CHECK_EQ(vpnptctl_decode_session_msg(m.buf, m.len, &s), -EBADMSG);

	memset(&m, 0, sizeof(m));
	mb_nest(&m, VPNPT_A_SESSION);
	mb_u16(&m, VPNPT_SA_CLIENT, 5);			/* be32 expected */
	mb_end(&m);
	CHECK_EQ(vpnptctl_decode_session_msg(m.buf, m.len, &s), -EBADMSG);

	/* An attribute claims more than its nest holds. */
	memset(&m, 0, sizeof(m));
	mb_nest(&m, VPNPT_A_SESSION);
	mb_u32(&m, VPNPT_SA_PROTO, 0);
	mb_end(&m);
	m.buf[NLA_HDRLEN] = 200;
	CHECK_EQ(vpnptctl_decode_session_msg(m.buf, m.len, &s), -EBADMSG);

	/* A pad attribute is ignored, not recorded. */
	memset(&m, 0, sizeof(m));
	mb_nest(&m, VPNPT_A_SESSION);
	mb_put(&m, VPNPT_SA_PAD, "", 0);
	mb_u32(&m, VPNPT_SA_PROTO, 17);
	mb_end(&m);
	CHECK_EQ(vpnptctl_decode_session_msg(m.buf, m.len, &s), 0);
	CHECK_EQ(s.present, VPNPTCTL_SA(VPNPT_SA_PROTO));
	CHECK_EQ(s.proto, 17);
}

UNIT_TEST(vpnptctl_decode_flushed_event)
{
	struct vpnptctl_event ev;
	uint32_t n = 0;
	struct mb m;

	memset(&m, 0, sizeof(m));
	mb_u32(&m, VPNPT_A_FLUSHED, 42);
	CHECK_EQ(vpnptctl_decode_flushed(m.buf, m.len, &n), 0);
	CHECK_EQ(n, 42);
	CHECK_EQ(vpnptctl_decode_flushed(m.buf, 0, &n), -EBADMSG);
	memset(&m, 0, sizeof(m));
	mb_u64(&m, VPNPT_A_FLUSHED, 42);
	CHECK_EQ(vpnptctl_decode_flushed(m.buf, m.len, &n), -EBADMSG);

	memset(&m, 0, sizeof(m));
	mb_nest(&m, VPNPT_A_SESSION);
	mb_u64(&m, VPNPT_SA_ID, 3);
	mb_end(&m);
	CHECK_EQ(vpnptctl_decode_event(VPNPT_CMD_SESSION_NEW, m.buf, m.len, &ev), 0);
	CHECK_EQ(ev.type, VPNPTCTL_EV_SESSION_NEW);
	CHECK_EQ(ev.session.id, 3);
	CHECK_EQ(vpnptctl_decode_event(VPNPT_CMD_SESSION_DEL, m.buf, m.len, &ev), 0);
	CHECK_EQ(ev.type, VPNPTCTL_EV_SESSION_DEL);
	CHECK_EQ(vpnptctl_decode_event(VPNPT_CMD_GET_STATS, m.buf, m.len, &ev), -ENOENT);
	CHECK_EQ(vpnptctl_decode_event(__VPNPT_CMD_MAX, m.buf, m.len, &ev), -ENOENT);
	mb_config(&m);
	CHECK_EQ(vpnptctl_decode_event(VPNPT_CMD_SET_CONFIG, m.buf, m.len, &ev), 0);
	CHECK_EQ(ev.type, VPNPTCTL_EV_CONFIG);
	CHECK_EQ(ev.config.max_sessions, 65536);
}

UNIT_TEST(vpnptctl_decode_family)
{
	struct vpnptctl_family fam;
	struct mb m;

	memset(&m, 0, sizeof(m));
	mb_str(&m, CTRL_ATTR_FAMILY_NAME, "vpnpt");
	mb_u16(&m, CTRL_ATTR_FAMILY_ID, 0x1d);
	mb_u32(&m, CTRL_ATTR_VERSION, 1);
	mb_u32(&m, CTRL_ATTR_HDRSIZE, 0);
	mb_nest(&m, CTRL_ATTR_MCAST_GROUPS);
	mb_nest(&m, 1);
	mb_u32(&m, CTRL_ATTR_MCAST_GRP_ID, 7);
	mb_str(&m, CTRL_ATTR_MCAST_GRP_NAME, "other");
	mb_end(&m);
	mb_nest(&m, 2);
	mb_str(&m, CTRL_ATTR_MCAST_GRP_NAME, "events");
	mb_u32(&m, CTRL_ATTR_MCAST_GRP_ID, 9);
	mb_end(&m);
	mb_end(&m);
	CHECK_EQ(vpnptctl_decode_family(m.buf, m.len, "events", &fam), 0);
	CHECK_EQ(fam.id, 0x1d);
	CHECK_EQ(fam.version, 1);
	CHECK_EQ(fam.events_group, 9);
	CHECK_EQ(vpnptctl_decode_family(m.buf, m.len, "nope", &fam), 0);
	CHECK_EQ(fam.events_group, 0);

	memset(&m, 0, sizeof(m));
	mb_u32(&m, CTRL_ATTR_VERSION, 1);
	CHECK_EQ(vpnptctl_decode_family(m.buf, m.len, "events", &fam), -EBADMSG);
}

/* Messages for vpnptctl_decode_nlerr. */
static size_t nl_error(unsigned char *buf, int error, bool capped,
		       const char *ext)
{
	struct nlmsghdr req = {
		.nlmsg_len = NLMSG_HDRLEN + 12, .nlmsg_type = 0x1d,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 5,
	};
	struct nlmsghdr nlh = {
		.nlmsg_type = NLMSG_ERROR, .nlmsg_seq = 5,
	};
	struct nlmsgerr e = { .error = error, .msg = req };
	size_t len = NLMSG_HDRLEN;
	struct mb m;

	memcpy(buf + len, &e, sizeof(e));
	len += sizeof(e);
	if (!capped) {
		memset(buf + len, 0xee, 12);	/* the echoed request's payload */
		len += 12;
	} else {
		nlh.nlmsg_flags |= NLM_F_CAPPED;
	}
	if (ext) {
		memset(&m, 0, sizeof(m));
		mb_u32(&m, NLMSGERR_ATTR_OFFS, 20);
		mb_str(&m, NLMSGERR_ATTR_MSG, ext);
		memcpy(buf + len, m.buf, m.len);
		len += m.len;
		nlh.nlmsg_flags |= NLM_F_ACK_TLVS;
	}
	nlh.nlmsg_len = (uint32_t)len;
	memcpy(buf, &nlh, sizeof(nlh));
	return len;
}

UNIT_TEST(vpnptctl_decode_nlerr)
{
	unsigned char buf[512] __attribute__((aligned(4)));
	char msg[VPNPTCTL_ERRLEN];
	struct nlmsghdr done = {
		.nlmsg_len = NLMSG_HDRLEN + 4, .nlmsg_type = NLMSG_DONE,
	};
	int error = 1, v = -EINTR;
	size_t len;

	len = nl_error(buf, 0, true, NULL);
	CHECK_EQ(vpnptctl_decode_nlerr(buf, len, &error, msg, sizeof(msg)), 0);
	CHECK_EQ(error, 0);
	CHECK_STR(msg, "");

	len = nl_error(buf, -EINVAL, true, "attribute out of range");
	CHECK_EQ(vpnptctl_decode_nlerr(buf, len, &error, msg, sizeof(msg)), 0);
	CHECK_EQ(error, -EINVAL);
	CHECK_STR(msg, "attribute out of range");

	/* Not capped: the request is echoed before the TLVs. */
	len = nl_error(buf, -EPERM, false, "no");
	CHECK_EQ(vpnptctl_decode_nlerr(buf, len, &error, msg, sizeof(msg)), 0);
	CHECK_EQ(error, -EPERM);
	CHECK_STR(msg, "no");
	len = nl_error(buf, -EPERM, false, NULL);
	CHECK_EQ(vpnptctl_decode_nlerr(buf, len, &error, msg, sizeof(msg)), 0);
	CHECK_EQ(error, -EPERM);
	CHECK_STR(msg, "");

	/* A message cut short of its error, or of its header. */
	CHECK_EQ(vpnptctl_decode_nlerr(buf, NLMSG_HDRLEN + 2, &error, msg,
				       sizeof(msg)), -EBADMSG);
	CHECK_EQ(vpnptctl_decode_nlerr(buf, 8, &error, msg, sizeof(msg)), -EBADMSG);
	/* Short message buffer: truncated. */
	len = nl_error(buf, -EINVAL, true, "attribute out of range");
	CHECK_EQ(vpnptctl_decode_nlerr(buf, len, &error, msg, 5), 0);
	CHECK_STR(msg, "attr");

	/* NLMSG_DONE of a dump that failed half-way. */
	memcpy(buf, &done, sizeof(done));
	memcpy(buf + NLMSG_HDRLEN, &v, sizeof(v));
	CHECK_EQ(vpnptctl_decode_nlerr(buf, done.nlmsg_len, &error, msg,
				       sizeof(msg)), 0);
	CHECK_EQ(error, -EINTR);
	v = 0;
	memcpy(buf + NLMSG_HDRLEN, &v, sizeof(v));
	CHECK_EQ(vpnptctl_decode_nlerr(buf, done.nlmsg_len, &error, msg,
				       sizeof(msg)), 0);
	CHECK_EQ(error, 0);

	/* Any other type is not an error message. */
	done.nlmsg_type = 0x1d;
	memcpy(buf, &done, sizeof(done));
	CHECK_EQ(vpnptctl_decode_nlerr(buf, done.nlmsg_len, &error, msg,
				       sizeof(msg)), -EBADMSG);
}
