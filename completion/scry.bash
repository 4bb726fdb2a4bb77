# Bash completion for scry.
#
# Completes flags and their values, script files, and probes: the argument
# of -l/--list and the start of an -e program complete probe types first
# ("tracepoint:", "kprobe:", ...), then, once a word has a ':', the probe
# names that `scry -l 'WORD*'` prints (listing some types needs root).

_scry_probe_types="begin end self tracepoint rawtracepoint interval profile software hardware
kprobe kretprobe fentry fexit uprobe uretprobe usdt watchpoint iter
t rt i p s h k kr f fr u ur U w it"

# Probe names matching the word being completed.
_scry_probes()
{
	local cur=$1 scry=$2 t
	if [[ $cur != *:* ]]; then
		for t in $_scry_probe_types; do
			case $t in
			begin | end) [[ $t == "$cur"* ]] && COMPREPLY+=("$t") ;;
			*) [[ $t: == "$cur"* ]] && COMPREPLY+=("$t:") ;;
			esac
		done
		compopt -o nospace 2>/dev/null
		return
	fi
	local IFS=$'\n'
	COMPREPLY+=($("$scry" -l "$cur*" 2>/dev/null | head -n 2000))
	compopt -o nospace 2>/dev/null
}

_scry()
{
	local cur prev words cword scry
	COMPREPLY=()
	if declare -F _init_completion >/dev/null; then
		_init_completion -n : || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi
	scry=${words[0]}
	command -v "$scry" >/dev/null 2>&1 || scry=scry

	case $prev in
	-e)
		# the start of a program: a probe
		if [[ $cur != *[[:space:]{]* ]]; then
			_scry_probes "$cur" "$scry"
			declare -F __ltrim_colon_completions >/dev/null &&
				__ltrim_colon_completions "$cur"
		fi
		return
		;;
	-l | --list)
		_scry_probes "$cur" "$scry"
		declare -F __ltrim_colon_completions >/dev/null &&
			__ltrim_colon_completions "$cur"
		return
		;;
	-f)
		COMPREPLY=($(compgen -W "text json" -- "$cur"))
		return
		;;
	-B)
		COMPREPLY=($(compgen -W "none line full" -- "$cur"))
		return
		;;
	-d | --debug)
		COMPREPLY=($(compgen -W "ast types codegen codegen-opt libbpf verifier parse dis timing all" -- "$cur"))
		return
		;;
	--mode)
		COMPREPLY=($(compgen -W "codegen compiler-bench bench test format" -- "$cur"))
		return
		;;
	--no-feature)
		COMPREPLY=($(compgen -W "kprobe_multi uprobe_multi kprobe_session" -- "$cur"))
		return
		;;
	-p | --pid | --dwarf-pid)
		COMPREPLY=($(compgen -W "$(ps -e -o pid= 2>/dev/null)" -- "$cur"))
		return
		;;
	-c | --cmd)
		COMPREPLY=($(compgen -c -- "$cur"))
		return
		;;
	-I | --debuginfo)
		COMPREPLY=($(compgen -d -- "$cur"))
		return
		;;
	-o | --output | --include | --emit-elf | --emit-llvm | --aot | --traceable-functions)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--metrics)
		COMPREPLY=($(compgen -W "127.0.0.1:9435" -- "$cur"))
		return
		;;
	--probe-filter)
		return
		;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "-e -l -p -c -o -f -B -q -v -k -I -d -h -V
			--list --pid --cmd --output --quiet --verbose --warnings --no-warnings
			--unsafe --include --usdt-file-activation --probe-filter --test --bench
			--fmt --mode --no-feature --traceable-functions --debuginfo --dwarf-pid
			--aot --no-cache --info --help --version --debug --dry-run
			--verify-llvm-ir --emit-elf --emit-llvm --btf --metrics" -- "$cur"))
		return
	fi
	# a script: .bt files and directories
	COMPREPLY=($(compgen -f -X '!*.bt' -- "$cur") $(compgen -d -- "$cur"))
}
complete -F _scry scry
