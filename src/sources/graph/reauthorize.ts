/**
 * A 401 from Resource Graph or Resource Manager with a token that has not
 * expired means the token was revoked (a password reset, a disabled
 * account, a policy change): the SDK's bearer policy would keep sending it
 * from its cache until it nears expiry. This asks once for a new token and
 * retries the request once with it; a second 401 is the answer.
 */

import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/**
 * The claims challenge Entra ID's continuous access evaluation sends for a
 * revoked token: a token issued no earlier than now. Passing claims makes
 * the identity library skip its token cache, which it otherwise offers no
 * way to do.
 */
function freshTokenClaims(): string {
  return JSON.stringify({ access_token: { nbf: { essential: true, value: String(Math.floor(Date.now() / 1000)) } } });
}

const BEARER = /^Bearer\s+(.+)$/i;

/** What the Resource Graph and Resource Manager clients of one credential share: the tokens refused, the one that replaced them. */
interface Renewal {
  refused: Set<string>;
  replacement: AccessToken | undefined;
  /** The renewal in flight: concurrent 401s wait for one new token, not one each. */
  pending: Promise<AccessToken | null> | undefined;
}

const renewals = new WeakMap<TokenCredential, Renewal>();

async function renew(credential: TokenCredential, scope: string, abortSignal: GetTokenOptions['abortSignal']): Promise<AccessToken | null> {
  try {
    return await credential.getToken(scope, { claims: freshTokenClaims(), ...(abortSignal ? { abortSignal } : {}) });
  } catch {
    // A credential without claims support (the Azure CLI's) keeps no cache here: ask it plainly.
    try {
      return await credential.getToken(scope, abortSignal ? { abortSignal } : {});
    } catch {
      return null;
    }
  }
}

/** The policy; placed after the bearer policy signs, nearer the wire. */
export function reauthorizeOncePolicy(credential: TokenCredential, scope: string): PipelinePolicy {
  let state = renewals.get(credential);
  if (!state) renewals.set(credential, (state = { refused: new Set(), replacement: undefined, pending: undefined }));
  const renewal = state;
  const usable = (): AccessToken | undefined => {
    const token = renewal.replacement;
    return token && token.expiresOnTimestamp > Date.now() + 60_000 && !renewal.refused.has(token.token) ? token : undefined;
  };
  const sentToken = (request: { headers: { get(name: string): string | undefined } }): string | undefined =>
    BEARER.exec(request.headers.get('authorization') ?? '')?.[1];
  return {
    name: 'keyscopeReauthorizeOnce',
    async sendRequest(request, next) {
      // The bearer policy still holds a token refused before: send the one that replaced it.
      const sent = sentToken(request);
      if (sent !== undefined && renewal.refused.has(sent) && usable()) request.headers.set('authorization', `Bearer ${usable()!.token}`);
      const response = await next(request);
      if (response.status !== 401) return response;
      const refusedToken = sentToken(request);
      if (refusedToken === undefined) return response;
      renewal.refused.add(refusedToken);
      let fresh = usable() ?? null;
      if (!fresh) {
        renewal.pending ??= renew(credential, scope, request.abortSignal).finally(() => (renewal.pending = undefined));
        fresh = await renewal.pending;
      }
      if (!fresh || renewal.refused.has(fresh.token)) return response;
      renewal.replacement = fresh;
      // The refused answer may still be a stream (a policy nearer the caller asked for one): let its connection go.
      (response.readableStreamBody as { destroy?: () => void } | undefined)?.destroy?.();
      request.headers.set('authorization', `Bearer ${fresh.token}`);
      return next(request);
    },
  };
}
