/**
 * The CLI on a pseudo-terminal (util-linux `script`), for what only a terminal
 * gets: prompts, pickers, hidden input.
 */
import { join } from "node:path";
import { cliCommand, shellWords } from "./cli.ts";

/** A program's full path on this process's PATH (the CLI runs with another PATH). */
function onPath(program: string): string {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if (Deno.statSync(join(dir, program)).isFile) return join(dir, program);
    } catch { /* not here */ }
  }
  throw new Error(`${program} is not installed (util-linux)`);
}

/**
 * Runs `aws-oidc <args>` on a pseudo-terminal and answers: each answer is typed
 * once its question (a pattern) has appeared, as a person would.
 */
export async function converse(
  args: string[],
  env: Record<string, string>,
  dialogue: Array<[RegExp, string]>,
): Promise<{ code: number; screen: string }> {
  const command = shellWords([...cliCommand(), ...args]);
  const child = new Deno.Command(onPath("script"), {
    args: ["-qec", command, "/dev/null"],
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let screen = "";
  let seen = 0;
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    for (const [question, answer] of dialogue) {
      while (!question.test(screen.slice(seen))) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the program ended before asking ${question}:\n${screen}`);
        screen += decoder.decode(value, { stream: true });
      }
      seen = screen.length;
      await writer.write(new TextEncoder().encode(`${answer}\n`));
    }
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      screen += decoder.decode(value, { stream: true });
    }
    await writer.close().catch(() => {});
    const status = await child.status;
    await child.stderr.cancel();
    return { code: status.code, screen };
  } finally {
    clearTimeout(timer);
  }
}
