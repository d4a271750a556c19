// Prints every JavaScript chunk of the production build with its raw and gzipped size, and what a
// volunteer downloads before the first screen: the entry chunk, the login page and the volunteer
// home (the workbench), each with every chunk it imports statically, taken from Vite's manifest.
// Run by `npm run build` after `vite build`; `node scripts/chunk-sizes.mjs [dist]` on its own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = process.argv[2] ?? 'dist';
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));

// What a volunteer opens first, and the volunteer screens reached from the menu afterwards.
const FIRST_LOAD = ['src/pages/common/LoginPage.tsx', 'src/pages/common/WorkbenchPage.tsx', 'src/pages/volunteer/VolunteerHome.tsx'];
const VOLUNTEER_PAGES = [
  'src/pages/volunteer/ActivitiesPage.tsx',
  'src/pages/volunteer/ActivityDetailPage.tsx',
  'src/pages/volunteer/MySignupsPage.tsx',
  'src/pages/volunteer/CheckinPage.tsx',
  'src/pages/volunteer/MyHoursPage.tsx',
];
/** First-load budget for a volunteer on a phone, in gzipped bytes (docs/benchmarks.md). */
const BUDGET = 250 * 1024;

const sizes = new Map();
function size(file) {
  if (!sizes.has(file)) {
    const bytes = readFileSync(join(dist, file));
    sizes.set(file, { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  }
  return sizes.get(file);
}

/** The chunk files `key` loads before it runs: itself and its static imports, transitively. */
function closure(key, files = new Set()) {
  const chunk = manifest[key];
  if (!chunk) throw new Error(`${key} is not in the build manifest`);
  if (files.has(chunk.file)) return files;
  files.add(chunk.file);
  for (const imported of chunk.imports ?? []) closure(imported, files);
  return files;
}

const total = (files) => [...files].reduce((sum, f) => sum + size(f).gzip, 0);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
const chunks = Object.values(manifest)
  .map((c) => c.file)
  .filter((f, i, all) => f.endsWith('.js') && all.indexOf(f) === i)
  .sort((a, b) => size(b).raw - size(a).raw);

console.log('\nJavaScript chunks (raw / gzip):');
for (const file of chunks) {
  const { raw, gzip } = size(file);
  console.log(`  ${file.padEnd(56)} ${kb(raw).padStart(11)} ${kb(gzip).padStart(10)}`);
}
const all = chunks.reduce((sum, f) => sum + size(f).gzip, 0);
console.log(`  ${`${chunks.length} chunks in all`.padEnd(56)} ${''.padStart(11)} ${kb(all).padStart(10)}`);

const first = new Set();
for (const key of [entry, ...FIRST_LOAD]) closure(key, first);
const firstTotal = total(first);
console.log(
  `\nVolunteer first load (entry + login + volunteer home, ${first.size} chunks): ${kb(firstTotal)} gzipped` +
    ` — budget ${kb(BUDGET)}${firstTotal > BUDGET ? ' — OVER BUDGET' : ''}`,
);
for (const pageKey of VOLUNTEER_PAGES) {
  const files = closure(pageKey, new Set(first));
  console.log(`  then ${pageKey.replace('src/pages/', '').padEnd(36)} +${kb(total(files) - firstTotal)}`);
}
