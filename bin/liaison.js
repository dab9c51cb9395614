#!/usr/bin/env node
// The `liaison` command. Sources are TypeScript; tsx compiles them on load (cached), so a
// clone runs without a separate build step for the server.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
