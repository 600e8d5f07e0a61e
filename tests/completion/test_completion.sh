#!/usr/bin/env bash
# The shell completions follow the tool: every command and every long option
# that `hvsnap --help` lists is completed by bash and named in the zsh
# function, and option values complete to their fixed choices.
# usage: test_completion.sh HVSNAP_BINARY SOURCE_DIR
set -uo pipefail
if [ $# -ne 2 ]; then echo "usage: $0 HVSNAP_BINARY SOURCE_DIR" >&2; exit 2; fi
hvsnap=$1 src=$2
bash_file=$src/contrib/completion/hvsnap.bash
zsh_file=$src/contrib/completion/_hvsnap
failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }

# shellcheck source=/dev/null
source "$bash_file" || { echo "FAIL: cannot source $bash_file"; exit 1; }

# Prints what bash completes for the words given (the last is the one being
# completed), one candidate a line.
complete_words() {
	COMP_WORDS=(hvsnap "$@")
	COMP_CWORD=$#
	COMP_LINE="hvsnap $*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_hvsnap
	printf '%s\n' "${COMPREPLY[@]}"
}

help=$("$hvsnap" --help) || { echo "FAIL: $hvsnap --help"; exit 1; }
# The Commands: section (one command a line, with its own options), and
# the rest of the help (the options valid with every command).
command_lines=$(awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on' <<<"$help")
commands=$(awk '{ print $1 }' <<<"$command_lines")
options=$(awk '/^Commands:/ { on = 1 } on && /^$/ { on = 0 } !on' <<<"$help" |
	grep -oE -- '--[a-z][a-z-]*' | sort -u)
[ -n "$commands" ] || fail "no command found in hvsnap --help"
[ -n "$options" ] || fail "no option found in hvsnap --help"

offered=$(complete_words "")
for c in $commands; do
	grep -qxF -- "$c" <<<"$offered" || fail "bash does not complete the command $c"
	grep -qF -- "'$c:" "$zsh_file" || fail "zsh does not describe the command $c"
done
offered=$(complete_words "--")
for o in $options; do
	grep -qxF -- "$o" <<<"$offered" || fail "bash does not complete the option $o"
	grep -qF -- "$o" "$zsh_file" || fail "zsh does not know the option $o"
done
# Each command's own options, completed after the command.
while read -r c rest; do
	offered=$(complete_words "$c" x "--")
	for o in $(grep -oE -- '--[a-z][a-z-]*' <<<"$rest"); do
		grep -qxF -- "$o" <<<"$offered" || fail "bash does not complete $c $o"
		grep -qF -- "$o" "$zsh_file" || fail "zsh does not know $c $o"
	done
done <<<"$command_lines"
[ "$failed" -eq 0 ] && pass "bash and zsh know the $(wc -w <<<"$commands") commands and $(wc -w <<<"$options") global options of hvsnap --help, and each command's options"

check() { # WORDS... -- EXPECTED...
	local words=() want
	while [ "$1" != -- ]; do words+=("$1"); shift; done; shift
	local got; got=$(complete_words "${words[@]}" | sort | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	if [ "$got" = "$want" ]; then pass "hvsnap ${words[*]}<TAB> -> $want"
	else fail "hvsnap ${words[*]}<TAB> gave '$got', want '$want'"; fi
}
check --transport "" -- http https
check -H h --auth n -- negotiate ntlm
check create web01 --no -- --no-wait
check -H h delete web01 snap --t -- --timeout --trace --transport --tree
check wsman "" -- identify get enumerate invoke put
check wsman enumerate R --e -- --encryption --epr
check cr -- create

exit "$failed"
