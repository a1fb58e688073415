/**
 * `npm run bench`: scans synthetic Resource Graph exports of 10k, 100k and
 * 1M resources (from ../shared/bench/gen-inventory.mjs) with the full rule
 * pack, and prints for each the scan's time (keyscope's own work, and the
 * whole process with Node's start-up), its peak RSS, the size of the JSON
 * report it wrote (as much a part of the time as the inventory), and the
 * ratio of the scan's time to the time JSON.parse takes on the same file,
 * measured in the same run.
 * Ratios, not absolute times, are what to compare between machines.
 *
 * Usage: node dist/bench/run.js [SIZE...]   (default: 10000 100000 1000000)
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const generator = path.resolve(root, '..', 'shared', 'bench', 'gen-inventory.mjs');
const outDir = path.join(root, 'bench', 'out');
const cli = path.join(root, 'dist', 'src', 'bin', 'keyscope.js');
const child = path.join(root, 'dist', 'bench', 'scan-child.js');
// Reports the child's peak resident set size on exit, whatever it runs.
const peakRss = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss='+process.resourceUsage().maxRSS+'\\n'))`;

/** V8 cannot hold a string longer than this, so JSON.parse cannot take a larger file whole. */
const MAX_STRING = 0x1fffffe8;

function generate(count: number): string {
  const file = path.join(outDir, `inventory-${count}.json`);
  if (existsSync(file)) return file;
  // Straight into the file: a million resources is more than a pipe buffer will hold.
  const partial = `${file}.partial`;
  const fd = openSync(partial, 'w');
  const child = spawnSync(process.execPath, [generator, String(count)], { stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
  if (child.status !== 0) throw new Error(`gen-inventory ${count} exited ${child.status}`);
  renameSync(partial, file);
  return file;
}

interface Measure {
  /** The whole process, Node's start-up included. */
  ms: number;
  /** keyscope's own work: loading its modules, reading, evaluating, writing the report. */
  scanMs: number;
  rssMiB: number;
  /** The JSON report's size in characters (its bytes, within a few per cent). */
  reportChars: number;
}

function measure(args: string[]): Measure & { stderr: string; status: number | null } {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--import', peakRss, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const rss = /maxrss=(\d+)/.exec(child.stderr);
  const scan = /scan-ms=([\d.]+)/.exec(child.stderr);
  const report = /report-chars=(\d+)/.exec(child.stderr);
  return {
    ms,
    scanMs: scan ? Number(scan[1]) : ms,
    rssMiB: rss ? Number(rss[1]) / 1024 : NaN,
    reportChars: report ? Number(report[1]) : NaN,
    stderr: child.stderr,
    status: child.status,
  };
}

/** JSON.parse alone on the file's text (read first, not timed), in a fresh process. */
function jsonParseMs(file: string): number | undefined {
  if (statSync(file).size >= MAX_STRING) return undefined;
  const script = `const t=require('fs').readFileSync(${JSON.stringify(file)},'utf8');const s=process.hrtime.bigint();JSON.parse(t);console.log(Number(process.hrtime.bigint()-s)/1e6)`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  return child.status === 0 ? Number(child.stdout.trim()) : undefined;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function main(): void {
  if (!existsSync(generator)) {
    console.log(`bench: ${generator} not found; the benchmark needs ../shared beside the project.`);
    return;
  }
  if (!existsSync(cli) || !existsSync(child)) throw new Error('build first: npm run build');
  mkdirSync(outDir, { recursive: true });
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const rows: string[] = [];
  for (const count of sizes.length ? sizes : [10_000, 100_000, 1_000_000]) {
    const file = generate(count);
    const mb = statSync(file).size / 1e6;
    // Up to 100 MB, each side runs three times, interleaved, and the medians are compared:
    // a 2-core machine's noise is larger than the differences worth seeing.
    const runs = mb <= 100 ? 3 : 1;
    const parses: number[] = [];
    const scans: Measure[] = [];
    for (let i = 0; i < runs; i++) {
      const parsed = jsonParseMs(file);
      if (parsed !== undefined) parses.push(parsed);
      const run = measure([child, 'scan', '--input', file, '--format', 'json', '--output', '/dev/null', '--fail-on', 'none']);
      if (run.status !== 0) throw new Error(`scan of ${file} exited ${run.status}: ${run.stderr}`);
      scans.push(run);
    }
    const parse = parses.length ? median(parses) : undefined;
    const scan: Measure = {
      ms: median(scans.map((r) => r.ms)),
      scanMs: median(scans.map((r) => r.scanMs)),
      rssMiB: Math.max(...scans.map((r) => r.rssMiB)),
      reportChars: scans[0]!.reportChars,
    };
    const ratio = parse === undefined ? 'n/a (file larger than a V8 string)' : `${(scan.scanMs / parse).toFixed(2)}x`;
    rows.push(
      [
        `${count.toLocaleString('en-US')} resources (${mb.toFixed(0)} MB)`,
        `scan ${(scan.scanMs / 1000).toFixed(2)} s (process ${(scan.ms / 1000).toFixed(2)} s)${runs > 1 ? `, median of ${runs}` : ''}`,
        `peak RSS ${scan.rssMiB.toFixed(0)} MiB`,
        `report ${(scan.reportChars / 1e6).toFixed(0)} MB`,
        `JSON.parse ${parse === undefined ? 'n/a' : `${(parse / 1000).toFixed(2)} s`}`,
        `scan/JSON.parse ${ratio}`,
      ].join('  |  '),
    );
    console.log(rows[rows.length - 1]);
  }
}

main();
