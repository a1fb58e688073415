import { KeyscopeError } from './keyscope-error.js';

/** A command line that does not make sense (conflicting or missing flags). */
export class UsageError extends KeyscopeError {
  constructor(message: string, hint?: string) {
    super('usage', message, hint === undefined ? {} : { hint });
  }
}
