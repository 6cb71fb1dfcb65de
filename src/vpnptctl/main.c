// SPDX-License-Identifier: GPL-2.0
/*
 * vpnptctl - control the vpnpt VPN passthrough module.
 *
 * Parses the command line (cli.c), enters the network namespace of -n,
 * and runs the command: generic netlink commands in nl.c, setup and
 * teardown in setup.c. Errors are one line on stderr; the exit status is 0,
 * 1 (the operation failed) or 2 (bad command line).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "version.h"
#include "vpnptctl.h"

void vpnptctl_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs(VPNPTCTL_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Like `ip -n NAME`: the namespace `ip netns add NAME` created. */
static int vpnptctl_enter_netns(const char *name)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "/var/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		vpnptctl_err("netns %s: %s", name, strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		vpnptctl_err("netns %s: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int vpnptctl_run(const struct vpnptctl_args *args)
{
	switch (args->cmd) {
	case VPNPTCTL_CMD_HELP:
		vpnptctl_usage(stdout);
		return VPNPTCTL_EXIT_OK;
	case VPNPTCTL_CMD_VERSION:
		printf(VPNPTCTL_NAME " %s (generic netlink family \"%s\" version %u or later)\n",
		       VPNPT_VERSION, VPNPT_GENL_NAME, VPNPTCTL_GENL_MIN_VERSION);
		return VPNPTCTL_EXIT_OK;
	case VPNPTCTL_CMD_SETUP:
	case VPNPTCTL_CMD_TEARDOWN:
		/* A dry run touches no kernel, so it needs no namespace. */
		if (args->dry_run) {
			if (args->cmd == VPNPTCTL_CMD_SETUP && args->nft)
				vpnptctl_print_ruleset(stdout);
			else
				vpnptctl_print_teardown_ruleset(stdout,
					args->cmd == VPNPTCTL_CMD_SETUP);
			return VPNPTCTL_EXIT_OK;
		}
		if (args->netns && vpnptctl_enter_netns(args->netns))
			return VPNPTCTL_EXIT_FAIL;
		return vpnptctl_run_setup(args);
	default:
		if (args->netns && vpnptctl_enter_netns(args->netns))
			return VPNPTCTL_EXIT_FAIL;
		return vpnptctl_run_netlink(args);
	}
}

int main(int argc, char **argv)
{
	char err[VPNPTCTL_ERRLEN];
	struct vpnptctl_args args;
	int ret;

	ret = vpnptctl_parse_args(argc, argv, &args, err, sizeof(err));
	if (ret) {
		vpnptctl_err("%s", err);
		return ret;
	}
	ret = vpnptctl_run(&args);
	/* Output that could not be written is a failure too (e.g. disk full). */
	if (fflush(stdout) || ferror(stdout)) {
		vpnptctl_err("write error: %s", strerror(errno));
		ret = VPNPTCTL_EXIT_FAIL;
	}
	return ret;
}
