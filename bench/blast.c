// SPDX-License-Identifier: GPL-2.0
/*
 * vpnpt-blast: send a fixed number of raw IPv4 packets (ESP or UDP) as fast
 * as one thread can, round robin over K source addresses (and K SPIs), and
 * print how long it took. For bench/run.sh: on veth the packet's whole way
 * (router forwarding, conntrack, NAT, vpnpt's hooks, delivery to the sink)
 * runs in the sender's softirq, so the sender's time is the path's cost.
 *
 *   vpnpt-blast --proto esp|udp --src A --nsrc K --dst D --packets N
 *               [--spi X] [--same-src] [--batch B] [--len L]
 *
 * Client k (0 <= k < K) is source address A + k (A for all with --same-src,
 * as a server answering K clients) and, for ESP, SPI X + k.
 * Packets go out in rounds: one to each client in turn. Prints one JSON
 * line: {"packets":N,"sent":S,"errors":E,"ns":T}.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BLAST_MAX_BATCH 256
#define BLAST_MAX_LEN 1400

struct blast_opts {
	int proto;		/* IPPROTO_ESP or IPPROTO_UDP */
	uint32_t src;		/* host order */
	uint32_t nsrc;
	uint32_t dst;		/* host order */
	uint64_t packets;
	uint32_t spi;
	unsigned int batch;
	unsigned int len;	/* L4 octets */
	int same_src;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: vpnpt-blast --proto esp|udp --src ADDR --nsrc K --dst ADDR\n"
		"                   --packets N [--spi X] [--same-src] [--batch B] [--len L]\n");
	exit(2);
}

static uint64_t parse_num(const char *what, const char *s, uint64_t max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v > max) {
		fprintf(stderr, "vpnpt-blast: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static uint32_t parse_addr(const char *what, const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "vpnpt-blast: bad %s '%s'\n", what, s);
		exit(2);
	}
	return ntohl(a.s_addr);
}

static void parse(int argc, char **argv, struct blast_opts *o)
{
	static const struct option longopts[] = {
		{ "proto", required_argument, NULL, 'p' },
		{ "src", required_argument, NULL, 's' },
		{ "nsrc", required_argument, NULL, 'k' },
		{ "dst", required_argument, NULL, 'd' },
		{ "packets", required_argument, NULL, 'n' },
		{ "spi", required_argument, NULL, 'x' },
		{ "batch", required_argument, NULL, 'b' },
		{ "len", required_argument, NULL, 'l' },
		{ "same-src", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->nsrc = 1;
	o->spi = 0x10000000;
	o->batch = 64;
	o->len = 64;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!strcmp(optarg, "esp"))
				o->proto = IPPROTO_ESP;
			else if (!strcmp(optarg, "udp"))
				o->proto = IPPROTO_UDP;
			else
				usage();
			break;
		case 's':
			o->src = parse_addr("--src", optarg);
			break;
		case 'k':
			o->nsrc = parse_num("--nsrc", optarg, 1 << 20);
			break;
		case 'd':
			o->dst = parse_addr("--dst", optarg);
			break;
		case 'n':
			o->packets = parse_num("--packets", optarg, UINT64_MAX);
			break;
		case 'x':
			o->spi = parse_num("--spi", optarg, UINT32_MAX);
			break;
		case 'b':
			o->batch = parse_num("--batch", optarg, BLAST_MAX_BATCH);
			break;
		case 'l':
			o->len = parse_num("--len", optarg, BLAST_MAX_LEN);
			break;
		case 'S':
			o->same_src = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !o->proto || !o->src || !o->dst || !o->packets ||
	    !o->nsrc || !o->batch || o->len < 16)
		usage();
}

static uint16_t ip_csum(const void *data, size_t len)
{
	const uint16_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* Packet k of a round into buf: IPv4 header, then ESP (SPI, sequence) or
 * UDP (no checksum) and zeros. Returns its length.
 */
static size_t build(const struct blast_opts *o, uint32_t k, uint32_t seq,
		    unsigned char *buf)
{
	struct iphdr *ip = (struct iphdr *)buf;
	unsigned char *l4 = buf + sizeof(*ip);
	size_t total = sizeof(*ip) + o->len;
	uint32_t v;
	uint16_t s;

	memset(buf, 0, total);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(total);
	ip->ttl = 64;
	ip->protocol = o->proto;
	ip->saddr = htonl(o->same_src ? o->src : o->src + k);
	ip->daddr = htonl(o->dst);
	ip->check = ip_csum(ip, sizeof(*ip));
	if (o->proto == IPPROTO_ESP) {
		v = htonl(o->spi + k);
		memcpy(l4, &v, 4);
		v = htonl(seq);
		memcpy(l4 + 4, &v, 4);
	} else {
		s = htons(40000 + k % 20000);
		memcpy(l4, &s, 2);
		s = htons(9);
		memcpy(l4 + 2, &s, 2);
		s = htons(o->len);
		memcpy(l4 + 4, &s, 2);
	}
	return total;
}

int main(int argc, char **argv)
{
	static unsigned char bufs[BLAST_MAX_BATCH][sizeof(struct iphdr) + BLAST_MAX_LEN];
	struct mmsghdr msgs[BLAST_MAX_BATCH];
	struct iovec iov[BLAST_MAX_BATCH];
	struct sockaddr_in to[BLAST_MAX_BATCH];
	uint64_t sent = 0, errors = 0, next = 0;
	struct timespec t0, t1;
	struct blast_opts o;
	unsigned int i, n;
	int fd, r;

	parse(argc, argv, &o);
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("vpnpt-blast: socket");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (next < o.packets) {
		n = o.packets - next < o.batch ? o.packets - next : o.batch;
		for (i = 0; i < n; i++) {
			uint64_t p = next + i;

			iov[i].iov_base = bufs[i];
			iov[i].iov_len = build(&o, p % o.nsrc, p / o.nsrc + 1, bufs[i]);
			memset(&to[i], 0, sizeof(to[i]));
			to[i].sin_family = AF_INET;
			to[i].sin_addr.s_addr = htonl(o.dst);
			memset(&msgs[i], 0, sizeof(msgs[i]));
			msgs[i].msg_hdr.msg_name = &to[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(to[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		r = sendmmsg(fd, msgs, n, 0);
		if (r < 0) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
				perror("vpnpt-blast: sendmmsg");
				return 1;
			}
			errors++;
			r = 1;	/* count the one that failed and go on */
		} else {
			sent += r;
		}
		next += r;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(fd);
	printf("{\"packets\":%llu,\"sent\":%llu,\"errors\":%llu,\"ns\":%lld}\n",
	       (unsigned long long)o.packets, (unsigned long long)sent,
	       (unsigned long long)errors,
	       (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL +
	       (t1.tv_nsec - t0.tv_nsec));
	return 0;
}
