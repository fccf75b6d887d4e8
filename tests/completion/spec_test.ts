/** Reading the completion spec from a commander program. */
import assert from "node:assert/strict";
import { Argument, Command, Option } from "commander";
import { completionSpec, ownOptions, valueOptions } from "../../src/completion/spec.ts";

function program(): Command {
  const root = new Command("tool").option("--config <path>", "config file").option("-q, --quiet", "quiet");
  root.command("a").argument("<provider>").option("--x <path>", "a path").option("--provider <name>", "p");
  root.command("b").argument("[profile]").argument("[command...]").option("--x", "a switch");
  root.command("c").addArgument(new Argument("<shell>").choices(["sh", "zsh"])).addOption(
    new Option("--level <n>").choices(["1", "2"]),
  ).addOption(new Option("--secret <s>").hideHelp());
  root.command("hidden", { hidden: true });
  return root;
}

Deno.test("completionSpec: commands, arguments and value kinds; hidden ones left out", () => {
  const spec = completionSpec(program());
  assert.deepEqual(spec.commands.map((command) => command.name), ["a", "b", "c", "help"]);
  const [a, b, c, help] = spec.commands;
  assert.deepEqual(a.args, [{ kind: "providers", name: "provider" }]);
  assert.deepEqual(b.args, [{ kind: "profiles", name: "profile" }, { kind: "commands", name: "command" }]);
  assert.equal(b.variadic, true);
  assert.deepEqual(c.args, [{ kind: "choices", name: "shell", choices: ["sh", "zsh"] }]);
  assert.deepEqual(help.args, [{ kind: "subcommands", name: "command" }]);
  assert.deepEqual(a.options.find((option) => option.names.includes("--x"))?.value, { kind: "files", name: "path" });
  assert.deepEqual(a.options.find((option) => option.names.includes("--provider"))?.value?.kind, "providers");
  assert.deepEqual(c.options.find((option) => option.names.includes("--level"))?.value?.choices, ["1", "2"]);
  assert.ok(!c.options.some((option) => option.names.includes("--secret")));
  assert.deepEqual(spec.options.find((option) => option.names.includes("-q"))?.names, ["-q", "--quiet"]);
  assert.ok(
    !ownOptions(spec, a).some((option) => option.names.includes("--help")),
    "global options left to the caller",
  );
});

Deno.test("valueOptions: one entry per flag, unless it means different things in different commands", () => {
  const entries = valueOptions(completionSpec(program()));
  assert.deepEqual(entries.filter((entry) => entry.flag === "--config"), [
    { flag: "--config", value: { kind: "files", name: "path" } },
  ]);
  // --x takes a path in a and is a switch in b: only a's use is listed, by command.
  assert.deepEqual(entries.filter((entry) => entry.flag === "--x"), [
    { command: "a", flag: "--x", value: { kind: "files", name: "path" } },
  ]);
  assert.ok(!entries.some((entry) => entry.flag === "-q"), "switches take no value");
});
