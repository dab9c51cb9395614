import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import postcssPresetMantine from "postcss-preset-mantine";
import postcssSimpleVars from "postcss-simple-vars";
import { defineConfig } from "vite";

// The Liaison server serves web/dist itself (index.html for any non-/api path), so the build
// is a plain single-page app at base "/". In development, `vite` proxies the API to a local
// server started with `npm start` (port 3000).
const root = fileURLToPath(new URL(".", import.meta.url));
const server = process.env.LIAISON_API ?? "http://127.0.0.1:3000";

export default defineConfig({
  root,
  base: "/",
  plugins: [react()],
  css: {
    postcss: {
      plugins: [
        postcssPresetMantine(),
        postcssSimpleVars({
          variables: {
            "mantine-breakpoint-xs": "36em",
            "mantine-breakpoint-sm": "48em",
            "mantine-breakpoint-md": "62em",
            "mantine-breakpoint-lg": "75em",
            "mantine-breakpoint-xl": "88em",
          },
        }),
      ],
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    // Libraries change far less often than the app: separate chunks stay cached across releases.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              name: "react",
              test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/,
              priority: 4,
            },
            {
              name: "mantine",
              test: /node_modules[\\/](@mantine|@floating-ui|react-number-format|react-remove-scroll|react-transition-group|clsx)/,
              priority: 3,
            },
            // The YAML editor, loaded only when someone opens a protocol's text. Below react and
            // mantine: a group also takes the modules its members import, and those two must stay
            // in their own (eagerly loaded) chunks.
            {
              name: "codemirror",
              test: /node_modules[\\/](@codemirror|@lezer|@uiw|crelt|style-mod|w3c-keyname|@marijn)[\\/]/,
              priority: 2,
            },
            { name: "vendor", test: /node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      "/api": { target: server, changeOrigin: false },
      "/healthz": { target: server },
      "/readyz": { target: server },
    },
  },
  preview: {
    proxy: {
      "/api": { target: server },
      "/healthz": { target: server },
      "/readyz": { target: server },
    },
  },
});
