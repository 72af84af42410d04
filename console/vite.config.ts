import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The gateway serves dist/ at / and the APIs and Keycloak under the same origin; `npm run dev`
// proxies them to it so the dev server behaves the same.
const gateway = process.env.UNIONFED_GATEWAY ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks(id) {
          // The framework every page needs, apart from the desks' own code.
          if (/node_modules\/(react|react-dom|scheduler|react-router|react-router-dom|@remix-run)\//.test(id)) return "react";
        },
      },
    },
  },
  server: {
    proxy: { "/api": gateway, "/auth": gateway },
  },
});
