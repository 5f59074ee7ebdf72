// Builds build/static/: our compiled CSS plus the GOV.UK Frontend script and images.
// Fonts are not copied: the GOV.UK typeface is only for GOV.UK services.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build", "static");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "css"), { recursive: true });
mkdirSync(join(out, "govuk", "assets"), { recursive: true });

const result = sass.compile(join(root, "frontend", "app.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter(root)],
  quietDeps: true,
});
writeFileSync(join(out, "css", "app.css"), result.css);
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"));
cpSync(join(govuk, "assets", "images"), join(out, "govuk", "assets", "images"), { recursive: true });
mkdirSync(join(out, "js"), { recursive: true });
for (const script of ["init.js", "leave-check.js", "reveal.js"]) {
  cpSync(join(root, "frontend", script), join(out, "js", script));
}
console.log(`Built ${out}`);
