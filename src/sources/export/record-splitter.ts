/**
 * Splits a stream of JSON bytes into the text of each resource record,
 * without building the whole document: a JSON array of records, the
 * `az graph query` wrapper (`{"data": [...], ...}` in any key order), or
 * NDJSON (one record a line). Each record is handed out with its line and
 * column, so a parse error can name them.
 *
 * Only the bytes between records are kept across chunks; a record is
 * decoded and parsed by the caller once it is complete.
 */

/**
 * The records found in one pushed chunk: their byte spans in `bytes`, and
 * where each starts in the file (1-based line and column). Records whose
 * type was skipped are only counted.
 */
export interface SplitRecords {
  bytes: Buffer;
  /** start, end, line, column for each record, flat. */
  spans: number[];
  skipped: number;
  /** The skipped records by type, as spelled (absent when none were skipped). */
  skippedTypes?: Map<string, number>;
}

/** Whether a record of this type can be left unparsed (no rule reads it). */
export type SkipType = (type: string) => boolean;

function hasEscape(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === BACKSLASH) return true;
  return false;
}

function precededByColon(buf: Buffer, quote: number): boolean {
  let j = quote - 1;
  while (j >= 0 && isSpace(buf[j]!)) j--;
  return buf[j] === COLON;
}

/** A structural error in the stream, with its position. */
export class SplitError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

type Mode =
  | 'start' // before the first value
  | 'top-object' // at `{` of the first object: a wrapper or the first NDJSON record
  | 'items' // inside the records array
  | 'wrapper-rest' // after the wrapper's data array, skipping its other keys
  | 'ndjson' // one record object after another
  | 'after'; // the document ended: only white space may follow

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09;
}

export class RecordSplitter {
  /**
   * `skip` names types whose records are handed out without their text (they
   * are counted, not parsed); `firstLine` is the line the first byte is on
   * (2 after an export's header line, which the reader takes off first).
   */
  constructor(
    private readonly skip?: SkipType,
    firstLine = 1,
  ) {
    this.line = firstLine;
  }

  private carry: Buffer | undefined;
  private mode: Mode = 'start';
  /** Line number of the first byte of `carry` (or of the next chunk). */
  private line = 1;
  /** Offset, relative to the next buffer's start, of the current line's first byte (may be negative). */
  private lineStart = 0;
  private expectSeparator = false;
  /** Whether the records array belongs to a wrapper object. */
  private wrapped = false;
  private sawValue = false;

  // Set by valueEnd: newlines inside the value just measured, and where its top-level "type" string is.
  private newlines = 0;
  private lastNewline = -1;
  private typeStart = -1;
  private typeEnd = -1;

  private spans: number[] = [];
  private skipped = 0;
  private skippedTypes: Map<string, number> | undefined;

  /**
   * Hands over the unfinished tail kept from the last chunk, so a reader can
   * put it in front of its next read instead of the splitter concatenating.
   */
  takeCarry(): Buffer | undefined {
    const carry = this.carry;
    this.carry = undefined;
    return carry;
  }

  /** Feeds a chunk; returns the records it completed (spans into the returned bytes). */
  push(chunk: Buffer): SplitRecords {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    const consumed = this.scan(buf, false);
    // Copy the unfinished tail: the caller may reuse its chunk buffer for the next read.
    if (consumed < buf.length) this.carry = Buffer.from(buf.subarray(consumed));
    this.lineStart -= consumed;
    return this.take(buf);
  }

  /**
   * Signals the end of input (with the tail taken by `takeCarry`, if it was
   * taken); returns the last records, or throws a SplitError if the document
   * is incomplete.
   */
  end(tail?: Buffer): SplitRecords {
    const buf = tail ?? this.carry ?? Buffer.alloc(0);
    this.carry = undefined;
    const consumed = this.scan(buf, true);
    if (consumed < buf.length) throw this.error(consumed, 'unexpected end of input: the record is not complete');
    if (this.mode === 'items' || this.mode === 'wrapper-rest' || this.mode === 'top-object') {
      throw this.error(buf.length, 'unexpected end of input: the JSON document is not closed');
    }
    if (!this.sawValue) throw new SplitError('the input is empty: expected a JSON array, an az graph query result or NDJSON', 1, 1);
    return this.take(buf);
  }

  private take(bytes: Buffer): SplitRecords {
    const taken: SplitRecords = { bytes, spans: this.spans, skipped: this.skipped };
    if (this.skippedTypes) taken.skippedTypes = this.skippedTypes;
    this.spans = [];
    this.skipped = 0;
    this.skippedTypes = undefined;
    return taken;
  }

  /** Scans `buf`, returning how many bytes were fully consumed. */
  private scan(buf: Buffer, final: boolean): number {
    const n = buf.length;
    let pos = 0;
    let anchor = 0; // where to resume if the buffer ends mid-token
    while (pos < n) {
      const c = buf[pos]!;
      if (isSpace(c)) {
        if (c === NEWLINE) this.newLine(pos);
        pos++;
        anchor = pos;
        continue;
      }
      switch (this.mode) {
        case 'start':
          if (c === 0xef) {
            // A UTF-8 byte order mark, possibly split across chunks.
            if (n - pos < 3 && !final) return anchor;
            if (buf[pos + 1] === 0xbb && buf[pos + 2] === 0xbf) {
              pos += 3;
              anchor = pos;
              continue;
            }
          }
          this.sawValue = true;
          if (c === OPEN_BRACKET) {
            this.mode = 'items';
            this.expectSeparator = false;
            pos++;
            anchor = pos;
          } else if (c === OPEN_BRACE) {
            this.mode = 'top-object';
          } else {
            throw this.error(pos, 'expected a JSON array, an az graph query result object or NDJSON records');
          }
          continue;
        case 'top-object': {
          // Read the first object's keys; if it has a `data` array it is the wrapper.
          const end = this.findWrapperData(buf, pos, final);
          if (end === -1) return anchor; // need more input; keep from the `{`
          if (end === -2) {
            // No `data` array: the object was a record, and the input is NDJSON.
            const recordEnd = this.valueEnd(buf, pos, final);
            if (recordEnd < 0) return anchor;
            this.emit(buf, pos, recordEnd);
            pos = recordEnd;
            anchor = pos;
            this.mode = 'ndjson';
          } else {
            pos = end; // just after the `[` of the data array
            anchor = pos;
            this.mode = 'items';
            this.wrapped = true;
            this.expectSeparator = false;
          }
          continue;
        }
        case 'items':
          if (c === CLOSE_BRACKET) {
            pos++;
            anchor = pos;
            this.mode = this.wrapped ? 'wrapper-rest' : 'after';
            this.expectSeparator = true;
            continue;
          }
          if (this.expectSeparator) {
            if (c !== COMMA) throw this.error(pos, "expected ',' or ']' after a record");
            this.expectSeparator = false;
            pos++;
            anchor = pos;
            continue;
          }
          {
            const end = this.valueEnd(buf, pos, final);
            if (end < 0) return anchor;
            this.emit(buf, pos, end);
            pos = end;
            anchor = pos;
            this.expectSeparator = true;
          }
          continue;
        case 'wrapper-rest': {
          if (c === CLOSE_BRACE) {
            pos++;
            anchor = pos;
            this.mode = 'after';
            continue;
          }
          if (c === COMMA) {
            pos++;
            anchor = pos;
            continue;
          }
          const end = this.keyValueEnd(buf, pos, final);
          if (end < 0) return anchor;
          pos = end;
          anchor = pos;
          continue;
        }
        case 'ndjson': {
          if (c !== OPEN_BRACE) throw this.error(pos, 'expected a JSON object (one record a line)');
          const end = this.valueEnd(buf, pos, final);
          if (end < 0) return anchor;
          this.emit(buf, pos, end);
          pos = end;
          anchor = pos;
          continue;
        }
        case 'after':
          throw this.error(pos, 'unexpected content after the end of the JSON document');
      }
    }
    return anchor;
  }

  /**
   * At the `{` of the first object: returns the offset just after the `[`
   * of its `data` array, -1 when more input is needed, -2 when the object
   * has no `data` array (it is a record).
   */
  private findWrapperData(buf: Buffer, start: number, final: boolean): number {
    const n = buf.length;
    let pos = start + 1;
    const savedLine = this.line;
    const savedLineStart = this.lineStart;
    const restore = (): void => {
      this.line = savedLine;
      this.lineStart = savedLineStart;
    };
    for (;;) {
      while (pos < n && (isSpace(buf[pos]!) || buf[pos] === COMMA)) {
        if (buf[pos] === NEWLINE) this.newLine(pos);
        pos++;
      }
      if (pos >= n) {
        restore();
        return final ? -2 : -1;
      }
      if (buf[pos] === CLOSE_BRACE) {
        restore();
        return -2;
      }
      if (buf[pos] !== QUOTE) {
        restore();
        return -2; // malformed; let the record parser name the error
      }
      const keyEnd = this.valueEnd(buf, pos, final);
      if (keyEnd < 0) {
        restore();
        return -1;
      }
      const key = buf.toString('utf8', pos + 1, keyEnd - 1);
      pos = keyEnd;
      while (pos < n && isSpace(buf[pos]!)) {
        if (buf[pos] === NEWLINE) this.newLine(pos);
        pos++;
      }
      if (pos < n && buf[pos] !== COLON) {
        restore();
        return -2;
      }
      pos++;
      while (pos < n && isSpace(buf[pos]!)) {
        if (buf[pos] === NEWLINE) this.newLine(pos);
        pos++;
      }
      if (pos >= n) {
        restore();
        return final ? -2 : -1;
      }
      if (key === 'data' && buf[pos] === OPEN_BRACKET) return pos + 1;
      const valueEnd = this.valueEnd(buf, pos, final);
      if (valueEnd < 0) {
        restore();
        return -1;
      }
      this.countNewlines();
      pos = valueEnd;
    }
  }

  /** Skips one `"key": value` pair; returns its end or -1 when more input is needed. */
  private keyValueEnd(buf: Buffer, start: number, final: boolean): number {
    if (buf[start] !== QUOTE) throw this.error(start, 'expected a key in the query result object');
    const savedLine = this.line;
    const savedLineStart = this.lineStart;
    const keyEnd = this.valueEnd(buf, start, final);
    if (keyEnd < 0) return -1;
    let pos = keyEnd;
    const n = buf.length;
    while (pos < n && (isSpace(buf[pos]!) || buf[pos] === COLON)) {
      if (buf[pos] === NEWLINE) this.newLine(pos);
      pos++;
    }
    if (pos >= n) {
      this.line = savedLine;
      this.lineStart = savedLineStart;
      return -1;
    }
    const end = this.valueEnd(buf, pos, final);
    if (end < 0) {
      this.line = savedLine;
      this.lineStart = savedLineStart;
      return -1;
    }
    this.countNewlines();
    return end;
  }

  /**
   * The offset just past the JSON value starting at `start`, or -1 when the
   * buffer ends first. Strings are skipped byte by byte: records are mostly
   * short strings, where a JS loop beats a native search per string.
   */
  private valueEnd(buf: Buffer, start: number, final: boolean): number {
    const n = buf.length;
    let newlines = 0;
    let lastNewline = -1;
    let i = start;
    const first = buf[i]!;
    if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      let depth = 0;
      let typeStart = -1;
      let typeEnd = -1;
      let afterTypeKey = false;
      for (; i < n; i++) {
        const c = buf[i]!;
        if (c === QUOTE) {
          const open = i;
          for (i++; i < n; i++) {
            const s = buf[i]!;
            if (s === BACKSLASH) i++;
            else if (s === QUOTE) break;
          }
          if (depth === 1) {
            // Note the record's top-level "type" value on the way: it lets
            // the caller skip parsing records no rule reads.
            if (afterTypeKey) {
              afterTypeKey = false;
              if (precededByColon(buf, open)) {
                typeStart = open + 1;
                typeEnd = i;
              }
            } else if (
              i - open === 5 &&
              typeStart < 0 &&
              buf[open + 1] === 0x74 &&
              buf[open + 2] === 0x79 &&
              buf[open + 3] === 0x70 &&
              buf[open + 4] === 0x65
            ) {
              afterTypeKey = true;
            }
          }
        } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          depth++;
          afterTypeKey = false;
        } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          if (--depth === 0) {
            this.newlines = newlines;
            this.lastNewline = lastNewline;
            this.typeStart = typeStart;
            this.typeEnd = typeEnd;
            return i + 1;
          }
        } else if (c === NEWLINE) {
          newlines++;
          lastNewline = i;
        }
      }
      return -1;
    }
    if (first === QUOTE) {
      for (i++; i < n; i++) {
        const s = buf[i]!;
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) {
          this.newlines = 0;
          this.lastNewline = -1;
          return i + 1;
        }
      }
      return -1;
    }
    for (; i < n; i++) {
      const c = buf[i]!;
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
    }
    if (i === n && !final) return -1;
    this.newlines = 0;
    this.lastNewline = -1;
    return i;
  }

  /** Applies the newlines counted by the last valueEnd. */
  private countNewlines(): void {
    if (this.newlines) {
      this.line += this.newlines;
      this.lineStart = this.lastNewline + 1;
      this.newlines = 0;
    }
  }

  private newLine(pos: number): void {
    this.line++;
    this.lineStart = pos + 1;
  }

  private emit(buf: Buffer, start: number, end: number): void {
    if (this.skip && this.typeStart >= start && this.typeEnd <= end && !hasEscape(buf, this.typeStart, this.typeEnd)) {
      const type = buf.toString('utf8', this.typeStart, this.typeEnd);
      if (this.skip(type)) {
        this.skipped++;
        // Counted by type for the posture's not-assessed list: a type no rule reads is still a type the scan met.
        const types = (this.skippedTypes ??= new Map());
        types.set(type, (types.get(type) ?? 0) + 1);
        this.countNewlines();
        return;
      }
    }
    this.spans.push(start, end, this.line, start - this.lineStart + 1);
    this.countNewlines();
  }

  // The scanner counts newlines as it goes, so the line is current at `pos`.
  private error(pos: number, message: string): SplitError {
    return new SplitError(message, this.line, Math.max(1, pos - this.lineStart + 1));
  }
}
