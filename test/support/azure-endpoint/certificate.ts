import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A throw-away TLS identity for 127.0.0.1. */
export interface TestCertificate {
  /** PEM certificate; the CLI child trusts it through NODE_EXTRA_CA_CERTS. */
  cert: string;
  key: string;
  certFile: string;
  dispose(): void;
}

/**
 * A self-signed certificate for 127.0.0.1, made with openssl at test start
 * (never committed, valid for a day). It is its own CA, so a child process
 * given NODE_EXTRA_CA_CERTS=certFile verifies the server as Node verifies
 * Azure: by chain and by name, with no verification switched off.
 */
export function createTestCertificate(): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyscope-cert-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      // localhost too: a client behind a proxy needs a host name (see serveTenant's hostname).
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'pipe' },
  );
  return {
    cert: readFileSync(certFile, 'utf8'),
    key: readFileSync(keyFile, 'utf8'),
    certFile,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
