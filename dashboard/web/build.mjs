// Bundles the dashboard into one folder of static files (index.html, app.js, app.css).
// Maven passes its classes folder so the jar carries them as classpath:dashboard/*.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';

const outdir = resolve(process.argv[2] ?? 'dist');
await mkdir(outdir, { recursive: true });
await build({
  entryPoints: ['src/app.js', 'src/app.css'],
  bundle: true,
  minify: true,
  sourcemap: false,
  target: 'es2020',
  outdir,
  logLevel: 'warning',
});
await copyFile('index.html', resolve(outdir, 'index.html'));
console.log(`dashboard: bundled into ${outdir}`);
