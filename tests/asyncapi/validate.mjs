// Checks AsyncAPI documents with the AsyncAPI Initiative's own parser (the specification's JSON
// Schema plus its Spectral rules), then checks real messages against the parsed documents.
//
// Input (the file named on the command line):
//   {"documents": {"<name>": <AsyncAPI document>},
//    "samples": {"<name>": [{"message": "<component message id>", "key": "...", "headers": {...}, "payload": ...}]}}
// Output (stdout): {"<name>": {"parsed": bool, "diagnostics": [...], "samples": [{"message", "errors"}]}}
//
// The parser's v3 rules do not check message examples against their schemas, so samples are
// checked here with Ajv, against the headers, payload and Kafka key schemas of the parsed document.
import { readFile } from "node:fs/promises";
import { Parser } from "@asyncapi/parser";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const SEVERITY = ["error", "warning", "information", "hint"];
const parser = new Parser();
const input = JSON.parse(await readFile(process.argv[2], "utf8"));
const verdicts = {};

for (const [name, source] of Object.entries(input.documents)) {
  const { document, diagnostics } = await parser.parse(JSON.stringify(source));
  const verdict = {
    parsed: document !== undefined,
    diagnostics: diagnostics.map((d) => ({
      severity: SEVERITY[d.severity] ?? String(d.severity),
      code: d.code,
      message: d.message,
      path: d.path.join("/"),
    })),
    samples: [],
  };
  if (document) {
    // The parsed document has every $ref resolved, so each schema stands alone.
    const messages = document.json().components?.messages ?? {};
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const sample of input.samples?.[name] ?? []) {
      const message = messages[sample.message];
      if (!message) {
        verdict.samples.push({ message: sample.message, errors: ["no such message in the document"] });
        continue;
      }
      const errors = [];
      for (const [part, schema, value] of [
        ["headers", message.headers, sample.headers],
        ["payload", message.payload, sample.payload],
        ["key", message.bindings?.kafka?.key, sample.key],
      ]) {
        if (schema === undefined) {
          errors.push(`${part}: the message has no schema for it`);
        } else if (!ajv.validate(stripParserExtensions(schema), value)) {
          errors.push(...ajv.errors.map((e) => `${part}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
        }
      }
      verdict.samples.push({ message: sample.message, errors });
    }
  }
  verdicts[name] = verdict;
}
console.log(JSON.stringify(verdicts, null, 2));

// The parser tags schemas with x-parser-* ids; the schema itself is unchanged.
function stripParserExtensions(schema, seen = new Map()) {
  if (Array.isArray(schema)) return schema.map((item) => stripParserExtensions(item, seen));
  if (schema === null || typeof schema !== "object") return schema;
  if (seen.has(schema)) return seen.get(schema);
  const copy = {};
  seen.set(schema, copy);
  for (const [key, value] of Object.entries(schema)) {
    if (!key.startsWith("x-parser-")) copy[key] = stripParserExtensions(value, seen);
  }
  return copy;
}
