// `make demo`: the whole demo stack (www/stack.mjs) on 127.0.0.1 until Ctrl-C. PORT sets the page's port (8080).
import { startDemoStack } from "./stack.mjs";

const port = Number(process.env.PORT ?? 8080);
let stack;
try {
  stack = await startDemoStack({ port });
} catch (e) {
  if (e.code !== "EADDRINUSE") throw e;
  console.error(`port ${port} is in use: run PORT=<another port> make demo`);
  process.exit(1);
}
const { urls, user } = stack;
console.log(`
oidc-edge demo — open ${urls.spa}/

  SPA (this page, /api/* goes to the worker)  ${urls.spa}/
  OpenID provider (oidc-provider)             ${urls.provider}
  edge worker (workerd)                       ${urls.worker}
  API origin behind the worker                ${urls.origin}

  Sign in with any login and password (devInteractions), e.g. ${user.login} / ${user.password}

(Ctrl-C to stop)
`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping the demo…");
  await stack.close();
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
