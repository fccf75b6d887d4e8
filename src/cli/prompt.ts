/**
 * Questions on the terminal for `setup`: a line of text (with a default), a
 * numbered menu, yes/no, and a secret read without echo. Plain lines rather
 * than a cursor-driven prompt library, so the same code answers a person at a
 * terminal, a pseudo-terminal in tests and piped answers, and loads nothing.
 */
import { UsageError } from "../errors.ts";
import { writeAll } from "../io.ts";

/** Where questions go and answers come from. */
export interface PromptIo {
  /** Writes `prompt`, then reads the next line typed, without its line ending; undefined at end of input. */
  ask(prompt: string, options?: { secret?: boolean }): Promise<string | undefined>;
  /** Writes a question (no newline added). */
  write(text: string): void;
}

/** A menu entry. */
export interface Choice<T> {
  label: string;
  value: T;
}

/** Asks questions over a {@link PromptIo}. */
export class Prompter {
  readonly #io: PromptIo;

  constructor(io: PromptIo) {
    this.#io = io;
  }

  /** A line of text; the default when the answer is empty; asks again when `check` returns a complaint. */
  async text(
    question: string,
    options: {
      default?: string;
      optional?: boolean;
      secret?: boolean;
      check?: (answer: string) => string | undefined;
    } = {},
  ): Promise<string | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const prompt = `${question}${options.default ? ` [${options.default}]` : ""}: `;
      const line = await this.#io.ask(prompt, { secret: options.secret });
      if (line === undefined) throw endOfInput(question);
      const answer = line.trim() || options.default || "";
      if (answer === "" && options.optional) return undefined;
      const complaint = answer === "" ? "an answer is needed" : options.check?.(answer);
      if (!complaint) return answer;
      this.#io.write(`  ${complaint}\n`);
    }
    throw new UsageError(`No usable answer to "${question}"`, { hint: "give it as a flag instead (see setup --help)" });
  }

  /** One of `choices`, by number (1-based); `defaultIndex` is taken on an empty answer. */
  async choose<T>(question: string, choices: Choice<T>[], defaultIndex = 0): Promise<T> {
    this.#io.write(`${question}\n${choices.map((choice, i) => `  ${i + 1}) ${choice.label}\n`).join("")}`);
    const answer = await this.text(`Choose 1-${choices.length}`, {
      default: String(defaultIndex + 1),
      check: (text) => /^\d+$/.test(text) && choices[Number(text) - 1] ? undefined : "give one of the numbers",
    });
    return choices[Number(answer) - 1].value;
  }

  /** Yes or no. */
  async confirm(question: string, defaultYes: boolean): Promise<boolean> {
    const answer = await this.text(`${question} [${defaultYes ? "Y/n" : "y/N"}]`, {
      optional: true,
      check: (text) => /^(y|yes|n|no)$/i.test(text) ? undefined : "answer y or n",
    });
    return answer === undefined ? defaultYes : /^y/i.test(answer);
  }
}

function endOfInput(question: string): UsageError {
  return new UsageError(`The input ended before "${question}" was answered`, {
    hint: "answer every question, or give the answers as flags (see setup --help)",
  });
}

/**
 * The process's terminal: questions on stderr, answers from stdin, read line
 * by line with the rest kept for the next question (piped answers arrive all
 * at once). A secret is read with echo off when stdin is a terminal.
 */
export function terminalIo(): PromptIo {
  const decoder = new TextDecoder();
  let pending = "";
  let ended = false;
  const fill = async () => {
    const buffer = new Uint8Array(1024);
    const read = await Deno.stdin.read(buffer);
    if (read === null) ended = true;
    else pending += decoder.decode(buffer.subarray(0, read), { stream: true });
  };
  return {
    write: (text) => writeAll(Deno.stderr, text),
    async ask(prompt, options = {}) {
      const raw = options.secret && Deno.stdin.isTerminal();
      // Echo goes off before the question shows, so nothing typed after it is echoed.
      if (raw) Deno.stdin.setRaw(true);
      writeAll(Deno.stderr, prompt);
      try {
        while (true) {
          const end = pending.search(raw ? /[\r\n]/ : /\n/);
          if (end >= 0) {
            const line = pending.slice(0, end);
            pending = pending.slice(end + 1);
            if (raw) writeAll(Deno.stderr, "\n");
            if (raw && line.includes("\x03")) throw new UsageError("Interrupted", { hint: "run setup again" });
            return raw ? withBackspaces(line) : line.replace(/\r$/, "");
          }
          if (ended) {
            const rest = pending;
            pending = "";
            return rest === "" ? undefined : rest;
          }
          if (raw && pending.includes("\x03")) throw new UsageError("Interrupted", { hint: "run setup again" });
          await fill();
        }
      } finally {
        if (raw) Deno.stdin.setRaw(false);
      }
    },
  };
}

/** What was typed in raw mode, with DEL/backspace applied. */
function withBackspaces(typed: string): string {
  let line = "";
  for (const char of typed) line = char === "\x7f" || char === "\b" ? line.slice(0, -1) : line + char;
  return line;
}
