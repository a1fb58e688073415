import { KeyscopeError, type SourcePosition } from './keyscope-error.js';

/** An input file that cannot be read or parsed (a malformed JSON line, a missing file). */
export class InputError extends KeyscopeError {
  constructor(message: string, position: SourcePosition, options: { hint?: string; cause?: unknown } = {}) {
    super('input-invalid', message, { position, ...options });
  }
}
