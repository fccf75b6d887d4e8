/**
 * aws-oidc entry point: the only place that exits the process.
 *
 * `auth` with fresh cached credentials, and `eks-token` with a fresh cached
 * token, are answered by the fast path, which loads no npm package; everything
 * else loads the full command line lazily.
 */
import { cachedAuth } from "./src/fast_path.ts";
import { cachedEksToken } from "./src/fast_eks.ts";
import { writeAll } from "./src/io.ts";

/** The full command line, loaded only when the fast path cannot answer. */
export const CLI_MODULE: string = ["./src", "cli", "main.ts"].join("/");

const FAST_PATHS: Record<string, typeof cachedAuth> = { "auth": cachedAuth, "eks-token": cachedEksToken };
const fastPath = Object.hasOwn(FAST_PATHS, Deno.args[0] ?? "") ? FAST_PATHS[Deno.args[0]] : undefined;
if (fastPath) {
  const line = fastPath(Deno.args.slice(1), (name) => Deno.env.get(name));
  if (line !== undefined) {
    writeAll(Deno.stdout, line);
    Deno.exit(0);
  }
}
// A computed specifier: with a literal one, `deno run` reads the whole CLI's module graph (npm packages
// included) at start-up even when the fast path answers (`deno task bench`: cached auth 27.7 ms against
// 23.3 ms, 1.43× an empty script instead of 1.14×). So `deno compile` is told to include src/cli/main.ts
// (INCLUDES in scripts/build.ts), and tests/scripts/build_test.ts checks that this is the only such import.
const { main } = await import(CLI_MODULE);
Deno.exit(await main(Deno.args));
