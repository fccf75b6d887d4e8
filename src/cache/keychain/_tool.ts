/**
 * What the keychain backends share: the item's interface, the tool runner
 * (secrets on stdin, a timeout for unlock prompts) and the error for a tool
 * that failed. Private to src/cache/keychain/; mod.ts is the front.
 */
import { AwsOidcError } from "../../errors.ts";
import { printable } from "../../log.ts";

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
