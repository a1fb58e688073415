/**
 * `npm run fuzz -- [--time SECONDS] [--seed N] [--target NAME]...`: runs every target
 * (or those named) for SECONDS each (default 60) with fast-check, seeded
 * with the committed corpus. An input that breaks the invariant is written
 * to fuzz/crashes/<target>/ (commit it: the regression test replays every
 * file there) and the run exits 1.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { crashesDir, seedsOf, TARGETS } from './targets.js';

function option(name: string): string[] {
  const values: string[] = [];
  const argv = process.argv.slice(2);
  argv.forEach((arg, i) => {
    if (arg === `--${name}` && argv[i + 1] !== undefined) values.push(argv[i + 1]!);
  });
  return values;
}

const seconds = Number(option('time')[0] ?? 60);
if (!Number.isFinite(seconds) || seconds <= 0) {
  process.stderr.write('--time takes a number of seconds\n');
  process.exit(2);
}
// A fixed --seed makes a run repeatable (CI uses one, so a green build stays green); without it each run explores anew.
const seedText = option('seed')[0];
const seed = seedText === undefined ? undefined : Number(seedText);
if (seed !== undefined && !Number.isSafeInteger(seed)) {
  process.stderr.write('--seed takes a whole number\n');
  process.exit(2);
}
const only = option('target');
const targets = TARGETS.filter((t) => only.length === 0 || only.includes(t.name));
if (targets.length === 0) {
  process.stderr.write(`no such target; the targets are: ${TARGETS.map((t) => t.name).join(', ')}\n`);
  process.exit(2);
}

let failed = 0;
for (const target of targets) {
  const seeds = [...seedsOf(target.name), ...seedsOf(target.name, crashesDir)];
  let runs = 0;
  const start = performance.now();
  const result = await fc.check(
    fc.asyncProperty(target.inputs(seeds), async (input) => {
      runs++;
      await target.check(input);
    }),
    {
      numRuns: Number.MAX_SAFE_INTEGER,
      ...(seed !== undefined ? { seed } : {}),
      interruptAfterTimeLimit: seconds * 1000,
      markInterruptAsFailure: false,
      examples: seeds.map((seed) => [seed] as [string]),
      endOnFailure: true,
    },
  );
  const took = ((performance.now() - start) / 1000).toFixed(1);
  if (result.failed && result.counterexample) {
    failed++;
    const [input] = result.counterexample;
    const dir = path.join(crashesDir, target.name);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${createHash('sha256').update(input).digest('hex').slice(0, 16)}.txt`);
    writeFileSync(file, input);
    const error = result.errorInstance as Error | undefined;
    process.stdout.write(
      `FAIL ${target.name}: ${runs} inputs in ${took} s; ${error?.message ?? 'failed'}\n  input written to ${path.relative(process.cwd(), file)}\n`,
    );
  } else {
    process.stdout.write(`ok   ${target.name}: ${runs} inputs in ${took} s (${target.reads})\n`);
  }
}
process.exit(failed ? 1 : 0);
