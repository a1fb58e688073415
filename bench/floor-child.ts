/**
 * The benchmark's floor processes: what reading the input and writing the
 * report cost at V8's native speed, each in a started process with its text
 * already in memory, as the scan's own time is measured.
 *
 *   parse FILE                  JSON.parse of the inventory
 *   json REPORT OUT             the JSON report, written the way keyscope writes it
 *   sarif OUT FILE...           each SARIF log, JSON.stringify(log, null, 2)
 *
 * The writers parse the scan's report first (not timed), then write it again
 * (timed) to OUT and check that OUT holds the very bytes the scan wrote: the
 * floor is keyscope's own report, not an approximation of it. Prints `ms=`.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

const PIECE = 1 << 16;
const [mode, ...args] = process.argv.slice(2);

/** Writes pieces of text to a file the way the reporters hand them over: in pieces of at least 64 KiB. */
class PieceWriter {
  private buffer = '';
  private readonly fd: number;
  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }
  add(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= PIECE) {
      writeSync(this.fd, this.buffer);
      this.buffer = '';
    }
  }
  close(): void {
    writeSync(this.fd, this.buffer);
    closeSync(this.fd);
  }
}

/** CPU time of the timed work, every thread (steadier than wall time on a shared machine). */
let cpuMs = 0;

function timed(work: () => void): number {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  work();
  const { user, system } = process.cpuUsage(cpu);
  cpuMs += (user + system) / 1000;
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function sameBytes(written: string, original: string): void {
  if (!readFileSync(written).equals(readFileSync(original)))
    throw new Error(`${written} differs from ${original}: the floor must write keyscope's own report`);
}

let ms: number;
if (mode === 'parse') {
  const text = readFileSync(args[0]!, 'utf8');
  ms = timed(() => JSON.parse(text));
} else if (mode === 'json') {
  const [report, out] = args as [string, string];
  const { findings, posture, ...head } = JSON.parse(readFileSync(report, 'utf8')) as {
    findings: unknown[];
    posture: {
      totals: unknown;
      bySubscription: Record<string, unknown>;
      platformOnly: unknown[];
      notAssessed: unknown[];
      resources: unknown[];
    };
  };
  // The per-type lists of the posture, one type a line.
  const typeCounts = (list: unknown[]): string =>
    list.length ? `[\n${list.map((entry) => `      ${JSON.stringify(entry)}`).join(',\n')}\n    ]` : '[]';
  ms = timed(() => {
    // The layout of the JSON reporter: the head indented, one finding a line, then the posture, one resource a line.
    const writer = new PieceWriter(out);
    writer.add(`${JSON.stringify(head, null, 2).slice(0, -2)},\n  "findings": [`);
    for (let i = 0; i < findings.length; i++) writer.add(`${i ? ',' : ''}\n    ${JSON.stringify(findings[i])}`);
    writer.add(
      `${findings.length ? '\n  ' : ''}],\n  "posture": {\n    "totals": ${JSON.stringify(posture.totals)},\n    "bySubscription": {`,
    );
    const subscriptions = Object.keys(posture.bySubscription);
    subscriptions.forEach((key, i) =>
      writer.add(`${i ? ',' : ''}\n      ${JSON.stringify(key)}: ${JSON.stringify(posture.bySubscription[key])}`),
    );
    writer.add(`${subscriptions.length ? '\n    ' : ''}},\n`);
    writer.add(`    "platformOnly": ${typeCounts(posture.platformOnly)},\n`);
    writer.add(`    "notAssessed": ${typeCounts(posture.notAssessed)},\n    "resources": [`);
    for (let i = 0; i < posture.resources.length; i++) writer.add(`${i ? ',' : ''}\n      ${JSON.stringify(posture.resources[i])}`);
    writer.add(`${posture.resources.length ? '\n    ' : ''}]\n  }\n}\n`);
    writer.close();
  });
  sameBytes(out, report);
} else if (mode === 'sarif') {
  const [out, ...files] = args as [string, ...string[]];
  ms = 0;
  for (const file of files) {
    const log = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    ms += timed(() => {
      const writer = new PieceWriter(out);
      writer.add(`${JSON.stringify(log, null, 2)}\n`);
      writer.close();
    });
    sameBytes(out, file);
  }
} else {
  throw new Error(`floor-child: unknown mode ${mode}`);
}
process.stdout.write(`ms=${ms}\ncpu-ms=${cpuMs}\n`);
