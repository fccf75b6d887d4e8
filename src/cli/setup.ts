/**
 * The work of `aws-oidc setup`: from nothing to a working profile. Asks which IdP and its
 * few settings, the browser (and profile) to log in with, the role; runs a
 * test login; then adds the provider to `~/.aws-oidc/config` and a profile
 * with `credential_process` to `~/.aws/config`, leaving everything else in
 * both files as it was. Every question is also a flag, so it runs unattended.
 */
import { basename, dirname } from "node:path";
import { AwsOidcError, UsageError } from "../errors.ts";
import { readTextIfPresent, writeFileAtomic } from "../io.ts";
import { type ConfigFile, loadConfigFile, parseConfig } from "../config/load.ts";
import { requireProvider } from "../config/resolve.ts";
import { splitCommand } from "../config/command_line.ts";
import type { Provider } from "../config/provider.ts";
import { presetOf, PRESETS, PROVIDER_TYPES, type ProviderType } from "../config/presets.ts";
import { addProvider, renderProvider, tomlString } from "../config/edit.ts";
import { parseRoleArn } from "../config/arn.ts";
import { awsConfigPath } from "../aws/profiles.ts";
import { profileHeader, upsertProfile } from "../aws/profile_edit.ts";
import { agentCommand, detectBrowsers, type InstalledBrowser } from "../oidc/mod.ts";
import { getCredentials } from "../aws/credentials.ts";
import { type Choice, Prompter, terminalIo } from "./prompt.ts";
import { openSession, type Session } from "./session.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** The answers, as flags give them. */
export interface SetupFlags {
  type?: string;
  domain?: string;
  tenant?: string;
  realm?: string;
  authorizationServer?: string;
  providerUrl?: string;
  clientId?: string;
  clientSecret?: string;
  roleArn?: string[];
  region?: string;
  name?: string;
  /** A profile name; false with --no-profile. */
  profile?: string | false;
  agent?: string;
  browser?: string;
  browserProfile?: string;
  /** False with --no-test-login. */
  testLogin?: boolean;
  yes?: boolean;
  force?: boolean;
}

/** Every answer setup needs, complete. */
export interface SetupAnswers {
  type: ProviderType;
  /** Short preset inputs (domain, tenant, …) and, for generic, provider_url. */
  settings: Record<string, string>;
  clientId: string;
  clientSecret?: string;
  roleArns: string[];
  region?: string;
  name: string;
  profile: string | false;
  agent?: string[];
}

/** The work of `setup`. */
export async function setup(input: { flags: SetupFlags; globals: GlobalOptions }, context: CliContext): Promise<void> {
  const session = openSession({ globals: input.globals }, context);
  const { log } = session;
  const { flags } = input;
  log.secret(flags.clientSecret);
  const config = await session.config();
  const prompter = context.interactive() ? new Prompter(terminalIo()) : undefined;
  const answers = await gatherAnswers(flags, {
    prompter,
    takenNames: new Set(config.providers.map((table) => String(table.name))),
    browsers: () => detectBrowsers({ os: Deno.build.os, env: context.env }),
  });
  log.secret(answers.clientSecret);
  if (answers.clientSecret) log.secret(tomlString(answers.clientSecret).slice(1, -1));

  // Everything is checked before the test login, so a clash never costs a login.
  const block = renderProvider(providerTable(answers));
  const replace = flags.force || (prompter && config.providers.some((table) => table.name === answers.name) &&
    await prompter.confirm(`Provider "${answers.name}" exists in "${config.path}". Replace it?`, false));
  const addTo = (text: string) =>
    addProvider(text, block, { name: answers.name, path: config.path, replace: !!replace });
  let configText = addTo(config.text);
  const provider = requireProvider({ config: asConfig(configText, config.path), name: answers.name, env: context.env });
  let profileEdit = answers.profile === false
    ? undefined
    : await planProfile(answers.profile, answers.name, provider, { ...flags, prompter }, context);

  // The preview never holds the secret: escaped for TOML it would not match the raw one the log masks.
  const preview = renderProvider(providerTable({ ...answers, clientSecret: answers.clientSecret && "[redacted]" }));
  log.info(`\nProvider for "${config.path}":\n${preview}`);
  if (profileEdit) log.info(`Profile for "${profileEdit.path}":\n${profileEdit.preview}\n`);

  if (flags.testLogin !== false) await testLogin(provider, session);
  if (!flags.yes && !(await prompter!.confirm("Write these?", true))) {
    throw new UsageError("Nothing was written", { hint: "run setup again when ready" });
  }
  // Both files again: the login can take minutes, and edits made meanwhile must not be lost.
  configText = addTo((await loadConfigFile(config.path)).text);
  if (profileEdit) {
    const agreed = { force: flags.force || profileEdit.existed };
    profileEdit = await planProfile(profileEdit.name, answers.name, provider, agreed, context);
  }
  await writeKeepingMode(config.path, configText);
  log.info(`Added provider "${answers.name}" to "${config.path}"`);
  if (profileEdit) {
    await writeKeepingMode(profileEdit.path, profileEdit.text);
    log.info(`${profileEdit.existed ? "Updated" : "Added"} profile "${profileEdit.name}" in "${profileEdit.path}"`);
    log.info(`Try it: aws sts get-caller-identity --profile ${profileEdit.name}`);
  } else {
    log.info(`Try it: aws-oidc auth ${answers.name}`);
  }
}

/** What {@link gatherAnswers} needs besides the flags. */
export interface GatherOptions {
  /** Undefined without a terminal: then every needed answer must be a flag. */
  prompter?: Prompter;
  /** Provider names the config already has. */
  takenNames: Set<string>;
  browsers: () => Promise<InstalledBrowser[]>;
}

/**
 * The answers: each from its flag, else asked when a terminal is attached.
 * Without one, a single usage error names every missing flag.
 */
export async function gatherAnswers(flags: SetupFlags, options: GatherOptions): Promise<SetupAnswers> {
  const { prompter } = options;
  const missing: string[] = [];
  /** The flag's value, else the answer, else (no terminal) noted as missing when required. */
  const answer = async (
    flag: string,
    value: string | undefined,
    ask: (p: Prompter) => Promise<string | undefined>,
    required = true,
  ) => {
    if (value !== undefined) return value;
    if (prompter) return await ask(prompter);
    if (required) missing.push(`--${flag}`);
    return undefined;
  };

  const type = await answer("type", flags.type, (p) =>
    p.choose(
      "Which identity provider?",
      PRESETS.map((preset) => ({ label: preset.label, value: preset.type as string })),
    ));
  const preset = type === undefined ? undefined : presetOf(type as ProviderType);
  if (type !== undefined && !preset) {
    throw new UsageError(`Unknown --type "${type}"`, { hint: `choose one of: ${PROVIDER_TYPES.join(", ")}` });
  }
  const settings: Record<string, string> = {};
  const fromFlags: Record<string, string | undefined> = {
    domain: flags.domain,
    tenant: flags.tenant,
    realm: flags.realm,
    authorization_server: flags.authorizationServer,
  };
  for (const input of preset?.inputs ?? []) {
    const flag = input.key.replaceAll("_", "-");
    const value = await answer(
      flag,
      fromFlags[input.key],
      (p) => p.text(input.question, { optional: !input.required }),
      input.required,
    );
    if (value !== undefined) settings[input.key] = value;
  }
  if (preset?.type === "generic") {
    const url = await answer("provider-url", flags.providerUrl, (p) => p.text("Issuer URL (provider_url)"));
    if (url !== undefined) settings.provider_url = url;
  }
  const clientId = await answer("client-id", flags.clientId, (p) => p.text("OAuth client id"));
  // Asked only where the IdP insists; a confidential client elsewhere can give --client-secret.
  const clientSecret = preset?.needsClientSecret
    ? await answer("client-secret", flags.clientSecret, (p) => p.text("Client secret (not echoed)", { secret: true }))
    : flags.clientSecret;
  const roles = await answer(
    "role-arn",
    flags.roleArn?.join(" "),
    (p) =>
      p.text("IAM role ARN(s) to assume, separated by spaces (the first is the default)", {
        check: (text) => {
          const bad = text.split(/[\s,]+/).filter(Boolean).find((arn) => !parseRoleArn(arn));
          return bad ? `"${bad}" is not a role ARN (arn:aws:iam::123456789012:role/name)` : undefined;
        },
      }),
  );
  const region = await answer(
    "region",
    flags.region,
    (p) => p.text("AWS region (empty: the config's or AWS_REGION, else us-east-1)", { optional: true }),
    false,
  );
  // Unattended, the name is the type, so running the same setup again finds it (and --force replaces it).
  const name = checkedName("name", flags.name) ??
    (prompter
      ? await prompter.text("Name for this provider", {
        default: freeName(type!, options.takenNames),
        check: nameComplaint,
      })
      : type ?? "");
  const profile = checkedName("profile", flags.profile) ??
    (prompter ? await prompter.text("AWS profile to write", { default: name, check: nameComplaint }) : name);
  const agent = await chooseAgent(flags, options);
  if (!prompter && !flags.yes) missing.push("--yes");
  if (missing.length) {
    throw new UsageError(`No terminal to ask on, and these answers are missing: ${missing.join(", ")}`, {
      hint: "pass them as flags (see aws-oidc setup --help), or run setup in a terminal",
    });
  }
  return {
    type: type as ProviderType,
    settings,
    clientId: clientId!,
    clientSecret,
    roleArns: roles!.split(/[\s,]+/).filter(Boolean),
    region,
    name: name!,
    profile: profile === undefined ? name! : profile,
    agent,
  };
}

/**
 * Provider and profile names setup writes: one word on the credential_process
 * command line (not an option), and nothing that could end a TOML string or
 * open a section in `~/.aws/config`.
 */
export const NAME_PATTERN = /^[\w.@+][\w.@+-]*$/;

function nameComplaint(name: string): string | undefined {
  return NAME_PATTERN.test(name) ? undefined : "use only letters, digits and . _ - @ + (not starting with -)";
}

/** A name from `--flag`, refused when it does not match {@link NAME_PATTERN}. */
function checkedName<T extends string | false | undefined>(flag: string, value: T): T {
  const complaint = typeof value === "string" ? nameComplaint(value) : undefined;
  if (complaint) {
    throw new UsageError(`Invalid --${flag} ${JSON.stringify(value)}: ${complaint}`, {
      hint: `e.g. --${flag} work-dev`,
    });
  }
  return value;
}

/** The provider name to suggest: the type, or the type with a number when that is taken. */
function freeName(type: string, taken: Set<string>): string {
  if (!taken.has(type)) return type;
  let n = 2;
  while (taken.has(`${type}-${n}`)) n++;
  return `${type}-${n}`;
}

/** The agent: --agent as given, --browser (and --browser-profile) from the detected ones, else a menu or none. */
async function chooseAgent(flags: SetupFlags, options: GatherOptions): Promise<string[] | undefined> {
  if (flags.agent !== undefined) {
    const agent = splitCommand(flags.agent);
    if (agent.length === 0) throw new UsageError("--agent is empty", { hint: 'e.g. --agent "firefox -P work {}"' });
    return agent;
  }
  if (flags.browserProfile !== undefined && flags.browser === undefined) {
    throw new UsageError("--browser-profile needs --browser", { hint: "e.g. --browser chrome --browser-profile Work" });
  }
  if (flags.browser === undefined && !options.prompter) return undefined;
  const browsers = await options.browsers();
  if (flags.browser !== undefined) {
    const browser = browsers.find((b) => b.id === flags.browser);
    if (!browser) {
      throw new UsageError(`Browser "${flags.browser}" was not found on this machine`, {
        hint: browsers.length
          ? `detected: ${browsers.map((b) => b.id).join(", ")}; or give the command with --agent`
          : "give the browser command with --agent",
      });
    }
    if (flags.browserProfile === undefined) return agentCommand(browser);
    const profile = browser.profiles.find((p) =>
      p.name === flags.browserProfile || p.directory === flags.browserProfile
    );
    if (!profile) {
      throw new UsageError(`${browser.name} has no profile "${flags.browserProfile}"`, {
        hint: browser.profiles.length
          ? `its profiles: ${browser.profiles.map((p) => `"${p.name}" (${p.directory})`).join(", ")}`
          : "it lists no profiles; leave out --browser-profile",
      });
    }
    return agentCommand(browser, profile);
  }
  const choices: Choice<string[] | undefined>[] = [{ label: "The system's default browser", value: undefined }];
  for (const browser of browsers) {
    if (browser.profiles.length === 0) choices.push({ label: browser.name, value: agentCommand(browser) });
    for (const profile of browser.profiles) {
      choices.push({
        label: `${browser.name}: ${profile.name} (${profile.directory})`,
        value: agentCommand(browser, profile),
      });
    }
  }
  return await options.prompter!.choose("Log in with which browser?", choices);
}

/** The new `[[AuthProvider]]` table, keys in the order people read them. */
export function providerTable(answers: SetupAnswers) {
  const [roleArn, ...more] = answers.roleArns;
  return {
    name: answers.name,
    type: answers.type,
    ...answers.settings,
    client_id: answers.clientId,
    client_secret: answers.clientSecret,
    role_arn: roleArn,
    roles: more.length ? answers.roleArns.map((arn) => ({ arn })) : undefined,
    region: answers.region,
    agent: answers.agent,
  };
}

function asConfig(text: string, path: string): ConfigFile {
  return { ...parseConfig(text, path), path, exists: true, text };
}

/** The profile edit, checked for a clash (asked about on a terminal, else refused without --force). */
async function planProfile(
  name: string,
  providerName: string,
  provider: Provider,
  options: { force?: boolean; prompter?: Prompter },
  context: CliContext,
) {
  const path = awsConfigPath(context.env);
  const text = await readTextIfPresent(path).catch((error) => {
    throw new AwsOidcError(`Cannot read the AWS config "${path}": ${(error as Error).message}`, {
      hint: "check its permissions, or pass --no-profile",
      cause: error,
    });
  }) ?? "";
  const settings = { credential_process: `${selfCommand()} auth ${providerName}`, region: provider.region };
  const edit = upsertProfile(text, name, settings);
  if (edit.existed && !options.force) {
    const update = options.prompter &&
      await options.prompter.confirm(
        `Profile "${name}" exists in "${path}". Set its credential_process and region?`,
        false,
      );
    if (!update) {
      throw new UsageError(`Profile "${name}" already exists in "${path}"`, {
        hint: "choose another --profile, pass --no-profile, or --force to update it",
      });
    }
  }
  const preview = [profileHeader(name), ...Object.entries(settings).map(([k, v]) => `${k} = ${v}`)].join("\n");
  return { path, name, text: edit.text, existed: edit.existed, preview };
}

/** How a credential_process runs this program: its own path when compiled, else `aws-oidc` on PATH. */
export function selfCommand(): string {
  const exe = Deno.execPath();
  if (basename(exe).startsWith("deno")) return "aws-oidc";
  return /\s/.test(exe) ? `"${exe}"` : exe;
}

/** Logs in for real and gets credentials, so a wrong setting shows now rather than at the first aws command. */
async function testLogin(provider: Provider, session: Session): Promise<void> {
  const { log } = session;
  log.info(`Test login to "${provider.name}"…`);
  const deps = await session.deps(provider);
  try {
    const entry = await getCredentials(provider, deps);
    log.info(`Test login worked: ${entry.sessionName} as ${entry.roleArn}, credentials until ${entry.expiration}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AwsOidcError(`The test login failed, so nothing was written: ${message}`, {
      hint: (error instanceof AwsOidcError && error.hint ? `${error.hint}; ` : "") +
        "fix the answer it points at, or pass --no-test-login to write anyway",
      cause: error,
    });
  }
}

/**
 * Replaces the file atomically, through a symlink to its target, keeping its
 * mode; a new file is 0600 in a directory created 0700.
 */
async function writeKeepingMode(path: string, text: string): Promise<void> {
  try {
    let target = path;
    let mode: number | null = null;
    try {
      target = await Deno.realPath(path);
      mode = (await Deno.stat(target)).mode;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
    }
    await writeFileAtomic(target, new TextEncoder().encode(text));
    if (mode !== null && Deno.build.os !== "windows") await Deno.chmod(target, mode & 0o7777);
  } catch (error) {
    throw new AwsOidcError(`Cannot write "${path}": ${(error as Error).message}`, {
      hint: "check the directory's permissions",
      cause: error,
    });
  }
}
