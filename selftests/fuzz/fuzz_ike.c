// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for src/ike_parse.c.
 *
 * The input is one UDP payload. It is parsed three ways: as an IKE message
 * (port 500), as an ESP header, and as a port 4500 payload, whose IKE or
 * ESP part is then parsed at the offset vpnpt_natt_classify() returns.
 * Every accepted result is checked against the octets and against the
 * policies ike_parse.h documents; IKE messages with trailing octets are
 * parsed again from an exactly-sized copy, so ASan catches any read past
 * the message. Any violation traps.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ike_parse.h"

#define INV(x)					\
	do {					\
		if (!(x))			\
			__builtin_trap();	\
	} while (0)

static bool ike_rspi_must_be_set(u8 version, u8 exch)
{
	if (version == VPNPT_IKE_V1)
		return exch == VPNPT_IKEV1_EXCH_QUICK ||
		       exch == VPNPT_IKEV1_EXCH_NEW_GROUP;
	return exch == VPNPT_IKEV2_EXCH_IKE_AUTH ||
	       exch == VPNPT_IKEV2_EXCH_CREATE_CHILD_SA ||
	       exch == VPNPT_IKEV2_EXCH_INFORMATIONAL ||
	       exch == VPNPT_IKEV2_EXCH_IKE_INTERMEDIATE ||
	       exch == VPNPT_IKEV2_EXCH_IKE_FOLLOWUP_KE;
}

static void check_child_event(const struct vpnpt_ike_hdr *h)
{
	enum vpnpt_ike_child_event ev_r = vpnpt_ike_child_event(h, true);
	enum vpnpt_ike_child_event ev_i = vpnpt_ike_child_event(h, false);

	if (h->version == VPNPT_IKE_V1) {
		INV(ev_i == VPNPT_IKE_CHILD_NONE);
		INV(ev_r == (h->exchange == VPNPT_IKEV1_EXCH_QUICK ?
			     VPNPT_IKE_CHILD_QUICK : VPNPT_IKE_CHILD_NONE));
		return;
	}
	INV(ev_r == ev_i);
	if (!h->response)
		INV(ev_r == VPNPT_IKE_CHILD_NONE);
	else if (h->exchange == VPNPT_IKEV2_EXCH_IKE_AUTH)
		INV(ev_r == VPNPT_IKE_CHILD_AUTH);
	else if (h->exchange == VPNPT_IKEV2_EXCH_CREATE_CHILD_SA ||
		 h->exchange == VPNPT_IKEV2_EXCH_IKE_FOLLOWUP_KE)
		INV(ev_r == VPNPT_IKE_CHILD_CREATE);
	else
		INV(ev_r == VPNPT_IKE_CHILD_NONE);
}

static void check_ike(const u8 *buf, size_t len)
{
	struct vpnpt_ike_hdr h, h2;
	u8 *copy;
	int r;

	r = vpnpt_ike_parse(buf, len, &h);
	INV(r <= 0 && r > -VPNPT_IKE_ERR_ESP_SPI_ZERO);
	INV(vpnpt_ike_strerror(r));
	INV((r == -VPNPT_IKE_ERR_TRUNCATED) == (len < VPNPT_IKE_HDR_LEN));
	if (len < VPNPT_IKE_HDR_LEN)
		return;

	/* Decoded from the octets, whatever the verdict. */
	INV(h.ispi == vpnpt_get_be64(buf));
	INV(h.rspi == vpnpt_get_be64(buf + 8));
	INV(h.next_payload == buf[16]);
	INV(h.version == buf[17] >> 4 && h.minor == (buf[17] & 0x0f));
	INV(h.exchange == buf[18] && h.flags == buf[19]);
	INV(h.msg_id == vpnpt_get_be32(buf + 20));
	INV(h.length == vpnpt_get_be32(buf + 24));
	INV(h.response == vpnpt_ike_is_response(&h));
	INV(h.initiator == (h.version == VPNPT_IKE_V2 &&
			    (h.flags & VPNPT_IKEV2_FLAG_INITIATOR)));
	INV(h.response == (h.version == VPNPT_IKE_V2 &&
			   (h.flags & VPNPT_IKEV2_FLAG_RESPONSE)));
	INV((r == -VPNPT_IKE_ERR_VERSION) ==
	    (h.version != VPNPT_IKE_V1 && h.version != VPNPT_IKE_V2));

	if (r != 0 && r != -VPNPT_IKE_ERR_TRAILING)
		return;

	INV(h.length >= VPNPT_IKE_HDR_LEN && h.length <= len);
	INV((r == 0) == (h.length == len));
	INV(h.ispi != 0);
	INV(strcmp(vpnpt_ike_exchange_name(h.version, h.exchange),
		   "UNKNOWN") != 0);
	if (ike_rspi_must_be_set(h.version, h.exchange))
		INV(h.rspi != 0);
	if (h.version == VPNPT_IKE_V2 &&
	    h.exchange == VPNPT_IKEV2_EXCH_IKE_SA_INIT && !h.response)
		INV(h.rspi == 0);
	check_child_event(&h);

	if (r == 0)
		return;
	/* The message alone, in a buffer of exactly its size, is valid. */
	copy = malloc(h.length);
	if (!copy)
		return;
	memcpy(copy, buf, h.length);
	INV(vpnpt_ike_parse(copy, h.length, &h2) == 0);
	INV(h2.ispi == h.ispi && h2.rspi == h.rspi && h2.msg_id == h.msg_id &&
	    h2.length == h.length && h2.exchange == h.exchange &&
	    h2.flags == h.flags && h2.version == h.version);
	free(copy);
}

static void check_esp(const u8 *buf, size_t len)
{
	u32 spi = 0, seq = 0;
	int r;

	r = vpnpt_esp_parse(buf, len, &spi, &seq);
	INV(r == 0 || r == -VPNPT_IKE_ERR_TRUNCATED ||
	    r == -VPNPT_IKE_ERR_ESP_SPI_ZERO ||
	    r == -VPNPT_IKE_ERR_ESP_SPI_RESERVED);
	INV((r == -VPNPT_IKE_ERR_TRUNCATED) == (len < VPNPT_ESP_HDR_LEN));
	if (len < VPNPT_ESP_HDR_LEN)
		return;
	INV(spi == vpnpt_get_be32(buf) && seq == vpnpt_get_be32(buf + 4));
	INV((r == 0) == (spi >= VPNPT_ESP_SPI_MIN));
	INV((r == -VPNPT_IKE_ERR_ESP_SPI_ZERO) == (spi == 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum vpnpt_natt_kind kind;
	size_t off = 12345;

	check_ike(data, size);
	check_esp(data, size);

	kind = vpnpt_natt_classify(data, size, &off);
	INV(vpnpt_natt_classify(data, size, NULL) == kind);
	INV(strcmp(vpnpt_natt_kind_name(kind), "UNKNOWN") != 0);
	switch (kind) {
	case VPNPT_NATT_KEEPALIVE:
		INV(size == 1 && data[0] == VPNPT_NATT_KEEPALIVE_BYTE);
		INV(off == 0);
		break;
	case VPNPT_NATT_IKE:
		INV(off == VPNPT_NATT_MARKER_LEN);
		INV(size >= VPNPT_NATT_MARKER_LEN + VPNPT_IKE_HDR_LEN);
		INV(vpnpt_get_be32(data) == 0);
		check_ike(data + off, size - off);
		break;
	case VPNPT_NATT_ESP:
		INV(off == 0);
		INV(size >= VPNPT_ESP_HDR_LEN && vpnpt_get_be32(data) != 0);
		check_esp(data + off, size - off);
		break;
	case VPNPT_NATT_MALFORMED:
		INV(off == 0);
		INV(!(size == 1 && data[0] == VPNPT_NATT_KEEPALIVE_BYTE));
		if (size >= VPNPT_NATT_MARKER_LEN)
			INV(vpnpt_get_be32(data) == 0 ?
			    size < VPNPT_NATT_MARKER_LEN + VPNPT_IKE_HDR_LEN :
			    size < VPNPT_ESP_HDR_LEN);
		break;
	default:
		INV(0);
	}
	return 0;
}
