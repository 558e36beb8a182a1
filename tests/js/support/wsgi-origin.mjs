// A real WSGI origin (python3's wsgiref, tests/js/support/wsgi_echo.py) on 127.0.0.1: it reads headers the
// way CGI, WSGI and PHP do (HTTP_ + upper case, "-" and "_" alike), percent-decodes the path, and answers
// with what it read. `count()` asks it how many requests it served (it serves one at a time, so the count
// includes every request answered before); `close()` stops it.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { resolve } from "node:path";

const SCRIPT = resolve(import.meta.dirname, "wsgi_echo.py");

export async function startWsgiOrigin() {
  const child = spawn("python3", [SCRIPT], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((ok) => child.once("exit", ok));
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  const port = await new Promise((ok, fail) => {
    createInterface({ input: child.stdout }).once("line", (line) => ok(Number(line)));
    child.once("exit", () => fail(new Error(`wsgi origin did not start: ${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    count: async () => (await fetch(`${url}/__count`)).json(),
    close: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
