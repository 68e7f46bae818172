// The dashboard is served under /ui/ (e2e/src/dashboard/routes.ts), so its assets are addressed from there.
import { defineConfig } from "vite";

export default defineConfig({
  base: "/ui/",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  logLevel: "warn",
});
