import { defineConfig } from "vite";

export default defineConfig({
  // JSX through Vite's own esbuild (add @vitejs/plugin-react for Fast Refresh)
  esbuild: { jsx: "automatic" },
  // top-level await (`await init()` in src/main.jsx)
  build: { target: "es2022" },
});
