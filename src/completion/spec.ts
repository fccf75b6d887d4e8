/**
 * What shell completion needs to know about the command line, read from the
 * commander program itself, so a new command, option or config key appears in
 * every shell's completion without touching the generators.
 */
import type { Argument, Command, Option } from "commander";

/**
 * What a value is completed from. `providers` and `profiles` are read at
 * completion time (`aws-oidc __complete providers|profiles`); `names` is both.
 */
export type ValueKind = "none" | "providers" | "profiles" | "names" | "files" | "commands" | "subcommands" | "choices";

/** How one value (an option's or a positional argument) is completed. */
export interface ValueSpec {
  kind: ValueKind;
  /** The value's name in help, e.g. `seconds`. */
  name: string;
  /** For `choices`. */
  choices?: string[];
}

/** One visible option. */
export interface OptionSpec {
  /** Short and long spellings, e.g. `["-q", "--quiet"]`. */
  names: string[];
  description: string;
  /** Absent: a switch that takes no value. */
  value?: ValueSpec;
}

/** One visible command. */
export interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
  /** Positional arguments in order; the last may repeat. */
  args: ValueSpec[];
  variadic: boolean;
}

/** The whole command line. */
export interface CompletionSpec {
  program: string;
  /** Options accepted before and after the command. */
  options: OptionSpec[];
  commands: CommandSpec[];
}

/** Value names that are paths. */
const PATH_VALUES = new Set(["path", "dir", "file"]);

/** Positional argument names completed from the config, the AWS config or PATH. */
const ARGUMENT_KINDS: Record<string, ValueKind> = {
  provider: "providers",
  profile: "profiles",
  name: "names",
  command: "commands",
};

/** Reads the spec from a built program; hidden commands and options are left out. */
export function completionSpec(program: Command): CompletionSpec {
  const help = program.createHelp();
  return {
    program: program.name(),
    options: help.visibleOptions(program).map(optionSpec),
    commands: help.visibleCommands(program).map((command) => ({
      name: command.name(),
      description: command.description().split("\n")[0],
      options: help.visibleOptions(command).map(optionSpec),
      args: command.name() === "help"
        ? [{ kind: "subcommands", name: "command" }]
        : command.registeredArguments.map(argumentSpec),
      variadic: command.registeredArguments.at(-1)?.variadic ?? false,
    })),
  };
}

function optionSpec(option: Option): OptionSpec {
  const names = [option.short, option.long].filter((name): name is string => name !== undefined);
  if (!option.required && !option.optional) return { names, description: option.description };
  const name = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? "value";
  const value: ValueSpec = option.argChoices
    ? { kind: "choices", name, choices: option.argChoices }
    : option.long === "--provider"
    ? { kind: "providers", name }
    : option.long === "--profile"
    ? { kind: "profiles", name }
    : { kind: PATH_VALUES.has(name) ? "files" : "none", name };
  return { names, description: option.description, value };
}

function argumentSpec(argument: Argument): ValueSpec {
  const name = argument.name();
  if (argument.argChoices) return { kind: "choices", name, choices: argument.argChoices };
  return { kind: ARGUMENT_KINDS[name] ?? "none", name };
}

/**
 * Every option that takes a value, by flag: `command` is undefined when the
 * flag means the same everywhere it appears (the usual case, which keeps the
 * scripts short), else there is one entry per command that has it.
 */
export function valueOptions(spec: CompletionSpec): { command?: string; flag: string; value: ValueSpec }[] {
  const uses = new Map<string, { command: string; value?: ValueSpec }[]>();
  const add = (command: string, options: OptionSpec[]) => {
    for (const option of options) {
      for (const flag of option.names) uses.set(flag, [...uses.get(flag) ?? [], { command, value: option.value }]);
    }
  };
  add("", spec.options);
  for (const command of spec.commands) add(command.name, command.options);
  return [...uses].flatMap(([flag, list]) => {
    const same = new Set(list.map((use) => JSON.stringify(use.value ?? null))).size === 1;
    if (same) return list[0].value ? [{ flag, value: list[0].value }] : [];
    return list.flatMap((use) => use.value ? [{ command: use.command || undefined, flag, value: use.value }] : []);
  });
}

/** A command's own options: the global ones (also accepted after the command) left out. */
export function ownOptions(spec: CompletionSpec, command: CommandSpec): OptionSpec[] {
  const global = new Set(spec.options.flatMap((option) => option.names));
  return command.options.filter((option) => !option.names.some((name) => global.has(name)));
}
