/**
 * aws-oidc entry point: the only place that exits the process.
 *
 * `auth` with fresh cached credentials is answered by the fast path, which
 * loads no npm package; everything else loads the full command line lazily.
 */
import { cachedAuth } from "./src/fast_path.ts";

const encoder = new TextEncoder();

function write(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
}

if (Deno.args[0] === "auth") {
  const line = await cachedAuth(Deno.args.slice(1), Deno.env.toObject(), (message) => {
    write(Deno.stderr, `warning: ${message}\n`);
  });
  if (line !== undefined) {
    write(Deno.stdout, line);
    Deno.exit(0);
  }
}
const { main } = await import("./src/cli/main.ts");
Deno.exit(await main(Deno.args));
