# Completes a command line in a real interactive zsh (in a pseudo-terminal, through
# zle's complete-word with compinit loaded) and prints each candidate that the
# completion functions add, one per line.
#
# Usage: zsh -f zsh_complete.zsh <completion script, or a directory to put first in $fpath> <command line>
zmodload zsh/zpty || exit 3
zpty shell zsh -f -i
# Every command is sent on one line; the markers are spelled apart so that the
# terminal's echo of the commands cannot be mistaken for them.
zpty -w shell "PROMPT= RPROMPT=; unsetopt beep; autoload -Uz compinit"
if [[ -d $1 ]]; then
  zpty -w shell "fpath=(${(q)1} \$fpath); compinit -u -d ${(q)TMPDIR:-/tmp}/zcompdump-\$\$"
else
  zpty -w shell "compinit -u -d ${(q)TMPDIR:-/tmp}/zcompdump-\$\$; source ${(q)1}"
fi
zpty -w shell 'bindkey "^I" complete-word; zstyle ":completion:*" insert-tab false'
# compadd is wrapped: calls that only collect (-O, -A, -D) pass through; the others print what they would add.
zpty -w shell 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi; local -a hits; builtin compadd -A hits "$@"; local h; for h in $hits; do print -r -- "<""hit>$h"; done; }'
zpty -w shell 'harness_done() { print -r -- "<""done>"; exit; }; comppostfuncs=(harness_done)'
zpty -w shell 'print -r -- "<""ready>"'
local line
while zpty -r shell line; do [[ $line == '<ready>'* ]] && break; done
zpty -w -n shell "$2"$'\t'
while zpty -r shell line; do
  line=${line%$'\r'}
  line=${line%$'\n'}
  line=${line%$'\r'}
  [[ $line == *'<done>'* ]] && exit 0
  [[ $line == *'<hit>'* ]] && print -r -- "${line#*<hit>}"
done
exit 4
