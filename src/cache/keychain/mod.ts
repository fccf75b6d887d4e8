/**
 * The operating system's secret store, reached without FFI (the permission
 * set has none) through the platform's own command-line tool, every secret on
 * the tool's stdin and never in its arguments (a command line is readable by
 * every local user):
 *
 * - Linux: the Secret Service (gnome-keyring, KeePassXC, KWallet…) via `secret-tool`.
 * - macOS: the login keychain via `/usr/bin/security -i`, commands on stdin.
 * - Windows: DPAPI via `powershell -Command -`, the script on stdin.
 *
 * It holds one small item per user: the data key that seals the token cache
 * (src/cache/sealed.ts).
 */
import { AwsOidcError } from "../../errors.ts";
import { printable } from "../../log.ts";
import { secretService } from "./secret_service.ts";
import { macosKeychain } from "./macos.ts";
import { windowsDpapi } from "./windows.ts";

/** What one run of a keychain tool gave back. */
export interface RunResult {
  /** The exit code; 127 when the program does not exist. */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `program` with `args`, writing `stdin` to it; injectable, so tests can record every command line. */
export type Runner = (program: string, args: string[], stdin: string) => Promise<RunResult>;

/** One secret item in the OS store. */
export interface Keychain {
  /** `secret-service`, `macos-keychain` or `windows-dpapi`: recorded in sealed files. */
  readonly name: string;
  /** Where the item lives, for `doctor` and messages. */
  readonly where: string;
  /** The item, or undefined when there is none. Throws {@link KeychainUnavailable}. */
  read(): Promise<string | undefined>;
  /** Creates or replaces the item. Throws {@link KeychainUnavailable}. */
  write(secret: string): Promise<void>;
  /** Deletes the item; false when there was none. Throws {@link KeychainUnavailable}. */
  remove(): Promise<boolean>;
}

/** The OS store cannot be used: no tool, no D-Bus session, a locked collection, a refused prompt… */
export class KeychainUnavailable extends AwsOidcError {
  override name = "KeychainUnavailable";
}

/** How long a keychain tool may take: an unlock prompt needs a person. */
export const KEYCHAIN_TIMEOUT_MS = 60_000;

/** Options of {@link systemKeychain}. */
export interface KeychainOptions {
  /** The cache directory: DPAPI keeps its protected blob there. */
  dir: string;
  os?: typeof Deno.build.os;
  run?: Runner;
  /** Names the item, one word; default `aws-oidc` (tests use their own, never the person's). */
  service?: string;
}

/** The keychain of this machine. */
export function systemKeychain(options: KeychainOptions): Keychain {
  const run = options.run ?? runTool;
  const service = options.service ?? "aws-oidc";
  switch (options.os ?? Deno.build.os) {
    case "darwin":
      return macosKeychain(run, service);
    case "windows":
      return windowsDpapi(run, options.dir, service);
    default:
      return secretService(run, service);
  }
}

/** The error for a tool that failed: its own words (filtered), and what to do. */
export function toolFailed(tool: string, result: RunResult, doing: string, hint: string): KeychainUnavailable {
  const said = printable(result.stderr.trim() || result.stdout.trim() || `exit code ${result.code}`);
  return new KeychainUnavailable(
    result.code === 127 ? `Cannot ${doing}: "${tool}" is not installed` : `Cannot ${doing}: ${said}`,
    { hint },
  );
}

/**
 * The real {@link Runner}: stdin piped in, nothing inherited, killed after {@link KEYCHAIN_TIMEOUT_MS}.
 * `env` adds variables to the inherited environment (tests point `secret-tool` at a private D-Bus session).
 */
export async function runTool(
  program: string,
  args: string[],
  stdin: string,
  env?: Record<string, string>,
): Promise<RunResult> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args,
      env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS),
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { code: 127, stdout: "", stderr: `${program}: not found` };
    throw new KeychainUnavailable(`Cannot start "${program}": ${(error as Error).message}`, { cause: error });
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin)).catch(() => {});
  await writer.close().catch(() => {});
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.signal ? 124 : output.code,
    stdout: decoder.decode(output.stdout),
    stderr: output.signal
      ? `${program} did not answer within ${KEYCHAIN_TIMEOUT_MS / 1000} s`
      : decoder.decode(output.stderr),
  };
}
