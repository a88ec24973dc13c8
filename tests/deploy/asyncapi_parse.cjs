// Parses an AsyncAPI document with the official parser installed in the folder given second;
// prints {parsed, diagnostics} as JSON (spectral severities: 0 error, 1 warning, 2 info, 3 hint).
const { createRequire } = require("node:module");
const { readFileSync } = require("node:fs");
const path = require("node:path");

const [document, folder] = process.argv.slice(2);
const { Parser } = createRequire(path.join(folder, "package.json"))("@asyncapi/parser");

new Parser().parse(readFileSync(document, "utf8")).then(({ document: parsed, diagnostics }) => {
  const found = diagnostics.map((d) => ({
    severity: d.severity,
    code: d.code,
    message: d.message,
    path: d.path.join("/"),
  }));
  process.stdout.write(JSON.stringify({ parsed: parsed !== undefined, diagnostics: found }));
});
