/**
 * `node dist/bench/avm-corpus.js [DIR]`: evaluates every `main.json` of the
 * Azure Verified Modules (compiled Bicep, ../shared/reference/avm/res by
 * default) with default parameters, and prints what came out: files,
 * resources, unknown paths (and how many are known present), problems by code and the most frequent reasons.
 * The acceptance is no crash and no unhandled expression: every file is
 * either scanned or reported with a precise reason. Track the counts
 * between versions; a jump in `template-invalid` is a regression.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Resource, ScanProblem } from '../src/model/index.js';
import { scanTemplate } from '../src/sources/arm/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every `main.json` under a folder, sorted. */
export function corpusFiles(directory: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name === 'main.json') out.push(full);
    }
  };
  walk(directory);
  return out;
}

/** What a corpus run produced. */
export interface CorpusRun {
  files: number;
  resources: number;
  unknownPaths: number;
  resourcesWithUnknowns: number;
  /** Unknown paths known to be present (a required parameter, a property Azure always returns). */
  presentPaths: number;
  /** Files with an error: a problem that is not a notice (missing parameters are notices: modules require names). */
  filesWithErrors: number;
  /** Problems that are not template errors: a crash of keyscope itself. */
  crashes: { file: string; message: string }[];
  problemsByCode: Record<string, number>;
  reasons: [string, number][];
  results: Map<string, { resources: Resource[]; problems: ScanProblem[] }>;
}

/** Scans every file with default parameters. */
export function runCorpus(files: readonly string[], base: string): CorpusRun {
  const run: CorpusRun = {
    files: files.length,
    resources: 0,
    unknownPaths: 0,
    resourcesWithUnknowns: 0,
    presentPaths: 0,
    filesWithErrors: 0,
    crashes: [],
    problemsByCode: {},
    reasons: [],
    results: new Map(),
  };
  const reasons = new Map<string, number>();
  for (const full of files) {
    const file = path.relative(base, full);
    const problems: ScanProblem[] = [];
    let resources: Resource[] = [];
    try {
      resources = scanTemplate({ file, text: readFileSync(full, 'utf8') }, (problem) => problems.push(problem));
    } catch (error) {
      run.crashes.push({ file, message: (error as Error).stack ?? String(error) });
    }
    run.results.set(file, { resources, problems });
    run.resources += resources.length;
    for (const resource of resources) {
      run.unknownPaths += resource.unknown?.length ?? 0;
      if (resource.unknown?.length) run.resourcesWithUnknowns++;
      run.presentPaths += Object.keys(resource.present ?? {}).length;
    }
    if (problems.some((p) => !p.notice)) run.filesWithErrors++;
    for (const problem of problems) {
      run.problemsByCode[problem.code] = (run.problemsByCode[problem.code] ?? 0) + 1;
      if (problem.code === 'template-parameter-missing') continue;
      // The reason without the pointer and quoted names, so that alike problems count together.
      const reason = problem.message.replace(/^\/\S*: /, '').replace(/'[^']*'/g, "'…'");
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
  }
  run.reasons = [...reasons].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return run;
}

function main(): void {
  const directory = path.resolve(process.argv[2] ?? path.join(root, '..', 'shared', 'reference', 'avm', 'res'));
  if (!existsSync(directory)) {
    console.log(`avm-corpus: ${directory} not found; the corpus comes with ../shared beside the project.`);
    return;
  }
  const files = corpusFiles(directory);
  const started = process.hrtime.bigint();
  const run = runCorpus(files, directory);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`AVM corpus: ${directory}`);
  console.log(`files                 ${run.files}`);
  console.log(`resources             ${run.resources}`);
  console.log(`unknown paths         ${run.unknownPaths} (in ${run.resourcesWithUnknowns} resources)`);
  console.log(`  known present        ${run.presentPaths}`);
  console.log(`files with errors     ${run.filesWithErrors} (problems other than a required parameter left unset)`);
  console.log(`crashes               ${run.crashes.length}`);
  console.log(`time                  ${seconds.toFixed(1)} s`);
  console.log('problems by code:');
  for (const [code, count] of Object.entries(run.problemsByCode).sort()) console.log(`  ${code.padEnd(30)} ${count}`);
  console.log('top error reasons:');
  for (const [reason, count] of run.reasons.slice(0, 15)) console.log(`  ${String(count).padStart(5)}  ${reason}`);
  for (const crash of run.crashes.slice(0, 5)) console.log(`crash in ${crash.file}:\n${crash.message}`);
  if (run.crashes.length) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
