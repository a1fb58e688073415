import { storeOfHost, type StoreKind } from './key-stores.js';

/** A key named by a reference: the store's host and the key's name and version. */
export interface KeyAddress {
  /** Lower-case data-plane host (`contoso.vault.azure.net`). */
  host: string;
  store: { kind: StoreKind; name: string };
  /** Lower-case: Key Vault key names are case-insensitive. */
  name: string;
  /** Absent for a versionless reference (the service follows the current version). */
  version?: string;
}

/** Parses `https://<host>/keys/<name>[/<version>]`; undefined when the text is not a key URI. */
export function parseKeyUri(text: string): KeyAddress | undefined {
  const match = /^https:\/\/([^/:?#]+)(?::443)?\/keys\/([^/?#]+)(?:\/([^/?#]*))?\/?$/i.exec(text.trim());
  if (!match) return undefined;
  const host = match[1]!.toLowerCase();
  const version = match[3] ? match[3] : undefined;
  return { host, store: storeOfHost(host), name: match[2]!.toLowerCase(), ...(version ? { version } : {}) };
}

/** Builds the address from a vault URI, a key name and an optional version written apart. */
export function keyAddressOf(vaultUri: string, name: string, version: string | undefined): KeyAddress | undefined {
  const match = /^https:\/\/([^/:?#]+)(?::443)?\/?$/i.exec(vaultUri.trim());
  if (!match || !name.trim()) return undefined;
  const host = match[1]!.toLowerCase();
  return { host, store: storeOfHost(host), name: name.trim().toLowerCase(), ...(version?.trim() ? { version: version.trim() } : {}) };
}

/** The host of a store's data-plane URI (`https://kv.vault.azure.net/`). */
export function hostOfUri(uri: string): string | undefined {
  return /^https:\/\/([^/:?#]+)/i.exec(uri.trim())?.[1]?.toLowerCase();
}
