/*
 * Bundles the gateway's browser pages (apps/gateway/web) with esbuild into the folder the
 * gateway serves (apps/gateway/public/js, not committed). `npm run build` runs it once;
 * `--watch` rebuilds on every change (npm run dev). Prints each file's size; fails when a
 * Node-only module reaches a bundle.
 *   npx tsx scripts/web-build.ts [--watch]
 */
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
export const WEB_SOURCE_DIR = resolve(ROOT, 'apps/gateway/web');
/** The gateway's static folder: the pages' HTML and CSS, and the bundles under `js/`. */
export const PUBLIC_DIR = resolve(ROOT, 'apps/gateway/public');
export const WEB_BUNDLE_DIR = resolve(PUBLIC_DIR, 'js');

/** Modules that only run in Node: one of them in a bundle means a lib index or an adapter leaked in. */
const NODE_ONLY =
  /(^|\/)node_modules\/(ioredis|kafkajs|natural|pino|@nestjs|prom-client|ws|yaml|luxon|zod)\/|(^|\/)libs\/(kafka|redis|plan-source|observability)\//;

/**
 * One bundle per page: every `<folder>/<name>.page.ts` under apps/gateway/web becomes
 * `js/<name>.js`, which the page's HTML loads with `<script type="module">`.
 */
function pageEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const file of readdirSync(WEB_SOURCE_DIR, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.page.ts')) continue;
    const name = basename(file, '.page.ts');
    if (entries[name]) throw new Error(`two pages named ${name}: ${entries[name]} and ${file}`);
    entries[name] = resolve(WEB_SOURCE_DIR, file);
  }
  return entries;
}

function options(outdir: string): esbuild.BuildOptions {
  return {
    entryPoints: pageEntries(),
    outdir,
    bundle: true,
    // Both pages share the socket.io client and the page kit: one chunk the browser caches once.
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    tsconfig: resolve(WEB_SOURCE_DIR, 'tsconfig.json'),
    logLevel: 'warning',
  };
}

/** Throws naming the Node-only inputs found in the bundles, and the output that carries them. */
function checkBrowserOnly(metafile: esbuild.Metafile): void {
  const leaks = Object.keys(metafile.inputs).filter((input) => NODE_ONLY.test(input));
  if (leaks.length > 0) {
    throw new Error(`Node-only modules reached the browser bundles: ${leaks.join(', ')}`);
  }
}

/** "js/console.js 38.2 kB" lines, the maps left out. */
function describeOutputs(metafile: esbuild.Metafile): string[] {
  return Object.entries(metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, output]) => `${relative(ROOT, file)} ${(output.bytes / 1000).toFixed(1)} kB`);
}

/** Builds the bundles once into `outdir`, after emptying it so no stale chunk is served. */
export async function buildWebBundles(outdir = WEB_BUNDLE_DIR): Promise<esbuild.Metafile> {
  await rm(outdir, { recursive: true, force: true });
  const result = await esbuild.build(options(outdir));
  if (!result.metafile) throw new Error('esbuild returned no metafile');
  checkBrowserOnly(result.metafile);
  return result.metafile;
}

/** Rebuilds on every change, over the last build: the gateway keeps serving the previous files meanwhile. */
async function watch(): Promise<void> {
  const context = await esbuild.context({
    ...options(WEB_BUNDLE_DIR),
    plugins: [
      {
        name: 'report',
        setup(build) {
          build.onEnd((result) => {
            if (result.errors.length > 0 || !result.metafile) return;
            try {
              checkBrowserOnly(result.metafile);
              console.log(`tocsin: pages rebuilt (${describeOutputs(result.metafile).join(', ')})`);
            } catch (error) {
              console.error(`tocsin: ${error instanceof Error ? error.message : String(error)}`);
            }
          });
        },
      },
    ],
  });
  await context.watch();
}

async function main(): Promise<void> {
  if (process.argv.includes('--watch')) {
    await watch();
    return;
  }
  const metafile = await buildWebBundles();
  for (const line of describeOutputs(metafile)) console.log(line);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
