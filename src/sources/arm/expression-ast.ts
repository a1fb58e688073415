/**
 * The template expression language's syntax tree. `at` is the offset of the
 * node inside the expression text, so errors can point at the file column.
 */
export type Expression =
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'call'; name: string; namespace?: string; args: Expression[]; at: number }
  | { kind: 'member'; target: Expression; name: string; at: number }
  | { kind: 'index'; target: Expression; index: Expression; at: number };
