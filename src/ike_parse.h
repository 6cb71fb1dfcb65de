/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKE (ISAKMP header, RFC 2408 / RFC 7296), ESP (RFC 4303) and UDP-encapsulated
 * IPsec (NAT-T, RFC 3947 / RFC 3948) header parsing.
 *
 * Pure functions over a byte buffer: no allocation, no recursion, no state.
 * They are built into the module and, unchanged, into the userspace unit
 * tests and fuzz targets. Only the fixed headers are read; IKE payloads are
 * mostly encrypted and are not looked at.
 */
#ifndef _VPNPT_IKE_PARSE_H
#define _VPNPT_IKE_PARSE_H

#include "wire.h"

/* Fixed ISAKMP header: two 8-octet SPIs and 12 octets of fields. */
#define VPNPT_IKE_HDR_LEN	28
/* ESP header: SPI and sequence number. */
#define VPNPT_ESP_HDR_LEN	8
/* The four zero octets that precede IKE on UDP port 4500. */
#define VPNPT_NATT_MARKER_LEN	4
/* The single octet of a NAT-keepalive. */
#define VPNPT_NATT_KEEPALIVE_BYTE	0xff

/* Values of the header's major version nibble. */
#define VPNPT_IKE_V1		1
#define VPNPT_IKE_V2		2

/* IKEv1 header flags (RFC 2408 3.1). */
#define VPNPT_IKEV1_FLAG_ENCRYPT	0x01
#define VPNPT_IKEV1_FLAG_COMMIT		0x02
#define VPNPT_IKEV1_FLAG_AUTH_ONLY	0x04

/* IKEv2 header flags (RFC 7296 3.1). */
#define VPNPT_IKEV2_FLAG_INITIATOR	0x08
#define VPNPT_IKEV2_FLAG_VERSION	0x10
#define VPNPT_IKEV2_FLAG_RESPONSE	0x20

/* IKEv1 exchange types (RFC 2408 3.1, RFC 2409, IANA). */
#define VPNPT_IKEV1_EXCH_BASE		1
#define VPNPT_IKEV1_EXCH_MAIN		2	/* Identity Protection */
#define VPNPT_IKEV1_EXCH_AUTH_ONLY	3
#define VPNPT_IKEV1_EXCH_AGGRESSIVE	4
#define VPNPT_IKEV1_EXCH_INFO		5
#define VPNPT_IKEV1_EXCH_TRANSACTION	6	/* Mode Config / XAUTH */
#define VPNPT_IKEV1_EXCH_QUICK		32
#define VPNPT_IKEV1_EXCH_NEW_GROUP	33

/* IKEv2 exchange types (RFC 7296 3.1, IANA). */
#define VPNPT_IKEV2_EXCH_IKE_SA_INIT		34
#define VPNPT_IKEV2_EXCH_IKE_AUTH		35
#define VPNPT_IKEV2_EXCH_CREATE_CHILD_SA	36
#define VPNPT_IKEV2_EXCH_INFORMATIONAL		37
#define VPNPT_IKEV2_EXCH_IKE_SESSION_RESUME	38	/* RFC 5723 */
#define VPNPT_IKEV2_EXCH_GSA_AUTH		39	/* G-IKEv2 */
#define VPNPT_IKEV2_EXCH_GSA_REGISTRATION	40
#define VPNPT_IKEV2_EXCH_GSA_REKEY		41
#define VPNPT_IKEV2_EXCH_GSA_INBAND_REKEY	42
#define VPNPT_IKEV2_EXCH_IKE_INTERMEDIATE	43	/* RFC 9242 */
#define VPNPT_IKEV2_EXCH_IKE_FOLLOWUP_KE	44	/* RFC 9370 */

/* Exchange types 240-255 are for private use in both versions. */
#define VPNPT_IKE_EXCH_PRIVATE_MIN	240

/* ESP SPIs 1-255 are reserved by IANA (RFC 4303 2.1); 0 is never sent. */
#define VPNPT_ESP_SPI_MIN		256

/**
 * enum vpnpt_ike_err - Why an IKE or ESP header was rejected.
 * @VPNPT_IKE_OK: Not an error; the parsers return 0 on success.
 * @VPNPT_IKE_ERR_TRUNCATED: Fewer octets than the fixed header (28 for
 *	ISAKMP, 8 for ESP).
 * @VPNPT_IKE_ERR_VERSION: ISAKMP major version is neither 1 nor 2.
 * @VPNPT_IKE_ERR_LENGTH: ISAKMP Length field is below 28 or above the
 *	number of octets given.
 * @VPNPT_IKE_ERR_ISPI_ZERO: Initiator SPI (cookie) is zero.
 * @VPNPT_IKE_ERR_EXCHANGE: Exchange type not defined for the version.
 * @VPNPT_IKE_ERR_RSPI: Responder SPI is zero where it cannot be, or nonzero
 *	in an IKEv2 IKE_SA_INIT request.
 * @VPNPT_IKE_ERR_TRAILING: The header is valid and fully decoded, but the
 *	Length field is smaller than the datagram: octets follow the message.
 * @VPNPT_IKE_ERR_ESP_SPI_ZERO: ESP SPI 0, which must never be sent.
 * @VPNPT_IKE_ERR_ESP_SPI_RESERVED: ESP SPI in the IANA-reserved 1-255.
 * @VPNPT_IKE_ERR_MAX: One past the last error.
 *
 * The parsers return the negated value.
 */
enum vpnpt_ike_err {
	VPNPT_IKE_OK = 0,
	VPNPT_IKE_ERR_TRUNCATED,
	VPNPT_IKE_ERR_VERSION,
	VPNPT_IKE_ERR_LENGTH,
	VPNPT_IKE_ERR_ISPI_ZERO,
	VPNPT_IKE_ERR_EXCHANGE,
	VPNPT_IKE_ERR_RSPI,
	VPNPT_IKE_ERR_TRAILING,
	VPNPT_IKE_ERR_ESP_SPI_ZERO,
	VPNPT_IKE_ERR_ESP_SPI_RESERVED,
	VPNPT_IKE_ERR_MAX,
};

/**
 * struct vpnpt_ike_hdr - A decoded ISAKMP header.
 * @ispi: Initiator SPI (IKEv1: initiator cookie).
 * @rspi: Responder SPI (IKEv1: responder cookie).
 * @msg_id: Message ID.
 * @length: Length field: the whole message, header included, in octets.
 * @next_payload: Type of the first payload.
 * @version: Major version: VPNPT_IKE_V1 or VPNPT_IKE_V2.
 * @minor: Minor version (ignored on receipt by both RFCs; not checked).
 * @exchange: Exchange type.
 * @flags: Raw flags octet; VPNPT_IKEV1_FLAG_* or VPNPT_IKEV2_FLAG_*.
 * @initiator: IKEv2 only: the I flag, set by the original initiator of the
 *	IKE SA. Always false for IKEv1, whose header does not say.
 * @response: IKEv2 only: the R flag, set in responses. Always false for
 *	IKEv1, whose header does not say.
 */
struct vpnpt_ike_hdr {
	u64 ispi;
	u64 rspi;
	u32 msg_id;
	u32 length;
	u8 next_payload;
	u8 version;
	u8 minor;
	u8 exchange;
	u8 flags;
	bool initiator;
	bool response;
};

/**
 * enum vpnpt_ike_child_event - What a message means for Child SAs (the ESP
 * SAs that carry traffic), as far as its header can tell.
 * @VPNPT_IKE_CHILD_NONE: Not a message that completes Child SAs.
 * @VPNPT_IKE_CHILD_AUTH: IKEv2 IKE_AUTH response; the last one of the
 *	exchange normally creates the first Child SA.
 * @VPNPT_IKE_CHILD_CREATE: IKEv2 CREATE_CHILD_SA or IKE_FOLLOWUP_KE
 *	response: a Child SA was created or rekeyed, or the IKE SA was rekeyed
 *	(the payloads that would tell which are encrypted).
 * @VPNPT_IKE_CHILD_QUICK: IKEv1 Quick Mode message from the responder,
 *	which carries the responder's choice of IPsec SA and its SPIs.
 */
enum vpnpt_ike_child_event {
	VPNPT_IKE_CHILD_NONE = 0,
	VPNPT_IKE_CHILD_AUTH,
	VPNPT_IKE_CHILD_CREATE,
	VPNPT_IKE_CHILD_QUICK,
};

/**
 * enum vpnpt_natt_kind - What a UDP port 4500 payload is (RFC 3948 2).
 * @VPNPT_NATT_MALFORMED: None of the below: empty, a single octet other
 *	than 0xff, a non-ESP marker without room for an ISAKMP header, or a
 *	nonzero first word without room for an ESP header.
 * @VPNPT_NATT_KEEPALIVE: NAT-keepalive: exactly one octet, 0xff.
 * @VPNPT_NATT_IKE: Four zero octets (the non-ESP marker) followed by at
 *	least VPNPT_IKE_HDR_LEN octets; the ISAKMP header starts at the offset
 *	returned and is not yet checked.
 * @VPNPT_NATT_ESP: A nonzero first word (the SPI) and at least
 *	VPNPT_ESP_HDR_LEN octets; the ESP header starts at offset 0 and is
 *	not yet checked.
 */
enum vpnpt_natt_kind {
	VPNPT_NATT_MALFORMED = 0,
	VPNPT_NATT_KEEPALIVE,
	VPNPT_NATT_IKE,
	VPNPT_NATT_ESP,
};

int vpnpt_ike_parse(const u8 *buf, size_t len, struct vpnpt_ike_hdr *h);
bool vpnpt_ike_is_response(const struct vpnpt_ike_hdr *h);
/* Set in every key vpnpt_ike_request_key() returns. */
#define VPNPT_IKE_REQ_OPEN	(1ULL << 63)

u64 vpnpt_ike_request_key(const struct vpnpt_ike_hdr *h);
bool vpnpt_ike_answers(u64 request, const struct vpnpt_ike_hdr *h);
enum vpnpt_ike_child_event
vpnpt_ike_child_event(const struct vpnpt_ike_hdr *h, bool v1_from_responder);
const char *vpnpt_ike_exchange_name(u8 version, u8 exchange);
int vpnpt_esp_parse(const u8 *buf, size_t len, u32 *spi, u32 *seq);
enum vpnpt_natt_kind vpnpt_natt_classify(const u8 *buf, size_t len,
					 size_t *offset);
const char *vpnpt_natt_kind_name(enum vpnpt_natt_kind kind);
const char *vpnpt_ike_strerror(int err);

#endif /* _VPNPT_IKE_PARSE_H */
