# SPDX-License-Identifier: GPL-2.0
# bash completion for vpnptctl(8): options, commands, protocols, set keys,
# sessions filters and network namespace names.
#
# Install as /usr/share/bash-completion/completions/vpnptctl, or source it.

_vpnptctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local protos="pptp l2tp ike esp ah natt all"
	local keys="max-sessions max-client-sessions timeout-pptp timeout-l2tp
		timeout-ike timeout-esp timeout-natt ike-keep-port
		ceiling-max-sessions ceiling-max-client-sessions attach-helpers"
	local cmds="status enable disable set stats sessions monitor flush setup
		teardown help"
	local opts="-j --json -p --pretty -s --stats -n --netns -h --help
		-V --version"
	local i w cmd= cmdpos=0 nargs

	case $prev in
	-n | --netns)
		COMPREPLY=($(compgen -W "$(ls /var/run/netns 2>/dev/null)" -- "$cur"))
		return
		;;
	esac

	# The command word: the first word that is neither an option nor the
	# argument of -n.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-n | --netns) ((i++)) ;;
		-*) ;;
		*)
			cmd=$w
			cmdpos=$i
			break
			;;
		esac
	done

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		fi
		return
	fi

	case $cmd in
	enable | disable | flush)
		COMPREPLY=($(compgen -W "$protos" -- "$cur"))
		;;
	set)
		# KEY VALUE pairs: a key at even distances from "set".
		nargs=$((COMP_CWORD - cmdpos - 1))
		if ((nargs % 2 == 0)); then
			local used=" ${COMP_WORDS[*]:cmdpos+1:nargs} " left= k
			for k in $keys; do
				[[ $used == *" $k "* ]] || left="$left $k"
			done
			COMPREPLY=($(compgen -W "$left" -- "$cur"))
		fi
		;;
	sessions)
		case $prev in
		client) ;;
		proto) COMPREPLY=($(compgen -W "$protos" -- "$cur")) ;;
		*)
			# After "proto P", more protocols may follow; "client"
			# may be given once.
			local inproto= words=proto j
			for ((j = COMP_CWORD - 1; j > cmdpos; j--)); do
				case ${COMP_WORDS[j]} in
				proto) [[ -n $inproto ]] || inproto=1 ;;
				client) inproto=${inproto:-0}; words= ;;
				esac
			done
			[[ -z $words ]] || words="proto client"
			[[ $inproto == 1 && ${COMP_WORDS[COMP_CWORD-2]} != client ]] &&
				words="$protos $words"
			COMPREPLY=($(compgen -W "${words:-proto}" -- "$cur"))
			;;
		esac
		;;
	setup)
		COMPREPLY=($(compgen -W "--nft --dry-run" -- "$cur"))
		;;
	teardown)
		COMPREPLY=($(compgen -W "--dry-run" -- "$cur"))
		;;
	*)
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		;;
	esac
}

complete -F _vpnptctl vpnptctl
