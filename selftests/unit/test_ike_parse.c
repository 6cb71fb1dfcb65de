// SPDX-License-Identifier: GPL-2.0
/* Unit tests for src/ike_parse.c: ISAKMP/IKE, ESP and NAT-T parsing. */
#include "ike_parse.h"
#include "unit.h"

#define ISPI 0x0102030405060708ull
#define RSPI 0x1112131415161718ull

static void put32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static void put64(u8 *p, u64 v)
{
	put32(p, (u32)(v >> 32));
	put32(p + 4, (u32)v);
}

/* Write an ISAKMP header at @b whose Length field is @length. */
static void ike_hdr(u8 *b, u64 ispi, u64 rspi, u8 ver, u8 exch, u8 flags,
		    u32 msg_id, u32 length)
{
	put64(b, ispi);
	put64(b + 8, rspi);
	b[16] = 33;	/* next payload: IKEv2 SA, or anything for v1 */
	b[17] = ver;
	b[18] = exch;
	b[19] = flags;
	put32(b + 20, msg_id);
	put32(b + 24, length);
}

/* Build a whole message of @len octets and parse it. */
static int ike_msg(struct vpnpt_ike_hdr *h, u64 ispi, u64 rspi, u8 ver,
		   u8 exch, u8 flags, size_t len)
{
	u8 b[256];
	size_t i;

	for (i = 0; i < sizeof(b); i++)
		b[i] = (u8)(0xa0 + i);
	ike_hdr(b, ispi, rspi, ver, exch, flags, 7, (u32)len);
	return vpnpt_ike_parse(b, len, h);
}

UNIT_TEST(ike_v1_main_mode_first)
{
	struct vpnpt_ike_hdr h;
	u8 b[28 + 52] = { 0 };

	ike_hdr(b, ISPI, 0, 0x10, VPNPT_IKEV1_EXCH_MAIN, 0, 0, sizeof(b));
	b[16] = 1;	/* SA */
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), 0);
	CHECK(h.ispi == ISPI);
	CHECK(h.rspi == 0);
	CHECK_EQ(h.next_payload, 1);
	CHECK_EQ(h.version, 1);
	CHECK_EQ(h.minor, 0);
	CHECK_EQ(h.exchange, 2);
	CHECK_EQ(h.flags, 0);
	CHECK_EQ(h.msg_id, 0);
	CHECK_EQ(h.length, sizeof(b));
	CHECK(!h.initiator);
	CHECK(!h.response);
	CHECK(!vpnpt_ike_is_response(&h));
	CHECK_EQ(vpnpt_ike_child_event(&h, false), VPNPT_IKE_CHILD_NONE);
	CHECK_EQ(vpnpt_ike_child_event(&h, true), VPNPT_IKE_CHILD_NONE);
	CHECK_STR(vpnpt_ike_exchange_name(h.version, h.exchange), "MAIN_MODE");

	/* The responder's answer carries its cookie; encrypted later on. */
	ike_hdr(b, ISPI, RSPI, 0x10, VPNPT_IKEV1_EXCH_MAIN,
		VPNPT_IKEV1_FLAG_ENCRYPT, 0, sizeof(b));
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), 0);
	CHECK(h.rspi == RSPI);
	CHECK_EQ(h.flags, VPNPT_IKEV1_FLAG_ENCRYPT);
	CHECK(!vpnpt_ike_is_response(&h));
}

UNIT_TEST(ike_v1_exchanges_and_rspi)
{
	struct vpnpt_ike_hdr h;

	/* Phase 1 and informational: responder cookie may be zero. */
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x10, VPNPT_IKEV1_EXCH_BASE, 0, 40), 0);
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x10, VPNPT_IKEV1_EXCH_AUTH_ONLY, 0, 40), 0);
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x10, VPNPT_IKEV1_EXCH_AGGRESSIVE, 0, 40), 0);
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x10, VPNPT_IKEV1_EXCH_INFO, 0, 40), 0);
	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x10, VPNPT_IKEV1_EXCH_INFO, 1, 40), 0);
	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x10, VPNPT_IKEV1_EXCH_TRANSACTION,
			 1, 60), 0);
	CHECK_STR(vpnpt_ike_exchange_name(1, 6), "TRANSACTION");
	/* Quick Mode and New Group Mode run under an ISAKMP SA. */
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x10, VPNPT_IKEV1_EXCH_QUICK, 1, 60),
		 -VPNPT_IKE_ERR_RSPI);
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x10, VPNPT_IKEV1_EXCH_NEW_GROUP, 1, 60),
		 -VPNPT_IKE_ERR_RSPI);
	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x10, VPNPT_IKEV1_EXCH_NEW_GROUP, 1,
			 60), 0);
	CHECK_EQ(vpnpt_ike_child_event(&h, true), VPNPT_IKE_CHILD_NONE);
	/* Private use. */
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x10, 240, 0, 40), 0);
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x10, 255, 0, 40), 0);
	CHECK_STR(vpnpt_ike_exchange_name(1, 255), "PRIVATE");
}

UNIT_TEST(ike_v1_quick_mode)
{
	struct vpnpt_ike_hdr h;

	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x10, VPNPT_IKEV1_EXCH_QUICK,
			 VPNPT_IKEV1_FLAG_ENCRYPT, 92), 0);
	CHECK_EQ(h.msg_id, 7);
	CHECK(!vpnpt_ike_is_response(&h));
	CHECK_EQ(vpnpt_ike_child_event(&h, true), VPNPT_IKE_CHILD_QUICK);
	CHECK_EQ(vpnpt_ike_child_event(&h, false), VPNPT_IKE_CHILD_NONE);
	CHECK_STR(vpnpt_ike_exchange_name(1, 32), "QUICK_MODE");
	/* IKEv2 flag bits mean nothing in IKEv1. */
	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x10, VPNPT_IKEV1_EXCH_QUICK, 0x28,
			 92), 0);
	CHECK(!h.initiator);
	CHECK(!h.response);
	CHECK(!vpnpt_ike_is_response(&h));
}

UNIT_TEST(ike_v2_sa_init_request)
{
	struct vpnpt_ike_hdr h;
	u8 b[28 + 200] = { 0 };

	ike_hdr(b, ISPI, 0, 0x20, VPNPT_IKEV2_EXCH_IKE_SA_INIT,
		VPNPT_IKEV2_FLAG_INITIATOR, 0, sizeof(b));
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), 0);
	CHECK(h.ispi == ISPI);
	CHECK(h.rspi == 0);
	CHECK_EQ(h.next_payload, 33);
	CHECK_EQ(h.version, 2);
	CHECK_EQ(h.minor, 0);
	CHECK_EQ(h.exchange, 34);
	CHECK_EQ(h.flags, 0x08);
	CHECK_EQ(h.msg_id, 0);
	CHECK_EQ(h.length, sizeof(b));
	CHECK(h.initiator);
	CHECK(!h.response);
	CHECK(!vpnpt_ike_is_response(&h));
	CHECK_EQ(vpnpt_ike_child_event(&h, true), VPNPT_IKE_CHILD_NONE);
	CHECK_STR(vpnpt_ike_exchange_name(2, 34), "IKE_SA_INIT");

	/* The request must not carry a responder SPI. */
	ike_hdr(b, ISPI, RSPI, 0x20, VPNPT_IKEV2_EXCH_IKE_SA_INIT,
		VPNPT_IKEV2_FLAG_INITIATOR, 0, sizeof(b));
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), -VPNPT_IKE_ERR_RSPI);
	/* Minor version, V flag and reserved flags are ignored. */
	ike_hdr(b, ISPI, 0, 0x2f, VPNPT_IKEV2_EXCH_IKE_SA_INIT,
		0x08 | 0x10 | 0x01 | 0x80, 0, sizeof(b));
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), 0);
	CHECK_EQ(h.minor, 15);
	CHECK(h.initiator);
	CHECK(!h.response);
}

UNIT_TEST(ike_v2_sa_init_response)
{
	struct vpnpt_ike_hdr h;

	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x20, VPNPT_IKEV2_EXCH_IKE_SA_INIT,
			 VPNPT_IKEV2_FLAG_RESPONSE, 240), 0);
	CHECK(h.rspi == RSPI);
	CHECK(!h.initiator);
	CHECK(h.response);
	CHECK(vpnpt_ike_is_response(&h));
	CHECK_EQ(vpnpt_ike_child_event(&h, false), VPNPT_IKE_CHILD_NONE);
	/* COOKIE or INVALID_KE_PAYLOAD responses may keep a zero SPI. */
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x20, VPNPT_IKEV2_EXCH_IKE_SA_INIT,
			 VPNPT_IKEV2_FLAG_RESPONSE, 38), 0);
	CHECK(h.rspi == 0);
	CHECK(h.response);
}

UNIT_TEST(ike_v2_auth)
{
	struct vpnpt_ike_hdr h;

	/* Response from the original responder: creates the first Child SA. */
	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x20, VPNPT_IKEV2_EXCH_IKE_AUTH,
			 VPNPT_IKEV2_FLAG_RESPONSE, 200), 0);
	CHECK_EQ(h.msg_id, 7);
	CHECK(h.response);
	CHECK(!h.initiator);
	CHECK_EQ(vpnpt_ike_child_event(&h, false), VPNPT_IKE_CHILD_AUTH);
	CHECK_EQ(vpnpt_ike_child_event(&h, true), VPNPT_IKE_CHILD_AUTH);
	CHECK_STR(vpnpt_ike_exchange_name(2, 35), "IKE_AUTH");
	/* The request does not. */
	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x20, VPNPT_IKEV2_EXCH_IKE_AUTH,
			 VPNPT_IKEV2_FLAG_INITIATOR, 200), 0);
	CHECK_EQ(vpnpt_ike_child_event(&h, true), VPNPT_IKE_CHILD_NONE);
	/* Past IKE_SA_INIT the responder SPI is known. */
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x20, VPNPT_IKEV2_EXCH_IKE_AUTH,
			 VPNPT_IKEV2_FLAG_RESPONSE, 200), -VPNPT_IKE_ERR_RSPI);
}

UNIT_TEST(ike_v2_create_child_sa)
{
	struct vpnpt_ike_hdr h;

	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x20, VPNPT_IKEV2_EXCH_CREATE_CHILD_SA,
			 VPNPT_IKEV2_FLAG_RESPONSE, 180), 0);
	CHECK_EQ(vpnpt_ike_child_event(&h, false), VPNPT_IKE_CHILD_CREATE);
	CHECK_STR(vpnpt_ike_exchange_name(2, 36), "CREATE_CHILD_SA");
	/* Started by the responder (rekey): answered by the initiator. */
	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x20, VPNPT_IKEV2_EXCH_CREATE_CHILD_SA,
			 VPNPT_IKEV2_FLAG_RESPONSE | VPNPT_IKEV2_FLAG_INITIATOR,
			 180), 0);
	CHECK(h.initiator);
	CHECK(h.response);
	CHECK_EQ(vpnpt_ike_child_event(&h, false), VPNPT_IKE_CHILD_CREATE);
	/* Requests, either way. */
	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x20, VPNPT_IKEV2_EXCH_CREATE_CHILD_SA,
			 VPNPT_IKEV2_FLAG_INITIATOR, 180), 0);
	CHECK_EQ(vpnpt_ike_child_event(&h, true), VPNPT_IKE_CHILD_NONE);
	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x20, VPNPT_IKEV2_EXCH_CREATE_CHILD_SA,
			 0, 180), 0);
	CHECK_EQ(vpnpt_ike_child_event(&h, true), VPNPT_IKE_CHILD_NONE);
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x20, VPNPT_IKEV2_EXCH_CREATE_CHILD_SA,
			 VPNPT_IKEV2_FLAG_RESPONSE, 180), -VPNPT_IKE_ERR_RSPI);
	/* RFC 9370 additional key exchanges complete the CREATE_CHILD_SA. */
	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x20, VPNPT_IKEV2_EXCH_IKE_FOLLOWUP_KE,
			 VPNPT_IKEV2_FLAG_RESPONSE, 100), 0);
	CHECK_EQ(vpnpt_ike_child_event(&h, false), VPNPT_IKE_CHILD_CREATE);
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x20, VPNPT_IKEV2_EXCH_IKE_FOLLOWUP_KE,
			 VPNPT_IKEV2_FLAG_RESPONSE, 100), -VPNPT_IKE_ERR_RSPI);
	/* RFC 9242 intermediate exchanges precede IKE_AUTH: no Child SA. */
	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x20, VPNPT_IKEV2_EXCH_IKE_INTERMEDIATE,
			 VPNPT_IKEV2_FLAG_RESPONSE, 100), 0);
	CHECK_EQ(vpnpt_ike_child_event(&h, false), VPNPT_IKE_CHILD_NONE);
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x20, VPNPT_IKEV2_EXCH_IKE_INTERMEDIATE,
			 VPNPT_IKEV2_FLAG_RESPONSE, 100), -VPNPT_IKE_ERR_RSPI);
}

/* Parse a 28-octet IKEv2 header with this exchange, flags and Message ID. */
static void v2_hdr(struct vpnpt_ike_hdr *h, u8 exch, u8 flags, u32 msg_id)
{
	u8 b[28];

	/* IKE_SA_INIT requests have no responder SPI yet. */
	ike_hdr(b, ISPI, exch == VPNPT_IKEV2_EXCH_IKE_SA_INIT &&
		!(flags & VPNPT_IKEV2_FLAG_RESPONSE) ? 0 : RSPI, 0x20, exch,
		flags, msg_id, sizeof(b));
	if (vpnpt_ike_parse(b, sizeof(b), h))
		memset(h, 0, sizeof(*h));
}

UNIT_TEST(ike_v2_response_answers_request)
{
	const u8 cc = VPNPT_IKEV2_EXCH_CREATE_CHILD_SA;
	const u8 resp = VPNPT_IKEV2_FLAG_RESPONSE;
	struct vpnpt_ike_hdr req, h;
	u64 key;

	v2_hdr(&req, cc, VPNPT_IKEV2_FLAG_INITIATOR, 5);
	key = vpnpt_ike_request_key(&req);
	CHECK(key != 0);
	v2_hdr(&h, cc, resp, 5);
	CHECK(vpnpt_ike_answers(key, &h));
	/* Another Message ID, another exchange, a request: no answer. */
	v2_hdr(&h, cc, resp, 6);
	CHECK(!vpnpt_ike_answers(key, &h));
	v2_hdr(&h, VPNPT_IKEV2_EXCH_IKE_AUTH, resp, 5);
	CHECK(!vpnpt_ike_answers(key, &h));
	v2_hdr(&h, cc, 0, 5);
	CHECK(!vpnpt_ike_answers(key, &h));
	/* No request seen: a response alone answers nothing. */
	v2_hdr(&h, cc, resp, 0);
	CHECK(!vpnpt_ike_answers(0, &h));
	/* Message ID 0 (IKE_SA_INIT) still makes a non-zero key. */
	v2_hdr(&req, VPNPT_IKEV2_EXCH_IKE_SA_INIT, VPNPT_IKEV2_FLAG_INITIATOR, 0);
	CHECK(vpnpt_ike_request_key(&req) != 0);
	/* Responses and IKEv1 make no key. */
	CHECK_EQ(vpnpt_ike_request_key(&h), 0);
	req.version = VPNPT_IKE_V1;
	CHECK_EQ(vpnpt_ike_request_key(&req), 0);
}

UNIT_TEST(ike_v2_informational)
{
	struct vpnpt_ike_hdr h;

	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x20, VPNPT_IKEV2_EXCH_INFORMATIONAL,
			 VPNPT_IKEV2_FLAG_INITIATOR, 80), 0);
	CHECK_EQ(vpnpt_ike_child_event(&h, true), VPNPT_IKE_CHILD_NONE);
	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x20, VPNPT_IKEV2_EXCH_INFORMATIONAL,
			 VPNPT_IKEV2_FLAG_RESPONSE, 80), 0);
	CHECK(vpnpt_ike_is_response(&h));
	CHECK_EQ(vpnpt_ike_child_event(&h, true), VPNPT_IKE_CHILD_NONE);
	CHECK_STR(vpnpt_ike_exchange_name(2, 37), "INFORMATIONAL");
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x20, VPNPT_IKEV2_EXCH_INFORMATIONAL,
			 VPNPT_IKEV2_FLAG_INITIATOR, 80), -VPNPT_IKE_ERR_RSPI);
}

UNIT_TEST(ike_v2_other_exchanges)
{
	struct vpnpt_ike_hdr h;
	u8 x;

	/* Session resumption, G-IKEv2 and private use: no SPI constraint. */
	for (x = 38; x <= 42; x++) {
		CHECK_EQ(ike_msg(&h, ISPI, 0, 0x20, x, 0x08, 60), 0);
		CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x20, x, 0x20, 60), 0);
		CHECK_EQ(vpnpt_ike_child_event(&h, false), VPNPT_IKE_CHILD_NONE);
	}
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x20, 240, 0x08, 60), 0);
	CHECK_EQ(ike_msg(&h, ISPI, 0, 0x20, 255, 0x20, 60), 0);
	CHECK_EQ(vpnpt_ike_child_event(&h, false), VPNPT_IKE_CHILD_NONE);
	CHECK_STR(vpnpt_ike_exchange_name(2, 38), "IKE_SESSION_RESUME");
	CHECK_STR(vpnpt_ike_exchange_name(2, 39), "GSA_AUTH");
	CHECK_STR(vpnpt_ike_exchange_name(2, 40), "GSA_REGISTRATION");
	CHECK_STR(vpnpt_ike_exchange_name(2, 41), "GSA_REKEY");
	CHECK_STR(vpnpt_ike_exchange_name(2, 42), "GSA_INBAND_REKEY");
	CHECK_STR(vpnpt_ike_exchange_name(2, 43), "IKE_INTERMEDIATE");
	CHECK_STR(vpnpt_ike_exchange_name(2, 44), "IKE_FOLLOWUP_KE");
	CHECK_STR(vpnpt_ike_exchange_name(2, 240), "PRIVATE");
}

UNIT_TEST(ike_truncated_every_length)
{
	struct vpnpt_ike_hdr h;
	u8 b[VPNPT_IKE_HDR_LEN] = { 0 };
	size_t n;

	ike_hdr(b, ISPI, 0, 0x20, 34, 0x08, 0, sizeof(b));
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), 0);
	for (n = 0; n < VPNPT_IKE_HDR_LEN; n++)
		CHECK_EQ(vpnpt_ike_parse(b, n, &h), -VPNPT_IKE_ERR_TRUNCATED);
	CHECK_EQ(vpnpt_ike_parse(NULL, 0, &h), -VPNPT_IKE_ERR_TRUNCATED);
}

UNIT_TEST(ike_length_field)
{
	struct vpnpt_ike_hdr h;
	u8 b[100] = { 0 };

	/* Bigger than the datagram. */
	ike_hdr(b, ISPI, 0, 0x20, 34, 0x08, 0, 101);
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), -VPNPT_IKE_ERR_LENGTH);
	ike_hdr(b, ISPI, 0, 0x20, 34, 0x08, 0, 0xffffffffu);
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), -VPNPT_IKE_ERR_LENGTH);
	CHECK(h.length == 0xffffffffu);
	/* Smaller than the header. */
	ike_hdr(b, ISPI, 0, 0x20, 34, 0x08, 0, 27);
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), -VPNPT_IKE_ERR_LENGTH);
	ike_hdr(b, ISPI, 0, 0x20, 34, 0x08, 0, 0);
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), -VPNPT_IKE_ERR_LENGTH);
	CHECK_EQ(vpnpt_ike_parse(b, 28, &h), -VPNPT_IKE_ERR_LENGTH);
	/* Smaller than the datagram: all else checked, header complete. */
	ike_hdr(b, ISPI, 0, 0x20, 34, 0x08, 0, 28);
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), -VPNPT_IKE_ERR_TRAILING);
	CHECK_EQ(h.length, 28);
	CHECK(h.ispi == ISPI);
	CHECK_EQ(h.exchange, 34);
	CHECK(h.initiator);
	CHECK_EQ(vpnpt_ike_parse(b, 28, &h), 0);
	ike_hdr(b, ISPI, 0, 0x20, 34, 0x08, 0, 99);
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), -VPNPT_IKE_ERR_TRAILING);
	CHECK_EQ(vpnpt_ike_parse(b, 99, &h), 0);
	/* Other errors take precedence over trailing octets. */
	ike_hdr(b, 0, 0, 0x20, 34, 0x08, 0, 28);
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), -VPNPT_IKE_ERR_ISPI_ZERO);
	ike_hdr(b, ISPI, RSPI, 0x20, 34, 0x08, 0, 28);
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), -VPNPT_IKE_ERR_RSPI);
	/* Exactly the header, no payloads. */
	ike_hdr(b, ISPI, RSPI, 0x10, 5, 0, 0, 28);
	CHECK_EQ(vpnpt_ike_parse(b, 28, &h), 0);
}

UNIT_TEST(ike_version)
{
	struct vpnpt_ike_hdr h;
	u8 b[40] = { 0 };

	ike_hdr(b, ISPI, 0, 0x00, 34, 0x08, 0, sizeof(b));
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), -VPNPT_IKE_ERR_VERSION);
	CHECK_EQ(h.version, 0);
	CHECK(!h.initiator);
	ike_hdr(b, ISPI, 0, 0x30, 34, 0x08, 0, sizeof(b));
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), -VPNPT_IKE_ERR_VERSION);
	CHECK_EQ(h.version, 3);
	ike_hdr(b, ISPI, 0, 0xf0, 34, 0x08, 0, sizeof(b));
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), -VPNPT_IKE_ERR_VERSION);
	CHECK_EQ(h.version, 15);
	ike_hdr(b, ISPI, 0, 0x02, 34, 0x08, 0, sizeof(b));	/* 0.2 */
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), -VPNPT_IKE_ERR_VERSION);
	/* Version is checked before everything else in the header. */
	ike_hdr(b, 0, 0, 0x30, 0, 0, 0, 5);
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), -VPNPT_IKE_ERR_VERSION);
	/* Minor version is not checked. */
	ike_hdr(b, ISPI, 0, 0x1f, 2, 0, 0, sizeof(b));
	CHECK_EQ(vpnpt_ike_parse(b, sizeof(b), &h), 0);
	CHECK_EQ(h.version, 1);
	CHECK_EQ(h.minor, 15);
}

UNIT_TEST(ike_ispi_zero)
{
	struct vpnpt_ike_hdr h;

	CHECK_EQ(ike_msg(&h, 0, 0, 0x20, 34, 0x08, 40), -VPNPT_IKE_ERR_ISPI_ZERO);
	CHECK_EQ(ike_msg(&h, 0, RSPI, 0x20, 35, 0x20, 40),
		 -VPNPT_IKE_ERR_ISPI_ZERO);
	CHECK_EQ(ike_msg(&h, 0, 0, 0x10, 2, 0, 40), -VPNPT_IKE_ERR_ISPI_ZERO);
	CHECK_EQ(ike_msg(&h, 0, RSPI, 0x10, 32, 1, 40), -VPNPT_IKE_ERR_ISPI_ZERO);
	/* Only the low or high half set is nonzero. */
	CHECK_EQ(ike_msg(&h, 1, 0, 0x20, 34, 0x08, 40), 0);
	CHECK_EQ(ike_msg(&h, 1ull << 63, 0, 0x20, 34, 0x08, 40), 0);
}

UNIT_TEST(ike_unknown_exchange)
{
	static const u8 v1_bad[] = { 0, 7, 31, 34, 35, 37, 239 };
	static const u8 v2_bad[] = { 0, 1, 5, 32, 33, 45, 100, 239 };
	struct vpnpt_ike_hdr h;
	size_t i;

	for (i = 0; i < sizeof(v1_bad); i++) {
		CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x10, v1_bad[i], 0, 40),
			 -VPNPT_IKE_ERR_EXCHANGE);
		CHECK_STR(vpnpt_ike_exchange_name(1, v1_bad[i]), "UNKNOWN");
	}
	for (i = 0; i < sizeof(v2_bad); i++) {
		CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x20, v2_bad[i], 0x08, 40),
			 -VPNPT_IKE_ERR_EXCHANGE);
		CHECK_STR(vpnpt_ike_exchange_name(2, v2_bad[i]), "UNKNOWN");
	}
	/* Exchange is checked before the responder SPI. */
	CHECK_EQ(ike_msg(&h, ISPI, RSPI, 0x20, 33, 0x08, 40),
		 -VPNPT_IKE_ERR_EXCHANGE);
}

UNIT_TEST(ike_exchange_names_match_parser)
{
	struct vpnpt_ike_hdr h;
	unsigned int v, x;

	/* A type is named exactly when the parser accepts it. */
	for (v = 1; v <= 2; v++) {
		for (x = 0; x < 256; x++) {
			int r = ike_msg(&h, ISPI, RSPI, (u8)(v << 4), (u8)x,
					0x20, 40);
			const char *n = vpnpt_ike_exchange_name((u8)v, (u8)x);

			CHECK(n);
			CHECK_EQ(r == 0, strcmp(n, "UNKNOWN") != 0);
			CHECK(r == 0 || r == -VPNPT_IKE_ERR_EXCHANGE);
		}
	}
	CHECK_STR(vpnpt_ike_exchange_name(0, 34), "UNKNOWN");
	CHECK_STR(vpnpt_ike_exchange_name(3, 34), "UNKNOWN");
	CHECK_STR(vpnpt_ike_exchange_name(3, 250), "UNKNOWN");
	CHECK_STR(vpnpt_ike_exchange_name(1, 1), "BASE");
	CHECK_STR(vpnpt_ike_exchange_name(1, 3), "AUTH_ONLY");
	CHECK_STR(vpnpt_ike_exchange_name(1, 4), "AGGRESSIVE_MODE");
	CHECK_STR(vpnpt_ike_exchange_name(1, 5), "INFORMATIONAL");
	CHECK_STR(vpnpt_ike_exchange_name(1, 33), "NEW_GROUP_MODE");
}

UNIT_TEST(ike_child_event_bad_version)
{
	struct vpnpt_ike_hdr h = { .version = 3, .exchange = 35,
				   .flags = VPNPT_IKEV2_FLAG_RESPONSE };

	CHECK_EQ(vpnpt_ike_child_event(&h, true), VPNPT_IKE_CHILD_NONE);
	CHECK(!vpnpt_ike_is_response(&h));
}

UNIT_TEST(esp_parse)
{
	u8 b[16] = { 0xc0, 0xff, 0xee, 0x01, 0x00, 0x00, 0x00, 0x2a };
	u32 spi = 1, seq = 1;
	size_t n;

	CHECK_EQ(vpnpt_esp_parse(b, sizeof(b), &spi, &seq), 0);
	CHECK_EQ(spi, 0xc0ffee01u);
	CHECK_EQ(seq, 42);
	CHECK_EQ(vpnpt_esp_parse(b, 8, &spi, &seq), 0);
	for (n = 0; n < VPNPT_ESP_HDR_LEN; n++)
		CHECK_EQ(vpnpt_esp_parse(b, n, &spi, &seq),
			 -VPNPT_IKE_ERR_TRUNCATED);
	CHECK_EQ(vpnpt_esp_parse(NULL, 0, &spi, &seq), -VPNPT_IKE_ERR_TRUNCATED);

	/* Sequence number 0 (ESN low half wrapping) is fine. */
	put32(b + 4, 0);
	CHECK_EQ(vpnpt_esp_parse(b, 8, &spi, &seq), 0);
	CHECK_EQ(seq, 0);
	put32(b + 4, 0xffffffffu);
	CHECK_EQ(vpnpt_esp_parse(b, 8, &spi, &seq), 0);
	CHECK_EQ(seq, 0xffffffffu);

	put32(b, 0);
	CHECK_EQ(vpnpt_esp_parse(b, 8, &spi, &seq), -VPNPT_IKE_ERR_ESP_SPI_ZERO);
	CHECK_EQ(spi, 0);
	put32(b, 1);
	CHECK_EQ(vpnpt_esp_parse(b, 8, &spi, &seq),
		 -VPNPT_IKE_ERR_ESP_SPI_RESERVED);
	CHECK_EQ(spi, 1);
	put32(b, 255);
	CHECK_EQ(vpnpt_esp_parse(b, 8, &spi, &seq),
		 -VPNPT_IKE_ERR_ESP_SPI_RESERVED);
	put32(b, 256);
	CHECK_EQ(vpnpt_esp_parse(b, 8, &spi, &seq), 0);
	CHECK_EQ(spi, 256);
	put32(b, 0xffffffffu);
	CHECK_EQ(vpnpt_esp_parse(b, 8, &spi, &seq), 0);
	CHECK_EQ(spi, 0xffffffffu);
}

UNIT_TEST(natt_keepalive)
{
	u8 b[4] = { 0xff, 0xff, 0xff, 0xff };
	size_t off = 99;

	CHECK_EQ(vpnpt_natt_classify(b, 1, &off), VPNPT_NATT_KEEPALIVE);
	CHECK_EQ(off, 0);
	CHECK_EQ(vpnpt_natt_classify(b, 1, NULL), VPNPT_NATT_KEEPALIVE);
	/* One octet other than 0xff. */
	b[0] = 0x00;
	off = 99;
	CHECK_EQ(vpnpt_natt_classify(b, 1, &off), VPNPT_NATT_MALFORMED);
	CHECK_EQ(off, 0);
	b[0] = 0xfe;
	CHECK_EQ(vpnpt_natt_classify(b, 1, &off), VPNPT_NATT_MALFORMED);
	/* 0xff followed by more is not a keepalive. */
	b[0] = 0xff;
	CHECK_EQ(vpnpt_natt_classify(b, 2, &off), VPNPT_NATT_MALFORMED);
	CHECK_EQ(vpnpt_natt_classify(b, 3, &off), VPNPT_NATT_MALFORMED);
	CHECK_EQ(vpnpt_natt_classify(b, 4, &off), VPNPT_NATT_MALFORMED);
}

UNIT_TEST(natt_short_and_empty)
{
	u8 b[40] = { 0 };
	size_t off = 99, n;

	CHECK_EQ(vpnpt_natt_classify(NULL, 0, &off), VPNPT_NATT_MALFORMED);
	CHECK_EQ(off, 0);
	CHECK_EQ(vpnpt_natt_classify(b, 0, NULL), VPNPT_NATT_MALFORMED);
	CHECK_EQ(vpnpt_natt_classify(b, 2, &off), VPNPT_NATT_MALFORMED);
	CHECK_EQ(vpnpt_natt_classify(b, 3, &off), VPNPT_NATT_MALFORMED);
	/* Marker only, and marker with less than an ISAKMP header. */
	for (n = 4; n < 4 + VPNPT_IKE_HDR_LEN; n++) {
		off = 99;
		CHECK_EQ(vpnpt_natt_classify(b, n, &off), VPNPT_NATT_MALFORMED);
		CHECK_EQ(off, 0);
	}
	/* An SPI with less than an ESP header. */
	b[3] = 1;
	for (n = 4; n < VPNPT_ESP_HDR_LEN; n++)
		CHECK_EQ(vpnpt_natt_classify(b, n, &off), VPNPT_NATT_MALFORMED);
}

UNIT_TEST(natt_ike)
{
	struct vpnpt_ike_hdr h;
	u8 b[4 + 60] = { 0 };
	size_t off = 99;

	ike_hdr(b + 4, ISPI, RSPI, 0x20, 35, 0x20, 1, 60);
	CHECK_EQ(vpnpt_natt_classify(b, sizeof(b), &off), VPNPT_NATT_IKE);
	CHECK_EQ(off, 4);
	CHECK_EQ(vpnpt_ike_parse(b + off, sizeof(b) - off, &h), 0);
	CHECK_EQ(vpnpt_ike_child_event(&h, false), VPNPT_IKE_CHILD_AUTH);
	CHECK_EQ(vpnpt_natt_classify(b, sizeof(b), NULL), VPNPT_NATT_IKE);
	/* The header after the marker is only framed, not checked. */
	CHECK_EQ(vpnpt_natt_classify(b, 4 + 28, &off), VPNPT_NATT_IKE);
	CHECK_EQ(off, 4);
	CHECK_EQ(vpnpt_ike_parse(b + off, 28, &h), -VPNPT_IKE_ERR_LENGTH);
}

UNIT_TEST(natt_esp)
{
	u8 b[64] = { 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05 };
	size_t off = 99;
	u32 spi, seq;

	CHECK_EQ(vpnpt_natt_classify(b, sizeof(b), &off), VPNPT_NATT_ESP);
	CHECK_EQ(off, 0);
	CHECK_EQ(vpnpt_esp_parse(b + off, sizeof(b), &spi, &seq), 0);
	CHECK_EQ(spi, 256);
	CHECK_EQ(seq, 5);
	CHECK_EQ(vpnpt_natt_classify(b, 8, &off), VPNPT_NATT_ESP);
	/* Framing accepts a reserved SPI; the ESP parser does not. */
	b[2] = 0;
	b[3] = 0x10;
	CHECK_EQ(vpnpt_natt_classify(b, 8, &off), VPNPT_NATT_ESP);
	CHECK_EQ(vpnpt_esp_parse(b, 8, &spi, &seq),
		 -VPNPT_IKE_ERR_ESP_SPI_RESERVED);
	/* An SPI starting with 0xff is not a keepalive. */
	b[0] = 0xff;
	CHECK_EQ(vpnpt_natt_classify(b, 8, &off), VPNPT_NATT_ESP);
}

UNIT_TEST(natt_kind_names)
{
	CHECK_STR(vpnpt_natt_kind_name(VPNPT_NATT_MALFORMED), "MALFORMED");
	CHECK_STR(vpnpt_natt_kind_name(VPNPT_NATT_KEEPALIVE), "KEEPALIVE");
	CHECK_STR(vpnpt_natt_kind_name(VPNPT_NATT_IKE), "IKE");
	CHECK_STR(vpnpt_natt_kind_name(VPNPT_NATT_ESP), "ESP");
	CHECK_STR(vpnpt_natt_kind_name((enum vpnpt_natt_kind)17), "UNKNOWN");
}

UNIT_TEST(ike_strerror)
{
	int i, j;

	CHECK_STR(vpnpt_ike_strerror(0), "ok");
	CHECK_STR(vpnpt_ike_strerror(-VPNPT_IKE_ERR_TRUNCATED), "truncated");
	CHECK_STR(vpnpt_ike_strerror(-VPNPT_IKE_ERR_TRAILING),
		  "octets after the message");
	CHECK_STR(vpnpt_ike_strerror(1), "unknown error");
	CHECK_STR(vpnpt_ike_strerror(-VPNPT_IKE_ERR_MAX), "unknown error");
	CHECK_STR(vpnpt_ike_strerror(-2147483647 - 1), "unknown error");
	for (i = 0; i < VPNPT_IKE_ERR_MAX; i++) {
		CHECK(vpnpt_ike_strerror(-i));
		CHECK(strcmp(vpnpt_ike_strerror(-i), "unknown error") != 0);
		for (j = 0; j < i; j++)
			CHECK(strcmp(vpnpt_ike_strerror(-i),
				     vpnpt_ike_strerror(-j)) != 0);
	}
}
