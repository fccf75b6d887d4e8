import assert from "node:assert/strict";
import { UsageError } from "../../src/errors.ts";
import { isLoopback, parseListen, serveInput } from "../../src/cli/serve.ts";

Deno.test("parseListen: an IP address and a port, IPv6 in brackets; port 0 is a free one", () => {
  assert.deepEqual(parseListen("127.0.0.1:9911"), { hostname: "127.0.0.1", port: 9911 });
  assert.deepEqual(parseListen("169.254.170.2:0"), { hostname: "169.254.170.2", port: 0 });
  assert.deepEqual(parseListen("[::1]:80"), { hostname: "::1", port: 80 });
  assert.deepEqual(parseListen("[fd00:ec2::23]:80"), { hostname: "fd00:ec2::23", port: 80 });
  assert.deepEqual(parseListen("[0:0:0:0:0:0:0:1]:80"), { hostname: "::1", port: 80 }, "as clients will spell it");
});

Deno.test("parseListen: host names, missing ports, bad numbers and every-interface addresses are refused", () => {
  for (
    const text of [
      "localhost:80",
      "127.0.0.1",
      "127.0.0.1:65536",
      "256.0.0.1:80",
      "::1:80",
      "[::1]",
      ":80",
      "[::1:80",
      "[1:2:3]:80",
    ]
  ) {
    assert.throws(
      () => parseListen(text),
      (error) => error instanceof UsageError && /not an address/.test(error.message),
      text,
    );
  }
  for (const text of ["0.0.0.0:80", "[::]:80", "[0:0:0:0:0:0:0:0]:80", "0.0.0.000:80"]) {
    assert.throws(() => parseListen(text), /would listen on every interface/, text);
  }
});

Deno.test("isLoopback: 127.0.0.0/8 and ::1 only", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1"]) assert.ok(isLoopback(host), host);
  for (const host of ["169.254.170.2", "10.0.0.1", "::", "fd00:ec2::23"]) assert.ok(!isLoopback(host), host);
});

Deno.test("serveInput: loopback and a free port by default; --imds beyond loopback refused", () => {
  assert.deepEqual(serveInput("p", {}).listen, { hostname: "127.0.0.1", port: 0 });
  assert.equal(serveInput("p", { imds: true, listen: "[::1]:0" }).imds, true);
  assert.throws(() => serveInput("p", { imds: true, listen: "169.254.170.2:80" }), /--imds listens on loopback only/);
});
