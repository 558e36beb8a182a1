import { defineConfig } from "vite";

export default defineConfig({
  // JSX through Vite's own esbuild (add @vitejs/plugin-react for Fast Refresh)
  esbuild: { jsx: "automatic" },
  // top-level await (`await init()` in src/main.jsx)
  build: { target: "es2022" },
  // the dev server's dependency scan misses the automatic runtime, whose late discovery re-optimizes and reloads the
  // page during its first load (a blank page if the reload comes before the HMR socket)
  optimizeDeps: { include: ["react/jsx-dev-runtime"] },
});
