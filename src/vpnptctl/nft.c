// SPDX-License-Identifier: GPL-2.0
/*
 * vpnptctl: setup and teardown, with libnftnl.
 *
 * setup sends one nftables batch, which the kernel applies as a whole or
 * not at all:
 *
 *   NEWTABLE ip vpnpt             (creates it, or is a no-op if it exists)
 *   DELTABLE ip vpnpt             (so whatever was in it goes)
 *   NEWTABLE ip vpnpt
 *   NEWOBJ   ct helper, one per vpnptctl_helpers[] entry
 *   NEWSET   ports                (inet_service)
 *   NEWSETELEM the helpers' ports
 *   NEWCHAIN prerouting           (filter, hook prerouting, priority 0)
 *   NEWRULE  th dport != @ports accept
 *   NEWRULE  <l4> dport <port> ct state new ct helper set "<helper>", one
 *            per vpnptctl_helpers[] entry
 *
 * The order inside the rules is the packet path's: every forwarded packet
 * runs the chain, and the first rule lets all but the helpers' ports go
 * with one load and one set lookup; "ct state" costs more than both
 * (docs/performance.md), so it comes last.
 *
 * Every message asks for an ACK; nfnetlink handles the whole batch inside
 * sendmsg(), so all ACKs and errors are queued when it returns and are read
 * without waiting. teardown sends DELTABLE ip vpnpt alone; ENOENT means
 * there was nothing to remove.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "vpnptctl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif

#define VPNPTCTL_NFT_BUF	(64 * 1024)
#define VPNPTCTL_NFT_MAXMSG	32

enum vpnptctl_nft_what {
	VPNPTCTL_NFT_BATCH,
	VPNPTCTL_NFT_TABLE_ADD,
	VPNPTCTL_NFT_TABLE_DEL,
	VPNPTCTL_NFT_HELPER,
	VPNPTCTL_NFT_SET,
	VPNPTCTL_NFT_CHAIN_ADD,
	VPNPTCTL_NFT_RULE,
};

/* The set's id inside the batch (the guard rule refers to it). */
#define VPNPTCTL_NFT_SET_ID	1
#define VPNPTCTL_NFT_TYPE_INET_SERVICE	13	/* nft's datatype number */

/* A batch and what each of its messages is, to explain errors. */
struct vpnptctl_nft {
	struct mnl_socket *sock;
	char *buf;
	struct mnl_nlmsg_batch *batch;
	uint32_t seq0, seq;
	unsigned int nmsg;
	struct {
		enum vpnptctl_nft_what what;
		const struct vpnptctl_helper *helper;
	} msg[VPNPTCTL_NFT_MAXMSG];
	/* The first error of the batch (by sequence number). */
	int error;
	uint32_t error_seq;
	char ext_msg[VPNPTCTL_ERRLEN];
};

/* Start a message of the batch: its header at the batch's current place. */
static struct nlmsghdr *vpnptctl_nft_put(struct vpnptctl_nft *n, uint16_t type,
					 uint16_t flags,
					 enum vpnptctl_nft_what what,
					 const struct vpnptctl_helper *h)
{
	n->msg[n->nmsg].what = what;
	n->msg[n->nmsg].helper = h;
	n->nmsg++;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(n->batch), type,
				     NFPROTO_IPV4, flags | NLM_F_ACK, n->seq++);
}

static void vpnptctl_nft_next(struct vpnptctl_nft *n)
{
	mnl_nlmsg_batch_next(n->batch);
}

static int vpnptctl_nft_table(struct vpnptctl_nft *n, uint16_t type,
			      uint16_t flags, enum vpnptctl_nft_what what)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t)
		return -ENOMEM;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, VPNPTCTL_NFT_TABLE);
	nlh = vpnptctl_nft_put(n, type, flags, what, NULL);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	vpnptctl_nft_next(n);
	return 0;
}

static int vpnptctl_nft_helper_obj(struct vpnptctl_nft *n,
				   const struct vpnptctl_helper *h)
{
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct nlmsghdr *nlh;

	if (!o)
		return -ENOMEM;
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, VPNPTCTL_NFT_TABLE);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, h->name);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_CT_HELPER);
	nftnl_obj_set_str(o, NFTNL_OBJ_CT_HELPER_NAME, h->name);
	nftnl_obj_set_u16(o, NFTNL_OBJ_CT_HELPER_L3PROTO, NFPROTO_IPV4);
	nftnl_obj_set_u8(o, NFTNL_OBJ_CT_HELPER_L4PROTO, h->l4proto);
	nlh = vpnptctl_nft_put(n, NFT_MSG_NEWOBJ, NLM_F_CREATE | NLM_F_EXCL,
			       VPNPTCTL_NFT_HELPER, h);
	nftnl_obj_nlmsg_build_payload(nlh, o);
	nftnl_obj_free(o);
	vpnptctl_nft_next(n);
	return 0;
}

/* set ports { type inet_service; elements = { the helpers' ports } } */
static int vpnptctl_nft_set(struct vpnptctl_nft *n)
{
	struct nftnl_set *st = nftnl_set_alloc();
	struct nlmsghdr *nlh;
	size_t i;

	if (!st)
		return -ENOMEM;
	nftnl_set_set_str(st, NFTNL_SET_TABLE, VPNPTCTL_NFT_TABLE);
	nftnl_set_set_str(st, NFTNL_SET_NAME, VPNPTCTL_NFT_SET_PORTS);
	nftnl_set_set_u32(st, NFTNL_SET_FAMILY, NFPROTO_IPV4);
	nftnl_set_set_u32(st, NFTNL_SET_KEY_TYPE, VPNPTCTL_NFT_TYPE_INET_SERVICE);
	nftnl_set_set_u32(st, NFTNL_SET_KEY_LEN, sizeof(uint16_t));
	nftnl_set_set_u32(st, NFTNL_SET_ID, VPNPTCTL_NFT_SET_ID);
	nlh = vpnptctl_nft_put(n, NFT_MSG_NEWSET, NLM_F_CREATE | NLM_F_EXCL,
			       VPNPTCTL_NFT_SET, NULL);
	nftnl_set_nlmsg_build_payload(nlh, st);
	vpnptctl_nft_next(n);

	for (i = 0; i < vpnptctl_nhelpers; i++) {
		struct nftnl_set_elem *e = nftnl_set_elem_alloc();
		uint16_t be_port = htons(vpnptctl_helpers[i].dport);

		if (!e) {
			nftnl_set_free(st);
			return -ENOMEM;
		}
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &be_port,
				   sizeof(be_port));
		nftnl_set_elem_add(st, e);
	}
	nlh = vpnptctl_nft_put(n, NFT_MSG_NEWSETELEM, NLM_F_CREATE | NLM_F_EXCL,
			       VPNPTCTL_NFT_SET, NULL);
	nftnl_set_elems_nlmsg_build_payload(nlh, st);
	vpnptctl_nft_next(n);
	nftnl_set_free(st);
	return 0;
}

static int vpnptctl_nft_chain(struct vpnptctl_nft *n)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		return -ENOMEM;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, VPNPTCTL_NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, VPNPTCTL_NFT_CHAIN);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_PRE_ROUTING);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, VPNPTCTL_NFT_PRIORITY);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = vpnptctl_nft_put(n, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL,
			       VPNPTCTL_NFT_CHAIN_ADD, NULL);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	vpnptctl_nft_next(n);
	return 0;
}

/* Expressions of a rule; each returns 0 or -ENOMEM. */
static int vpnptctl_expr_add(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (!e)
		return -ENOMEM;
	nftnl_rule_add_expr(r, e);
	return 0;
}

/* [ cmp OP reg 1 DATA ] */
static int vpnptctl_expr_cmp(struct nftnl_rule *r, uint32_t op,
			     const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	return vpnptctl_expr_add(r, e);
}

/* ct state new */
static int vpnptctl_expr_ct_state_new(struct nftnl_rule *r)
{
	uint32_t mask = NF_CT_STATE_BIT(IP_CT_NEW), zero = 0;
	struct nftnl_expr *e;
	int ret;

	e = nftnl_expr_alloc("ct");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	ret = vpnptctl_expr_add(r, e);
	if (ret)
		return ret;
	e = nftnl_expr_alloc("bitwise");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(mask));
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof(mask));
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, sizeof(zero));
	}
	ret = vpnptctl_expr_add(r, e);
	if (ret)
		return ret;
	return vpnptctl_expr_cmp(r, NFT_CMP_NEQ, &zero, sizeof(zero));
}

/* th dport: the destination port, at offset 2 in TCP and UDP headers */
static int vpnptctl_expr_th_dport(struct nftnl_rule *r)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE,
				   NFT_PAYLOAD_TRANSPORT_HEADER);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, 2);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, sizeof(uint16_t));
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	}
	return vpnptctl_expr_add(r, e);
}

/* tcp dport N, udp dport N */
static int vpnptctl_expr_dport(struct nftnl_rule *r, uint8_t l4proto,
			       uint16_t port)
{
	uint16_t be_port = htons(port);
	struct nftnl_expr *e;
	int ret;

	e = nftnl_expr_alloc("meta");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	ret = vpnptctl_expr_add(r, e);
	if (ret)
		return ret;
	ret = vpnptctl_expr_cmp(r, NFT_CMP_EQ, &l4proto, sizeof(l4proto));
	if (ret)
		return ret;
	ret = vpnptctl_expr_th_dport(r);
	if (ret)
		return ret;
	return vpnptctl_expr_cmp(r, NFT_CMP_EQ, &be_port, sizeof(be_port));
}

/* th dport != @ports accept */
static int vpnptctl_expr_guard(struct nftnl_rule *r)
{
	struct nftnl_expr *e;
	int ret;

	ret = vpnptctl_expr_th_dport(r);
	if (ret)
		return ret;
	e = nftnl_expr_alloc("lookup");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET,
				   VPNPTCTL_NFT_SET_PORTS);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID,
				   VPNPTCTL_NFT_SET_ID);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS,
				   NFT_LOOKUP_F_INV);
	}
	ret = vpnptctl_expr_add(r, e);
	if (ret)
		return ret;
	e = nftnl_expr_alloc("immediate");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_ACCEPT);
	}
	return vpnptctl_expr_add(r, e);
}

/* ct helper set "NAME" */
static int vpnptctl_expr_helper_set(struct nftnl_rule *r, const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc("objref");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_OBJREF_IMM_TYPE,
				   NFT_OBJECT_CT_HELPER);
		nftnl_expr_set_str(e, NFTNL_EXPR_OBJREF_IMM_NAME, name);
	}
	return vpnptctl_expr_add(r, e);
}

/* The rule that attaches helper h, or with h NULL the guard before them. */
static int vpnptctl_nft_rule(struct vpnptctl_nft *n,
			     const struct vpnptctl_helper *h)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	int ret;

	if (!r)
		return -ENOMEM;
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, VPNPTCTL_NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, VPNPTCTL_NFT_CHAIN);
	if (!h) {
		ret = vpnptctl_expr_guard(r);
	} else {
		ret = vpnptctl_expr_dport(r, h->l4proto, h->dport);
		if (!ret)
			ret = vpnptctl_expr_ct_state_new(r);
		if (!ret)
			ret = vpnptctl_expr_helper_set(r, h->name);
	}
	if (!ret) {
		nlh = vpnptctl_nft_put(n, NFT_MSG_NEWRULE,
				       NLM_F_CREATE | NLM_F_APPEND,
				       VPNPTCTL_NFT_RULE, h);
		nftnl_rule_nlmsg_build_payload(nlh, r);
		vpnptctl_nft_next(n);
	}
	nftnl_rule_free(r);
	return ret;
}

static int vpnptctl_nft_begin(struct vpnptctl_nft *n)
{
	int one = 1;

	memset(n, 0, sizeof(*n));
	n->buf = malloc(VPNPTCTL_NFT_BUF);
	if (!n->buf)
		return -ENOMEM;
	n->batch = mnl_nlmsg_batch_start(n->buf, VPNPTCTL_NFT_BUF);
	if (!n->batch)
		return -ENOMEM;
	n->sock = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!n->sock)
		return -errno;
	if (mnl_socket_bind(n->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	mnl_socket_setsockopt(n->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	n->seq0 = (uint32_t)time(NULL);
	n->seq = n->seq0;
	n->msg[0].what = VPNPTCTL_NFT_BATCH;
	n->nmsg = 1;
	nftnl_batch_begin(mnl_nlmsg_batch_current(n->batch), n->seq++);
	mnl_nlmsg_batch_next(n->batch);
	return 0;
}

static void vpnptctl_nft_free(struct vpnptctl_nft *n)
{
	if (n->batch)
		mnl_nlmsg_batch_stop(n->batch);
	if (n->sock)
		mnl_socket_close(n->sock);
	free(n->buf);
}

/* Note an NLMSG_ERROR; the one of the earliest message wins. */
static void vpnptctl_nft_note(struct vpnptctl_nft *n, const struct nlmsghdr *nlh)
{
	char msg[VPNPTCTL_ERRLEN];
	int error;

	if (vpnptctl_decode_nlerr(nlh, nlh->nlmsg_len, &error, msg, sizeof(msg)))
		error = -EBADMSG;
	if (!error)
		return;
	if (n->error && nlh->nlmsg_seq - n->seq0 >= n->error_seq - n->seq0)
		return;
	n->error = error;
	n->error_seq = nlh->nlmsg_seq;
	snprintf(n->ext_msg, sizeof(n->ext_msg), "%s", msg);
}

/*
 * End the batch, send it and collect the replies. Returns 0 if every message
 * was applied, or the first error (n->error_seq says which message).
 */
static int vpnptctl_nft_commit(struct vpnptctl_nft *n)
{
	void *rx = n->buf;
	size_t len;
	ssize_t got;
	int fd;

	n->msg[n->nmsg].what = VPNPTCTL_NFT_BATCH;
	nftnl_batch_end(mnl_nlmsg_batch_current(n->batch), n->seq++);
	mnl_nlmsg_batch_next(n->batch);
	len = mnl_nlmsg_batch_size(n->batch);
	if (mnl_socket_sendto(n->sock, mnl_nlmsg_batch_head(n->batch), len) < 0)
		return -errno;

	/* The batch is sent: its buffer takes the replies. */
	fd = mnl_socket_get_fd(n->sock);
	for (;;) {
		const struct nlmsghdr *nlh = rx;
		int left;

		got = recv(fd, rx, VPNPTCTL_NFT_BUF, MSG_DONTWAIT);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -errno;
		}
		left = (int)got;
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
			if (nlh->nlmsg_type == NLMSG_ERROR)
				vpnptctl_nft_note(n, nlh);
	}
	return n->error;
}

/* The message a sequence number belongs to. */
static unsigned int vpnptctl_nft_index(const struct vpnptctl_nft *n, uint32_t seq)
{
	uint32_t i = seq - n->seq0;

	return i <= n->nmsg ? i : 0;
}

static int vpnptctl_nft_fail(const struct vpnptctl_nft *n, const char *op,
			     int error)
{
	unsigned int i = vpnptctl_nft_index(n, n->error_seq);

	if (n->error && n->msg[i].what == VPNPTCTL_NFT_HELPER &&
	    error == -ENOENT) {
		vpnptctl_err("%s: vpnpt helper '%s' is not registered: is the vpnpt module loaded?",
			     op, n->msg[i].helper->name);
	} else if (n->error && n->ext_msg[0]) {
		vpnptctl_err("%s: %s: %s", op, strerror(-error), n->ext_msg);
	} else {
		vpnptctl_err("%s: %s", op, strerror(-error));
	}
	return VPNPTCTL_EXIT_FAIL;
}

static int vpnptctl_nft_setup(struct vpnptctl_nft *n)
{
	size_t i;
	int ret;

	/*
	 * batch begin, 3 tables, a helper and a rule each, set and elements,
	 * chain, guard rule, batch end
	 */
	if (1 + 3 + 2 * vpnptctl_nhelpers + 2 + 1 + 1 + 1 > VPNPTCTL_NFT_MAXMSG)
		return -E2BIG;
	ret = vpnptctl_nft_table(n, NFT_MSG_NEWTABLE, NLM_F_CREATE,
				 VPNPTCTL_NFT_TABLE_ADD);
	if (!ret)
		ret = vpnptctl_nft_table(n, NFT_MSG_DELTABLE, 0,
					 VPNPTCTL_NFT_TABLE_DEL);
	if (!ret)
		ret = vpnptctl_nft_table(n, NFT_MSG_NEWTABLE,
					 NLM_F_CREATE | NLM_F_EXCL,
					 VPNPTCTL_NFT_TABLE_ADD);
	for (i = 0; !ret && i < vpnptctl_nhelpers; i++)
		ret = vpnptctl_nft_helper_obj(n, &vpnptctl_helpers[i]);
	if (!ret)
		ret = vpnptctl_nft_set(n);
	if (!ret)
		ret = vpnptctl_nft_chain(n);
	if (!ret)
		ret = vpnptctl_nft_rule(n, NULL);
	for (i = 0; !ret && i < vpnptctl_nhelpers; i++)
		ret = vpnptctl_nft_rule(n, &vpnptctl_helpers[i]);
	return ret;
}

int vpnptctl_nft_apply(const char *op, bool install, bool *removed)
{
	struct vpnptctl_nft n;
	int ret;

	*removed = false;
	ret = vpnptctl_nft_begin(&n);
	/* No nfnetlink, so no nftables, so no table to remove. */
	if (ret == -EPROTONOSUPPORT && !install) {
		vpnptctl_nft_free(&n);
		return VPNPTCTL_EXIT_OK;
	}
	if (ret) {
		vpnptctl_err("%s: netfilter netlink socket: %s", op,
			     strerror(-ret));
		vpnptctl_nft_free(&n);
		return VPNPTCTL_EXIT_FAIL;
	}
	if (install)
		ret = vpnptctl_nft_setup(&n);
	else
		ret = vpnptctl_nft_table(&n, NFT_MSG_DELTABLE, 0,
					 VPNPTCTL_NFT_TABLE_DEL);
	if (!ret)
		ret = vpnptctl_nft_commit(&n);

	/* No such table, or no nf_tables in this kernel at all. */
	if (!install && ((ret == -ENOENT &&
			  n.msg[vpnptctl_nft_index(&n, n.error_seq)].what ==
			  VPNPTCTL_NFT_TABLE_DEL) || ret == -EOPNOTSUPP))
		ret = 0;
	else if (ret)
		ret = vpnptctl_nft_fail(&n, op, ret);
	else if (!install)
		*removed = true;
	vpnptctl_nft_free(&n);
	return ret ? VPNPTCTL_EXIT_FAIL : VPNPTCTL_EXIT_OK;
}
