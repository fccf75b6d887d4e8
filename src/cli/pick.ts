/** The interactive role picker, for a provider with several roles when a terminal is attached. */
import { UsageError } from "../errors.ts";
import type { Log } from "../log.ts";
import type { RoleChoice } from "../config/provider.ts";

/** Asks on the terminal which role to use; resolves to its ARN. */
export async function pickRole(provider: string, choices: RoleChoice[], log: Log): Promise<string> {
  log.notice(`Provider "${provider}" has several roles:`);
  choices.forEach((choice, index) =>
    log.notice(`  ${index + 1}) ${choice.alias ? `${choice.alias}  ` : ""}${choice.arn}`)
  );
  for (let attempt = 0; attempt < 3; attempt++) {
    log.notice(`Role [1-${choices.length}, or an alias]: `);
    const answer = (await readLine())?.trim();
    if (answer === undefined) break;
    const byNumber = /^\d+$/.test(answer) ? choices[Number(answer) - 1] : undefined;
    const picked = byNumber ?? choices.find((choice) => choice.alias === answer || choice.arn === answer);
    if (picked) return picked.arn;
  }
  throw new UsageError("No role was chosen", { hint: "pass --role <alias|arn>" });
}

async function readLine(): Promise<string | undefined> {
  const buffer = new Uint8Array(1024);
  let line = "";
  const decoder = new TextDecoder();
  while (true) {
    const read = await Deno.stdin.read(buffer);
    if (read === null) return line === "" ? undefined : line;
    line += decoder.decode(buffer.subarray(0, read), { stream: true });
    const newline = line.indexOf("\n");
    if (newline >= 0) return line.slice(0, newline);
  }
}
