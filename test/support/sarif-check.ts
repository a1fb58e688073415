import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Ajv } from 'ajv';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import type { Log } from 'sarif';
import { fixture, root, sharedDir } from '../helpers.js';

/**
 * The checks every SARIF file the tests write goes through: the official
 * SARIF 2.1.0 schema (from ../shared, when present) and, for the GitHub
 * profile, the SARIF Multitool with GitHub's ingestion rules switched on.
 */

const multitool = path.join(root, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');
const officialSchema = path.join(sharedDir, 'reference', 'sarif', 'sarif-schema-2.1.0.json');
const githubRules = existsSync(path.join(sharedDir, 'reference', 'sarif', 'multitool-github-rules.xml'))
  ? path.join(sharedDir, 'reference', 'sarif', 'multitool-github-rules.xml')
  : fixture('sarif', 'github-rules.xml');

// ajv-draft-04 and ajv-formats are CommonJS: seen from an ES module, their exports sit under `default`.
const Ajv04 = (Ajv04Module as unknown as { default: new (options: object) => Ajv }).default;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let validator: ReturnType<Ajv['compile']> | undefined | null;

function official(): ReturnType<Ajv['compile']> | undefined {
  if (validator === undefined) {
    if (!existsSync(officialSchema)) {
      validator = null;
    } else {
      const ajv = new Ajv04({ allErrors: true, strict: false });
      addFormats(ajv);
      validator = ajv.compile(JSON.parse(readFileSync(officialSchema, 'utf8')) as object);
    }
  }
  return validator ?? undefined;
}

/** Schema errors of a SARIF log against the official schema (none when ../shared is absent). */
export function schemaErrors(log: unknown): unknown[] {
  const validate = official();
  if (!validate || validate(log)) return [];
  return validate.errors ?? [];
}

/** Every error the Multitool reports with GitHub's rules on, over one or more files (none off Linux). */
export function multitoolErrors(...files: string[]): string[] {
  if (process.platform !== 'linux' || !existsSync(multitool)) return [];
  const report = `${files[0]!}.report.sarif`;
  const run = spawnSync(
    multitool,
    [
      'validate',
      ...files,
      '--rule-kind',
      'Sarif;Ghas',
      '--config',
      githubRules,
      '--quiet',
      'true',
      '--output',
      report,
      '--log',
      'ForceOverwrite',
      // Its default skips files over 10 MB, reporting that only as a notification: a large report would pass unread.
      '--max-file-size-in-kb',
      '4194304',
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
    },
  );
  if (run.error) throw run.error;
  const log = JSON.parse(readFileSync(report, 'utf8')) as Log;
  // Its exit code is 0 even with errors: the report is the verdict, and a run that
  // did not analyse a file (skipped, unreadable) says so in its invocation's notifications.
  return log.runs.flatMap((r) => [
    ...(r.invocations ?? []).flatMap((invocation) =>
      (invocation.toolConfigurationNotifications ?? [])
        .filter((notification) => notification.level === 'error' || invocation.executionSuccessful === false)
        .map((notification) => `${notification.descriptor?.id ?? 'multitool'}: ${notification.message.text ?? ''}`),
    ),
    ...(r.results ?? []).filter((x) => x.level === 'error').map((x) => `${x.ruleId}: ${JSON.stringify(x.message)}`),
  ]);
}

/** A SARIF document given as text: parsed, schema-checked, and (GitHub profile) Multitool-checked; returns the log. */
export function checkedSarif(text: string, profile: 'full' | 'github'): Log {
  const log = JSON.parse(text) as Log;
  const problems: unknown[] = [...schemaErrors(log)];
  if (profile === 'github') {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'keyscope-sarif-check-')), 'checked.sarif');
    writeFileSync(file, text);
    problems.push(...multitoolErrors(file));
  }
  if (problems.length) throw new Error(`invalid SARIF:\n${JSON.stringify(problems, null, 2)}`);
  return log;
}
