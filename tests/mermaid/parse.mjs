// Parse mermaid diagrams with mermaid's own parser (tests/test_report_mermaid.py).
// stdin: a JSON list of diagram sources; stdout: a JSON list of
// {"ok": true, "type": diagramType} or {"ok": false, "error": message}.
// Modules come from the directory named by PIPSRC_MERMAID_MODULES (a node_modules).
// mermaid's parse needs a DOM (DOMPurify): jsdom gives it one. No network is used.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const base = process.env.PIPSRC_MERMAID_MODULES;
const require = createRequire(join(base, "noop.js"));
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const entry = join(base, "mermaid", "dist", "mermaid.core.mjs");
const { default: mermaid } = await import(pathToFileURL(entry).href);
mermaid.initialize({ startOnLoad: false });

let input = "";
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const source of JSON.parse(input)) {
  try {
    const result = await mermaid.parse(source);
    out.push({ ok: true, type: result.diagramType });
  } catch (error) {
    out.push({ ok: false, error: String((error && error.message) || error) });
  }
}
process.stdout.write(JSON.stringify(out));
