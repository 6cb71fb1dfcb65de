// SPDX-License-Identifier: GPL-2.0
/*
 * IKE, ESP and NAT-T header parsing; see ike_parse.h.
 *
 * ISAKMP header (RFC 2408 3.1, RFC 7296 3.1), in octets:
 *
 *   0..7    initiator SPI
 *   8..15   responder SPI
 *   16      next payload
 *   17      major version (high nibble), minor version (low nibble)
 *   18      exchange type
 *   19      flags
 *   20..23  message ID
 *   24..27  length of the whole message
 *
 * ESP (RFC 4303 2): SPI (4 octets), sequence number (4 octets), payload.
 *
 * UDP port 4500 (RFC 3948 2): a NAT-keepalive is the single octet 0xff; IKE
 * is preceded by four zero octets (the non-ESP marker); anything else starts
 * with an ESP SPI, which is never zero.
 */
#include "ike_parse.h"

#define VPNPT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * True if @exchange is a type we accept for @version, which the caller has
 * checked to be VPNPT_IKE_V1 or VPNPT_IKE_V2.
 */
static bool vpnpt_ike_exchange_valid(u8 version, u8 exchange)
{
	if (exchange >= VPNPT_IKE_EXCH_PRIVATE_MIN)
		return true;
	if (version == VPNPT_IKE_V1)
		return (exchange >= VPNPT_IKEV1_EXCH_BASE &&
			exchange <= VPNPT_IKEV1_EXCH_TRANSACTION) ||
		       exchange == VPNPT_IKEV1_EXCH_QUICK ||
		       exchange == VPNPT_IKEV1_EXCH_NEW_GROUP;
	return exchange >= VPNPT_IKEV2_EXCH_IKE_SA_INIT &&
	       exchange <= VPNPT_IKEV2_EXCH_IKE_FOLLOWUP_KE;
}

/*
 * True if the responder SPI of @h is possible for its exchange.
 *
 * IKEv2 (RFC 7296 3.1, 2.6): zero in an IKE_SA_INIT request, either way in
 * an IKE_SA_INIT response (error responses such as COOKIE or
 * INVALID_KE_PAYLOAD may carry zero); nonzero in the exchanges that run
 * inside an established IKE SA (IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL,
 * IKE_INTERMEDIATE, IKE_FOLLOWUP_KE). IKE_SESSION_RESUME, the G-IKEv2
 * exchanges and private types are not constrained.
 *
 * IKEv1: the responder cookie is zero in the first message of a phase 1
 * exchange, and Informational messages may be sent before it is known, so
 * only Quick Mode and New Group Mode, which run under an established ISAKMP
 * SA, need it nonzero.
 */
static bool vpnpt_ike_rspi_valid(const struct vpnpt_ike_hdr *h)
{
	if (h->version == VPNPT_IKE_V1) {
		if (h->exchange == VPNPT_IKEV1_EXCH_QUICK ||
		    h->exchange == VPNPT_IKEV1_EXCH_NEW_GROUP)
			return h->rspi != 0;
		return true;
	}

	switch (h->exchange) {
	case VPNPT_IKEV2_EXCH_IKE_SA_INIT:
		return h->response || h->rspi == 0;
	case VPNPT_IKEV2_EXCH_IKE_AUTH:
	case VPNPT_IKEV2_EXCH_CREATE_CHILD_SA:
	case VPNPT_IKEV2_EXCH_INFORMATIONAL:
	case VPNPT_IKEV2_EXCH_IKE_INTERMEDIATE:
	case VPNPT_IKEV2_EXCH_IKE_FOLLOWUP_KE:
		return h->rspi != 0;
	default:
		return true;
	}
}

/**
 * vpnpt_ike_parse() - Decode and check an ISAKMP header.
 * @buf: The UDP payload (after the non-ESP marker on port 4500).
 * @len: Octets in @buf.
 * @h: Filled with the decoded header.
 *
 * The checks, in order: at least 28 octets; major version 1 or 2; Length
 * field at least 28 and at most @len; initiator SPI nonzero; exchange type
 * known for the version (IKEv1: 1-6, 32, 33; IKEv2: 34-44; both: private
 * use 240-255); responder SPI as vpnpt_ike_rspi_valid() describes; Length
 * field equal to @len. Minor version, reserved flag bits, the IKEv2 V flag
 * and the message ID are not checked: both RFCs have receivers ignore them.
 *
 * A UDP datagram carries exactly one IKE message, so octets after the
 * message are reported, as -VPNPT_IKE_ERR_TRAILING, but only once every
 * other check has passed: @h is then complete and valid for the first
 * @h->length octets, and the caller decides whether to accept the padding.
 *
 * @h is written whenever @len is at least 28, also on error (useful for
 * logging); its fields are checked only when 0 or -VPNPT_IKE_ERR_TRAILING
 * is returned.
 *
 * Return: 0, or a negated enum vpnpt_ike_err.
 */
int vpnpt_ike_parse(const u8 *buf, size_t len, struct vpnpt_ike_hdr *h)
{
	if (len < VPNPT_IKE_HDR_LEN)
		return -VPNPT_IKE_ERR_TRUNCATED;

	h->ispi = vpnpt_get_be64(buf);
	h->rspi = vpnpt_get_be64(buf + 8);
	h->next_payload = buf[16];
	h->version = buf[17] >> 4;
	h->minor = buf[17] & 0x0f;
	h->exchange = buf[18];
	h->flags = buf[19];
	h->msg_id = vpnpt_get_be32(buf + 20);
	h->length = vpnpt_get_be32(buf + 24);
	h->initiator = h->version == VPNPT_IKE_V2 &&
		       (h->flags & VPNPT_IKEV2_FLAG_INITIATOR);
	h->response = h->version == VPNPT_IKE_V2 &&
		      (h->flags & VPNPT_IKEV2_FLAG_RESPONSE);

	if (h->version != VPNPT_IKE_V1 && h->version != VPNPT_IKE_V2)
		return -VPNPT_IKE_ERR_VERSION;
	if (h->length < VPNPT_IKE_HDR_LEN || h->length > len)
		return -VPNPT_IKE_ERR_LENGTH;
	if (!h->ispi)
		return -VPNPT_IKE_ERR_ISPI_ZERO;
	if (!vpnpt_ike_exchange_valid(h->version, h->exchange))
		return -VPNPT_IKE_ERR_EXCHANGE;
	if (!vpnpt_ike_rspi_valid(h))
		return -VPNPT_IKE_ERR_RSPI;
	if (h->length != len)
		return -VPNPT_IKE_ERR_TRAILING;
	return 0;
}

/**
 * vpnpt_ike_is_response() - Whether a message is a response.
 * @h: A header from vpnpt_ike_parse().
 *
 * IKEv2 says so in the R flag. The IKEv1 header has no such flag: whether
 * a message answers another depends on the exchange's state, so for IKEv1
 * this always returns false and the caller must track direction itself.
 *
 * Return: true for an IKEv2 response.
 */
bool vpnpt_ike_is_response(const struct vpnpt_ike_hdr *h)
{
	return h->version == VPNPT_IKE_V2 &&
	       (h->flags & VPNPT_IKEV2_FLAG_RESPONSE);
}

/**
 * vpnpt_ike_request_key() - What identifies an IKEv2 request to its response.
 * @h: A header from vpnpt_ike_parse().
 *
 * A response answers the request of the other peer with the same exchange
 * type and Message ID (RFC 7296 2.2: each peer numbers its own requests).
 *
 * Return: a non-zero key for an IKEv2 request, 0 for anything else.
 */
u64 vpnpt_ike_request_key(const struct vpnpt_ike_hdr *h)
{
	if (h->version != VPNPT_IKE_V2 || vpnpt_ike_is_response(h))
		return 0;
	return VPNPT_IKE_REQ_OPEN | (u64)h->exchange << 32 | h->msg_id;
}

/**
 * vpnpt_ike_answers() - Whether a response answers a request.
 * @request: vpnpt_ike_request_key() of the other peer's last request (0:
 *	none seen).
 * @h: A header from vpnpt_ike_parse().
 *
 * Return: true if @h is an IKEv2 response to @request.
 */
bool vpnpt_ike_answers(u64 request, const struct vpnpt_ike_hdr *h)
{
	if (!request || !vpnpt_ike_is_response(h))
		return false;
	return request == (VPNPT_IKE_REQ_OPEN | (u64)h->exchange << 32 | h->msg_id);
}

/**
 * vpnpt_ike_child_event() - Whether a message completes Child SAs.
 * @h: A header from vpnpt_ike_parse().
 * @v1_from_responder: IKEv1 only: the message was sent by the responder of
 *	the exchange (the caller knows this from the packet's direction; the
 *	IKEv1 header does not say). Ignored for IKEv2, where the R flag is
 *	used: a CREATE_CHILD_SA may be started by either peer, and its
 *	response is what completes it, whoever sends it.
 *
 * Used to learn when new ESP SPIs are about to appear: after this message
 * the peers start to use the Child SAs it agreed.
 *
 * Return: the enum vpnpt_ike_child_event for @h.
 */
enum vpnpt_ike_child_event
vpnpt_ike_child_event(const struct vpnpt_ike_hdr *h, bool v1_from_responder)
{
	if (h->version == VPNPT_IKE_V1) {
		if (h->exchange == VPNPT_IKEV1_EXCH_QUICK && v1_from_responder)
			return VPNPT_IKE_CHILD_QUICK;
		return VPNPT_IKE_CHILD_NONE;
	}
	if (h->version != VPNPT_IKE_V2 || !vpnpt_ike_is_response(h))
		return VPNPT_IKE_CHILD_NONE;

	switch (h->exchange) {
	case VPNPT_IKEV2_EXCH_IKE_AUTH:
		return VPNPT_IKE_CHILD_AUTH;
	case VPNPT_IKEV2_EXCH_CREATE_CHILD_SA:
	case VPNPT_IKEV2_EXCH_IKE_FOLLOWUP_KE:
		return VPNPT_IKE_CHILD_CREATE;
	default:
		return VPNPT_IKE_CHILD_NONE;
	}
}

static const char *const vpnpt_ikev1_exch_names[] = {
	[VPNPT_IKEV1_EXCH_BASE]		= "BASE",
	[VPNPT_IKEV1_EXCH_MAIN]		= "MAIN_MODE",
	[VPNPT_IKEV1_EXCH_AUTH_ONLY]	= "AUTH_ONLY",
	[VPNPT_IKEV1_EXCH_AGGRESSIVE]	= "AGGRESSIVE_MODE",
	[VPNPT_IKEV1_EXCH_INFO]		= "INFORMATIONAL",
	[VPNPT_IKEV1_EXCH_TRANSACTION]	= "TRANSACTION",
	[VPNPT_IKEV1_EXCH_QUICK]	= "QUICK_MODE",
	[VPNPT_IKEV1_EXCH_NEW_GROUP]	= "NEW_GROUP_MODE",
};

static const char *const vpnpt_ikev2_exch_names[] = {
	[VPNPT_IKEV2_EXCH_IKE_SA_INIT]		= "IKE_SA_INIT",
	[VPNPT_IKEV2_EXCH_IKE_AUTH]		= "IKE_AUTH",
	[VPNPT_IKEV2_EXCH_CREATE_CHILD_SA]	= "CREATE_CHILD_SA",
	[VPNPT_IKEV2_EXCH_INFORMATIONAL]	= "INFORMATIONAL",
	[VPNPT_IKEV2_EXCH_IKE_SESSION_RESUME]	= "IKE_SESSION_RESUME",
	[VPNPT_IKEV2_EXCH_GSA_AUTH]		= "GSA_AUTH",
	[VPNPT_IKEV2_EXCH_GSA_REGISTRATION]	= "GSA_REGISTRATION",
	[VPNPT_IKEV2_EXCH_GSA_REKEY]		= "GSA_REKEY",
	[VPNPT_IKEV2_EXCH_GSA_INBAND_REKEY]	= "GSA_INBAND_REKEY",
	[VPNPT_IKEV2_EXCH_IKE_INTERMEDIATE]	= "IKE_INTERMEDIATE",
	[VPNPT_IKEV2_EXCH_IKE_FOLLOWUP_KE]	= "IKE_FOLLOWUP_KE",
};

/**
 * vpnpt_ike_exchange_name() - Name an exchange type.
 * @version: Major version, VPNPT_IKE_V1 or VPNPT_IKE_V2.
 * @exchange: Exchange type.
 *
 * Return: a static string, never NULL: "PRIVATE" for 240-255, "UNKNOWN"
 * for a type not defined for @version or for an unknown version. A name is
 * returned exactly for the types vpnpt_ike_parse() accepts.
 */
const char *vpnpt_ike_exchange_name(u8 version, u8 exchange)
{
	const char *name = NULL;

	if (version != VPNPT_IKE_V1 && version != VPNPT_IKE_V2)
		return "UNKNOWN";
	if (exchange >= VPNPT_IKE_EXCH_PRIVATE_MIN)
		return "PRIVATE";
	if (version == VPNPT_IKE_V1 &&
	    exchange < VPNPT_ARRAY_SIZE(vpnpt_ikev1_exch_names))
		name = vpnpt_ikev1_exch_names[exchange];
	else if (version == VPNPT_IKE_V2 &&
		 exchange < VPNPT_ARRAY_SIZE(vpnpt_ikev2_exch_names))
		name = vpnpt_ikev2_exch_names[exchange];
	return name ? name : "UNKNOWN";
}

/**
 * vpnpt_esp_parse() - Decode and check an ESP header.
 * @buf: The ESP packet (IP payload, or UDP payload on port 4500).
 * @len: Octets in @buf.
 * @spi: Set to the SPI.
 * @seq: Set to the (low 32 bits of the) sequence number.
 *
 * Needs the 8-octet header; the encrypted payload and trailer are not
 * looked at. SPI 0 is rejected (RFC 4303 2.1: never sent on the wire), and
 * so are 1-255, which IANA reserves and no implementation assigns; they get
 * a distinct error so a caller can choose to let them through. Any sequence
 * number is accepted: with extended sequence numbers the low 32 bits wrap
 * through zero.
 *
 * @spi and @seq are written whenever @len is at least 8, also on error.
 *
 * Return: 0, or a negated enum vpnpt_ike_err.
 */
int vpnpt_esp_parse(const u8 *buf, size_t len, u32 *spi, u32 *seq)
{
	if (len < VPNPT_ESP_HDR_LEN)
		return -VPNPT_IKE_ERR_TRUNCATED;
	*spi = vpnpt_get_be32(buf);
	*seq = vpnpt_get_be32(buf + 4);
	if (*spi == 0)
		return -VPNPT_IKE_ERR_ESP_SPI_ZERO;
	if (*spi < VPNPT_ESP_SPI_MIN)
		return -VPNPT_IKE_ERR_ESP_SPI_RESERVED;
	return 0;
}

/**
 * vpnpt_natt_classify() - Tell what a UDP port 4500 payload carries.
 * @buf: The UDP payload.
 * @len: Octets in @buf.
 * @offset: If not NULL, set to where the IKE or ESP header starts (4 for
 *	VPNPT_NATT_IKE, 0 otherwise).
 *
 * Framing only (RFC 3948 2.2, 2.3): the IKE or ESP header found is then to
 * be checked with vpnpt_ike_parse() or vpnpt_esp_parse(). A payload of two
 * or three octets cannot be any of the three, nor can a non-ESP marker
 * without a whole ISAKMP header after it, nor an SPI without a whole ESP
 * header.
 *
 * Return: the enum vpnpt_natt_kind of @buf.
 */
enum vpnpt_natt_kind vpnpt_natt_classify(const u8 *buf, size_t len,
					 size_t *offset)
{
	if (offset)
		*offset = 0;
	if (len == 1)
		return buf[0] == VPNPT_NATT_KEEPALIVE_BYTE ? VPNPT_NATT_KEEPALIVE :
							 VPNPT_NATT_MALFORMED;
	if (len < VPNPT_NATT_MARKER_LEN)
		return VPNPT_NATT_MALFORMED;
	if (vpnpt_get_be32(buf) == 0) {
		if (len - VPNPT_NATT_MARKER_LEN < VPNPT_IKE_HDR_LEN)
			return VPNPT_NATT_MALFORMED;
		if (offset)
			*offset = VPNPT_NATT_MARKER_LEN;
		return VPNPT_NATT_IKE;
	}
	if (len < VPNPT_ESP_HDR_LEN)
		return VPNPT_NATT_MALFORMED;
	return VPNPT_NATT_ESP;
}

static const char *const vpnpt_natt_kind_names[] = {
	[VPNPT_NATT_MALFORMED]	= "MALFORMED",
	[VPNPT_NATT_KEEPALIVE]	= "KEEPALIVE",
	[VPNPT_NATT_IKE]	= "IKE",
	[VPNPT_NATT_ESP]	= "ESP",
};

/**
 * vpnpt_natt_kind_name() - Name a NAT-T payload kind.
 * @kind: An enum vpnpt_natt_kind.
 *
 * Return: a static string, never NULL.
 */
const char *vpnpt_natt_kind_name(enum vpnpt_natt_kind kind)
{
	if ((unsigned int)kind < VPNPT_ARRAY_SIZE(vpnpt_natt_kind_names))
		return vpnpt_natt_kind_names[kind];
	return "UNKNOWN";
}

static const char *const vpnpt_ike_err_names[VPNPT_IKE_ERR_MAX] = {
	[VPNPT_IKE_OK]				= "ok",
	[VPNPT_IKE_ERR_TRUNCATED]		= "truncated",
	[VPNPT_IKE_ERR_VERSION]			= "bad major version",
	[VPNPT_IKE_ERR_LENGTH]			= "bad length field",
	[VPNPT_IKE_ERR_ISPI_ZERO]		= "initiator SPI zero",
	[VPNPT_IKE_ERR_EXCHANGE]		= "unknown exchange type",
	[VPNPT_IKE_ERR_RSPI]			= "bad responder SPI",
	[VPNPT_IKE_ERR_TRAILING]		= "octets after the message",
	[VPNPT_IKE_ERR_ESP_SPI_ZERO]		= "ESP SPI zero",
	[VPNPT_IKE_ERR_ESP_SPI_RESERVED]	= "ESP SPI reserved",
};

/**
 * vpnpt_ike_strerror() - Describe a parser result.
 * @err: A return value of vpnpt_ike_parse() or vpnpt_esp_parse(): 0 or a
 *	negated enum vpnpt_ike_err.
 *
 * Return: a static string, never NULL.
 */
const char *vpnpt_ike_strerror(int err)
{
	if (err > 0 || err <= -VPNPT_IKE_ERR_MAX)
		return "unknown error";
	return vpnpt_ike_err_names[-err];
}
