// SPDX-License-Identifier: GPL-2.0
/*
 * vpnptctl: decoding of netlink attributes into the data model of
 * vpnptctl.h, with libmnl's attribute parser (no sockets here, so that the
 * unit tests can feed it hand-made messages: unknown attributes, wrong
 * sizes, truncation).
 *
 * Rules: attributes of a type this tool does not know are skipped (the
 * kernel may be newer than the tool); a known attribute of a size the uapi
 * does not give it, or an attribute running past the end of its container,
 * is an error (-EBADMSG). Each attribute set has a policy table, indexed by
 * the uapi enum, giving the type this tool reads each attribute as
 * (selftests/unit/check_abi.py checks them against the header's types).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "vpnptctl.h"

/**
 * struct vpnptctl_policy - how this tool reads one attribute type
 * @type: the libmnl type it is validated as; MNL_TYPE_UNSPEC: not read
 *	(padding, request-only, or not known to this tool), skipped. A
 *	MNL_TYPE_U64 may also be 32 bits long (the kernel's variable-size
 *	"uint").
 * @off: sessions: offset of the struct vpnptctl_session member it fills
 * @size: sessions: size of that member (0: no member)
 */
struct vpnptctl_policy {
	enum mnl_attr_data_type type;
	unsigned short off;
	unsigned short size;
};

/* Top level, enum vpnpt_attr (replies and events). */
static const struct vpnptctl_policy vpnptctl_policy_attr[] = {
	[VPNPT_A_SWITCHES] = { MNL_TYPE_U32 },
	[VPNPT_A_MAX_SESSIONS] = { MNL_TYPE_U32 },
	[VPNPT_A_MAX_CLIENT_SESSIONS] = { MNL_TYPE_U32 },
	[VPNPT_A_TIMEOUTS] = { MNL_TYPE_NESTED },
	[VPNPT_A_MODULE_VERSION] = { MNL_TYPE_STRING },
	[VPNPT_A_STATS] = { MNL_TYPE_NESTED },
	[VPNPT_A_STATS_PROTO] = { MNL_TYPE_NESTED },
	[VPNPT_A_FLUSHED] = { MNL_TYPE_U32 },
	[VPNPT_A_SESSION] = { MNL_TYPE_NESTED },
	[VPNPT_A_IKE_KEEP_PORT] = { MNL_TYPE_U8 },
	[VPNPT_A_ATTACH_HELPERS] = { MNL_TYPE_U8 },
	[VPNPT_A_CEIL_MAX_SESSIONS] = { MNL_TYPE_U32 },
	[VPNPT_A_CEIL_MAX_CLIENT_SESSIONS] = { MNL_TYPE_U32 },
};

/* VPNPT_A_TIMEOUTS: type = enum vpnpt_proto + 1. */
static const struct vpnptctl_policy vpnptctl_policy_timeouts[] = {
	[1 ... VPNPTCTL_NPROTO] = { MNL_TYPE_U32 },
};

/* VPNPT_A_STATS_PROTO, enum vpnpt_stat: the counters are u64. */
static const struct vpnptctl_policy vpnptctl_policy_stat[] = {
	[VPNPT_STAT_PROTO] = { MNL_TYPE_U32 },
	[VPNPTCTL_STAT_FIRST ... __VPNPT_STAT_MAX - 1] = { MNL_TYPE_U64 },
};

#define VPNPTCTL_SA_FIELD(t, member)					\
	{ t, offsetof(struct vpnptctl_session, member),			\
	  sizeof(((struct vpnptctl_session *)0)->member) }

/* VPNPT_A_SESSION, enum vpnpt_session_attr, and the member each fills. */
static const struct vpnptctl_policy vpnptctl_policy_sa[] = {
	[VPNPT_SA_ID] = VPNPTCTL_SA_FIELD(MNL_TYPE_U64, id),
	[VPNPT_SA_PROTO] = VPNPTCTL_SA_FIELD(MNL_TYPE_U32, proto),
	[VPNPT_SA_STATE] = VPNPTCTL_SA_FIELD(MNL_TYPE_U32, state),
	[VPNPT_SA_CLIENT] = VPNPTCTL_SA_FIELD(MNL_TYPE_U32, client),
	[VPNPT_SA_SERVER] = VPNPTCTL_SA_FIELD(MNL_TYPE_U32, server),
	[VPNPT_SA_PUBLIC] = VPNPTCTL_SA_FIELD(MNL_TYPE_U32, public_addr),
	[VPNPT_SA_AGE] = VPNPTCTL_SA_FIELD(MNL_TYPE_U32, age),
	[VPNPT_SA_IDLE] = VPNPTCTL_SA_FIELD(MNL_TYPE_U32, idle),
	[VPNPT_SA_PACKETS_OUT] = VPNPTCTL_SA_FIELD(MNL_TYPE_U64, packets_out),
	[VPNPT_SA_PACKETS_IN] = VPNPTCTL_SA_FIELD(MNL_TYPE_U64, packets_in),
	[VPNPT_SA_BYTES_OUT] = VPNPTCTL_SA_FIELD(MNL_TYPE_U64, bytes_out),
	[VPNPT_SA_BYTES_IN] = VPNPTCTL_SA_FIELD(MNL_TYPE_U64, bytes_in),
	[VPNPT_SA_CALL_ID_INSIDE] = VPNPTCTL_SA_FIELD(MNL_TYPE_U16, call_id_inside),
	[VPNPT_SA_CALL_ID_OUTSIDE] = VPNPTCTL_SA_FIELD(MNL_TYPE_U16, call_id_outside),
	[VPNPT_SA_PEER_CALL_ID] = VPNPTCTL_SA_FIELD(MNL_TYPE_U16, peer_call_id),
	[VPNPT_SA_SPI_OUT] = VPNPTCTL_SA_FIELD(MNL_TYPE_U32, spi_out),
	[VPNPT_SA_SPI_IN] = VPNPTCTL_SA_FIELD(MNL_TYPE_U32, spi_in),
	[VPNPT_SA_IKE_SPI_I] = VPNPTCTL_SA_FIELD(MNL_TYPE_U64, ike_spi_i),
	[VPNPT_SA_IKE_SPI_R] = VPNPTCTL_SA_FIELD(MNL_TYPE_U64, ike_spi_r),
	[VPNPT_SA_TUNNEL_ID] = VPNPTCTL_SA_FIELD(MNL_TYPE_U16, tunnel_id),
	[VPNPT_SA_PEER_TUNNEL_ID] = VPNPTCTL_SA_FIELD(MNL_TYPE_U16, peer_tunnel_id),
	[VPNPT_SA_PARENT] = VPNPTCTL_SA_FIELD(MNL_TYPE_U64, parent),
	[VPNPT_SA_ZONE] = VPNPTCTL_SA_FIELD(MNL_TYPE_U16, zone),
	[VPNPT_SA_IKE_RESPONSES] = { MNL_TYPE_NESTED },
};

/* VPNPT_SA_IKE_RESPONSES, enum vpnpt_ike_resp_attr. */
static const struct vpnptctl_policy vpnptctl_policy_ike_resp[] = {
	[VPNPT_IKE_RESP_ENTRY] = { MNL_TYPE_NESTED },
	[VPNPT_IKE_RESP_EXCHANGE] = { MNL_TYPE_U8 },
	[VPNPT_IKE_RESP_AGE] = { MNL_TYPE_U32 },
};

/* The generic netlink controller's CTRL_CMD_NEWFAMILY. */
static const struct vpnptctl_policy vpnptctl_policy_ctrl[] = {
	[CTRL_ATTR_FAMILY_ID] = { MNL_TYPE_U16 },
	[CTRL_ATTR_VERSION] = { MNL_TYPE_U32 },
	[CTRL_ATTR_MCAST_GROUPS] = { MNL_TYPE_NESTED },
};

static const struct vpnptctl_policy vpnptctl_policy_mcgrp[] = {
	[CTRL_ATTR_MCAST_GRP_NAME] = { MNL_TYPE_STRING },
	[CTRL_ATTR_MCAST_GRP_ID] = { MNL_TYPE_U32 },
};

/* The extended ACK attributes of NLMSG_ERROR and NLMSG_DONE. */
static const struct vpnptctl_policy vpnptctl_policy_ext_ack[] = {
	[NLMSGERR_ATTR_MSG] = { MNL_TYPE_STRING },
};

/*
 * 1: @a is an attribute @policy knows and it is valid; 0: skip it; -1: it
 * is known and invalid. Integers must have their exact size (a u64 may be
 * a u32); strings may be of any length (they are cut to fit, NUL or not).
 */
static int vpnptctl_attr_check(const struct nlattr *a,
			       const struct vpnptctl_policy *policy, size_t n)
{
	uint16_t type = mnl_attr_get_type(a), len = mnl_attr_get_payload_len(a);
	enum mnl_attr_data_type t;

	if (type >= n || policy[type].type == MNL_TYPE_UNSPEC)
		return 0;
	t = policy[type].type;
	if (t == MNL_TYPE_STRING || (t == MNL_TYPE_U64 && len == sizeof(uint32_t)))
		return 1;
	return mnl_attr_validate(a, t) < 0 ? -1 : 1;
}

/*
 * Walk the attributes in @len bytes at @attrs with libmnl, calling @cb for
 * each. libmnl stops quietly at an attribute that runs past the end: fewer
 * bytes than a header left are padding (as the kernel sees it), more are a
 * truncated attribute. Returns 0, or -EBADMSG if truncated or @cb says
 * MNL_CB_ERROR.
 */
struct vpnptctl_walk {
	mnl_attr_cb_t cb;
	void *data;
	const char *next;	/* where the attribute after the last one starts */
};

static int vpnptctl_walk_cb(const struct nlattr *a, void *data)
{
	struct vpnptctl_walk *w = data;

	w->next = (const char *)mnl_attr_next(a);
	return w->cb(a, w->data);
}

static int vpnptctl_walk(const void *attrs, size_t len, mnl_attr_cb_t cb,
			 void *data)
{
	struct vpnptctl_walk w = { cb, data, attrs };
	const char *end = (const char *)attrs + len;

	if (mnl_attr_parse_payload(attrs, len, vpnptctl_walk_cb, &w) != MNL_CB_OK)
		return -EBADMSG;
	if (w.next < end && (size_t)(end - w.next) >= MNL_ATTR_HDRLEN)
		return -EBADMSG;
	return 0;
}

static int vpnptctl_walk_nested(const struct nlattr *nest, mnl_attr_cb_t cb,
				void *data)
{
	return vpnptctl_walk(mnl_attr_get_payload(nest),
			     mnl_attr_get_payload_len(nest), cb, data);
}

/* mnl_attr_parse's usual table: tb[type] = the (last) attribute of a type. */
struct vpnptctl_tb {
	const struct vpnptctl_policy *policy;
	size_t n;
	const struct nlattr **tb;
};

static int vpnptctl_tb_cb(const struct nlattr *a, void *data)
{
	const struct vpnptctl_tb *t = data;
	int ret = vpnptctl_attr_check(a, t->policy, t->n);

	if (ret < 0)
		return MNL_CB_ERROR;
	if (ret)
		t->tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

/* Fill @tb (as many entries as @policy has, zeroed first) from @attrs. */
static int vpnptctl_parse_tb(const void *attrs, size_t len,
			     const struct vpnptctl_policy *policy, size_t n,
			     const struct nlattr **tb)
{
	struct vpnptctl_tb t = { policy, n, tb };

	memset(tb, 0, n * sizeof(*tb));
	return vpnptctl_walk(attrs, len, vpnptctl_tb_cb, &t);
}

#define vpnptctl_parse(attrs, len, policy, tb)				\
	({								\
		_Static_assert(VPNPTCTL_ARRAY_SIZE(tb) ==		\
			       VPNPTCTL_ARRAY_SIZE(policy), "tb[] size"); \
		vpnptctl_parse_tb(attrs, len, policy,			\
				  VPNPTCTL_ARRAY_SIZE(policy), tb);	\
	})

#define vpnptctl_parse_nested(nest, policy, tb)				\
	vpnptctl_parse(mnl_attr_get_payload(nest),			\
		       mnl_attr_get_payload_len(nest), policy, tb)

/*
 * The start of a callback over a list of entries (VPNPT_A_STATS,
 * VPNPT_SA_IKE_RESPONSES): @nest, if it is of @type (others are newer than
 * this tool), valid in @outer (the list's policy), parsed into @tb with
 * @inner, and with its @required attribute. Returns 0: use @tb; 1: skip
 * @nest; -1: it is invalid.
 */
static int vpnptctl_entry_tb(const struct nlattr *nest, uint16_t type,
			     const struct vpnptctl_policy *outer, size_t nouter,
			     const struct vpnptctl_policy *inner, size_t ninner,
			     const struct nlattr **tb, unsigned int required)
{
	if (mnl_attr_get_type(nest) != type)
		return 1;
	if (vpnptctl_attr_check(nest, outer, nouter) < 0 ||
	    vpnptctl_parse_tb(mnl_attr_get_payload(nest),
			      mnl_attr_get_payload_len(nest), inner, ninner, tb) ||
	    !tb[required])
		return -1;
	return 0;
}

#define vpnptctl_parse_entry(nest, type, outer, inner, tb, required)	\
	({								\
		_Static_assert(VPNPTCTL_ARRAY_SIZE(tb) ==		\
			       VPNPTCTL_ARRAY_SIZE(inner), "tb[] size"); \
		vpnptctl_entry_tb(nest, type, outer,			\
				  VPNPTCTL_ARRAY_SIZE(outer), inner,	\
				  VPNPTCTL_ARRAY_SIZE(inner), tb, required); \
	})

/* u64, or u32 (the kernel's variable-size "uint"); validated before. */
static uint64_t vpnptctl_get_u64(const struct nlattr *a)
{
	if (mnl_attr_get_payload_len(a) == sizeof(uint32_t))
		return mnl_attr_get_u32(a);
	return mnl_attr_get_u64(a);
}

/* A string attribute: up to its NUL or its end, truncated to fit @buf. */
static void vpnptctl_get_str(const struct nlattr *a, char *buf, size_t size)
{
	const char *p = mnl_attr_get_payload(a);
	size_t n = 0, len = mnl_attr_get_payload_len(a);

	while (n < len && p[n] && n + 1 < size)
		n++;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

int vpnptctl_decode_config(const void *attrs, size_t len,
			   struct vpnptctl_config *cfg)
{
	const struct nlattr *tb[VPNPTCTL_ARRAY_SIZE(vpnptctl_policy_attr)];
	const struct nlattr *tmo[VPNPTCTL_ARRAY_SIZE(vpnptctl_policy_timeouts)];
	static const struct {
		unsigned int attr, flag;
		size_t off;
	} u32s[] = {
#define VPNPTCTL_CFG_U32(a, f, m) { a, f, offsetof(struct vpnptctl_config, m) }
		VPNPTCTL_CFG_U32(VPNPT_A_SWITCHES, VPNPTCTL_CFG_SWITCHES, switches),
		VPNPTCTL_CFG_U32(VPNPT_A_MAX_SESSIONS, VPNPTCTL_CFG_MAX_SESSIONS,
				 max_sessions),
		VPNPTCTL_CFG_U32(VPNPT_A_MAX_CLIENT_SESSIONS,
				 VPNPTCTL_CFG_MAX_CLIENT_SESSIONS, max_client_sessions),
		VPNPTCTL_CFG_U32(VPNPT_A_CEIL_MAX_SESSIONS,
				 VPNPTCTL_CFG_CEIL_MAX_SESSIONS, ceil_max_sessions),
		VPNPTCTL_CFG_U32(VPNPT_A_CEIL_MAX_CLIENT_SESSIONS,
				 VPNPTCTL_CFG_CEIL_MAX_CLIENT_SESSIONS,
				 ceil_max_client_sessions),
#undef VPNPTCTL_CFG_U32
	};
	unsigned int i, p;

	memset(cfg, 0, sizeof(*cfg));
	if (vpnptctl_parse(attrs, len, vpnptctl_policy_attr, tb))
		return -EBADMSG;
	for (i = 0; i < VPNPTCTL_ARRAY_SIZE(u32s); i++) {
		uint32_t v;

		if (!tb[u32s[i].attr])
			continue;
		v = mnl_attr_get_u32(tb[u32s[i].attr]);
		memcpy((char *)cfg + u32s[i].off, &v, sizeof(v));
		cfg->present |= u32s[i].flag;
	}
	if (tb[VPNPT_A_TIMEOUTS]) {
		if (vpnptctl_parse_nested(tb[VPNPT_A_TIMEOUTS],
					  vpnptctl_policy_timeouts, tmo))
			return -EBADMSG;
		/* type = enum vpnpt_proto + 1; other types: newer protocols */
		for (p = 0; p < VPNPTCTL_NPROTO; p++) {
			if (!tmo[p + 1])
				continue;
			cfg->timeouts[p] = mnl_attr_get_u32(tmo[p + 1]);
			cfg->timeouts_present |= 1U << p;
		}
	}
	if (tb[VPNPT_A_IKE_KEEP_PORT]) {
		cfg->ike_keep_port = mnl_attr_get_u8(tb[VPNPT_A_IKE_KEEP_PORT]);
		cfg->present |= VPNPTCTL_CFG_IKE_KEEP_PORT;
	}
	if (tb[VPNPT_A_ATTACH_HELPERS]) {
		cfg->attach_helpers = mnl_attr_get_u8(tb[VPNPT_A_ATTACH_HELPERS]);
		cfg->present |= VPNPTCTL_CFG_ATTACH_HELPERS;
	}
	if (tb[VPNPT_A_MODULE_VERSION]) {
		vpnptctl_get_str(tb[VPNPT_A_MODULE_VERSION], cfg->module_version,
				 sizeof(cfg->module_version));
		cfg->present |= VPNPTCTL_CFG_MODULE_VERSION;
	}
	/* Bits of protocols this tool does not know are not shown. */
	cfg->switches &= VPNPT_PROTO_ALL;
	return 0;
}

/* One VPNPT_A_STATS_PROTO of VPNPT_A_STATS; others are skipped. */
static int vpnptctl_stats_proto_cb(const struct nlattr *nest, void *data)
{
	const struct nlattr *tb[VPNPTCTL_ARRAY_SIZE(vpnptctl_policy_stat)];
	struct vpnptctl_stats *st = data;
	unsigned int c;
	uint32_t proto;
	int ret;

	ret = vpnptctl_parse_entry(nest, VPNPT_A_STATS_PROTO, vpnptctl_policy_attr,
				   vpnptctl_policy_stat, tb, VPNPT_STAT_PROTO);
	if (ret)
		return ret < 0 ? MNL_CB_ERROR : MNL_CB_OK;
	proto = mnl_attr_get_u32(tb[VPNPT_STAT_PROTO]);
	if (proto >= VPNPTCTL_NPROTO)
		return MNL_CB_OK;	/* a protocol newer than this tool */
	for (c = 0; c < VPNPTCTL_NCOUNTERS; c++)
		st->counters[proto][c] = tb[VPNPTCTL_STAT_FIRST + c] ?
			vpnptctl_get_u64(tb[VPNPTCTL_STAT_FIRST + c]) : 0;
	st->present |= 1U << proto;
	return MNL_CB_OK;
}

int vpnptctl_decode_stats(const void *attrs, size_t len,
			  struct vpnptctl_stats *st)
{
	const struct nlattr *tb[VPNPTCTL_ARRAY_SIZE(vpnptctl_policy_attr)];

	memset(st, 0, sizeof(*st));
	if (vpnptctl_parse(attrs, len, vpnptctl_policy_attr, tb) ||
	    !tb[VPNPT_A_STATS])
		return -EBADMSG;
	return vpnptctl_walk_nested(tb[VPNPT_A_STATS], vpnptctl_stats_proto_cb, st);
}

/*
 * One VPNPT_IKE_RESP_ENTRY of VPNPT_SA_IKE_RESPONSES (other types: newer
 * than this tool); an entry without its exchange type is an error.
 */
static int vpnptctl_ike_response_cb(const struct nlattr *nest, void *data)
{
	const struct nlattr *tb[VPNPTCTL_ARRAY_SIZE(vpnptctl_policy_ike_resp)];
	struct vpnptctl_session *s = data;
	struct vpnptctl_ike_response *r;
	int ret;

	ret = vpnptctl_parse_entry(nest, VPNPT_IKE_RESP_ENTRY,
				   vpnptctl_policy_ike_resp,
				   vpnptctl_policy_ike_resp, tb,
				   VPNPT_IKE_RESP_EXCHANGE);
	if (ret)
		return ret < 0 ? MNL_CB_ERROR : MNL_CB_OK;
	if (s->n_ike_responses >= VPNPTCTL_MAX_IKE_RESPONSES)
		return MNL_CB_OK;
	r = &s->ike_responses[s->n_ike_responses++];
	r->exchange = mnl_attr_get_u8(tb[VPNPT_IKE_RESP_EXCHANGE]);
	r->age = tb[VPNPT_IKE_RESP_AGE] ? mnl_attr_get_u32(tb[VPNPT_IKE_RESP_AGE]) : 0;
	return MNL_CB_OK;
}

static int vpnptctl_decode_session(const struct nlattr *nest,
				   struct vpnptctl_session *s)
{
	const struct nlattr *tb[VPNPTCTL_ARRAY_SIZE(vpnptctl_policy_sa)];
	unsigned int t;

	memset(s, 0, sizeof(*s));
	if (vpnptctl_parse_nested(nest, vpnptctl_policy_sa, tb))
		return -EBADMSG;
	for (t = 0; t < VPNPTCTL_ARRAY_SIZE(tb); t++) {
		const struct vpnptctl_policy *pol = &vpnptctl_policy_sa[t];
		char *member = (char *)s + pol->off;
		uint64_t v64;
		uint32_t v32;
		uint16_t v16;

		if (!tb[t])
			continue;
		s->present |= VPNPTCTL_SA(t);
		switch (pol->size) {
		case sizeof(v16):
			v16 = mnl_attr_get_u16(tb[t]);
			memcpy(member, &v16, sizeof(v16));
			break;
		case sizeof(v32):
			v32 = mnl_attr_get_u32(tb[t]);
			memcpy(member, &v32, sizeof(v32));
			break;
		case sizeof(v64):
			v64 = vpnptctl_get_u64(tb[t]);
			memcpy(member, &v64, sizeof(v64));
			break;
		}
	}
	/* SPIs are be32 on the wire, numbers here. */
	s->spi_out = ntohl(s->spi_out);
	s->spi_in = ntohl(s->spi_in);
	if (tb[VPNPT_SA_IKE_RESPONSES] &&
	    vpnptctl_walk_nested(tb[VPNPT_SA_IKE_RESPONSES],
				 vpnptctl_ike_response_cb, s))
		return -EBADMSG;
	return 0;
}

int vpnptctl_decode_session_msg(const void *attrs, size_t len,
				struct vpnptctl_session *s)
{
	const struct nlattr *tb[VPNPTCTL_ARRAY_SIZE(vpnptctl_policy_attr)];

	memset(s, 0, sizeof(*s));
	if (vpnptctl_parse(attrs, len, vpnptctl_policy_attr, tb))
		return -EBADMSG;
	if (!tb[VPNPT_A_SESSION])
		return -ENOENT;
	return vpnptctl_decode_session(tb[VPNPT_A_SESSION], s);
}

int vpnptctl_decode_flushed(const void *attrs, size_t len, uint32_t *flushed)
{
	const struct nlattr *tb[VPNPTCTL_ARRAY_SIZE(vpnptctl_policy_attr)];

	if (vpnptctl_parse(attrs, len, vpnptctl_policy_attr, tb) ||
	    !tb[VPNPT_A_FLUSHED])
		return -EBADMSG;
	*flushed = mnl_attr_get_u32(tb[VPNPT_A_FLUSHED]);
	return 0;
}

int vpnptctl_decode_event(uint8_t cmd, const void *attrs, size_t len,
			  struct vpnptctl_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	switch (cmd) {
	case VPNPT_CMD_SESSION_NEW:
		ev->type = VPNPTCTL_EV_SESSION_NEW;
		return vpnptctl_decode_session_msg(attrs, len, &ev->session);
	case VPNPT_CMD_SESSION_DEL:
		ev->type = VPNPTCTL_EV_SESSION_DEL;
		return vpnptctl_decode_session_msg(attrs, len, &ev->session);
	case VPNPT_CMD_SET_CONFIG:
		ev->type = VPNPTCTL_EV_CONFIG;
		return vpnptctl_decode_config(attrs, len, &ev->config);
	}
	return -ENOENT;
}

struct vpnptctl_mcgrp_find {
	const char *group;
	struct vpnptctl_family *fam;
};

/* One group of CTRL_ATTR_MCAST_GROUPS: the one named ->group sets its id. */
static int vpnptctl_mcgrp_cb(const struct nlattr *g, void *data)
{
	const struct nlattr *tb[VPNPTCTL_ARRAY_SIZE(vpnptctl_policy_mcgrp)];
	const struct vpnptctl_mcgrp_find *find = data;
	char name[GENL_NAMSIZ] = "";

	if (vpnptctl_parse_nested(g, vpnptctl_policy_mcgrp, tb))
		return MNL_CB_ERROR;
	if (tb[CTRL_ATTR_MCAST_GRP_NAME])
		vpnptctl_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME], name, sizeof(name));
	if (tb[CTRL_ATTR_MCAST_GRP_ID] && !strcmp(name, find->group))
		find->fam->events_group = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	return MNL_CB_OK;
}

int vpnptctl_decode_family(const void *attrs, size_t len, const char *group,
			   struct vpnptctl_family *fam)
{
	const struct nlattr *tb[VPNPTCTL_ARRAY_SIZE(vpnptctl_policy_ctrl)];
	struct vpnptctl_mcgrp_find find = { group, fam };

	memset(fam, 0, sizeof(*fam));
	if (vpnptctl_parse(attrs, len, vpnptctl_policy_ctrl, tb) ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return -EBADMSG;
	fam->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		fam->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	if (tb[CTRL_ATTR_MCAST_GROUPS] &&
	    vpnptctl_walk_nested(tb[CTRL_ATTR_MCAST_GROUPS], vpnptctl_mcgrp_cb, &find))
		return -EBADMSG;
	return 0;
}

int vpnptctl_decode_nlerr(const void *nlmsg, size_t len, int *error,
			  char *msg, size_t msglen)
{
	const struct nlattr *tb[VPNPTCTL_ARRAY_SIZE(vpnptctl_policy_ext_ack)];
	const unsigned char *p = nlmsg;
	struct nlmsghdr nlh;
	size_t off;

	*error = 0;
	if (msglen)
		msg[0] = '\0';
	if (len < NLMSG_HDRLEN)
		return -EBADMSG;
	memcpy(&nlh, p, sizeof(nlh));
	if (nlh.nlmsg_len < len)
		len = nlh.nlmsg_len;
	if (nlh.nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr e;

		if (len < NLMSG_HDRLEN + sizeof(e))
			return -EBADMSG;
		memcpy(&e, p + NLMSG_HDRLEN, sizeof(e));
		*error = e.error;
		off = NLMSG_HDRLEN + sizeof(e);
		if (!(nlh.nlmsg_flags & NLM_F_CAPPED) &&
		    e.msg.nlmsg_len > NLMSG_HDRLEN)
			off += NLMSG_ALIGN(e.msg.nlmsg_len - NLMSG_HDRLEN);
	} else if (nlh.nlmsg_type == NLMSG_DONE) {
		int v = 0;

		/* A dump that failed half-way carries its error here. */
		if (len >= NLMSG_HDRLEN + sizeof(v))
			memcpy(&v, p + NLMSG_HDRLEN, sizeof(v));
		*error = v;
		off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(v));
	} else {
		return -EBADMSG;
	}
	if (!(nlh.nlmsg_flags & NLM_F_ACK_TLVS) || off >= len || !msglen)
		return 0;
	/* A malformed TLV after the message only costs the message. */
	vpnptctl_parse(p + off, len - off, vpnptctl_policy_ext_ack, tb);
	if (tb[NLMSGERR_ATTR_MSG])
		vpnptctl_get_str(tb[NLMSGERR_ATTR_MSG], msg, msglen);
	return 0;
}
