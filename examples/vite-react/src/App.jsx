import { useEffect, useState } from "react";
import { session } from "./session.js";

export function App({ initialError }) {
  const [user, setUser] = useState(session.getUser());
  const [error, setError] = useState(initialError);
  useEffect(() => {
    const off = [
      session.on("signedIn", setUser),
      session.on("refreshed", setUser),
      session.on("expired", () => setUser(null)),
      session.on("signedOut", () => setUser(null)),
      session.on("error", setError),
    ];
    return () => off.forEach((stop) => stop());
  }, []);

  return (
    <main>
      <h1>oidc-edge + Vite + React</h1>
      {error && <p role="alert" id="error">{error.code ?? error.name}: {error.message}</p>}
      {user ? (
        <>
          <p id="user">Signed in as <strong>{user.name ?? user.sub}</strong>{user.email && ` (${user.email})`}</p>
          <button id="sign-out" onClick={() => session.signOut()}>Sign out</button>
        </>
      ) : (
        <button id="sign-in" onClick={() => session.signIn().catch(() => {})}>Sign in</button>
      )}
    </main>
  );
}
