/**
 * `aws-oidc doctor [--provider <name>] [--json]`: checks the setup and prints
 * one line per check. The report is what the command was asked for, so it goes
 * to stdout (like `status`); the exit code is 1 when any check failed.
 */
import type { Command } from "commander";
import { configPath } from "../../config/load.ts";
import { QuietExit } from "../../errors.ts";
import type { CliContext, GlobalOptions } from "../context.ts";

/** Registers the command. */
export function registerDoctor(program: Command, context: CliContext): void {
  program
    .command("doctor")
    .description("Check the config, each provider's IdP, the clock, STS, the cache and ~/.aws/config profiles")
    .option("--provider <name>", "check only this provider (and the profiles that use it)")
    .option("--json", "print a JSON array of the checks instead of lines")
    .addHelpText(
      "after",
      `
Each line starts with ✔ (fine), ! (works, but worth a look) or ✖ (will not
work), and says what to do. The exit code is 1 when any line is ✖.

Examples:
  aws-oidc doctor
  aws-oidc doctor --provider google
  aws-oidc doctor --json | jq '.[] | select(.status == "fail")'`,
    )
    .action(async (_options: unknown, self: Command) => {
      const options = self.optsWithGlobals<GlobalOptions & { provider?: string; json?: boolean }>();
      const [{ runDoctor }, { renderReport, summary }] = await Promise.all([
        import("../../doctor/run.ts"),
        import("../../doctor/report.ts"),
      ]);
      const results = await runDoctor({
        configPath: configPath(options.config, context.env),
        env: context.env,
        only: options.provider,
      });
      context.stdout(options.json ? `${JSON.stringify(results)}\n` : renderReport(results) + summary(results) + "\n");
      if (results.some((result) => result.status === "fail")) throw new QuietExit(1);
    });
}
