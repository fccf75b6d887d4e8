/** The completion script for each shell, from one {@link CompletionSpec}. */
import type { CompletionSpec } from "./spec.ts";
import { bashScript } from "./bash.ts";
import { zshScript } from "./zsh.ts";
import { fishScript } from "./fish.ts";
import { powershellScript } from "./powershell.ts";

/** The shells `completions` writes scripts for. */
export const COMPLETION_SHELLS = ["bash", "zsh", "fish", "powershell"] as const;
export type CompletionShell = typeof COMPLETION_SHELLS[number];

/** The script for `shell`. */
export function completionScript(shell: CompletionShell, spec: CompletionSpec): string {
  const generators = { bash: bashScript, zsh: zshScript, fish: fishScript, powershell: powershellScript };
  return generators[shell](spec);
}
