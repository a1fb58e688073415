import { formatPosition, KeyscopeError } from '../errors/index.js';
import type { ScanProblem } from '../model/index.js';
import { ConfigErrors } from '../rules/index.js';
import type { TextSink } from './io.js';

/** Prints errors the way compilers do: `file:line:col  code  message`, then a hint. Never a stack unless asked. */
export function renderErrors(errors: readonly unknown[], sink: TextSink, verbose: boolean): void {
  for (const error of errors) {
    if (error instanceof ConfigErrors) {
      renderErrors(error.errors, sink, verbose);
      continue;
    }
    if (error instanceof KeyscopeError) {
      const where = formatPosition(error.position);
      sink.write(`${where ? `${where}  ` : ''}${error.code}  ${error.message}\n`);
      if (error.hint) sink.write(`  hint: ${error.hint}\n`);
      if (verbose && error.cause instanceof Error && error.cause.stack) sink.write(`${error.cause.stack}\n`);
      continue;
    }
    const message = error instanceof Error ? error.message : String(error);
    sink.write(`internal-error  ${message}\n`);
    if (verbose && error instanceof Error && error.stack) sink.write(`${error.stack}\n`);
    else sink.write('  hint: run again with --verbose to see the stack trace, and report it\n');
  }
}

/**
 * One line per problem that stops or spoils a scan: `file:line:col  code
 * message`, or the subscription id. Printed whatever the format and wherever
 * the report goes, `--quiet` or not, so a CI log that shows exit 2 or 3 also
 * shows why.
 */
export function renderProblems(problems: readonly ScanProblem[], sink: TextSink): void {
  for (const problem of problems) {
    const where = formatPosition({
      file: problem.target,
      ...(problem.line === undefined ? {} : { line: problem.line }),
      ...(problem.column === undefined ? {} : { column: problem.column }),
    });
    sink.write(`${where}  ${problem.code}  ${problem.message}\n`);
  }
}
