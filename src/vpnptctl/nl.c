// SPDX-License-Identifier: GPL-2.0
/*
 * vpnptctl: the commands that talk to the vpnpt generic netlink family,
 * with libmnl.
 *
 * Every request asks for an ACK, so a request ends with an NLMSG_ERROR
 * (error or ACK) and a dump with NLMSG_DONE. The socket has
 * NETLINK_EXT_ACK on, and errors are printed with the kernel's extended ACK
 * message. The attributes of replies are decoded by decode.c.
 */
#define _GNU_SOURCE		/* ppoll */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "vpnptctl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK		10
#endif

#define VPNPTCTL_RXBUF		(64 * 1024)
#define VPNPTCTL_DUMP_TRIES	5

struct vpnptctl_nl {
	struct mnl_socket *sock;
	unsigned int portid;
	uint32_t seq;
	struct vpnptctl_family fam;
	const char *op;		/* names the operation in errors */
	char ext_msg[VPNPTCTL_ERRLEN];
	bool dump_intr;
	int cb_error;
	void *buf;		/* VPNPTCTL_RXBUF bytes, from malloc: aligned */
};

/* Called for each data message of a reply; returns 0 or a negative errno. */
typedef int (*vpnptctl_reply_fn)(const struct nlmsghdr *nlh, void *data);

static void vpnptctl_nl_close(struct vpnptctl_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->buf);
}

/* "<op>: <strerror>[: <extack>]" for a negative errno. */
static int vpnptctl_nl_fail(const struct vpnptctl_nl *nl, int error)
{
	if (error == -EBADMSG)
		vpnptctl_err("%s: malformed reply from the vpnpt module", nl->op);
	else if (error == -EPERM && !nl->ext_msg[0])
		vpnptctl_err("%s: permission denied (needs CAP_NET_ADMIN in the network namespace, e.g. root)",
			     nl->op);
	else if (nl->ext_msg[0])
		vpnptctl_err("%s: %s: %s", nl->op, strerror(-error), nl->ext_msg);
	else
		vpnptctl_err("%s: %s", nl->op, strerror(-error));
	return VPNPTCTL_EXIT_FAIL;
}

static int vpnptctl_nl_open(struct vpnptctl_nl *nl, const char *op)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->op = op;
	nl->buf = malloc(VPNPTCTL_RXBUF);
	if (!nl->buf)
		return -ENOMEM;
	nl->sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	/* Both are optional: kernels before 4.12 have no extended ACKs. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = 1;
	return 0;
}

static struct nlmsghdr *vpnptctl_nl_msg(struct vpnptctl_nl *nl, uint16_t type,
					uint16_t flags, uint8_t cmd,
					uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/* The attributes of a generic netlink message and their length. */
static const void *vpnptctl_genl_attrs(const struct nlmsghdr *nlh, size_t *len)
{
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		*len = 0;
		return NULL;
	}
	*len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	return mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
}

/*
 * Handle one received buffer of the reply to request @seq. Returns 1 while
 * more is to come, 0 when the reply ended with an ACK or NLMSG_DONE, a
 * negative errno when it ended with an error. An error of @cb is kept in
 * nl->cb_error and the rest of the reply is read but not passed to @cb, so
 * that the socket stays in step.
 */
static int vpnptctl_nl_parse(struct vpnptctl_nl *nl, const void *buf, size_t n,
			     uint32_t seq, vpnptctl_reply_fn cb, void *data)
{
	const struct nlmsghdr *nlh = buf;
	int len = (int)n, error, ret;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		/* Left over from an earlier request: not ours to handle. */
		if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != nl->portid)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			nl->dump_intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			continue;
		case NLMSG_OVERRUN:
			return -ENOBUFS;
		case NLMSG_ERROR:
		case NLMSG_DONE:
			if (vpnptctl_decode_nlerr(nlh, nlh->nlmsg_len, &error,
						  nl->ext_msg, sizeof(nl->ext_msg)))
				return -EBADMSG;
			if (error > 0)	/* not an errno the kernel would send */
				error = -EPROTO;
			return error;
		default:
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE || !cb ||
			    nl->cb_error)
				continue;
			ret = cb(nlh, data);
			if (ret < 0)
				nl->cb_error = ret;
		}
	}
	return 1;
}

/*
 * Send the message in nl->buf and receive its reply up to the final ACK,
 * error or NLMSG_DONE; @cb gets each data message. Returns 0 or a negative
 * errno (with the extended ACK message, if any, in nl->ext_msg).
 */
static int vpnptctl_nl_talk(struct vpnptctl_nl *nl, vpnptctl_reply_fn cb,
			    void *data)
{
	const struct nlmsghdr *req = nl->buf;
	uint32_t seq = req->nlmsg_seq;
	ssize_t n;
	int ret = 1;

	nl->ext_msg[0] = '\0';
	nl->dump_intr = false;
	nl->cb_error = 0;
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl->sock, nl->buf, VPNPTCTL_RXBUF);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		ret = vpnptctl_nl_parse(nl, nl->buf, (size_t)n, seq, cb, data);
	} while (ret > 0);
	if (ret)
		return ret;
	return nl->cb_error;
}

static int vpnptctl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vpnptctl_nl *nl = data;
	const void *attrs;
	size_t len;

	if (nlh->nlmsg_type != GENL_ID_CTRL)
		return 0;
	attrs = vpnptctl_genl_attrs(nlh, &len);
	if (!attrs)
		return -EBADMSG;
	return vpnptctl_decode_family(attrs, len, VPNPT_GENL_MCGRP_EVENTS,
				      &nl->fam);
}

/* Open a socket and look the vpnpt family up. Prints errors itself. */
static int vpnptctl_nl_connect(struct vpnptctl_nl *nl, const char *op)
{
	struct nlmsghdr *nlh;
	int ret;

	ret = vpnptctl_nl_open(nl, op);
	if (ret) {
		vpnptctl_err("%s: netlink socket: %s", op, strerror(-ret));
		return VPNPTCTL_EXIT_FAIL;
	}
	nlh = vpnptctl_nl_msg(nl, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, VPNPT_GENL_NAME);
	ret = vpnptctl_nl_talk(nl, vpnptctl_family_cb, nl);
	if (ret == -ENOENT) {
		vpnptctl_err("vpnpt module not loaded (generic netlink family \"%s\" not found)",
			     VPNPT_GENL_NAME);
		return VPNPTCTL_EXIT_FAIL;
	}
	if (!ret && !nl->fam.id)
		ret = -EBADMSG;
	if (ret)
		return vpnptctl_nl_fail(nl, ret);
	if (nl->fam.version < VPNPTCTL_GENL_MIN_VERSION) {
		vpnptctl_err("vpnpt module too old: generic netlink family version %u, vpnptctl needs %u or later",
			     nl->fam.version, VPNPTCTL_GENL_MIN_VERSION);
		return VPNPTCTL_EXIT_FAIL;
	}
	return VPNPTCTL_EXIT_OK;
}

static struct nlmsghdr *vpnptctl_vpnpt_msg(struct vpnptctl_nl *nl, uint8_t cmd,
					   uint16_t flags)
{
	return vpnptctl_nl_msg(nl, nl->fam.id, flags, cmd, VPNPT_GENL_VERSION);
}

/* ---- replies of the vpnpt family ------------------------------------- */

struct vpnptctl_reply {
	struct vpnptctl_nl *nl;
	int (*decode)(const void *attrs, size_t len, void *out);
	void *out;
	bool got;
};

static int vpnptctl_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vpnptctl_reply *r = data;
	const void *attrs;
	size_t len;

	if (nlh->nlmsg_type != r->nl->fam.id)
		return 0;
	attrs = vpnptctl_genl_attrs(nlh, &len);
	if (!attrs)
		return -EBADMSG;
	/* The first message of the family is the reply, whatever its cmd. */
	if (r->got)
		return 0;
	r->got = true;
	return r->decode(attrs, len, r->out);
}

static int vpnptctl_decode_config_v(const void *a, size_t len, void *out)
{
	return vpnptctl_decode_config(a, len, out);
}

static int vpnptctl_decode_stats_v(const void *a, size_t len, void *out)
{
	return vpnptctl_decode_stats(a, len, out);
}

static int vpnptctl_decode_flushed_v(const void *a, size_t len, void *out)
{
	return vpnptctl_decode_flushed(a, len, out);
}

/* A "do" request without attributes and its one reply. */
static int vpnptctl_nl_get(struct vpnptctl_nl *nl, uint8_t cmd,
			   int (*decode)(const void *, size_t, void *), void *out)
{
	struct vpnptctl_reply r = {
		.nl = nl, .decode = decode, .out = out,
	};
	int ret;

	vpnptctl_vpnpt_msg(nl, cmd, 0);
	ret = vpnptctl_nl_talk(nl, vpnptctl_reply_cb, &r);
	if (!ret && !r.got)
		ret = -EBADMSG;
	return ret;
}

/* ---- commands ----------------------------------------------------------- */

static int vpnptctl_cmd_status(struct vpnptctl_nl *nl,
			       const struct vpnptctl_args *args,
			       const struct vpnptctl_out *o)
{
	struct vpnptctl_config cfg = { 0 };
	struct vpnptctl_stats st = { 0 };
	int ret;

	ret = vpnptctl_nl_get(nl, VPNPT_CMD_GET_CONFIG,
			      vpnptctl_decode_config_v, &cfg);
	if (ret)
		return vpnptctl_nl_fail(nl, ret);
	cfg.family_version = nl->fam.version;
	cfg.present |= VPNPTCTL_CFG_FAMILY_VERSION;
	if (args->stats) {
		ret = vpnptctl_nl_get(nl, VPNPT_CMD_GET_STATS,
				      vpnptctl_decode_stats_v, &st);
		if (ret)
			return vpnptctl_nl_fail(nl, ret);
	}
	vpnptctl_print_status(o, &cfg, args->stats ? &st : NULL);
	return VPNPTCTL_EXIT_OK;
}

static int vpnptctl_cmd_stats(struct vpnptctl_nl *nl,
			      const struct vpnptctl_out *o)
{
	struct vpnptctl_stats st;
	int ret;

	ret = vpnptctl_nl_get(nl, VPNPT_CMD_GET_STATS,
			      vpnptctl_decode_stats_v, &st);
	if (ret)
		return vpnptctl_nl_fail(nl, ret);
	vpnptctl_print_stats(o, &st);
	return VPNPTCTL_EXIT_OK;
}

/* enable, disable, set: one all-or-nothing SET_CONFIG. */
static int vpnptctl_cmd_set(struct vpnptctl_nl *nl,
			    const struct vpnptctl_args *args)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int p;
	int ret;

	nlh = vpnptctl_vpnpt_msg(nl, VPNPT_CMD_SET_CONFIG, 0);
	if (args->set & VPNPTCTL_SET_SWITCHES) {
		mnl_attr_put_u32(nlh, VPNPT_A_SWITCHES, args->switches);
		mnl_attr_put_u32(nlh, VPNPT_A_SWITCHES_MASK, args->switches_mask);
	}
	if (args->set & VPNPTCTL_SET_MAX_SESSIONS)
		mnl_attr_put_u32(nlh, VPNPT_A_MAX_SESSIONS, args->max_sessions);
	if (args->set & VPNPTCTL_SET_MAX_CLIENT_SESSIONS)
		mnl_attr_put_u32(nlh, VPNPT_A_MAX_CLIENT_SESSIONS,
				 args->max_client_sessions);
	if (args->set & VPNPTCTL_SET_IKE_KEEP_PORT)
		mnl_attr_put_u8(nlh, VPNPT_A_IKE_KEEP_PORT, args->ike_keep_port);
	if (args->set & VPNPTCTL_SET_ATTACH_HELPERS)
		mnl_attr_put_u8(nlh, VPNPT_A_ATTACH_HELPERS, args->attach_helpers);
	if (args->set & VPNPTCTL_SET_CEIL_MAX_SESSIONS)
		mnl_attr_put_u32(nlh, VPNPT_A_CEIL_MAX_SESSIONS,
				 args->ceil_max_sessions);
	if (args->set & VPNPTCTL_SET_CEIL_MAX_CLIENT_SESSIONS)
		mnl_attr_put_u32(nlh, VPNPT_A_CEIL_MAX_CLIENT_SESSIONS,
				 args->ceil_max_client_sessions);
	if (args->timeouts_set) {
		nest = mnl_attr_nest_start(nlh, VPNPT_A_TIMEOUTS);
		for (p = 0; p < VPNPTCTL_NPROTO; p++)
			if (args->timeouts_set & (1U << p))
				mnl_attr_put_u32(nlh, (uint16_t)(p + 1),
						 args->timeouts[p]);
		mnl_attr_nest_end(nlh, nest);
	}
	ret = vpnptctl_nl_talk(nl, NULL, NULL);
	return ret ? vpnptctl_nl_fail(nl, ret) : VPNPTCTL_EXIT_OK;
}

struct vpnptctl_dump {
	struct vpnptctl_nl *nl;
	const struct vpnptctl_args *args;
	struct vpnptctl_session *s;
	size_t n, cap;
};

static int vpnptctl_session_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vpnptctl_dump *d = data;
	struct vpnptctl_session s;
	const void *attrs;
	size_t len;
	int ret;

	if (nlh->nlmsg_type != d->nl->fam.id)
		return 0;
	attrs = vpnptctl_genl_attrs(nlh, &len);
	if (!attrs)
		return -EBADMSG;
	ret = vpnptctl_decode_session_msg(attrs, len, &s);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	/* The client filter is the tool's: the kernel filters by protocol. */
	if (d->args->has_client &&
	    (!vpnptctl_has(&s, VPNPT_SA_CLIENT) || s.client != d->args->client))
		return 0;
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 64;
		struct vpnptctl_session *ns = realloc(d->s, cap * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		d->s = ns;
		d->cap = cap;
	}
	d->s[d->n++] = s;
	return 0;
}

static int vpnptctl_cmd_sessions(struct vpnptctl_nl *nl,
				 const struct vpnptctl_args *args,
				 const struct vpnptctl_out *o)
{
	struct vpnptctl_dump d = { .nl = nl, .args = args };
	struct nlmsghdr *nlh;
	int ret, tries = 0;

	/* A dump the kernel marks inconsistent (changed under it) is redone. */
	do {
		d.n = 0;
		nlh = vpnptctl_vpnpt_msg(nl, VPNPT_CMD_GET_SESSIONS, NLM_F_DUMP);
		if (args->protos)
			mnl_attr_put_u32(nlh, VPNPT_A_PROTOS, args->protos);
		ret = vpnptctl_nl_talk(nl, vpnptctl_session_cb, &d);
	} while (!ret && nl->dump_intr && ++tries < VPNPTCTL_DUMP_TRIES);
	if (ret) {
		free(d.s);
		return vpnptctl_nl_fail(nl, ret);
	}
	vpnptctl_print_sessions(o, d.s, d.n);
	free(d.s);
	return VPNPTCTL_EXIT_OK;
}

static int vpnptctl_cmd_flush(struct vpnptctl_nl *nl,
			      const struct vpnptctl_args *args,
			      const struct vpnptctl_out *o)
{
	uint32_t flushed = 0;
	struct vpnptctl_reply r = {
		.nl = nl, .decode = vpnptctl_decode_flushed_v, .out = &flushed,
	};
	struct nlmsghdr *nlh;
	int ret;

	nlh = vpnptctl_vpnpt_msg(nl, VPNPT_CMD_FLUSH, 0);
	if (args->protos)
		mnl_attr_put_u32(nlh, VPNPT_A_PROTOS, args->protos);
	ret = vpnptctl_nl_talk(nl, vpnptctl_reply_cb, &r);
	if (!ret && !r.got)
		ret = -EBADMSG;
	if (ret)
		return vpnptctl_nl_fail(nl, ret);
	vpnptctl_print_flushed(o, flushed);
	return VPNPTCTL_EXIT_OK;
}

/* ---- monitor ------------------------------------------------------------ */

static volatile sig_atomic_t vpnptctl_stop;

static void vpnptctl_on_signal(int sig)
{
	(void)sig;
	vpnptctl_stop = 1;
}

static void vpnptctl_monitor_msgs(struct vpnptctl_nl *nl, const void *buf,
				  size_t n, const struct vpnptctl_out *o)
{
	const struct nlmsghdr *nlh = buf;
	int len = (int)n;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		const struct genlmsghdr *g;
		struct vpnptctl_event ev;
		const void *attrs;
		size_t alen;
		int ret;

		if (nlh->nlmsg_type != nl->fam.id)
			continue;
		attrs = vpnptctl_genl_attrs(nlh, &alen);
		if (!attrs)
			continue;
		g = mnl_nlmsg_get_payload(nlh);
		ret = vpnptctl_decode_event(g->cmd, attrs, alen, &ev);
		if (ret == -ENOENT)
			continue;	/* not an event this tool knows */
		if (ret) {
			vpnptctl_err("monitor: malformed event from the vpnpt module (command %u)",
				     g->cmd);
			continue;
		}
		vpnptctl_print_event(o, &ev);
	}
	fflush(o->f);
}

static int vpnptctl_cmd_monitor(struct vpnptctl_nl *nl,
				const struct vpnptctl_out *o)
{
	struct sigaction sa = { .sa_handler = vpnptctl_on_signal };
	int fd = mnl_socket_get_fd(nl->sock);
	unsigned int group = nl->fam.events_group;
	sigset_t block, orig;
	struct pollfd pfd;
	ssize_t n;

	if (!group) {
		vpnptctl_err("monitor: the vpnpt module has no \"%s\" multicast group",
			     VPNPT_GENL_MCGRP_EVENTS);
		return VPNPTCTL_EXIT_FAIL;
	}
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return vpnptctl_nl_fail(nl, -errno);

	/*
	 * SIGINT and SIGTERM are blocked except inside ppoll(), so a signal
	 * can only arrive while waiting, never between the check of
	 * vpnptctl_stop and the wait.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!vpnptctl_stop) {
		if (ppoll(&pfd, 1, NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			return vpnptctl_nl_fail(nl, -errno);
		}
		n = recv(fd, nl->buf, VPNPTCTL_RXBUF, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* The socket overran: say so and go on. */
				vpnptctl_err("monitor: events lost (receive buffer overrun)");
				continue;
			}
			return vpnptctl_nl_fail(nl, -errno);
		}
		vpnptctl_monitor_msgs(nl, nl->buf, (size_t)n, o);
	}
	return VPNPTCTL_EXIT_OK;
}

/*
 * setup and teardown: turn the module's attach-helpers option @on; @was_on
 * tells whether it was on before. A module without the option: setup fails
 * with a hint at --nft; for teardown there is nothing to turn off.
 */
int vpnptctl_attach_helpers(const struct vpnptctl_args *args, bool on,
			    bool *was_on)
{
	struct vpnptctl_args set = {
		.cmd = VPNPTCTL_CMD_SET,
		.set = VPNPTCTL_SET_ATTACH_HELPERS,
		.attach_helpers = on,
	};
	struct vpnptctl_config cfg = { 0 };
	struct vpnptctl_nl nl;
	int ret;

	*was_on = false;
	ret = vpnptctl_nl_connect(&nl, args->name);
	if (ret)
		goto out;
	ret = vpnptctl_nl_get(&nl, VPNPT_CMD_GET_CONFIG,
			      vpnptctl_decode_config_v, &cfg);
	if (ret) {
		ret = vpnptctl_nl_fail(&nl, ret);
		goto out;
	}
	if (!(cfg.present & VPNPTCTL_CFG_ATTACH_HELPERS)) {
		if (on) {
			vpnptctl_err("%s: the vpnpt module (%s) cannot attach the helpers itself; use setup --nft",
				     args->name, cfg.module_version);
			ret = VPNPTCTL_EXIT_FAIL;
		}
		goto out;
	}
	*was_on = cfg.attach_helpers;
	if (*was_on != on)
		ret = vpnptctl_cmd_set(&nl, &set);
out:
	vpnptctl_nl_close(&nl);
	return ret;
}

int vpnptctl_run_netlink(const struct vpnptctl_args *args)
{
	struct vpnptctl_out o = {
		.f = stdout, .json = args->json, .pretty = args->pretty,
	};
	struct vpnptctl_nl nl;
	int ret;

	ret = vpnptctl_nl_connect(&nl, args->name);
	if (ret)
		goto out;
	switch (args->cmd) {
	case VPNPTCTL_CMD_STATUS:
		ret = vpnptctl_cmd_status(&nl, args, &o);
		break;
	case VPNPTCTL_CMD_ENABLE:
	case VPNPTCTL_CMD_DISABLE:
	case VPNPTCTL_CMD_SET:
		ret = vpnptctl_cmd_set(&nl, args);
		break;
	case VPNPTCTL_CMD_STATS:
		ret = vpnptctl_cmd_stats(&nl, &o);
		break;
	case VPNPTCTL_CMD_SESSIONS:
		ret = vpnptctl_cmd_sessions(&nl, args, &o);
		break;
	case VPNPTCTL_CMD_MONITOR:
		ret = vpnptctl_cmd_monitor(&nl, &o);
		break;
	case VPNPTCTL_CMD_FLUSH:
		ret = vpnptctl_cmd_flush(&nl, args, &o);
		break;
	default:
		vpnptctl_err("%s: not a netlink command", args->name);
		ret = VPNPTCTL_EXIT_FAIL;
		break;
	}
out:
	vpnptctl_nl_close(&nl);
	return ret;
}
