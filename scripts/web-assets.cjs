// Copies the dashboard's third-party browser files from node_modules into
// static/vendor/, where go:embed (static/static.go) picks them up. They are not committed:
// package-lock.json pins them and this script is the only way they arrive.
// Run with `npm run build:web` after `npm ci`.
'use strict';

const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const dest = path.join(root, 'static', 'vendor');

// [package, file inside it, name in vendor/]
const files = [
  ['htmx.org', 'dist/htmx.min.js', 'htmx.min.js'],
  ['uplot', 'dist/uPlot.iife.min.js', 'uPlot.iife.min.js'],
  ['uplot', 'dist/uPlot.min.css', 'uPlot.min.css'],
];

fs.mkdirSync(dest, { recursive: true });
for (const [pkg, file, name] of files) {
  // Straight from the folder: packages with an "exports" map refuse deep requires.
  const src = path.join(root, 'node_modules', pkg, file);
  if (!fs.existsSync(src)) {
    console.error(`web-assets: ${pkg}/${file} is missing: run npm ci first`);
    process.exit(1);
  }
  const version = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  fs.copyFileSync(src, path.join(dest, name));
  console.log(`web-assets: ${pkg}@${version} ${file} -> static/vendor/${name}`);
}
