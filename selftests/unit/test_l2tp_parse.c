// SPDX-License-Identifier: GPL-2.0
/* Unit tests for src/l2tp_parse.c: L2TPv2 header and control messages. */
#include "l2tp_parse.h"
#include "unit.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define M	VPNPT_L2TP_AVP_FLAG_MANDATORY
#define H	VPNPT_L2TP_AVP_FLAG_HIDDEN
#define CTRL	(VPNPT_L2TP_FLAG_TYPE | VPNPT_L2TP_FLAG_LENGTH | \
		 VPNPT_L2TP_FLAG_SEQ | VPNPT_L2TP_VER2)

/* A message under construction. */
struct msg {
	u8 b[1024];
	size_t n;
};

static void put16(struct msg *m, u16 v)
{
	vpnpt_put_be16(m->b + m->n, v);
	m->n += 2;
}

/* Control header: Length is filled in by ctrl_end(); Ns 3, Nr 4. */
static void ctrl_begin(struct msg *m, u16 tunnel, u16 session)
{
	memset(m, 0, sizeof(*m));
	put16(m, CTRL);
	put16(m, 0);
	put16(m, tunnel);
	put16(m, session);
	put16(m, 3);
	put16(m, 4);
}

/* An AVP with flags @fl, the length worked out from @vlen. */
static void avp(struct msg *m, u16 fl, u16 vendor, u16 attr, const void *val,
		size_t vlen)
{
	put16(m, (u16)(fl | (VPNPT_L2TP_AVP_HDR_LEN + vlen)));
	put16(m, vendor);
	put16(m, attr);
	memcpy(m->b + m->n, val, vlen);
	m->n += vlen;
}

static void avp16(struct msg *m, u16 fl, u16 vendor, u16 attr, u16 v)
{
	u8 val[2];

	vpnpt_put_be16(val, v);
	avp(m, fl, vendor, attr, val, 2);
}

static void msg_type(struct msg *m, u16 type)
{
	avp16(m, M, 0, VPNPT_L2TP_ATTR_MSG_TYPE, type);
}

static void ctrl_end(struct msg *m)
{
	vpnpt_put_be16(m->b + 2, (u16)m->n);
}

/* Parse a control message built above: header, then AVPs. */
static int ctrl_parse(struct msg *m, struct vpnpt_l2tp_ctrl *c)
{
	struct vpnpt_l2tp_hdr h;
	int r;

	ctrl_end(m);
	r = vpnpt_l2tp_parse(m->b, m->n, &h);
	CHECK_EQ(r, 0);
	if (r)
		return 1000 + r;
	CHECK(h.control);
	CHECK_EQ(h.hdr_len, VPNPT_L2TP_CTRL_HDR_LEN);
	return vpnpt_l2tp_parse_ctrl(m->b, m->n, &h, c);
}

/* The start of an SCCRQ: the usual AVPs before Assigned Tunnel ID. */
static void sccrq_begin(struct msg *m)
{
	static const u8 framing[4] = { 0, 0, 0, 3 };

	ctrl_begin(m, 0, 0);
	msg_type(m, VPNPT_L2TP_MSG_SCCRQ);
	avp16(m, M, 0, 2, 0x0100);			/* Protocol Version */
	avp(m, M, 0, 7, "lac1", 4);			/* Host Name */
	avp(m, M, 0, 3, framing, sizeof(framing));	/* Framing Caps */
}

UNIT_TEST(l2tp_data_plain)
{
	static const u8 b[] = { 0x00, 0x02, 0x12, 0x34, 0x56, 0x78,
				0xff, 0x03, 0xc0, 0x21 };
	struct vpnpt_l2tp_hdr h;

	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), 0);
	CHECK(!h.control);
	CHECK(!h.has_length);
	CHECK(!h.has_seq);
	CHECK(!h.has_offset);
	CHECK(!h.priority);
	CHECK_EQ(h.flags, 0x0002);
	CHECK_EQ(h.length, sizeof(b));
	CHECK_EQ(h.tunnel_id, 0x1234);
	CHECK_EQ(h.session_id, 0x5678);
	CHECK_EQ(h.ns, 0);
	CHECK_EQ(h.nr, 0);
	CHECK_EQ(h.hdr_len, 6);
	/* Header only: an empty data message still parses. */
	CHECK_EQ(vpnpt_l2tp_parse(b, 6, &h), 0);
	CHECK_EQ(h.length, 6);
	CHECK_EQ(h.hdr_len, 6);
	/* Priority is fine on data. */
	{
		u8 p[sizeof(b)];

		memcpy(p, b, sizeof(b));
		p[0] = 0x01;
		CHECK_EQ(vpnpt_l2tp_parse(p, sizeof(p), &h), 0);
		CHECK(h.priority);
		CHECK_EQ(h.hdr_len, 6);
	}
}

UNIT_TEST(l2tp_data_length)
{
	u8 b[] = { 0x40, 0x02, 0x00, 0x0c, 0x00, 0x07, 0x00, 0x09,
		   0xff, 0x03, 0xc0, 0x21, 0xee, 0xee };
	struct vpnpt_l2tp_hdr h;

	CHECK_EQ(vpnpt_l2tp_parse(b, 12, &h), 0);
	CHECK(h.has_length);
	CHECK_EQ(h.length, 12);
	CHECK_EQ(h.tunnel_id, 7);
	CHECK_EQ(h.session_id, 9);
	CHECK_EQ(h.hdr_len, 8);
	/* Octets after Length (UDP padding) are not part of the message. */
	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), 0);
	CHECK_EQ(h.length, 12);
	/* Length larger than the datagram. */
	CHECK_EQ(vpnpt_l2tp_parse(b, 11, &h), -VPNPT_L2TP_ERR_LENGTH);
	/* Length smaller than the header, zero, exactly the header. */
	b[3] = 7;
	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), -VPNPT_L2TP_ERR_LENGTH);
	b[3] = 0;
	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), -VPNPT_L2TP_ERR_LENGTH);
	b[3] = 8;
	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), 0);
	CHECK_EQ(h.length, 8);
	b[2] = 0xff;
	b[3] = 0xff;
	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), -VPNPT_L2TP_ERR_LENGTH);
}

UNIT_TEST(l2tp_data_seq)
{
	static const u8 b[] = { 0x08, 0x02, 0x00, 0x01, 0x00, 0x02,
				0x12, 0x34, 0xab, 0xcd, 0xff, 0x03 };
	struct vpnpt_l2tp_hdr h;
	size_t n;

	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), 0);
	CHECK(h.has_seq);
	CHECK_EQ(h.ns, 0x1234);
	CHECK_EQ(h.nr, 0xabcd);
	CHECK_EQ(h.hdr_len, 10);
	CHECK_EQ(h.length, sizeof(b));
	for (n = 0; n < 10; n++)
		CHECK_EQ(vpnpt_l2tp_parse(b, n, &h), -VPNPT_L2TP_ERR_TRUNCATED);
}

UNIT_TEST(l2tp_data_offset)
{
	u8 b[] = { 0x02, 0x02, 0x00, 0x01, 0x00, 0x02, 0x00, 0x04,
		   0xaa, 0xaa, 0xaa, 0xaa, 0xff, 0x03 };
	struct vpnpt_l2tp_hdr h;

	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), 0);
	CHECK(h.has_offset);
	CHECK_EQ(h.offset_size, 4);
	CHECK_EQ(h.hdr_len, 12);
	CHECK_EQ(vpnpt_l2tp_parse(b, 12, &h), 0);
	/* Padding runs past the datagram; Offset Size itself cut off. */
	CHECK_EQ(vpnpt_l2tp_parse(b, 11, &h), -VPNPT_L2TP_ERR_TRUNCATED);
	CHECK_EQ(vpnpt_l2tp_parse(b, 7, &h), -VPNPT_L2TP_ERR_TRUNCATED);
	b[6] = 0xff;
	b[7] = 0xff;
	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), -VPNPT_L2TP_ERR_TRUNCATED);
	/* Offset Size 0. */
	b[6] = 0;
	b[7] = 0;
	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), 0);
	CHECK_EQ(h.hdr_len, 8);
}

UNIT_TEST(l2tp_data_all_options)
{
	/* L, S, O and P, Offset Size 2; two octets of PPP after. */
	u8 b[] = { 0x4b, 0x02, 0x00, 0x12, 0x00, 0x05, 0x00, 0x06,
		   0x00, 0x01, 0x00, 0x02, 0x00, 0x02, 0xaa, 0xaa,
		   0xff, 0x03, 0xee };
	struct vpnpt_l2tp_hdr h;

	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), 0);
	CHECK(!h.control);
	CHECK(h.has_length && h.has_seq && h.has_offset && h.priority);
	CHECK_EQ(h.length, 18);
	CHECK_EQ(h.tunnel_id, 5);
	CHECK_EQ(h.session_id, 6);
	CHECK_EQ(h.ns, 1);
	CHECK_EQ(h.nr, 2);
	CHECK_EQ(h.offset_size, 2);
	CHECK_EQ(h.hdr_len, 16);
	/* Padding runs past Length but not past the datagram. */
	b[13] = 3;
	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), 0);
	CHECK_EQ(h.hdr_len, 17);
	b[13] = 4;	/* header is the whole message: no payload */
	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), 0);
	CHECK_EQ(h.hdr_len, 18);
	b[13] = 5;
	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), -VPNPT_L2TP_ERR_LENGTH);
	b[13] = 6;
	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), -VPNPT_L2TP_ERR_TRUNCATED);
}

UNIT_TEST(l2tp_data_too_long)
{
	static u8 b[VPNPT_L2TP_MSG_MAX + 2];
	struct vpnpt_l2tp_hdr h;

	b[1] = 0x02;
	CHECK_EQ(vpnpt_l2tp_parse(b, VPNPT_L2TP_MSG_MAX, &h), 0);
	CHECK_EQ(h.length, VPNPT_L2TP_MSG_MAX);
	CHECK_EQ(vpnpt_l2tp_parse(b, VPNPT_L2TP_MSG_MAX + 1, &h),
		 -VPNPT_L2TP_ERR_LENGTH);
	/* With a Length field, the datagram may be longer. */
	b[0] = 0x40;
	b[2] = 0x00;
	b[3] = 0x10;
	CHECK_EQ(vpnpt_l2tp_parse(b, sizeof(b), &h), 0);
	CHECK_EQ(h.length, 16);
}

UNIT_TEST(l2tp_truncated)
{
	static const u8 data[] = { 0x00, 0x02, 0, 1, 0, 2 };
	static const u8 len[] = { 0x40, 0x02, 0, 8, 0, 1, 0, 2 };
	struct vpnpt_l2tp_hdr h;
	struct msg m;
	size_t n;

	CHECK_EQ(vpnpt_l2tp_parse(NULL, 0, &h), -VPNPT_L2TP_ERR_TRUNCATED);
	for (n = 0; n < sizeof(data); n++)
		CHECK_EQ(vpnpt_l2tp_parse(data, n, &h), -VPNPT_L2TP_ERR_TRUNCATED);
	for (n = 0; n < sizeof(len); n++)
		CHECK_EQ(vpnpt_l2tp_parse(len, n, &h), -VPNPT_L2TP_ERR_TRUNCATED);
	CHECK_EQ(vpnpt_l2tp_parse(len, sizeof(len), &h), 0);
	ctrl_begin(&m, 1, 0);
	ctrl_end(&m);
	for (n = 0; n < VPNPT_L2TP_CTRL_HDR_LEN; n++)
		CHECK_EQ(vpnpt_l2tp_parse(m.b, n, &h), -VPNPT_L2TP_ERR_TRUNCATED);
}

UNIT_TEST(l2tp_version)
{
	u8 b[12] = { 0x00, 0x02, 0, 1, 0, 2 };
	struct vpnpt_l2tp_hdr h;
	u8 v;

	for (v = 0; v < 16; v++) {
		b[1] = v;
		if (v == 2)
			CHECK_EQ(vpnpt_l2tp_parse(b, 6, &h), 0);
		else if (v == 3)
			CHECK_EQ(vpnpt_l2tp_parse(b, 6, &h),
				 -VPNPT_L2TP_ERR_VERSION3);
		else
			CHECK_EQ(vpnpt_l2tp_parse(b, 6, &h),
				 -VPNPT_L2TP_ERR_VERSION);
	}
	/* Reported from the flags word alone, before any other check. */
	b[0] = 0xc8;
	b[1] = 0x03;
	CHECK_EQ(vpnpt_l2tp_parse(b, 2, &h), -VPNPT_L2TP_ERR_VERSION3);
	CHECK_EQ(h.flags, 0xc803);
	b[0] = 0x80;
	CHECK_EQ(vpnpt_l2tp_parse(b, 2, &h), -VPNPT_L2TP_ERR_VERSION3);
	b[1] = 0x01;	/* L2F */
	CHECK_EQ(vpnpt_l2tp_parse(b, 2, &h), -VPNPT_L2TP_ERR_VERSION);
	CHECK_EQ(vpnpt_l2tp_parse(b, 1, &h), -VPNPT_L2TP_ERR_TRUNCATED);
}

UNIT_TEST(l2tp_control_flags)
{
	static const u16 bad[] = {
		0x8002,	/* T only */
		0xc002,	/* no S */
		0x8802,	/* no L */
		0xca02,	/* O */
		0xc902,	/* P */
		0xcb02,	/* O and P */
	};
	struct vpnpt_l2tp_hdr h;
	struct msg m;
	size_t i;

	ctrl_begin(&m, 1, 0);
	ctrl_end(&m);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		vpnpt_put_be16(m.b, bad[i]);
		CHECK_EQ(vpnpt_l2tp_parse(m.b, m.n, &h),
			 -VPNPT_L2TP_ERR_CTRL_FLAGS);
	}
	/* Reserved bits are ignored on receipt. */
	vpnpt_put_be16(m.b, CTRL | 0x3000 | 0x0400 | 0x00f0);
	CHECK_EQ(vpnpt_l2tp_parse(m.b, m.n, &h), 0);
	CHECK(h.control);
	CHECK_EQ(h.hdr_len, 12);
	/* Reserved bits on data too. */
	{
		static const u8 d[] = { 0x34, 0xf2, 0, 1, 0, 2 };

		CHECK_EQ(vpnpt_l2tp_parse(d, sizeof(d), &h), 0);
		CHECK(!h.control);
		CHECK_EQ(h.hdr_len, 6);
	}
}

UNIT_TEST(l2tp_control_length)
{
	struct vpnpt_l2tp_hdr h;
	struct msg m;

	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_HELLO);
	ctrl_end(&m);
	CHECK_EQ(vpnpt_l2tp_parse(m.b, m.n, &h), 0);
	CHECK_EQ(h.length, 20);
	/* Bigger than the datagram. */
	vpnpt_put_be16(m.b + 2, 21);
	CHECK_EQ(vpnpt_l2tp_parse(m.b, m.n, &h), -VPNPT_L2TP_ERR_LENGTH);
	/* Smaller than the header. */
	vpnpt_put_be16(m.b + 2, 11);
	CHECK_EQ(vpnpt_l2tp_parse(m.b, m.n, &h), -VPNPT_L2TP_ERR_LENGTH);
	vpnpt_put_be16(m.b + 2, 0);
	CHECK_EQ(vpnpt_l2tp_parse(m.b, m.n, &h), -VPNPT_L2TP_ERR_LENGTH);
}

UNIT_TEST(l2tp_zlb)
{
	struct vpnpt_l2tp_ctrl c;
	struct msg m;

	ctrl_begin(&m, 0x1111, 0);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK(c.zlb);
	CHECK_EQ(c.msg_type, 0);
	CHECK_EQ(c.navps, 0);
	CHECK(!c.tunnel_id_present && !c.tunnel_id_hidden);
	CHECK(!c.session_id_present && !c.session_id_hidden);

	/* Padding after Length is not an AVP. */
	{
		struct vpnpt_l2tp_hdr h;

		m.b[12] = 0xde;
		m.b[13] = 0xad;
		CHECK_EQ(vpnpt_l2tp_parse(m.b, 14, &h), 0);
		CHECK_EQ(vpnpt_l2tp_parse_ctrl(m.b, 14, &h, &c), 0);
		CHECK(c.zlb);
	}
}

UNIT_TEST(l2tp_sccrq)
{
	struct vpnpt_l2tp_ctrl c;
	struct msg m;

	sccrq_begin(&m);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, 0x1234);
	avp16(&m, M, 0, 10, 4);				/* Receive Window */
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK(!c.zlb);
	CHECK_EQ(c.msg_type, VPNPT_L2TP_MSG_SCCRQ);
	CHECK_STR(vpnpt_l2tp_msg_name(c.msg_type), "SCCRQ");
	CHECK(c.msg_type_mandatory);
	CHECK_EQ(c.navps, 6);
	CHECK(c.tunnel_id_present);
	CHECK(!c.tunnel_id_hidden);
	CHECK_EQ(c.assigned_tunnel_id, 0x1234);
	CHECK(!c.session_id_present && !c.session_id_hidden);
	CHECK_EQ(c.assigned_session_id, 0);

	/* Without one: nothing reported. */
	sccrq_begin(&m);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK_EQ(c.navps, 4);
	CHECK(!c.tunnel_id_present && !c.tunnel_id_hidden);
}

UNIT_TEST(l2tp_sccrp_stopccn)
{
	struct vpnpt_l2tp_ctrl c;
	struct msg m;

	ctrl_begin(&m, 0x1234, 0);
	msg_type(&m, VPNPT_L2TP_MSG_SCCRP);
	avp16(&m, M, 0, 2, 0x0100);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, 0xfedc);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK_EQ(c.msg_type, VPNPT_L2TP_MSG_SCCRP);
	CHECK(c.tunnel_id_present);
	CHECK_EQ(c.assigned_tunnel_id, 0xfedc);

	ctrl_begin(&m, 0x1234, 0);
	msg_type(&m, VPNPT_L2TP_MSG_STOPCCN);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, 0x00aa);
	avp16(&m, M, 0, 1, 1);				/* Result Code */
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK_EQ(c.msg_type, VPNPT_L2TP_MSG_STOPCCN);
	CHECK(c.tunnel_id_present);
	CHECK_EQ(c.assigned_tunnel_id, 0x00aa);
}

UNIT_TEST(l2tp_icrq_icrp_cdn)
{
	static const u8 serial[4] = { 0, 0, 0, 9 };
	struct vpnpt_l2tp_ctrl c;
	struct msg m;

	ctrl_begin(&m, 0x1234, 0);
	msg_type(&m, VPNPT_L2TP_MSG_ICRQ);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID, 0x0042);
	avp(&m, M, 0, 15, serial, sizeof(serial));	/* Call Serial Number */
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK_EQ(c.msg_type, VPNPT_L2TP_MSG_ICRQ);
	CHECK_STR(vpnpt_l2tp_msg_name(c.msg_type), "ICRQ");
	CHECK(c.session_id_present);
	CHECK(!c.session_id_hidden);
	CHECK_EQ(c.assigned_session_id, 0x42);
	CHECK(!c.tunnel_id_present);
	CHECK_EQ(c.navps, 3);

	ctrl_begin(&m, 0x1234, 0x42);
	msg_type(&m, VPNPT_L2TP_MSG_ICRP);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID, 0x0099);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK(c.session_id_present);
	CHECK_EQ(c.assigned_session_id, 0x99);

	ctrl_begin(&m, 0x1234, 0x42);
	msg_type(&m, VPNPT_L2TP_MSG_CDN);
	avp16(&m, M, 0, 1, 3);				/* Result Code */
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID, 0x0099);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK_EQ(c.msg_type, VPNPT_L2TP_MSG_CDN);
	CHECK(c.session_id_present);
	CHECK_EQ(c.assigned_session_id, 0x99);

	ctrl_begin(&m, 0x1234, 0);
	msg_type(&m, VPNPT_L2TP_MSG_OCRQ);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID, 7);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK(c.session_id_present);
	CHECK_EQ(c.assigned_session_id, 7);

	ctrl_begin(&m, 0x1234, 7);
	msg_type(&m, VPNPT_L2TP_MSG_OCRP);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID, 8);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK(c.session_id_present);
	CHECK_EQ(c.assigned_session_id, 8);
}

UNIT_TEST(l2tp_ids_only_where_defined)
{
	struct vpnpt_l2tp_ctrl c;
	struct msg m;

	/* Tunnel ID in ICRQ, Session ID in SCCRQ: skipped, not errors. */
	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_ICRQ);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, 5);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, 0);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID, 6);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK(!c.tunnel_id_present && !c.tunnel_id_hidden);
	CHECK(c.session_id_present);
	CHECK_EQ(c.assigned_session_id, 6);

	sccrq_begin(&m);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID, 0);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, 5);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK(!c.session_id_present && !c.session_id_hidden);
	CHECK(c.tunnel_id_present);

	/* HELLO, SCCCN, ICCN: neither is taken. */
	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_HELLO);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, 5);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID, 6);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK_EQ(c.msg_type, VPNPT_L2TP_MSG_HELLO);
	CHECK(!c.tunnel_id_present && !c.session_id_present);
	CHECK_EQ(c.navps, 3);

	/* Vendor-specific, or with a reserved bit: unrecognised, skipped. */
	sccrq_begin(&m);
	avp16(&m, 0, 311, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, 5);
	avp16(&m, 0x0400, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, 6);
	avp16(&m, 0, 311, VPNPT_L2TP_ATTR_MSG_TYPE, 2);
	avp16(&m, 0x2000, 0, VPNPT_L2TP_ATTR_MSG_TYPE, 2);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK(!c.tunnel_id_present && !c.tunnel_id_hidden);
	CHECK_EQ(c.msg_type, VPNPT_L2TP_MSG_SCCRQ);
	CHECK_EQ(c.navps, 8);
}

UNIT_TEST(l2tp_hidden)
{
	static const u8 secret[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const u8 rv[16] = { 9 };
	struct vpnpt_l2tp_ctrl c;
	struct msg m;

	sccrq_begin(&m);
	avp(&m, M, 0, 36, rv, sizeof(rv));		/* Random Vector */
	avp(&m, M | H, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, secret,
	    sizeof(secret));
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK(c.tunnel_id_hidden);
	CHECK(!c.tunnel_id_present);
	CHECK_EQ(c.assigned_tunnel_id, 0);

	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_ICRP);
	avp(&m, M | H, 0, VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID, secret, 2);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK(c.session_id_hidden);
	CHECK(!c.session_id_present);

	/* Hidden then visible, visible then hidden: duplicates. */
	sccrq_begin(&m);
	avp(&m, M | H, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, secret, 8);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, 5);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_DUP);
	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_ICRQ);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID, 5);
	avp(&m, M | H, 0, VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID, secret, 8);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_DUP);
}

UNIT_TEST(l2tp_assigned_id_values)
{
	static const u8 four[4] = { 0, 0, 0, 5 };
	struct vpnpt_l2tp_ctrl c;
	struct msg m;

	sccrq_begin(&m);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, 0);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_VALUE);
	sccrq_begin(&m);
	avp(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, four, 4);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_VALUE);
	sccrq_begin(&m);
	avp(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, four, 1);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_VALUE);
	sccrq_begin(&m);
	avp(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, four, 0);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_VALUE);
	/* The M bit does not matter for extraction. */
	sccrq_begin(&m);
	avp16(&m, 0, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, 3);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK(c.tunnel_id_present);
	CHECK_EQ(c.assigned_tunnel_id, 3);
	/* Twice, even with the same value. */
	avp16(&m, 0, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, 3);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_DUP);

	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_ICRQ);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID, 0);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_VALUE);
	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_ICRQ);
	avp(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID, four, 4);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_VALUE);
	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_ICRQ);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID, 1);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID, 2);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_DUP);
}

UNIT_TEST(l2tp_avp_length)
{
	struct vpnpt_l2tp_ctrl c;
	struct msg m;

	/* Length 0 and 5, in the first AVP and in a later one. */
	ctrl_begin(&m, 1, 0);
	put16(&m, M | 0);
	put16(&m, 0);
	put16(&m, 0);
	put16(&m, 1);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_LENGTH);
	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_HELLO);
	put16(&m, M | 5);
	put16(&m, 0);
	put16(&m, 1);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_LENGTH);
	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_HELLO);
	put16(&m, M | 0);
	put16(&m, 0);
	put16(&m, 1);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_LENGTH);
	/* Length 6, no value: fine for an AVP we do not read. */
	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_HELLO);
	avp(&m, 0, 0, 40, "", 0);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK_EQ(c.navps, 2);
	/* Past the end of the message by one octet. */
	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_HELLO);
	avp16(&m, 0, 0, 40, 1);
	vpnpt_put_be16(m.b + 20, 9);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_LENGTH);
	/* The maximum length, 1023, past the end. */
	vpnpt_put_be16(m.b + 20, VPNPT_L2TP_AVP_LEN_MASK);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_LENGTH);
	/* Fewer than 6 octets left for an AVP header. */
	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_HELLO);
	put16(&m, 0);
	put16(&m, 0);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_LENGTH);
	ctrl_begin(&m, 1, 0);
	m.b[m.n++] = 0x80;
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_LENGTH);
	/* An AVP reaching past Length into UDP padding. */
	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_HELLO);
	avp16(&m, 0, 0, 40, 1);
	ctrl_end(&m);
	{
		struct vpnpt_l2tp_hdr h;

		vpnpt_put_be16(m.b + 2, 24);
		CHECK_EQ(vpnpt_l2tp_parse(m.b, m.n, &h), 0);
		CHECK_EQ(vpnpt_l2tp_parse_ctrl(m.b, m.n, &h, &c),
			 -VPNPT_L2TP_ERR_AVP_LENGTH);
	}
}

UNIT_TEST(l2tp_avp_count)
{
	struct vpnpt_l2tp_ctrl c;
	struct msg m;
	int i;

	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_HELLO);
	for (i = 1; i < VPNPT_L2TP_MAX_AVPS; i++)
		avp16(&m, 0, 9, 1, (u16)i);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK_EQ(c.navps, VPNPT_L2TP_MAX_AVPS);
	avp16(&m, 0, 9, 1, 0);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_COUNT);
	/* The smallest AVPs: 6 octets each. */
	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_HELLO);
	for (i = 0; i < VPNPT_L2TP_MAX_AVPS; i++)
		avp(&m, 0, 9, 1, "", 0);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_COUNT);
}

UNIT_TEST(l2tp_msg_type_avp)
{
	struct vpnpt_l2tp_ctrl c;
	struct msg m;

	/* Missing: another AVP first. */
	ctrl_begin(&m, 1, 0);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, 5);
	msg_type(&m, VPNPT_L2TP_MSG_SCCRQ);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_MSG_TYPE);
	/* Not first: after a vendor AVP. */
	ctrl_begin(&m, 1, 0);
	avp16(&m, 0, 311, 0, 1);
	msg_type(&m, VPNPT_L2TP_MSG_SCCRQ);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_MSG_TYPE);
	/* Hidden. */
	ctrl_begin(&m, 1, 0);
	avp16(&m, M | H, 0, 0, VPNPT_L2TP_MSG_SCCRQ);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_MSG_TYPE);
	/* Reserved bit. */
	ctrl_begin(&m, 1, 0);
	avp16(&m, M | 0x0800, 0, 0, VPNPT_L2TP_MSG_SCCRQ);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_MSG_TYPE);
	/* Wrong length. */
	ctrl_begin(&m, 1, 0);
	avp(&m, M, 0, 0, "\0\1\0\0", 4);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_MSG_TYPE);
	ctrl_begin(&m, 1, 0);
	avp(&m, M, 0, 0, "\1", 1);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_MSG_TYPE);
	ctrl_begin(&m, 1, 0);
	avp(&m, M, 0, 0, "", 0);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_MSG_TYPE);
	/* Twice. */
	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_HELLO);
	msg_type(&m, VPNPT_L2TP_MSG_HELLO);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_DUP);
	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_HELLO);
	avp16(&m, H, 0, 0, 1);
	CHECK_EQ(ctrl_parse(&m, &c), -VPNPT_L2TP_ERR_AVP_DUP);
	/* M bit clear: accepted and reported. */
	ctrl_begin(&m, 1, 0);
	avp16(&m, 0, 0, 0, VPNPT_L2TP_MSG_HELLO);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK_EQ(c.msg_type, VPNPT_L2TP_MSG_HELLO);
	CHECK(!c.msg_type_mandatory);
	CHECK_EQ(c.navps, 1);
	/* Unknown type: accepted; the caller decides. */
	ctrl_begin(&m, 1, 0);
	msg_type(&m, 99);
	avp16(&m, M, 0, VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID, 5);
	CHECK_EQ(ctrl_parse(&m, &c), 0);
	CHECK_EQ(c.msg_type, 99);
	CHECK(c.msg_type_mandatory);
	CHECK(!c.tunnel_id_present);
	CHECK_STR(vpnpt_l2tp_msg_name(c.msg_type), "UNKNOWN");
}

UNIT_TEST(l2tp_ctrl_bad_header)
{
	static const u8 data[] = { 0x00, 0x02, 0, 1, 0, 2, 0xff, 0x03 };
	struct vpnpt_l2tp_hdr h;
	struct vpnpt_l2tp_ctrl c;
	struct msg m;

	CHECK_EQ(vpnpt_l2tp_parse(data, sizeof(data), &h), 0);
	CHECK_EQ(vpnpt_l2tp_parse_ctrl(data, sizeof(data), &h, &c),
		 -VPNPT_L2TP_ERR_NOT_CTRL);

	/* A header that does not match the buffer cannot cause a read. */
	ctrl_begin(&m, 1, 0);
	msg_type(&m, VPNPT_L2TP_MSG_HELLO);
	ctrl_end(&m);
	CHECK_EQ(vpnpt_l2tp_parse(m.b, m.n, &h), 0);
	CHECK_EQ(vpnpt_l2tp_parse_ctrl(m.b, m.n - 1, &h, &c),
		 -VPNPT_L2TP_ERR_LENGTH);
	h.hdr_len = (u16)(h.length + 1);
	CHECK_EQ(vpnpt_l2tp_parse_ctrl(m.b, m.n, &h, &c),
		 -VPNPT_L2TP_ERR_LENGTH);
	CHECK_EQ(vpnpt_l2tp_parse_ctrl(NULL, 0, &h, &c),
		 -VPNPT_L2TP_ERR_LENGTH);
}

UNIT_TEST(l2tp_msg_names)
{
	static const char *const names[] = {
		"UNKNOWN", "SCCRQ", "SCCRP", "SCCCN", "StopCCN", "UNKNOWN",
		"HELLO", "OCRQ", "OCRP", "OCCN", "ICRQ", "ICRP", "ICCN",
		"UNKNOWN", "CDN", "WEN", "SLI", "UNKNOWN",
	};
	u16 i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		CHECK_STR(vpnpt_l2tp_msg_name(i), names[i]);
	CHECK_STR(vpnpt_l2tp_msg_name(20), "UNKNOWN");
	CHECK_STR(vpnpt_l2tp_msg_name(0xffff), "UNKNOWN");
}

UNIT_TEST(l2tp_strerror)
{
	int i, j;

	CHECK_STR(vpnpt_l2tp_strerror(0), "ok");
	CHECK_STR(vpnpt_l2tp_strerror(-VPNPT_L2TP_ERR_VERSION3), "L2TPv3");
	CHECK_STR(vpnpt_l2tp_strerror(5), "unknown error");
	CHECK_STR(vpnpt_l2tp_strerror(-VPNPT_L2TP_ERR_MAX), "unknown error");
	CHECK_STR(vpnpt_l2tp_strerror(-2147483647 - 1), "unknown error");
	for (i = 0; i < VPNPT_L2TP_ERR_MAX; i++) {
		CHECK(strcmp(vpnpt_l2tp_strerror(-i), "unknown error") != 0);
		for (j = 0; j < i; j++)
			CHECK(strcmp(vpnpt_l2tp_strerror(-i),
				     vpnpt_l2tp_strerror(-j)) != 0);
	}
}
