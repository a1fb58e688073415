/**
 * `uniqueString()` and `guid()` exactly as Azure Resource Manager computes
 * them, so names built from them match what a deployment creates.
 *
 * uniqueString: the arguments joined with '-', UTF-8, hashed with the 64-bit
 * MurmurHash variant of Azure's deployment engine (two interleaved 32-bit
 * lanes, seed 0), then the top 65 bits written as 13 base-32 characters
 * (a-z, 2-7). guid: a name-based (version 5, SHA-1) UUID of the arguments
 * joined with '-' in the namespace 11fb06fb-712d-4ddd-98c7-e71bbd588830.
 * Checked against Azure's own results (see test/arm/hashes.test.ts).
 */
import { createHash } from 'node:crypto';

const rotateLeft = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
const multiply = (a: number, b: number): number => Math.imul(a, b) >>> 0;
const add = (a: number, b: number): number => (a + b) >>> 0;

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x561ccd1b;
const C4 = 0x0bcaa747;
const C5 = 0x85ebca6b;
const C6 = 0xc2b2ae35;

function finalMix(h: number): number {
  h = multiply(h ^ (h >>> 16), C5);
  h = multiply(h ^ (h >>> 13), C6);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The deployment engine's MurmurHash64 of some bytes. */
export function murmurHash64(data: Uint8Array): bigint {
  const length = data.length;
  const word = (at: number, count: number): number => {
    let value = 0;
    for (let j = count - 1; j >= 0; j--) value = ((value << 8) | data[at + j]!) >>> 0;
    return value;
  };
  let h1 = 0;
  let h2 = 0;
  let index = 0;
  for (; index + 7 < length; index += 8) {
    const k1 = multiply(rotateLeft(multiply(word(index, 4), C1), 15), C2);
    h1 = add(multiply(add(rotateLeft((h1 ^ k1) >>> 0, 19), h2), 5), C3);
    const k2 = multiply(rotateLeft(multiply(word(index + 4, 4), C2), 17), C1);
    h2 = add(multiply(add(rotateLeft((h2 ^ k2) >>> 0, 13), h1), 5), C4);
  }
  const tail = length - index;
  if (tail > 0) {
    h1 = (h1 ^ multiply(rotateLeft(multiply(word(index, Math.min(tail, 4)), C1), 15), C2)) >>> 0;
    if (tail > 4) h2 = (h2 ^ multiply(rotateLeft(multiply(word(index + 4, tail - 4), C2), 17), C1)) >>> 0;
  }
  h1 = (h1 ^ length) >>> 0;
  h2 = (h2 ^ length) >>> 0;
  h1 = add(h1, h2);
  h2 = add(h2, h1);
  h1 = finalMix(h1);
  h2 = finalMix(h2);
  h1 = add(h1, h2);
  h2 = add(h2, h1);
  return (BigInt(h2) << 32n) | BigInt(h1);
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** `uniqueString(a, b, ...)`: 13 characters. */
export function uniqueString(values: readonly string[]): string {
  let hash = murmurHash64(Buffer.from(values.join('-'), 'utf8'));
  let text = '';
  for (let i = 0; i < 13; i++) {
    text += BASE32[Number(hash >> 59n)];
    hash = (hash << 5n) & 0xffffffffffffffffn;
  }
  return text;
}

const GUID_NAMESPACE = Buffer.from('11fb06fb712d4ddd98c7e71bbd588830', 'hex');

/** `guid(a, b, ...)`: a version-5 UUID, lower case. */
export function deterministicGuid(values: readonly string[]): string {
  const digest = createHash('sha1')
    .update(GUID_NAMESPACE)
    .update(Buffer.from(values.join('-'), 'utf8'))
    .digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
