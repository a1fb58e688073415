/**
 * `npm run bench`: scans synthetic Resource Graph exports (from
 * ../shared/bench/gen-inventory.mjs, with `--grants`: identities and the key
 * access they hold, as a real tenant has) with the full rule pack, into the
 * JSON report and into SARIF's GitHub profile, and measures in the same run,
 * each in a started process with its text already in memory:
 *
 * - `JSON.parse` of the input;
 * - writing keyscope's own JSON report for that input again, the way
 *   keyscope writes it, and each of its SARIF files (`JSON.stringify(log, null, 2)`);
 * - the scan itself (`run()` from the command line to the last byte written).
 *
 * The floor is what reading the input and writing the report cost at V8's
 * native speed (parse + write); the scan's ratio to it is what keyscope's
 * own work costs on top. The ratio to `JSON.parse` alone is kept beside it.
 * Up to 100 MB every measure runs three times, interleaved, and the medians
 * are compared; ratios, not times, are what to compare between machines.
 * Beside the wall-time ratio, the ratio of CPU time (every thread, the
 * garbage collector's helpers too) is printed: steadier when other work
 * shares the cores.
 *
 * Usage: node dist/bench/run.js [SIZE...]   (default: 10000 100000 1000000)
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const generator = path.resolve(root, '..', 'shared', 'bench', 'gen-inventory.mjs');
const outDir = path.join(root, 'bench', 'out');
const scanChild = path.join(root, 'dist', 'bench', 'scan-child.js');
const floorChild = path.join(root, 'dist', 'bench', 'floor-child.js');
// Reports the child's peak resident set size on exit, whatever it runs.
const peakRss = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss='+process.resourceUsage().maxRSS+'\\n'))`;

/** V8 cannot hold a string longer than this, so JSON.parse cannot take a larger file whole. */
const MAX_STRING = 0x1fffffe8;
const GENERATOR_ARGS = ['--seed', '5', '--grants'];

function generate(count: number): string {
  const file = path.join(outDir, `inventory-${count}-grants.json`);
  if (existsSync(file)) return file;
  // Straight into the file: a million resources is more than a pipe buffer will hold.
  const partial = `${file}.partial`;
  const fd = openSync(partial, 'w');
  const child = spawnSync(process.execPath, [generator, String(count), ...GENERATOR_ARGS], { stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
  if (child.status !== 0) throw new Error(`gen-inventory ${count} exited ${child.status}`);
  renameSync(partial, file);
  return file;
}

interface Scan {
  /** keyscope's own work: loading its modules, reading, evaluating, writing the report. */
  ms: number;
  /** CPU time of the same span, every thread: steadier than wall time when other work shares the cores. */
  cpuMs: number;
  /** The whole process, Node's start-up included. */
  processMs: number;
  rssMiB: number;
  /** Characters written, over every file (within a few per cent of the bytes). */
  reportChars: number;
}

function scan(args: string[]): Scan {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--import', peakRss, scanChild, 'scan', ...args, '--fail-on', 'none', '--quiet'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`scan ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  const number = (name: string): number => Number(new RegExp(`${name}=([\\d.]+)`).exec(child.stderr)?.[1] ?? NaN);
  return {
    ms: number('scan-ms'),
    cpuMs: number('cpu-ms'),
    processMs,
    rssMiB: number('maxrss') / 1024,
    reportChars: number('report-chars'),
  };
}

/** Wall and CPU time of one floor measure. */
interface Floor {
  ms: number;
  cpuMs: number;
}

/** One floor measure in a started process (undefined when the text is too large for one V8 string). */
function floor(args: string[], files: string[]): Floor | undefined {
  if (files.some((file) => statSync(file).size >= MAX_STRING)) return undefined;
  const child = spawnSync(process.execPath, ['--max-old-space-size=4096', floorChild, ...args], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`floor ${args[0]} exited ${child.status}: ${child.stderr}`);
  return { ms: Number(/^ms=([\d.]+)/m.exec(child.stdout)![1]), cpuMs: Number(/^cpu-ms=([\d.]+)/m.exec(child.stdout)![1]) };
}

function median(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
  return known.length ? known[Math.floor(known.length / 2)] : undefined;
}

const seconds = (ms: number | undefined): string => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined ? 'n/a' : `${(a / b).toFixed(2)}x`;
const sum = (...values: (number | undefined)[]): number | undefined =>
  values.some((v) => v === undefined) ? undefined : values.reduce<number>((a, v) => a + v!, 0);

function main(): void {
  if (!existsSync(generator)) {
    console.log(`bench: ${generator} not found; the benchmark needs ../shared beside the project.`);
    return;
  }
  if (!existsSync(scanChild) || !existsSync(floorChild)) throw new Error('build first: npm run build');
  mkdirSync(outDir, { recursive: true });
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  for (const count of sizes.length ? sizes : [10_000, 100_000, 1_000_000]) {
    const file = generate(count);
    const mb = statSync(file).size / 1e6;
    const report = path.join(outDir, `report-${count}.json`);
    const sarifDir = path.join(outDir, `sarif-${count}`);
    const again = path.join(outDir, 'floor-output');
    // Up to 100 MB, each measure runs three times, interleaved, and the medians are compared:
    // a 2-core machine's noise is larger than the differences worth seeing.
    const runs = mb <= 100 ? 3 : 1;
    const parses: (Floor | undefined)[] = [];
    const jsonWrites: (Floor | undefined)[] = [];
    const sarifWrites: (Floor | undefined)[] = [];
    const jsonScans: Scan[] = [];
    const sarifScans: Scan[] = [];
    for (let i = 0; i < runs; i++) {
      parses.push(floor(['parse', file], [file]));
      jsonScans.push(scan(['--input', file, '--format', 'json', '--output', report]));
      jsonWrites.push(floor(['json', report, again], [report]));
      rmSync(sarifDir, { recursive: true, force: true });
      mkdirSync(sarifDir);
      sarifScans.push(
        scan(['--input', file, '--format', 'sarif', '--sarif-profile', 'github', '--output', path.join(sarifDir, 'keyscope.sarif')]),
      );
      const sarifFiles = readdirSync(sarifDir).map((name) => path.join(sarifDir, name));
      sarifWrites.push(floor(['sarif', again, ...sarifFiles], sarifFiles));
    }
    rmSync(again, { force: true });
    const wall = (list: (Floor | undefined)[]): number | undefined => median(list.map((f) => f?.ms));
    const cpu = (list: (Floor | undefined)[]): number | undefined => median(list.map((f) => f?.cpuMs));
    const parse = wall(parses);
    const json = {
      ms: median(jsonScans.map((r) => r.ms))!,
      cpuMs: median(jsonScans.map((r) => r.cpuMs))!,
      rss: Math.max(...jsonScans.map((r) => r.rssMiB)),
      chars: jsonScans[0]!.reportChars,
    };
    const sarif = {
      ms: median(sarifScans.map((r) => r.ms))!,
      cpuMs: median(sarifScans.map((r) => r.cpuMs))!,
      rss: Math.max(...sarifScans.map((r) => r.rssMiB)),
      chars: sarifScans[0]!.reportChars,
    };
    const jsonFloor = sum(parse, wall(jsonWrites));
    const sarifFloor = sum(parse, wall(sarifWrites));
    const jsonCpuFloor = sum(cpu(parses), cpu(jsonWrites));
    const sarifCpuFloor = sum(cpu(parses), cpu(sarifWrites));
    const files = readdirSync(sarifDir).length;
    console.log(
      [
        `${count.toLocaleString('en-US')} resources (${mb.toFixed(0)} MB)${runs > 1 ? `, medians of ${runs}` : ''}`,
        `JSON.parse ${seconds(parse)}`,
        `process start-up and module load ${seconds(median(jsonScans.map((r) => r.processMs - r.ms)))}`,
      ].join('  |  '),
    );
    console.log(
      [
        `  json            scan ${seconds(json.ms)}`,
        `floor ${seconds(jsonFloor)} (write ${seconds(wall(jsonWrites))})`,
        `scan/floor ${ratio(json.ms, jsonFloor)}`,
        `CPU scan/floor ${ratio(json.cpuMs, jsonCpuFloor)}`,
        `scan/JSON.parse ${ratio(json.ms, parse)}`,
        `peak RSS ${json.rss.toFixed(0)} MiB`,
        `report ${(json.chars / 1e6).toFixed(0)} MB`,
      ].join('  |  '),
    );
    console.log(
      [
        `  sarif (github)  scan ${seconds(sarif.ms)}`,
        `floor ${seconds(sarifFloor)} (write ${seconds(wall(sarifWrites))})`,
        `scan/floor ${ratio(sarif.ms, sarifFloor)}`,
        `CPU scan/floor ${ratio(sarif.cpuMs, sarifCpuFloor)}`,
        `scan/JSON.parse ${ratio(sarif.ms, parse)}`,
        `peak RSS ${sarif.rss.toFixed(0)} MiB`,
        `report ${(sarif.chars / 1e6).toFixed(0)} MB in ${files} files`,
        `sarif/json scan ${ratio(sarif.ms, json.ms)}`,
      ].join('  |  '),
    );
  }
}

main();
