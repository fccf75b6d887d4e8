/**
 * Model-based test of the request identity (issue 13): pairs of `auth`
 * invocations that differ in one identity field, run in random order through
 * the full CLI (in-process, `main`) and the fast path (`cachedAuth`), against
 * an identity provider and STS that count and record what they issued. Every
 * answer served must have been minted for a request equal to the one a
 * separate model of the invocation expects: no answer computed for one
 * invocation is ever served for another.
 *
 * Seeded and replayable: the seed is printed; AWS_OIDC_MODEL_SEED=<seed> replays it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cachedAuth } from "../../src/fast_path.ts";
import { recordingServices as services, runInProcess } from "../helpers/services.ts";
import { removing } from "../helpers/dispose.ts";

const SEED = Number(Deno.env.get("AWS_OIDC_MODEL_SEED") ?? Math.floor(Math.random() * 2 ** 31));
const PAIRS = 2 * 13;

/** mulberry32: a small seeded generator, so a failing run can be replayed exactly. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROLE = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

/** One provider table, as the model understands it. */
interface Table {
  client_id: string;
  role_arn?: string;
  roles?: { arn: string; alias: string }[];
  duration?: number;
  region?: string;
  sts_endpoint?: string;
  scopes?: string[];
  auth_params?: Record<string, string>;
  token?: "id_token" | "access_token";
  chain?: string[];
}

/** One `auth` invocation: a config file, a provider in it, flags and environment. */
interface Invocation {
  label: string;
  configName: string;
  tables: Record<string, Table>;
  provider: string;
  flags: Record<string, string>;
  env: Record<string, string>;
}

/** What STS must have been asked for this invocation: the model, independent of src/config/resolve.ts. */
function expected(invocation: Invocation): Record<string, unknown> {
  const table = invocation.tables[invocation.provider];
  const flags = invocation.flags;
  const region = flags["--region"] ?? table.region ?? invocation.env.AWS_REGION ?? "us-east-1";
  const roleArn = flags["--role-arn"] ??
    (flags["--role"] ? table.roles!.find((role) => role.alias === flags["--role"])!.arn : table.role_arn!);
  const scopes = table.scopes ?? ["openid", "email", "profile"];
  return {
    issuer: "https://idp.example",
    clientId: table.client_id,
    scopes: [...new Set(scopes.includes("openid") ? scopes : ["openid", ...scopes])].sort(),
    authParams: table.auth_params ?? {},
    token: table.token ?? "id_token",
    roleArn: [roleArn, ...table.chain ?? []].at(-1),
    chain: table.chain ?? [],
    duration: Number(flags["--duration"] ?? table.duration ?? 3600),
    region,
    endpoint: flags["--sts-endpoint"] ?? table.sts_endpoint ?? invocation.env.AWS_ENDPOINT_URL_STS ??
      invocation.env.AWS_ENDPOINT_URL ?? `https://sts.${region}.amazonaws.com`,
  };
}

const BASE: Table = { client_id: "client-a", role_arn: ROLE("base"), duration: 3600 };
const ENDPOINTS = ["http://127.0.0.1:1/sts-one", "http://127.0.0.1:1/sts-two"];

/** The base invocation, and one that differs from it in the field `field`. */
function pair(field: string, pick: <T>(items: readonly T[]) => T): [Invocation, Invocation] {
  const a: Invocation = {
    label: field,
    configName: "config",
    tables: { p: { ...BASE } },
    provider: "p",
    flags: {},
    env: {},
  };
  const b: Invocation = structuredClone(a);
  switch (field) {
    case "provider":
      a.tables.q = { ...BASE, client_id: "client-b" };
      b.tables = a.tables;
      b.provider = "q";
      break;
    case "role":
      b.flags["--role-arn"] = ROLE("other");
      break;
    case "alias": {
      const roles = [{ arn: ROLE("one"), alias: "one" }, { arn: ROLE("two"), alias: "two" }];
      for (const invocation of [a, b]) invocation.tables.p = { client_id: "client-a", roles };
      a.flags["--role"] = "one";
      b.flags["--role"] = "two";
      break;
    }
    case "chain":
      b.tables.p.chain = [ROLE("spoke")];
      break;
    case "duration":
      b.flags["--duration"] = String(pick([900, 7200]));
      break;
    case "region":
      if (pick([true, false])) b.flags["--region"] = "eu-west-1";
      else b.env.AWS_REGION = "eu-west-1";
      break;
    case "sts endpoint": {
      const sources = ["default", "sts_endpoint", "--sts-endpoint", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"];
      const [first, second] = [pick(sources), pick(sources.slice(1))];
      for (const [invocation, source, url] of [[a, first, ENDPOINTS[0]], [b, second, ENDPOINTS[1]]] as const) {
        if (source === "sts_endpoint") invocation.tables.p.sts_endpoint = url;
        else if (source === "--sts-endpoint") invocation.flags["--sts-endpoint"] = url;
        else if (source !== "default") invocation.env[source] = url;
      }
      b.label = `sts endpoint (${first} / ${second})`;
      break;
    }
    case "scopes":
      b.tables.p.scopes = pick([["openid", "groups"], ["openid", "email"]]);
      break;
    case "auth_params":
      b.tables.p.auth_params = pick<Record<string, string>>([{ resource: "https://api.example" }, {
        audience: "other",
      }]);
      break;
    case "token kind":
      b.tables.p.token = "access_token";
      break;
    case "config file":
      b.configName = "team.toml";
      b.tables.p.role_arn = ROLE("team");
      break;
    case "node-local dir":
      b.flags["--node-local-cache"] = "node-local";
      break;
    case "AWS_PROFILE with endpoint_url":
      b.env.AWS_PROFILE = "rogue";
      break;
  }
  // Tables that differ but would share a file: two providers of one config, "p" and "q".
  if (a.configName === b.configName && JSON.stringify(a.tables) !== JSON.stringify(b.tables)) {
    a.tables = { p: a.tables.p, q: b.tables.p };
    b.tables = a.tables;
    b.provider = "q";
  }
  return [a, b];
}

const FIELDS = [
  "provider",
  "role",
  "alias",
  "chain",
  "duration",
  "region",
  "sts endpoint",
  "scopes",
  "auth_params",
  "token kind",
  "config file",
  "node-local dir",
  "AWS_PROFILE with endpoint_url",
] as const;

function toml(tables: Record<string, Table>): string {
  return Object.entries(tables).map(([name, table]) => {
    const lines = [`[[AuthProvider]]`, `name = "${name}"`, `provider_url = "https://idp.example"`];
    for (const [key, value] of Object.entries(table)) {
      if (key === "roles") {
        const roles = (value as Table["roles"])!.map((role) => `{ arn = "${role.arn}", alias = "${role.alias}" }`);
        lines.push(`roles = [${roles.join(", ")}]`);
      } else if (key === "auth_params") {
        const params = Object.entries(value as Record<string, string>).map(([k, v]) => `${k} = "${v}"`);
        lines.push(`auth_params = { ${params.join(", ")} }`);
      } else lines.push(`${key} = ${JSON.stringify(value)}`);
    }
    return lines.join("\n");
  }).join("\n\n") + "\n";
}

Deno.test(`model: no cached answer is served for an invocation that differs in one identity field (seed ${SEED})`, async () => {
  console.log(`identity model seed ${SEED} (replay: AWS_OIDC_MODEL_SEED=${SEED})`);
  const next = random(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const served = { full: 0, fast: 0 };
  for (let round = 0; round < PAIRS; round++) {
    const field = FIELDS[round % FIELDS.length];
    const home = await Deno.makeTempDir({ prefix: "aws-oidc-model-" });
    await using _home = removing(home);
    await Deno.mkdir(join(home, ".aws-oidc"));
    await Deno.mkdir(join(home, ".aws"));
    await Deno.writeTextFile(join(home, ".aws", "config"), `[profile rogue]\nendpoint_url = ${ENDPOINTS[1]}\n`);
    const fixtures = services();
    const invocations = pair(field, pick);
    const argvOf = (invocation: Invocation) => {
      const configPath = join(home, ".aws-oidc", invocation.configName);
      const flags = Object.entries(invocation.flags).flatMap(([flag, value]) =>
        flag === "--node-local-cache" ? [flag, join(home, value)] : [flag, value]
      );
      const config = invocation.configName === "config" ? [] : ["--config", configPath];
      return ["auth", invocation.provider, ...config, ...flags];
    };
    for (const invocation of invocations) {
      await Deno.writeTextFile(join(home, ".aws-oidc", invocation.configName), toml(invocation.tables));
    }
    // One answers first, then the other asks (a chance to be served the wrong answer), then anything.
    const first = pick([0, 1]);
    const steps: [number, "full" | "fast" | "no-cache"][] = [
      [first, "full"],
      [1 - first, pick(["full", "fast"] as const)],
      ...Array.from(
        { length: 4 },
        (): [number, "full" | "fast" | "no-cache"] => [pick([0, 1]), pick(["full", "fast", "no-cache"] as const)],
      ),
    ];
    const trace: string[] = [];
    for (const [which, path] of steps) {
      const invocation = invocations[which];
      const argv = [...argvOf(invocation), ...(path === "no-cache" ? ["--no-cache"] : [])];
      const environment: Record<string, string> = { HOME: home, ...invocation.env };
      const env = (name: string) => environment[name];
      trace.push(`${path} ${which === 0 ? "A" : "B"}: ${argv.join(" ")} ${JSON.stringify(invocation.env)}`);
      let output: string | undefined;
      if (path === "fast") {
        output = cachedAuth(argv.slice(1), env);
        if (output === undefined) continue;
        served.fast++;
      } else {
        const run = await runInProcess(argv, env, fixtures);
        assert.equal(run.code, 0, `${trace.join("\n")}\n${run.stderr}`);
        output = run.stdout;
        served.full++;
      }
      const key = JSON.parse(output).AccessKeyId;
      assert.deepEqual(
        fixtures.minted.get(key),
        expected(invocation),
        `seed ${SEED}, pair ${round} (${invocation.label}): ${key} was minted for another request\n${trace.join("\n")}`,
      );
    }
  }
  assert.ok(served.fast > 0 && served.full > 0, `both paths answered (${JSON.stringify(served)})`);
});
