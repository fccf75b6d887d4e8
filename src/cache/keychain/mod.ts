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
import { type Keychain, type Runner, runTool } from "./_tool.ts";
import { secretService } from "./secret_service.ts";
import { macosKeychain } from "./macos.ts";
import { windowsDpapi } from "./windows.ts";

export {
  type Keychain,
  KEYCHAIN_TIMEOUT_MS,
  KeychainUnavailable,
  type Runner,
  type RunResult,
  runTool,
  toolFailed,
} from "./_tool.ts";

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
