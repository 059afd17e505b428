import { type TopLevelCommand, isResource } from '../command.ts';
import { UsageError } from '../errors.ts';
import { GLOBAL_FLAGS } from '../global-flags.ts';

/**
 * Shell completion (CLI.md §1: hidden `@completion <shell>` and `__complete`). The scripts ask the
 * CLI itself for candidates, so they never go stale. Bash splits words at `:`; the script works on
 * COMP_LINE instead and strips the part before the last colon from the candidates.
 */
const BASH = `# boltz-api bash completion. Load with: source <(boltz-api @completion bash)
_boltz_api_complete() {
  local line="\${COMP_LINE:0:COMP_POINT}"
  local -a words
  read -r -a words <<< "$line"
  if [[ "$line" == *" " ]]; then words+=(""); fi
  local current="\${words[\${#words[@]}-1]}"
  local IFS=$'\\n'
  local -a candidates
  candidates=($(boltz-api __complete "\${words[@]:1}" 2>/dev/null))
  if [[ "$current" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
    local colon_prefix="\${current%"\${current##*:}"}"
    candidates=("\${candidates[@]#"$colon_prefix"}")
  fi
  COMPREPLY=("\${candidates[@]}")
}
complete -o default -F _boltz_api_complete boltz-api
`;

const ZSH = `#compdef boltz-api
# boltz-api zsh completion. Load with: source <(boltz-api @completion zsh)
_boltz_api_complete() {
  local -a candidates
  candidates=("\${(@f)$(boltz-api __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -- "\${candidates[@]}"
}
compdef _boltz_api_complete boltz-api
`;

export function completionScript(shell: string | undefined): string {
  if (shell === 'bash') return BASH;
  if (shell === 'zsh') return ZSH;
  throw new UsageError(`unsupported shell ${JSON.stringify(shell ?? '')}: use bash or zsh`);
}

/** Candidates for the last word, given the words typed before it. */
export function completeWords(commands: TopLevelCommand[], words: string[]): string[] {
  const current = words[words.length - 1] ?? '';
  const previous = words.slice(0, -1).filter((word) => !word.startsWith('-'));
  const globalFlags = GLOBAL_FLAGS.map((flag) => `--${flag.name}`);
  const top = commands.find((command) => command.name === previous[0]);
  let candidates: string[];
  if (!top) {
    candidates = current.startsWith('-') ? [...globalFlags, '--help', '--version'] : commands.map((command) => command.name);
  } else if (isResource(top) && previous.length < 2) {
    candidates = current.startsWith('-') ? ['--help'] : top.subcommands.map((command) => command.name);
  } else {
    const leaf = isResource(top) ? top.subcommands.find((command) => command.name === previous[1]) : top;
    candidates = current.startsWith('-') && leaf ? [...leaf.flags.map((flag) => `--${flag.flag}`), ...globalFlags, '--help'] : [];
  }
  return candidates.filter((candidate) => candidate.startsWith(current));
}
