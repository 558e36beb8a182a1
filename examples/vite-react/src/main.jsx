import { createRoot } from "react-dom/client";
import { StrictMode } from "react";
import { session } from "./session.js";
import { App } from "./App.jsx";

// The callback is read once, before React renders (StrictMode runs effects twice; a callback is single-use).
let error = null;
if (location.pathname === "/callback") {
  await session.handleCallback().catch((e) => { error = e; });
  history.replaceState(null, "", "/");
}
createRoot(document.getElementById("root")).render(<StrictMode><App initialError={error} /></StrictMode>);
