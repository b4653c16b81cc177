// Reads every file named on the command line with the real parser of its format:
// `.mmd` with Mermaid's own parser (in Node, on a jsdom window), `.d2` with D2.js (D2's
// compiler built to WebAssembly). Prints each failure and exits 1 if there is one.
import { D2 } from "@terrastruct/d2";
import { JSDOM } from "jsdom";
import { readFileSync } from "node:fs";

// D2.js picks Node's worker threads when it finds no browser window: it must start
// before Mermaid's window (jsdom) is put in place.
const d2 = new D2();
await d2.compile("a -> b");
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
// Mermaid tells a box colour from a title with `new Option().style`.
globalThis.Option = dom.window.Option;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  try {
    if (file.endsWith(".mmd")) {
      await mermaid.parse(text);
    } else if (file.endsWith(".d2")) {
      await d2.compile(text);
    } else {
      throw new Error("not a .mmd or .d2 file");
    }
  } catch (error) {
    failed += 1;
    const message = error instanceof Error ? error.message : JSON.stringify(error);
    console.error(`${file}: ${message}`);
  }
}
console.log(`${process.argv.length - 2} files read, ${failed} failed`);
process.exit(failed ? 1 : 0);
