/**
 * `aws-oidc serve` as a test runs it: started in the background, its
 * `NAME=value` lines read from stdout, stopped with SIGTERM; and the real AWS
 * clients (Debian's AWS CLI and boto3, the JS SDK) that read credentials from it.
 */
import { join } from "node:path";
import { cliCommandLine, spawnCli } from "./cli.ts";
import { providerTable, startWorld, type World } from "./world.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Debian's AWS CLI and Python (with python3-boto3); not whatever else is first on PATH. */
export const AWS_CLI = "/usr/bin/aws";
export const PYTHON = "/usr/bin/python3";
export const BOTO3_CLIENT = join(ROOT, "tests", "fixtures", "boto3_client.py");
export const SDK_CLIENT = join(ROOT, "tests", "fixtures", "sdk_container_client.ts");

const ROLE = "arn:aws:iam::123456789012:role/serve";

/**
 * With `shortLived`: 8-second credentials renewed 2 seconds before expiry, 5-second ID tokens (usable for 3.75 s:
 * the margin before expiry is a quarter of so short a lifetime), and refresh tokens living `refreshTokenTtl` seconds,
 * if given.
 */
export function serveWorld(options: { shortLived?: boolean; refreshTokenTtl?: number } = {}): Promise<World> {
  const short = options.shortLived;
  return startWorld({
    roles: [ROLE],
    idp: short ? { idTokenTtl: 5, refreshTokenTtl: options.refreshTokenTtl } : undefined,
    sts: short ? { sessionSeconds: 8 } : undefined,
    config: (servers) => providerTable(servers, { role: ROLE, fields: short ? ["refresh_window = 2"] : [] }),
    awsConfig:
      `[profile engineer]\nregion = eu-west-1\ncredential_process = ${cliCommandLine()} auth idp --duration 3600\n`,
  });
}

/** A running `serve`; disposing of it stops it, unless {@link Serving.stop} already did. */
export interface Serving extends AsyncDisposable {
  /** The variables it printed. */
  variables: Record<string, string>;
  /** stderr so far. */
  stderr(): string;
  /** SIGTERM (SIGKILL 10 s later), then its exit code, stdout after the variables, and all of stderr. */
  stop(): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** Starts `aws-oidc serve <args>` and waits (up to `timeoutMs`, a login included) for its variables. */
export async function startServe(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<Serving> {
  const child = spawnCli(["serve", ...args], env);
  const watchdog = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  let stderr = "";
  const stderrDone = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) stderr += chunk;
  })();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let stdout = "";
  while (!/^AWS_DEFAULT_REGION=.*\n/m.test(stdout)) {
    const { value, done } = await reader.read();
    if (done) {
      clearTimeout(watchdog);
      await child.status;
      await stderrDone;
      throw new Error(`serve ended before printing its variables:\n${stdout}\n${stderr}`);
    }
    stdout += value;
  }
  clearTimeout(watchdog);
  const variables = Object.fromEntries(
    stdout.trimEnd().split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  const rest = (async () => {
    let more = "";
    while (true) {
      const { value, done } = await reader.read();
      if (done) return more;
      more += value;
    }
  })();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    // One that does not stop within 10 s is killed, so a test fails instead of hanging.
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const status = await child.status;
    clearTimeout(killer);
    await stderrDone;
    return { code: status.code, stdout: await rest, stderr };
  };
  let stopped: ReturnType<typeof stop> | undefined;
  return {
    variables,
    stderr: () => stderr,
    stop: () => stopped ??= stop(),
    async [Symbol.asyncDispose]() {
      await (stopped ??= stop());
    },
  };
}

/** The JS SDK client (tests/fixtures/sdk_container_client.ts) as `deno run` argv. */
export function sdkClient(kind: string, calls: number, ...flags: string[]): string[] {
  return [
    "run",
    "--quiet",
    "--allow-env",
    "--allow-net",
    "--allow-read",
    "--allow-sys",
    SDK_CLIENT,
    kind,
    String(calls),
    ...flags,
  ];
}
