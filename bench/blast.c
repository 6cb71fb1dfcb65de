// SPDX-License-Identifier: GPL-2.0
/*
 * vpnpt-blast: send a fixed number of raw IPv4 packets (ESP, UDP, TCP or
 * PPTP's enhanced GRE) as fast as one thread can, round robin over K source addresses (and K SPIs), and
 * print how long it took. For bench/run.sh: on veth the packet's whole way
 * (router forwarding, conntrack, NAT, vpnpt's hooks, delivery to the sink)
 * runs in the sender's softirq, so the sender's time is the path's cost.
 *
 *   vpnpt-blast --proto esp|udp|tcp|gre --src A --nsrc K --dst D --packets N
 *               [--spi X] [--same-src] [--batch B] [--len L]
 *               [--sport P] [--dport P] [--payload zero|natt|l2tp] [--key C]
 *               [--seq S]
 *
 * Client k (0 <= k < K) is source address A + k (A for all with --same-src,
 * as a server answering K clients) and, for ESP, SPI X + k.
 * UDP: from port P (default 40000 + k % 20000) to port P (default 9); its
 * payload zeros, or a NAT-T ESP header (SPI X + k, sequence) or an L2TPv2
 * data header (tunnel 1, session 1). TCP: ACK segments (no payload, valid
 * checksum, the same sequence numbers every time: one mid-stream flow per
 * client that conntrack picks up) from the same ports as UDP. GRE: PPTP's
 * enhanced GRE (version 1, key and sequence number) with call ID C.
 * Sequence numbers (ESP, NAT-T, GRE) of client k's packets are S + 1, S + 2..
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
	uint16_t sport;		/* 0: 40000 + k % 20000 */
	uint16_t dport;
	int payload;		/* BLAST_PL_* (UDP) */
	uint16_t key;		/* GRE call ID */
	uint32_t seq;		/* sequence numbers start after this */
};

enum { BLAST_PL_ZERO, BLAST_PL_NATT, BLAST_PL_L2TP };

static void usage(void)
{
	fprintf(stderr,
		"usage: vpnpt-blast --proto esp|udp|tcp|gre --src ADDR --nsrc K --dst ADDR\n"
		"                   --packets N [--spi X] [--same-src] [--batch B] [--len L]\n"
		"                   [--sport P] [--dport P] [--payload zero|natt|l2tp] [--key C]\n"
		"                   [--seq S]\n");
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
		{ "sport", required_argument, NULL, 'P' },
		{ "dport", required_argument, NULL, 'D' },
		{ "payload", required_argument, NULL, 'L' },
		{ "key", required_argument, NULL, 'K' },
		{ "seq", required_argument, NULL, 'Q' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->nsrc = 1;
	o->spi = 0x10000000;
	o->batch = 64;
	o->len = 64;
	o->dport = 9;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!strcmp(optarg, "esp"))
				o->proto = IPPROTO_ESP;
			else if (!strcmp(optarg, "udp"))
				o->proto = IPPROTO_UDP;
			else if (!strcmp(optarg, "tcp"))
				o->proto = IPPROTO_TCP;
			else if (!strcmp(optarg, "gre"))
				o->proto = IPPROTO_GRE;
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
		case 'P':
			o->sport = parse_num("--sport", optarg, 65535);
			break;
		case 'D':
			o->dport = parse_num("--dport", optarg, 65535);
			break;
		case 'L':
			if (!strcmp(optarg, "zero"))
				o->payload = BLAST_PL_ZERO;
			else if (!strcmp(optarg, "natt"))
				o->payload = BLAST_PL_NATT;
			else if (!strcmp(optarg, "l2tp"))
				o->payload = BLAST_PL_L2TP;
			else
				usage();
			break;
		case 'K':
			o->key = parse_num("--key", optarg, 65535);
			break;
		case 'Q':
			o->seq = parse_num("--seq", optarg, UINT32_MAX / 2);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !o->proto || !o->src || !o->dst || !o->packets ||
	    !o->nsrc || !o->batch || o->len < 20 || o->len % 2)
		usage();
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint16_t *p = data;

	for (; len > 1; len -= 2)
		sum += *p++;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static uint16_t ip_csum(const void *data, size_t len)
{
	return csum_fold(csum_add(0, data, len));
}

static void put16(unsigned char *p, uint16_t v)
{
	v = htons(v);
	memcpy(p, &v, 2);
}

static void put32(unsigned char *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

/* Packet k of a round into buf: IPv4 header, then ESP (SPI, sequence), UDP
 * (no checksum), TCP (an ACK, checksummed) or enhanced GRE, and zeros.
 * Returns its length.
 */
static size_t build(const struct blast_opts *o, uint32_t k, uint32_t seq,
		    unsigned char *buf)
{
	struct iphdr *ip = (struct iphdr *)buf;
	unsigned char *l4 = buf + sizeof(*ip);
	size_t total = sizeof(*ip) + o->len;
	uint16_t sport = o->sport ? o->sport : 40000 + k % 20000;
	unsigned char pseudo[12];

	memset(buf, 0, total);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(total);
	ip->ttl = 64;
	ip->protocol = o->proto;
	ip->saddr = htonl(o->same_src ? o->src : o->src + k);
	ip->daddr = htonl(o->dst);
	ip->check = ip_csum(ip, sizeof(*ip));
	switch (o->proto) {
	case IPPROTO_ESP:
		put32(l4, o->spi + k);
		put32(l4 + 4, seq);
		break;
	case IPPROTO_UDP:
		put16(l4, sport);
		put16(l4 + 2, o->dport);
		put16(l4 + 4, o->len);
		if (o->payload == BLAST_PL_NATT) {
			put32(l4 + 8, o->spi + k);
			put32(l4 + 12, seq);
		} else if (o->payload == BLAST_PL_L2TP) {
			put16(l4 + 8, 0x0002);	/* data, version 2 */
			put16(l4 + 10, 1);	/* tunnel */
			put16(l4 + 12, 1);	/* session */
		}
		break;
	case IPPROTO_TCP:
		put16(l4, sport);
		put16(l4 + 2, o->dport);
		put32(l4 + 4, 1000);		/* sequence */
		put32(l4 + 8, 1000);		/* acknowledgement */
		l4[12] = 5 << 4;		/* data offset */
		l4[13] = 0x10;			/* ACK */
		put16(l4 + 14, 65535);		/* window */
		memcpy(pseudo, &ip->saddr, 4);
		memcpy(pseudo + 4, &ip->daddr, 4);
		pseudo[8] = 0;
		pseudo[9] = IPPROTO_TCP;
		put16(pseudo + 10, o->len);
		put16(l4 + 16, ntohs(csum_fold(csum_add(csum_add(0, pseudo, 12),
							l4, o->len))));
		break;
	case IPPROTO_GRE:
		put16(l4, 0x3001);		/* key, sequence, version 1 */
		put16(l4 + 2, 0x880b);		/* PPP */
		put16(l4 + 4, o->len - 12);	/* payload length */
		put16(l4 + 6, o->key);		/* call ID */
		put32(l4 + 8, seq);
		break;
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
			iov[i].iov_len = build(&o, p % o.nsrc, o.seq + p / o.nsrc + 1, bufs[i]);
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
