/** What every command gets from the entry point: the outside world, injectable for tests. */
import type { Log } from "../log.ts";
import type { CredentialDeps } from "../aws/credentials.ts";

/** The process's environment and streams. */
export interface CliContext {
  /** The arguments the program was started with. */
  argv: string[];
  /** One environment variable, read by name (the permission set grants no more: see scripts/permissions.ts). */
  env: (name: string) => string | undefined;
  /** Machine output; the only writer to stdout. */
  stdout: (text: string) => void;
  /** True when a person can answer a question (stdin is a terminal). */
  interactive: () => boolean;
  /** Builds the log once global flags are known. */
  makeLog: (options: { debug: boolean; quiet: boolean }) => Log;
  /** The identity provider and STS as the credential pipeline reaches them; absent: the real ones. */
  services?: Pick<CredentialDeps, "login" | "refresh" | "assumeRole" | "assumeChain">;
}

/** Global options every command understands. */
export interface GlobalOptions {
  config?: string;
  debug?: boolean;
  quiet?: boolean;
}
