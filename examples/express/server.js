// `ISSUER=… AUDIENCE=… JWKS_URI=… node server.js`: the API on 127.0.0.1:PORT (default 3000).
import express from "express";
import { requireScopes } from "./auth.js";

const app = express();
app.get("/health", (req, res) => res.send("ok"));
app.get("/orders", requireScopes("orders.read"), (req, res) => res.json({ owner: req.auth.sub, scope: req.auth.scope }));
app.put("/orders/:id", requireScopes("orders.write"), (req, res) => res.status(204).end());

const server = app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
