// SPDX-License-Identifier: GPL-2.0
/*
 * vpnptctl: the nftables ruleset of `setup`, in one table-driven place.
 *
 * setup installs table ip vpnpt with one ct helper object per vpnpt helper,
 * the set of their ports, and a prerouting chain (priority 0, after
 * conntrack at -200) that lets every other port go first and then attaches
 * each helper to the new connections of its traffic. nft.c builds the
 * netlink batch from vpnptctl_helpers[]; vpnptctl_print_ruleset() renders
 * the same data as an nft script (setup --dry-run). Pure code.
 */
#include <netinet/in.h>

#include "vpnptctl.h"

const struct vpnptctl_helper vpnptctl_helpers[] = {
	{ VPNPT_HELPER_PPTP, IPPROTO_TCP, VPNPT_PORT_PPTP },
	{ VPNPT_HELPER_L2TP, IPPROTO_UDP, VPNPT_PORT_L2TP },
	{ VPNPT_HELPER_IKE,  IPPROTO_UDP, VPNPT_PORT_IKE },
	{ VPNPT_HELPER_NATT, IPPROTO_UDP, VPNPT_PORT_NATT },
};

const size_t vpnptctl_nhelpers = VPNPTCTL_ARRAY_SIZE(vpnptctl_helpers);

const char *vpnptctl_l4proto_name(uint8_t l4proto)
{
	return l4proto == IPPROTO_TCP ? "tcp" : "udp";
}

/*
 * "add table" then "delete table" makes the script replace the table when it
 * exists and work when it does not, like setup's batch does.
 */
void vpnptctl_print_ruleset(FILE *f)
{
	size_t i;

	fputs("# vpnptctl setup: attach the vpnpt conntrack helpers to their traffic.\n"
	      "# Replaces table ip " VPNPTCTL_NFT_TABLE
	      " as a whole and touches no other table.\n"
	      "add table ip " VPNPTCTL_NFT_TABLE "\n"
	      "delete table ip " VPNPTCTL_NFT_TABLE "\n"
	      "table ip " VPNPTCTL_NFT_TABLE " {\n", f);
	for (i = 0; i < vpnptctl_nhelpers; i++) {
		const struct vpnptctl_helper *h = &vpnptctl_helpers[i];

		fprintf(f, "\tct helper %s {\n"
			"\t\ttype \"%s\" protocol %s\n"
			"\t\tl3proto ip\n"
			"\t}\n\n",
			h->name, h->name, vpnptctl_l4proto_name(h->l4proto));
	}
	fputs("\tset " VPNPTCTL_NFT_SET_PORTS " {\n"
	      "\t\ttype inet_service\n"
	      "\t\telements = {", f);
	for (i = 0; i < vpnptctl_nhelpers; i++)
		fprintf(f, "%s %u", i ? "," : "", vpnptctl_helpers[i].dport);
	fputs(" }\n\t}\n\n", f);
	fprintf(f, "\tchain " VPNPTCTL_NFT_CHAIN " {\n"
		"\t\ttype filter hook prerouting priority %d; policy accept;\n"
		"\t\tth dport != @" VPNPTCTL_NFT_SET_PORTS " accept\n",
		VPNPTCTL_NFT_PRIORITY);
	for (i = 0; i < vpnptctl_nhelpers; i++) {
		const struct vpnptctl_helper *h = &vpnptctl_helpers[i];

		fprintf(f, "\t\t%s dport %u ct state new ct helper set \"%s\"\n",
			vpnptctl_l4proto_name(h->l4proto), h->dport, h->name);
	}
	fputs("\t}\n}\n", f);
}

void vpnptctl_print_teardown_ruleset(FILE *f, bool setup)
{
	if (setup)
		fputs("# vpnptctl setup: the vpnpt module attaches its conntrack helpers itself\n"
		      "# (vpnptctl set attach-helpers on); table ip " VPNPTCTL_NFT_TABLE
		      " of setup --nft goes.\n", f);
	else
		fputs("# vpnptctl teardown: vpnptctl set attach-helpers off; remove table ip "
		      VPNPTCTL_NFT_TABLE " if it exists.\n", f);
	fputs("add table ip " VPNPTCTL_NFT_TABLE "\n"
	      "delete table ip " VPNPTCTL_NFT_TABLE "\n", f);
}
