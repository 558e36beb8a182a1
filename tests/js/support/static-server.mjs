// A static file server on 127.0.0.1 (random port) for browser tests; `close()` stops it.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".wasm": "application/wasm", ".json": "application/json", ".css": "text/css", ".png": "image/png",
};

/**
 * Serves `root` on `port` (0: any free one); `routes` maps URL paths to other files; `handle(req, res)`, when
 * given, sees each request first and returns true when it answered it. Resolves to `{ url, close }`.
 */
export async function serveStatic(root, routes = {}, port = 0, handle = undefined) {
  const server = createServer(async (req, res) => {
    if (handle && (await handle(req, res))) return;
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = routes[path] ?? join(root, normalize(path === "/" ? "/index.html" : path));
    if (!file.startsWith(root) && !routes[path]) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok, fail) => server.once("error", fail).listen(port, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(ok); }),
  };
}
