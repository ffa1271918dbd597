// Parses Mermaid diagrams with the real Mermaid parser (mermaid.parse) under Node, with jsdom
// standing in for the browser. Usage: node parse.mjs FILE...; prints "ok FILE" or "FAIL FILE: why",
// exits 1 when any fails. Run from a folder whose node_modules holds mermaid and jsdom.
import { JSDOM } from 'jsdom';
import { readFileSync } from 'node:fs';

const dom = new JSDOM('<!DOCTYPE html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, maxEdges: 500, maxTextSize: 50000 });
let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  try {
    if (text.length > 50000) {
      throw new Error('longer than maxTextSize 50000 (GitHub refuses to draw it)');
    }
    const result = await mermaid.parse(text);
    if (!result || result.diagramType !== 'flowchart-v2') {
      throw new Error('not a flowchart: ' + JSON.stringify(result));
    }
    console.log('ok ' + file);
  } catch (e) {
    failed++;
    console.log('FAIL ' + file + ': ' + String((e && e.message) || e).split('\n').slice(0, 6).join(' | '));
  }
}
process.exit(failed ? 1 : 0);
