// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "vpnpt": configuration, counters, sessions and
 * events of the caller's network namespace. The protocol is documented in
 * include/uapi/linux/vpnpt.h and docs/netlink.md.
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "attach.h"
#include "events.h"
#include "genl.h"
#include "ike_keepport.h"
#include "netns.h"
#include "proto.h"
#include "session.h"
#include "teardown.h"
#include "version.h"

enum vpnpt_mcgrp { VPNPT_MCGRP_EVENTS_ID };

static const struct genl_multicast_group vpnpt_mcgrps[] = {
	/* Session events name LAN clients: for the namespace's admin only. */
	[VPNPT_MCGRP_EVENTS_ID] = {
		.name = VPNPT_GENL_MCGRP_EVENTS,
		VPNPT_MCGRP_ADMIN_ONLY
	},
};

/* Not const: 5.10's struct nla_policy points at non-const ranges. */
static struct netlink_range_validation vpnpt_max_sessions_range = {
	.min = VPNPT_MAX_SESSIONS_MIN,
	.max = VPNPT_MAX_SESSIONS_MAX,
};

static struct netlink_range_validation vpnpt_max_client_range = {
	.min = VPNPT_MAX_CLIENT_SESSIONS_MIN,
	.max = VPNPT_MAX_CLIENT_SESSIONS_MAX,
};

static struct netlink_range_validation vpnpt_timeout_range = {
	.min = VPNPT_TIMEOUT_MIN,
	.max = VPNPT_TIMEOUT_MAX,
};

static const struct nla_policy vpnpt_timeouts_policy[__VPNPT_PROTO_MAX + 1] = {
	[VPNPT_PROTO_PPTP + 1] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpnpt_timeout_range),
	[VPNPT_PROTO_L2TP + 1] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpnpt_timeout_range),
	[VPNPT_PROTO_IKE + 1] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpnpt_timeout_range),
	[VPNPT_PROTO_ESP + 1] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpnpt_timeout_range),
	[VPNPT_PROTO_AH + 1] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpnpt_timeout_range),
	[VPNPT_PROTO_NATT + 1] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpnpt_timeout_range),
};

/*
 * Attributes a request may carry. Reply-only attributes are NLA_REJECT so a
 * request that sends them is refused rather than silently ignored.
 */
static const struct nla_policy vpnpt_policy[VPNPT_A_MAX + 1] = {
	[VPNPT_A_SWITCHES] = NLA_POLICY_MAX(NLA_U32, VPNPT_PROTO_ALL),
	[VPNPT_A_SWITCHES_MASK] = NLA_POLICY_MAX(NLA_U32, VPNPT_PROTO_ALL),
	[VPNPT_A_MAX_SESSIONS] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpnpt_max_sessions_range),
	[VPNPT_A_MAX_CLIENT_SESSIONS] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpnpt_max_client_range),
	[VPNPT_A_TIMEOUTS] = NLA_POLICY_NESTED(vpnpt_timeouts_policy),
	[VPNPT_A_MODULE_VERSION] = { .type = NLA_REJECT },
	[VPNPT_A_STATS] = { .type = NLA_REJECT },
	[VPNPT_A_STATS_PROTO] = { .type = NLA_REJECT },
	[VPNPT_A_PROTOS] = NLA_POLICY_MAX(NLA_U32, VPNPT_PROTO_ALL),
	[VPNPT_A_FLUSHED] = { .type = NLA_REJECT },
	[VPNPT_A_SESSION] = { .type = NLA_REJECT },
	[VPNPT_A_PAD] = { .type = NLA_REJECT },
	[VPNPT_A_IKE_KEEP_PORT] = NLA_POLICY_MAX(NLA_U8, 1),
	[VPNPT_A_ATTACH_HELPERS] = NLA_POLICY_MAX(NLA_U8, 1),
	[VPNPT_A_CEIL_MAX_SESSIONS] = NLA_POLICY_FULL_RANGE(NLA_U32, &vpnpt_max_sessions_range),
	[VPNPT_A_CEIL_MAX_CLIENT_SESSIONS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &vpnpt_max_client_range),
};

static struct genl_family vpnpt_genl_family;

static int vpnpt_fill_config(struct sk_buff *skb, struct vpnpt_net *vn)
{
	struct vpnpt_net *init = vpnpt_net(&init_net);
	struct nlattr *nest;
	int p;

	if (nla_put_u32(skb, VPNPT_A_SWITCHES, vpnpt_switches(vn)) ||
	    nla_put_u32(skb, VPNPT_A_MAX_SESSIONS, vpnpt_max_sessions(vn)) ||
	    nla_put_u32(skb, VPNPT_A_MAX_CLIENT_SESSIONS,
			vpnpt_max_client_sessions(vn)) ||
	    nla_put_u32(skb, VPNPT_A_CEIL_MAX_SESSIONS,
			READ_ONCE(init->ceil_max_sessions)) ||
	    nla_put_u32(skb, VPNPT_A_CEIL_MAX_CLIENT_SESSIONS,
			READ_ONCE(init->ceil_max_client_sessions)) ||
	    nla_put_u8(skb, VPNPT_A_IKE_KEEP_PORT, READ_ONCE(vn->ike_keep_port)) ||
	    nla_put_u8(skb, VPNPT_A_ATTACH_HELPERS, READ_ONCE(vn->attach_helpers)) ||
	    nla_put_string(skb, VPNPT_A_MODULE_VERSION, VPNPT_VERSION))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, VPNPT_A_TIMEOUTS);
	if (!nest)
		return -EMSGSIZE;
	for (p = 0; p < __VPNPT_PROTO_MAX; p++)
		if (nla_put_u32(skb, p + 1, READ_ONCE(vn->timeouts[p])))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int vpnpt_reply(struct genl_info *info, u8 cmd,
		       int (*fill)(struct sk_buff *skb, void *arg), void *arg)
{
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &vpnpt_genl_family, 0, cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err;
	}
	err = fill(skb, arg);
	if (err)
		goto err;
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
err:
	nlmsg_free(skb);
	return err;
}

static int vpnpt_fill_config_cb(struct sk_buff *skb, void *arg)
{
	return vpnpt_fill_config(skb, arg);
}

static int vpnpt_get_config(struct sk_buff *skb, struct genl_info *info)
{
	return vpnpt_reply(info, VPNPT_CMD_GET_CONFIG, vpnpt_fill_config_cb,
			   vpnpt_net(genl_info_net(info)));
}

/*
 * The ceilings: only the initial namespace's admin (CAP_NET_ADMIN in the
 * initial user namespace) sets them, and every other namespace's caps must
 * stay at or below them. Called with the initial namespace's config_lock.
 */
static int vpnpt_check_caps(struct sk_buff *skb, struct genl_info *info,
			    struct vpnpt_net *vn)
{
	struct vpnpt_net *init = vpnpt_net(&init_net);
	struct nlattr **a = info->attrs;
	struct nlattr *bad = NULL;

	lockdep_assert_held(&init->config_lock);
	if (a[VPNPT_A_CEIL_MAX_SESSIONS] || a[VPNPT_A_CEIL_MAX_CLIENT_SESSIONS]) {
		if (!vn->initial || !netlink_capable(skb, CAP_NET_ADMIN)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    a[VPNPT_A_CEIL_MAX_SESSIONS] ?:
					    a[VPNPT_A_CEIL_MAX_CLIENT_SESSIONS],
					    "ceilings are set by the initial namespace's admin only");
			return -EPERM;
		}
		return 0;
	}
	if (vn->initial)
		return 0;
	if (a[VPNPT_A_MAX_SESSIONS] &&
	    nla_get_u32(a[VPNPT_A_MAX_SESSIONS]) > init->ceil_max_sessions)
		bad = a[VPNPT_A_MAX_SESSIONS];
	else if (a[VPNPT_A_MAX_CLIENT_SESSIONS] &&
		 nla_get_u32(a[VPNPT_A_MAX_CLIENT_SESSIONS]) >
		 init->ceil_max_client_sessions)
		bad = a[VPNPT_A_MAX_CLIENT_SESSIONS];
	if (bad) {
		NL_SET_ERR_MSG_ATTR(info->extack, bad,
				    "above the ceiling set by the initial namespace");
		return -ERANGE;
	}
	return 0;
}

/*
 * Options that need a hook of their own while they are on: the hook is in
 * place before the option goes on, and goes once it is off.
 */
struct vpnpt_hook_option {
	int attr;
	size_t offset;				/* of the bool in struct vpnpt_net */
	int (*hook)(struct net *net, bool on);
};

static const struct vpnpt_hook_option vpnpt_hook_options[] = {
	{ VPNPT_A_IKE_KEEP_PORT, offsetof(struct vpnpt_net, ike_keep_port),
	  vpnpt_keepport_hook },
	{ VPNPT_A_ATTACH_HELPERS, offsetof(struct vpnpt_net, attach_helpers),
	  vpnpt_attach_hook },
};

static bool *vpnpt_hook_option_val(struct vpnpt_net *vn,
				   const struct vpnpt_hook_option *o)
{
	return (bool *)((char *)vn + o->offset);
}

/* Whether the request @a turns the option on. */
static bool vpnpt_hook_option_on(struct nlattr **a,
				 const struct vpnpt_hook_option *o)
{
	return a[o->attr] && nla_get_u8(a[o->attr]);
}

/* The hooks of the options @a turns on; on failure none that it added. */
static int vpnpt_hook_options_prepare(struct net *net, struct nlattr **a,
				      struct netlink_ext_ack *extack)
{
	struct vpnpt_net *vn = vpnpt_net(net);
	const struct vpnpt_hook_option *o;
	int i, err;

	lockdep_assert_held(&vn->config_lock);
	for (i = 0; i < ARRAY_SIZE(vpnpt_hook_options); i++) {
		o = &vpnpt_hook_options[i];
		if (!vpnpt_hook_option_on(a, o))
			continue;
		err = o->hook(net, true);
		if (err) {
			NL_SET_ERR_MSG_ATTR(extack, a[o->attr],
					    "cannot register the option's hook");
			/* Undo what this request added: options still off. */
			while (i--) {
				o = &vpnpt_hook_options[i];
				if (vpnpt_hook_option_on(a, o) &&
				    !*vpnpt_hook_option_val(vn, o))
					o->hook(net, false);
			}
			return err;
		}
	}
	return 0;
}

/* Set the options @a carries (hooks prepared); true if one changed. */
static bool vpnpt_hook_options_set(struct net *net, struct nlattr **a)
{
	struct vpnpt_net *vn = vpnpt_net(net);
	const struct vpnpt_hook_option *o;
	bool changed = false, on, *val;
	int i;

	for (i = 0; i < ARRAY_SIZE(vpnpt_hook_options); i++) {
		o = &vpnpt_hook_options[i];
		if (!a[o->attr])
			continue;
		on = nla_get_u8(a[o->attr]);
		val = vpnpt_hook_option_val(vn, o);
		if (on != *val) {
			WRITE_ONCE(*val, on);
			changed = true;
		}
		if (!on)
			o->hook(net, false);
	}
	return changed;
}

static int vpnpt_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct vpnpt_net *init = vpnpt_net(&init_net);
	struct vpnpt_net *vn = vpnpt_net(net);
	struct nlattr *tb[__VPNPT_PROTO_MAX + 1] = {};
	struct nlattr **a = info->attrs;
	bool changed = false;
	int err, p;

	if (a[VPNPT_A_SWITCHES_MASK] && !a[VPNPT_A_SWITCHES]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[VPNPT_A_SWITCHES_MASK],
				    "switch mask given without switches");
		return -EINVAL;
	}
	if (!a[VPNPT_A_SWITCHES] && !a[VPNPT_A_MAX_SESSIONS] &&
	    !a[VPNPT_A_MAX_CLIENT_SESSIONS] && !a[VPNPT_A_TIMEOUTS] &&
	    !a[VPNPT_A_IKE_KEEP_PORT] && !a[VPNPT_A_CEIL_MAX_SESSIONS] &&
	    !a[VPNPT_A_CEIL_MAX_CLIENT_SESSIONS] && !a[VPNPT_A_ATTACH_HELPERS]) {
		NL_SET_ERR_MSG(info->extack, "nothing to set");
		return -EINVAL;
	}
	/* Validate everything before changing anything. */
	if (a[VPNPT_A_TIMEOUTS]) {
		err = nla_parse_nested(tb, __VPNPT_PROTO_MAX, a[VPNPT_A_TIMEOUTS],
				       vpnpt_timeouts_policy, info->extack);
		if (err)
			return err;
		for (p = 0; p < __VPNPT_PROTO_MAX; p++) {
			if (tb[p + 1] && !vpnpt_proto(p)->sessions) {
				NL_SET_ERR_MSG_ATTR(info->extack, tb[p + 1],
						    "protocol has no sessions: no idle timeout");
				return -EOPNOTSUPP;
			}
		}
	}

	/*
	 * The initial namespace's lock orders the ceilings against the caps
	 * checked under them; a namespace's own lock nests inside it, as a
	 * new namespace copies the initial one's configuration under it.
	 */
	mutex_lock(&init->config_lock);
	err = vpnpt_check_caps(skb, info, vn);
	if (err) {
		mutex_unlock(&init->config_lock);
		return err;
	}
	if (vn != init)
		mutex_lock_nested(&vn->config_lock, SINGLE_DEPTH_NESTING);
	err = vpnpt_hook_options_prepare(net, a, info->extack);
	if (err)
		goto unlock;
	if (a[VPNPT_A_CEIL_MAX_SESSIONS]) {
		WRITE_ONCE(vn->ceil_max_sessions,
			   nla_get_u32(a[VPNPT_A_CEIL_MAX_SESSIONS]));
		changed = true;
	}
	if (a[VPNPT_A_CEIL_MAX_CLIENT_SESSIONS]) {
		WRITE_ONCE(vn->ceil_max_client_sessions,
			   nla_get_u32(a[VPNPT_A_CEIL_MAX_CLIENT_SESSIONS]));
		changed = true;
	}
	if (a[VPNPT_A_MAX_SESSIONS]) {
		WRITE_ONCE(vn->max_sessions, nla_get_u32(a[VPNPT_A_MAX_SESSIONS]));
		changed = true;
	}
	if (a[VPNPT_A_MAX_CLIENT_SESSIONS]) {
		WRITE_ONCE(vn->max_client_sessions,
			   nla_get_u32(a[VPNPT_A_MAX_CLIENT_SESSIONS]));
		changed = true;
	}
	for (p = 0; p < __VPNPT_PROTO_MAX; p++) {
		if (tb[p + 1]) {
			WRITE_ONCE(vn->timeouts[p], nla_get_u32(tb[p + 1]));
			changed = true;
		}
	}
	if (vpnpt_hook_options_set(net, a))
		changed = true;
unlock:
	if (vn != init)
		mutex_unlock(&vn->config_lock);
	mutex_unlock(&init->config_lock);
	if (err)
		return err;
	if (changed) {
		for (p = 0; p < __VPNPT_PROTO_MAX; p++)
			if (vpnpt_proto(p)->reconfigure)
				vpnpt_proto(p)->reconfigure(net);
	}

	if (a[VPNPT_A_SWITCHES]) {
		u32 mask = a[VPNPT_A_SWITCHES_MASK] ?
			nla_get_u32(a[VPNPT_A_SWITCHES_MASK]) : VPNPT_PROTO_ALL;

		int ret = vpnpt_set_switches(net, mask,
					     nla_get_u32(a[VPNPT_A_SWITCHES]));

		if (ret < 0) {
			if (changed)
				vpnpt_event_config(net);
			return ret;
		}
		if (ret)
			changed = true;
	}
	if (changed)
		vpnpt_event_config(net);
	return 0;
}

static int vpnpt_fill_stats(struct sk_buff *skb, void *arg)
{
	struct vpnpt_net *vn = arg;
	u64 (*c)[__VPNPT_STAT_MAX];
	struct nlattr *all, *one;
	int p, k, err = -EMSGSIZE;

	c = kmalloc_array(__VPNPT_PROTO_MAX, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	vpnpt_stats_read(&vn->stats, c);

	all = nla_nest_start(skb, VPNPT_A_STATS);
	if (!all)
		goto out;
	for (p = 0; p < __VPNPT_PROTO_MAX; p++) {
		one = nla_nest_start(skb, VPNPT_A_STATS_PROTO);
		if (!one || nla_put_u32(skb, VPNPT_STAT_PROTO, p))
			goto out;
		for (k = VPNPT_STAT_PACKETS; k < __VPNPT_STAT_MAX; k++)
			if (nla_put_u64_64bit(skb, k, c[p][k], VPNPT_STAT_PAD))
				goto out;
		nla_nest_end(skb, one);
	}
	nla_nest_end(skb, all);
	err = 0;
out:
	kfree(c);
	return err;
}

static int vpnpt_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	return vpnpt_reply(info, VPNPT_CMD_GET_STATS, vpnpt_fill_stats,
			   vpnpt_net(genl_info_net(info)));
}

static int vpnpt_fill_session(struct sk_buff *skb, const struct vpnpt_session *s)
{
	unsigned long now = jiffies;
	struct nlattr *nest;
	int err = 0;

	nest = nla_nest_start(skb, VPNPT_A_SESSION);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, VPNPT_SA_ID, s->id, VPNPT_SA_PAD) ||
	    nla_put_u32(skb, VPNPT_SA_PROTO, s->proto) ||
	    nla_put_u32(skb, VPNPT_SA_STATE, s->state) ||
	    nla_put_in_addr(skb, VPNPT_SA_CLIENT, s->client) ||
	    nla_put_in_addr(skb, VPNPT_SA_SERVER, s->server) ||
	    nla_put_in_addr(skb, VPNPT_SA_PUBLIC, s->public) ||
	    nla_put_u32(skb, VPNPT_SA_AGE, jiffies_to_msecs(now - s->created) / 1000) ||
	    nla_put_u32(skb, VPNPT_SA_IDLE,
			jiffies_to_msecs(now - READ_ONCE(s->last_seen)) / 1000) ||
	    nla_put_u64_64bit(skb, VPNPT_SA_PACKETS_OUT,
			      atomic64_read(&s->packets[0]), VPNPT_SA_PAD) ||
	    nla_put_u64_64bit(skb, VPNPT_SA_PACKETS_IN,
			      atomic64_read(&s->packets[1]), VPNPT_SA_PAD) ||
	    nla_put_u64_64bit(skb, VPNPT_SA_BYTES_OUT,
			      atomic64_read(&s->bytes[0]), VPNPT_SA_PAD) ||
	    nla_put_u64_64bit(skb, VPNPT_SA_BYTES_IN,
			      atomic64_read(&s->bytes[1]), VPNPT_SA_PAD))
		goto fail;
	if (s->zone && nla_put_u16(skb, VPNPT_SA_ZONE, s->zone))
		goto fail;
	if (s->parent && nla_put_u64_64bit(skb, VPNPT_SA_PARENT, s->parent,
					   VPNPT_SA_PAD))
		goto fail;

	switch (s->proto) {
	case VPNPT_PROTO_PPTP:
		err = nla_put_u16(skb, VPNPT_SA_CALL_ID_INSIDE, s->ids.pptp.call_id_inside) ||
		      nla_put_u16(skb, VPNPT_SA_CALL_ID_OUTSIDE, s->ids.pptp.call_id_outside) ||
		      nla_put_u16(skb, VPNPT_SA_PEER_CALL_ID, s->ids.pptp.peer_call_id);
		break;
	case VPNPT_PROTO_ESP:
	case VPNPT_PROTO_AH:
		err = nla_put_be32(skb, VPNPT_SA_SPI_OUT, s->ids.ipsec.spi_out) ||
		      nla_put_be32(skb, VPNPT_SA_SPI_IN, s->ids.ipsec.spi_in);
		break;
	case VPNPT_PROTO_IKE:
	case VPNPT_PROTO_NATT:
		err = nla_put_u64_64bit(skb, VPNPT_SA_IKE_SPI_I, s->ids.ike.spi_i, VPNPT_SA_PAD) ||
		      nla_put_u64_64bit(skb, VPNPT_SA_IKE_SPI_R, s->ids.ike.spi_r, VPNPT_SA_PAD);
		break;
	case VPNPT_PROTO_L2TP:
		err = nla_put_u16(skb, VPNPT_SA_TUNNEL_ID, s->ids.l2tp.tunnel_id) ||
		      nla_put_u16(skb, VPNPT_SA_PEER_TUNNEL_ID, s->ids.l2tp.peer_tunnel_id);
		break;
	}
	if (err)
		goto fail;
	/* The caller may not be in an RCU section (events, process context). */
	if (s->ops && s->ops->fill) {
		rcu_read_lock();
		err = s->ops->fill(skb, s);
		rcu_read_unlock();
		if (err)
			goto fail;
	}
	nla_nest_end(skb, nest);
	return 0;
fail:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

struct vpnpt_dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

static int vpnpt_dump_one(const struct vpnpt_session *s, void *arg)
{
	struct vpnpt_dump_ctx *ctx = arg;
	void *hdr;

	hdr = genlmsg_put(ctx->skb, NETLINK_CB(ctx->cb->skb).portid,
			  ctx->cb->nlh->nlmsg_seq, &vpnpt_genl_family,
			  NLM_F_MULTI, VPNPT_CMD_GET_SESSIONS);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(ctx->cb, hdr);
	if (vpnpt_fill_session(ctx->skb, s)) {
		genlmsg_cancel(ctx->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(ctx->skb, hdr);
	return 0;
}

/*
 * Dump state in cb->args: [0] hash bucket, [1] and [3] the low and high 32
 * bits of the id of the last session sent from it (0: none yet; ids are 64
 * bits, longs may be 32), [2] protocol filter (+1 so that 0 means "not
 * parsed yet"). cb->seq is the table's generation when each part of the
 * dump starts: a part that finds it changed since the previous one marks
 * its messages (and NLMSG_DONE) NLM_F_DUMP_INTR, and the tool starts over.
 */
static int vpnpt_get_sessions(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vpnpt_dump_ctx ctx = { .skb = skb, .cb = cb };
	struct net *net = sock_net(skb->sk);
	u64 last;
	int err;

	if (!cb->args[2]) {
		struct nlattr *protos = vpnpt_dumpit_attrs(cb)[VPNPT_A_PROTOS];

		cb->args[2] = 1 + (protos ? nla_get_u32(protos) : VPNPT_PROTO_ALL);
	}
	cb->seq = vpnpt_sessions_gen(net);
	last = (u64)(u32)cb->args[3] << 32 | (u32)cb->args[1];
	err = vpnpt_sessions_walk(net, cb->args[2] - 1, &cb->args[0], &last,
				  vpnpt_dump_one, &ctx);
	cb->args[1] = (u32)last;
	cb->args[3] = (u32)(last >> 32);
	if (err && err != -EMSGSIZE)
		return err;
	/* A session too big for an empty message would loop forever. */
	if (err == -EMSGSIZE && !skb->len)
		return -EMSGSIZE;
	return skb->len;
}

static int vpnpt_fill_flushed(struct sk_buff *skb, void *arg)
{
	return nla_put_u32(skb, VPNPT_A_FLUSHED, *(u32 *)arg);
}

static int vpnpt_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	u32 protos = VPNPT_PROTO_ALL, n;

	if (info->attrs[VPNPT_A_PROTOS])
		protos = nla_get_u32(info->attrs[VPNPT_A_PROTOS]);
	n = vpnpt_teardown(net, protos);
	return vpnpt_reply(info, VPNPT_CMD_FLUSH, vpnpt_fill_flushed, &n);
}

static const struct genl_ops vpnpt_genl_ops[] = {
	{
		.cmd = VPNPT_CMD_GET_CONFIG,
		.doit = vpnpt_get_config,
	},
	{
		.cmd = VPNPT_CMD_SET_CONFIG,
		.doit = vpnpt_set_config,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = VPNPT_CMD_GET_STATS,
		.doit = vpnpt_get_stats,
	},
	{
		.cmd = VPNPT_CMD_GET_SESSIONS,
		.dumpit = vpnpt_get_sessions,
		/* Clients, servers and SPIs are not for every local user. */
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = VPNPT_CMD_FLUSH,
		.doit = vpnpt_flush,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family vpnpt_genl_family __ro_after_init = {
	.name = VPNPT_GENL_NAME,
	.version = VPNPT_GENL_VERSION,
	.maxattr = VPNPT_A_MAX,
	.policy = vpnpt_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = vpnpt_genl_ops,
	.n_ops = ARRAY_SIZE(vpnpt_genl_ops),
	.mcgrps = vpnpt_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vpnpt_mcgrps),
#ifdef VPNPT_HAVE_GENL_RESV_START_OP
	/* Every command gets strict validation. */
	.resv_start_op = __VPNPT_CMD_MAX,
#endif
};

/* vpnptctl's lookup of the family by name loads the module on demand. */
MODULE_ALIAS_GENL_FAMILY(VPNPT_GENL_NAME);

/* Build one event with @fill and send it to the events group of @net. */
static void vpnpt_event(struct net *net, u8 cmd, gfp_t gfp,
			int (*fill)(struct sk_buff *skb, void *arg), void *arg)
{
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&vpnpt_genl_family, net, VPNPT_MCGRP_EVENTS_ID))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &vpnpt_genl_family, 0, cmd);
	if (!hdr || fill(skb, arg)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&vpnpt_genl_family, net, skb, 0,
				VPNPT_MCGRP_EVENTS_ID, gfp);
}

static int vpnpt_fill_session_cb(struct sk_buff *skb, void *arg)
{
	return vpnpt_fill_session(skb, arg);
}

static void vpnpt_genl_notify_session(struct net *net,
				      const struct vpnpt_session *s,
				      enum vpnpt_cmd cmd)
{
	/* Anyone could listen on a kernel that cannot restrict the group. */
	if (!VPNPT_MCGRP_RESTRICTED)
		return;
	vpnpt_event(net, cmd, GFP_ATOMIC, vpnpt_fill_session_cb, (void *)s);
}

static void vpnpt_genl_notify_config(struct net *net)
{
	vpnpt_event(net, VPNPT_CMD_SET_CONFIG, GFP_KERNEL, vpnpt_fill_config_cb,
		    vpnpt_net(net));
}

static const struct vpnpt_event_ops vpnpt_genl_events = {
	.session = vpnpt_genl_notify_session,
	.config = vpnpt_genl_notify_config,
};

int vpnpt_genl_init(void)
{
	int err;

	err = genl_register_family(&vpnpt_genl_family);
	if (!err)
		vpnpt_events_set(&vpnpt_genl_events);
	return err;
}

void vpnpt_genl_exit(void)
{
	vpnpt_events_set(NULL);
	genl_unregister_family(&vpnpt_genl_family);
}
