// SPDX-License-Identifier: GPL-2.0
/*
 * vpnptctl: decoding of netlink attributes into the data model of
 * vpnptctl.h. Pure code (no libmnl) so that the unit tests can feed it
 * hand-made messages: unknown attributes, wrong sizes, truncation.
 *
 * Rules: attributes of a type this tool does not know are skipped (the
 * kernel may be newer than the tool); a known attribute of a size the uapi
 * does not give it, or an attribute running past the end of its container,
 * is an error (-EBADMSG). Values are read with memcpy: nothing here assumes
 * the buffer is aligned.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "vpnptctl.h"

struct vpnptctl_nla {
	unsigned int type;	/* without NLA_F_NESTED and NLA_F_NET_BYTEORDER */
	const unsigned char *data;
	size_t len;
};

struct vpnptctl_nla_iter {
	const unsigned char *pos;
	size_t rem;
};

static void vpnptctl_nla_iter_init(struct vpnptctl_nla_iter *it,
				   const void *data, size_t len)
{
	it->pos = data;
	it->rem = len;
}

/* 1: @a is the next attribute; 0: no more; -EBADMSG: truncated. */
static int vpnptctl_nla_next(struct vpnptctl_nla_iter *it, struct vpnptctl_nla *a)
{
	struct nlattr h;
	size_t step;

	/* Fewer bytes than a header left: trailing padding, as the kernel sees it. */
	if (it->rem < NLA_HDRLEN)
		return 0;
	memcpy(&h, it->pos, sizeof(h));
	if (h.nla_len < NLA_HDRLEN || h.nla_len > it->rem)
		return -EBADMSG;
	a->type = h.nla_type & NLA_TYPE_MASK;
	a->data = it->pos + NLA_HDRLEN;
	a->len = h.nla_len - NLA_HDRLEN;
	step = NLA_ALIGN(h.nla_len);
	if (step > it->rem)
		step = it->rem;
	it->pos += step;
	it->rem -= step;
	return 1;
}

static int vpnptctl_nla_u8(const struct vpnptctl_nla *a, uint8_t *v)
{
	if (a->len != sizeof(*v))
		return -EBADMSG;
	*v = *(const uint8_t *)a->data;
	return 0;
}

static int vpnptctl_nla_u16(const struct vpnptctl_nla *a, uint16_t *v)
{
	if (a->len != sizeof(*v))
		return -EBADMSG;
	memcpy(v, a->data, sizeof(*v));
	return 0;
}

static int vpnptctl_nla_u32(const struct vpnptctl_nla *a, uint32_t *v)
{
	if (a->len != sizeof(*v))
		return -EBADMSG;
	memcpy(v, a->data, sizeof(*v));
	return 0;
}

/* be32 kept in network byte order (addresses). */
#define vpnptctl_nla_be32	vpnptctl_nla_u32

/* u64; a 32-bit value is taken too (the kernel's variable-size "uint"). */
static int vpnptctl_nla_u64(const struct vpnptctl_nla *a, uint64_t *v)
{
	uint32_t v32;

	if (a->len == sizeof(v32)) {
		memcpy(&v32, a->data, sizeof(v32));
		*v = v32;
		return 0;
	}
	if (a->len != sizeof(*v))
		return -EBADMSG;
	memcpy(v, a->data, sizeof(*v));
	return 0;
}

/* A string attribute: up to its NUL or its end, truncated to fit @buf. */
static void vpnptctl_nla_str(const struct vpnptctl_nla *a, char *buf, size_t size)
{
	size_t n = 0;

	while (n < a->len && a->data[n] && n + 1 < size)
		n++;
	memcpy(buf, a->data, n);
	buf[n] = '\0';
}

/* Find the first attribute of @type; 1 found, 0 not there, <0 error. */
static int vpnptctl_nla_find(const void *attrs, size_t len, unsigned int type,
			     struct vpnptctl_nla *a)
{
	struct vpnptctl_nla_iter it;
	int ret;

	vpnptctl_nla_iter_init(&it, attrs, len);
	while ((ret = vpnptctl_nla_next(&it, a)) > 0)
		if (a->type == type)
			return 1;
	return ret;
}

static int vpnptctl_decode_timeouts(const struct vpnptctl_nla *nest,
				    struct vpnptctl_config *cfg)
{
	struct vpnptctl_nla_iter it;
	struct vpnptctl_nla a;
	int ret;

	vpnptctl_nla_iter_init(&it, nest->data, nest->len);
	while ((ret = vpnptctl_nla_next(&it, &a)) > 0) {
		unsigned int proto = a.type - 1;

		/* type = enum vpnpt_proto + 1; other types: newer protocols */
		if (a.type == 0 || proto >= VPNPTCTL_NPROTO)
			continue;
		if (vpnptctl_nla_u32(&a, &cfg->timeouts[proto]))
			return -EBADMSG;
		cfg->timeouts_present |= 1U << proto;
	}
	return ret;
}

int vpnptctl_decode_config(const void *attrs, size_t len,
			   struct vpnptctl_config *cfg)
{
	struct vpnptctl_nla_iter it;
	struct vpnptctl_nla a;
	int ret, err = 0;
	uint8_t u8 = 0;

	memset(cfg, 0, sizeof(*cfg));
	vpnptctl_nla_iter_init(&it, attrs, len);
	while ((ret = vpnptctl_nla_next(&it, &a)) > 0) {
		switch (a.type) {
		case VPNPT_A_SWITCHES:
			err = vpnptctl_nla_u32(&a, &cfg->switches);
			cfg->present |= VPNPTCTL_CFG_SWITCHES;
			break;
		case VPNPT_A_MAX_SESSIONS:
			err = vpnptctl_nla_u32(&a, &cfg->max_sessions);
			cfg->present |= VPNPTCTL_CFG_MAX_SESSIONS;
			break;
		case VPNPT_A_MAX_CLIENT_SESSIONS:
			err = vpnptctl_nla_u32(&a, &cfg->max_client_sessions);
			cfg->present |= VPNPTCTL_CFG_MAX_CLIENT_SESSIONS;
			break;
		case VPNPT_A_CEIL_MAX_SESSIONS:
			err = vpnptctl_nla_u32(&a, &cfg->ceil_max_sessions);
			cfg->present |= VPNPTCTL_CFG_CEIL_MAX_SESSIONS;
			break;
		case VPNPT_A_CEIL_MAX_CLIENT_SESSIONS:
			err = vpnptctl_nla_u32(&a, &cfg->ceil_max_client_sessions);
			cfg->present |= VPNPTCTL_CFG_CEIL_MAX_CLIENT_SESSIONS;
			break;
		case VPNPT_A_TIMEOUTS:
			err = vpnptctl_decode_timeouts(&a, cfg);
			break;
		case VPNPT_A_IKE_KEEP_PORT:
			err = vpnptctl_nla_u8(&a, &u8);
			cfg->ike_keep_port = u8;
			cfg->present |= VPNPTCTL_CFG_IKE_KEEP_PORT;
			break;
		case VPNPT_A_MODULE_VERSION:
			vpnptctl_nla_str(&a, cfg->module_version,
					 sizeof(cfg->module_version));
			cfg->present |= VPNPTCTL_CFG_MODULE_VERSION;
			break;
		default:
			break;
		}
		if (err)
			return -EBADMSG;
	}
	/* Bits of protocols this tool does not know are not shown. */
	cfg->switches &= VPNPT_PROTO_ALL;
	return ret;
}

static int vpnptctl_decode_stats_proto(const struct vpnptctl_nla *nest,
				       struct vpnptctl_stats *st)
{
	uint64_t c[VPNPTCTL_NCOUNTERS] = { 0 };
	struct vpnptctl_nla_iter it;
	struct vpnptctl_nla a;
	bool have_proto = false;
	uint32_t proto = 0;
	int ret;

	vpnptctl_nla_iter_init(&it, nest->data, nest->len);
	while ((ret = vpnptctl_nla_next(&it, &a)) > 0) {
		if (a.type == VPNPT_STAT_PROTO) {
			if (vpnptctl_nla_u32(&a, &proto))
				return -EBADMSG;
			have_proto = true;
		} else if (a.type >= VPNPTCTL_STAT_FIRST &&
			   a.type < __VPNPT_STAT_MAX) {
			if (vpnptctl_nla_u64(&a, &c[VPNPTCTL_C(a.type)]))
				return -EBADMSG;
		}
	}
	if (ret < 0)
		return ret;
	if (!have_proto)
		return -EBADMSG;
	if (proto >= VPNPTCTL_NPROTO)
		return 0;	/* a protocol newer than this tool */
	memcpy(st->counters[proto], c, sizeof(c));
	st->present |= 1U << proto;
	return 0;
}

int vpnptctl_decode_stats(const void *attrs, size_t len,
			  struct vpnptctl_stats *st)
{
	struct vpnptctl_nla_iter it;
	struct vpnptctl_nla nest, a;
	int ret;

	memset(st, 0, sizeof(*st));
	ret = vpnptctl_nla_find(attrs, len, VPNPT_A_STATS, &nest);
	if (ret <= 0)
		return ret ? ret : -EBADMSG;
	vpnptctl_nla_iter_init(&it, nest.data, nest.len);
	while ((ret = vpnptctl_nla_next(&it, &a)) > 0) {
		if (a.type != VPNPT_A_STATS_PROTO)
			continue;
		ret = vpnptctl_decode_stats_proto(&a, st);
		if (ret)
			return ret;
	}
	return ret;
}

/* One VPNPT_IKE_RESP_ENTRY; an entry without its exchange type is an error. */
static int vpnptctl_decode_ike_response(const struct vpnptctl_nla *nest,
					struct vpnptctl_ike_response *r)
{
	struct vpnptctl_nla_iter it;
	struct vpnptctl_nla a;
	bool have_exchange = false;
	int ret;

	memset(r, 0, sizeof(*r));
	vpnptctl_nla_iter_init(&it, nest->data, nest->len);
	while ((ret = vpnptctl_nla_next(&it, &a)) > 0) {
		if (a.type == VPNPT_IKE_RESP_EXCHANGE) {
			if (vpnptctl_nla_u8(&a, &r->exchange))
				return -EBADMSG;
			have_exchange = true;
		} else if (a.type == VPNPT_IKE_RESP_AGE) {
			if (vpnptctl_nla_u32(&a, &r->age))
				return -EBADMSG;
		}
	}
	if (ret < 0)
		return ret;
	return have_exchange ? 0 : -EBADMSG;
}

static int vpnptctl_decode_ike_responses(const struct vpnptctl_nla *nest,
					 struct vpnptctl_session *s)
{
	struct vpnptctl_ike_response r;
	struct vpnptctl_nla_iter it;
	struct vpnptctl_nla a;
	int ret;

	s->n_ike_responses = 0;
	vpnptctl_nla_iter_init(&it, nest->data, nest->len);
	while ((ret = vpnptctl_nla_next(&it, &a)) > 0) {
		if (a.type != VPNPT_IKE_RESP_ENTRY)
			continue;	/* newer than this tool */
		if (vpnptctl_decode_ike_response(&a, &r))
			return -EBADMSG;
		if (s->n_ike_responses < VPNPTCTL_MAX_IKE_RESPONSES)
			s->ike_responses[s->n_ike_responses++] = r;
	}
	return ret;
}

static int vpnptctl_decode_session(const struct vpnptctl_nla *nest,
				   struct vpnptctl_session *s)
{
	struct vpnptctl_nla_iter it;
	struct vpnptctl_nla a;
	int ret, err;

	memset(s, 0, sizeof(*s));
	vpnptctl_nla_iter_init(&it, nest->data, nest->len);
	while ((ret = vpnptctl_nla_next(&it, &a)) > 0) {
		switch (a.type) {
		case VPNPT_SA_ID:
			err = vpnptctl_nla_u64(&a, &s->id);
			break;
		case VPNPT_SA_PROTO:
			err = vpnptctl_nla_u32(&a, &s->proto);
			break;
		case VPNPT_SA_STATE:
			err = vpnptctl_nla_u32(&a, &s->state);
			break;
		case VPNPT_SA_CLIENT:
			err = vpnptctl_nla_be32(&a, &s->client);
			break;
		case VPNPT_SA_SERVER:
			err = vpnptctl_nla_be32(&a, &s->server);
			break;
		case VPNPT_SA_PUBLIC:
			err = vpnptctl_nla_be32(&a, &s->public_addr);
			break;
		case VPNPT_SA_AGE:
			err = vpnptctl_nla_u32(&a, &s->age);
			break;
		case VPNPT_SA_IDLE:
			err = vpnptctl_nla_u32(&a, &s->idle);
			break;
		case VPNPT_SA_PACKETS_OUT:
			err = vpnptctl_nla_u64(&a, &s->packets_out);
			break;
		case VPNPT_SA_PACKETS_IN:
			err = vpnptctl_nla_u64(&a, &s->packets_in);
			break;
		case VPNPT_SA_BYTES_OUT:
			err = vpnptctl_nla_u64(&a, &s->bytes_out);
			break;
		case VPNPT_SA_BYTES_IN:
			err = vpnptctl_nla_u64(&a, &s->bytes_in);
			break;
		case VPNPT_SA_CALL_ID_INSIDE:
			err = vpnptctl_nla_u16(&a, &s->call_id_inside);
			break;
		case VPNPT_SA_CALL_ID_OUTSIDE:
			err = vpnptctl_nla_u16(&a, &s->call_id_outside);
			break;
		case VPNPT_SA_PEER_CALL_ID:
			err = vpnptctl_nla_u16(&a, &s->peer_call_id);
			break;
		case VPNPT_SA_SPI_OUT:
			err = vpnptctl_nla_be32(&a, &s->spi_out);
			s->spi_out = ntohl(s->spi_out);
			break;
		case VPNPT_SA_SPI_IN:
			err = vpnptctl_nla_be32(&a, &s->spi_in);
			s->spi_in = ntohl(s->spi_in);
			break;
		case VPNPT_SA_IKE_SPI_I:
			err = vpnptctl_nla_u64(&a, &s->ike_spi_i);
			break;
		case VPNPT_SA_IKE_SPI_R:
			err = vpnptctl_nla_u64(&a, &s->ike_spi_r);
			break;
		case VPNPT_SA_TUNNEL_ID:
			err = vpnptctl_nla_u16(&a, &s->tunnel_id);
			break;
		case VPNPT_SA_PEER_TUNNEL_ID:
			err = vpnptctl_nla_u16(&a, &s->peer_tunnel_id);
			break;
		case VPNPT_SA_PARENT:
			err = vpnptctl_nla_u64(&a, &s->parent);
			break;
		case VPNPT_SA_ZONE:
			err = vpnptctl_nla_u16(&a, &s->zone);
			break;
		case VPNPT_SA_IKE_RESPONSES:
			err = vpnptctl_decode_ike_responses(&a, s);
			break;
		default:
			continue;	/* VPNPT_SA_PAD, or newer than this tool */
		}
		if (err)
			return -EBADMSG;
		s->present |= VPNPTCTL_SA(a.type);
	}
	return ret;
}

int vpnptctl_decode_session_msg(const void *attrs, size_t len,
				struct vpnptctl_session *s)
{
	struct vpnptctl_nla nest;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = vpnptctl_nla_find(attrs, len, VPNPT_A_SESSION, &nest);
	if (ret <= 0)
		return ret ? ret : -ENOENT;
	return vpnptctl_decode_session(&nest, s);
}

int vpnptctl_decode_flushed(const void *attrs, size_t len, uint32_t *flushed)
{
	struct vpnptctl_nla a;
	int ret;

	ret = vpnptctl_nla_find(attrs, len, VPNPT_A_FLUSHED, &a);
	if (ret <= 0)
		return ret ? ret : -EBADMSG;
	return vpnptctl_nla_u32(&a, flushed);
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

static int vpnptctl_decode_mcast_groups(const struct vpnptctl_nla *nest,
					const char *group,
					struct vpnptctl_family *fam)
{
	struct vpnptctl_nla_iter it, git;
	struct vpnptctl_nla g, a;
	int ret, gret;

	vpnptctl_nla_iter_init(&it, nest->data, nest->len);
	while ((ret = vpnptctl_nla_next(&it, &g)) > 0) {
		char name[GENL_NAMSIZ];
		uint32_t id = 0;
		bool have_id = false;

		name[0] = '\0';
		vpnptctl_nla_iter_init(&git, g.data, g.len);
		while ((gret = vpnptctl_nla_next(&git, &a)) > 0) {
			if (a.type == CTRL_ATTR_MCAST_GRP_NAME) {
				vpnptctl_nla_str(&a, name, sizeof(name));
			} else if (a.type == CTRL_ATTR_MCAST_GRP_ID) {
				if (vpnptctl_nla_u32(&a, &id))
					return -EBADMSG;
				have_id = true;
			}
		}
		if (gret < 0)
			return gret;
		if (have_id && !strcmp(name, group))
			fam->events_group = id;
	}
	return ret;
}

int vpnptctl_decode_family(const void *attrs, size_t len, const char *group,
			   struct vpnptctl_family *fam)
{
	struct vpnptctl_nla_iter it;
	struct vpnptctl_nla a;
	bool have_id = false;
	int ret, err = 0;

	memset(fam, 0, sizeof(*fam));
	vpnptctl_nla_iter_init(&it, attrs, len);
	while ((ret = vpnptctl_nla_next(&it, &a)) > 0) {
		switch (a.type) {
		case CTRL_ATTR_FAMILY_ID:
			err = vpnptctl_nla_u16(&a, &fam->id);
			have_id = true;
			break;
		case CTRL_ATTR_VERSION:
			err = vpnptctl_nla_u32(&a, &fam->version);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			err = vpnptctl_decode_mcast_groups(&a, group, fam);
			break;
		default:
			break;
		}
		if (err)
			return -EBADMSG;
	}
	if (ret < 0)
		return ret;
	return have_id ? 0 : -EBADMSG;
}

int vpnptctl_decode_nlerr(const void *nlmsg, size_t len, int *error,
			  char *msg, size_t msglen)
{
	const unsigned char *p = nlmsg;
	struct vpnptctl_nla_iter it;
	struct vpnptctl_nla a;
	struct nlmsghdr nlh;
	size_t off;
	int ret;

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
	vpnptctl_nla_iter_init(&it, p + off, len - off);
	while ((ret = vpnptctl_nla_next(&it, &a)) > 0) {
		if (a.type == NLMSGERR_ATTR_MSG) {
			vpnptctl_nla_str(&a, msg, msglen);
			break;
		}
	}
	return 0;
}
