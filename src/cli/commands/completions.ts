/**
 * `aws-oidc completions <shell>`: the shell completion script, generated from
 * this program's commands and options; and the hidden `__complete` that the
 * scripts call for the names only known at completion time.
 */
import type { Command } from "commander";
import { completionSpec } from "../../completion/spec.ts";
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from "../../completion/scripts.ts";
import { isThisProgram } from "../../aws/credential_process.ts";
import type { CliContext, GlobalOptions } from "../context.ts";

/** Registers `completions` and the hidden `__complete`. */
export function registerCompletions(program: Command, context: CliContext): void {
  program
    .command("completions")
    .description("Print the shell completion script (commands, options, provider and profile names)")
    .addArgument(program.createArgument("<shell>", "the shell").choices(COMPLETION_SHELLS))
    .addHelpText(
      "after",
      `
Install:
  bash        aws-oidc completions bash > ~/.local/share/bash-completion/completions/aws-oidc
  zsh         aws-oidc completions zsh > "\${fpath[1]}/_aws-oidc"   (then restart zsh)
  fish        aws-oidc completions fish > ~/.config/fish/completions/aws-oidc.fish
  powershell  aws-oidc completions powershell | Out-String | Invoke-Expression   (add it to $PROFILE)

Provider names come from the config file, and profile names from ~/.aws/config,
each time you press Tab.`,
    )
    .action((shell: CompletionShell) => context.stdout(completionScript(shell, completionSpec(program))));
  program
    .command("__complete", { hidden: true })
    .argument("<what>", "providers or profiles")
    .action(async (what: string, _options: unknown, self: Command) => {
      const globals = self.optsWithGlobals<GlobalOptions>();
      const { completeProfiles, completeProviders } = await import("../../completion/names.ts");
      const names = what === "providers"
        ? await completeProviders(globals.config, context.env)
        : what === "profiles"
        ? await completeProfiles(context.env, isThisProgram)
        : [];
      context.stdout(names.map((name) => `${name}\n`).join(""));
    });
}
