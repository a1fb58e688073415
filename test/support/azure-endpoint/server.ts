import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseQuery, QueryError, runQuery, type Row } from './kql.js';
import { keyListItem, type Tenant } from './tenant.js';
import type { TestCertificate } from './certificate.js';

/**
 * A local stand-in for Azure, speaking the protocols the SDKs speak over
 * HTTPS on 127.0.0.1: Entra ID's OpenID configuration and client-credentials
 * token endpoint, Resource Graph's query API (request validated, results
 * paged with $skipToken, quota headers on every answer), and the Resource
 * Manager GETs keyscope enriches with. Faults are injected by request
 * number; every request is recorded for the tests to assert on.
 */

/** Faults to inject. Resource Graph requests are numbered from 1 in arrival order, retries included. */
export interface Faults {
  /**
   * Answer these Resource Graph requests 429: with `Retry-After` seconds when given, else without it;
   * `resetsAfter` overrides the quota header; `bare` leaves the quota headers out.
   */
  throttle?: { request: number; retryAfter?: number; resetsAfter?: string; bare?: boolean }[];
  /** Answer these Resource Graph requests 500. */
  serverError?: number[];
  /** Enforce a quota: at most `limit` Resource Graph requests per window; headers count down. */
  quota?: { limit: number; windowMs: number };
  /** Subscriptions the identity may not read: Resource Graph leaves them out (200, no rows); Resource Manager answers 403. */
  trimmed?: string[];
  /** Subscriptions whose presence in a Resource Graph request makes it fail 403. */
  forbidden?: string[];
  /** Resource Manager paths (lower-case prefixes) answered 403. */
  armForbidden?: string[];
  /** Delay these Resource Graph requests. */
  slow?: { request: number; delayMs: number }[];
  /** Answer these Resource Graph requests with `x-ms-tenant-subscription-limit-hit: true`. */
  partialScope?: number[];
  /** Answer these Resource Graph requests with `resultTruncated: "true"` and no `$skipToken`. */
  truncated?: number[];
  /** Answer these Resource Graph requests with a body whose `data` is not an array. */
  malformed?: number[];
  /** Hostile: answer these Resource Graph requests with a redirect (`status`, default 307) to `location`, which may be another host. */
  redirect?: { request: number; location: string; status?: number }[];
  /** Hostile: answer these Resource Graph requests 200 with a body that is not JSON. */
  notJson?: number[];
  /** Hostile: answer these Resource Graph requests 200 with a body of `bytes` (never ending when absent), sent as fast as it is read. */
  oversized?: { request: number; bytes?: number }[];
  /** Hostile: Resource Manager GETs under these paths (lower-case prefixes) answer 200 with a body that never ends. */
  armOversized?: string[];
  /** Hostile: answer these Resource Graph requests 200 with the start of a body, then nothing more (the connection stays open). */
  stall?: number[];
  /** Hostile: before answering these Resource Graph requests, revoke every token issued so far (they are answered 401 from then on). */
  revoke?: number[];
  /** Hostile: answer every Resource Graph request from this number on 401, whatever token it carries. */
  unauthorizedFrom?: number;
  /** Hostile: every page of a `resources` query carries a `$skipToken`: `repeat` gives back the token it was sent (the first page, one for itself) and announces no `totalRecords`; `chain` a new one each time, past the last row, without end. */
  skipTokenLoop?: 'repeat' | 'chain';
  /** Hostile: Resource Manager lists under these paths (lower-case prefixes) answer with a `nextLink` to themselves. */
  nextLinkLoop?: string[];
}

export interface RecordedRequest {
  kind: 'openid' | 'token' | 'graph' | 'arm' | 'unknown';
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON (Resource Graph) or form fields (token). */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  /** The client's port of the connection it came on (a proxy's, when it came through one). */
  remotePort: number | undefined;
  /** Headers of the answer. */
  responseHeaders: Record<string, string>;
  /** Milliseconds since the server started, when the request arrived and when it was answered. */
  at: number;
  answeredAt: number;
}

export interface EndpointOptions {
  certificate: TestCertificate;
  clientId: string;
  clientSecret: string;
  /** A federated token accepted as a client assertion (workload identity). */
  federatedToken: string;
  faults?: Faults;
  /** The host name the endpoint's URLs use (it listens on 127.0.0.1 whatever it is): `localhost` for a client behind a proxy. */
  hostname?: string;
}

/** Default quota: Resource Graph's documented 15 queries per 5-second window. */
const DEFAULT_QUOTA = { limit: 15, windowMs: 5000 };
const GRAPH_API_VERSIONS = ['2021-03-01', '2022-10-01', '2024-04-01'];
const ARM_API_VERSIONS: Record<string, string[]> = {
  keyvault: ['2023-07-01', '2024-11-01'],
  sql: ['2021-11-01', '2023-08-01'],
  subscriptions: ['2020-01-01', '2022-12-01'],
  management: ['2020-05-01', '2021-04-01', '2023-04-01'],
};
/** Items per Resource Manager list page: small, so nextLink paging is exercised. */
const ARM_PAGE = 2;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function timeSpan(ms: number): string {
  // Whole milliseconds first: (start + window) - start is not always exactly the window in floating point.
  const seconds = Math.max(0, Math.ceil(Math.round(ms) / 1000));
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

function armError(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

export class AzureEndpoint {
  readonly requests: RecordedRequest[] = [];
  /** Tokens issued, so tests can check none was logged. */
  readonly tokens = new Set<string>();
  /** Tokens revoked by the `revoke` fault. */
  readonly revoked = new Set<string>();
  /** Bytes of body written for `oversized` answers before the client stopped reading. */
  oversizedBytesSent = 0;
  private graphCount = 0;
  private window = { start: 0, used: 0 };
  private readonly started = performance.now();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly tenant: Tenant,
    private readonly options: EndpointOptions,
  ) {}

  /** Starts a server on 127.0.0.1 (a free port). */
  static async start(tenant: Tenant, options: EndpointOptions): Promise<AzureEndpoint> {
    const holder: { endpoint?: AzureEndpoint } = {};
    const server = createServer({ key: options.certificate.key, cert: options.certificate.cert }, (request, response) => {
      holder.endpoint!.handle(request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(JSON.stringify(armError('TestServerError', String(error))));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.endpoint = new AzureEndpoint(server, `https://${options.hostname ?? '127.0.0.1'}:${port}`, tenant, options);
    return holder.endpoint;
  }

  /** Resource Graph requests, in order. */
  get graphRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.kind === 'graph');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private get faults(): Faults {
    return this.options.faults ?? {};
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const at = performance.now() - this.started;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > 1 << 20) throw new Error('request body too large');
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', this.url);
    const record: RecordedRequest = {
      kind: 'unknown',
      method: request.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      headers: request.headers,
      status: 0,
      remotePort: request.socket.remotePort,
      responseHeaders: {},
      at,
      answeredAt: 0,
    };
    this.requests.push(record);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      record.responseHeaders = headers;
      record.answeredAt = performance.now() - this.started;
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };

    const lower = url.pathname.toLowerCase();
    const tenantPrefix = `/${this.tenant.tenantId}`;
    if (request.method === 'GET' && lower === `${tenantPrefix}/v2.0/.well-known/openid-configuration`) {
      record.kind = 'openid';
      const base = `${this.url}${tenantPrefix}`;
      send(200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/v2.0`,
        request_uri_parameter_supported: false,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
        tenant_region_scope: 'EU',
        cloud_instance_name: '127.0.0.1',
      });
      return;
    }
    if (request.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(lower)) {
      record.kind = 'token';
      this.token(lower, text, record, send);
      return;
    }
    if (request.method === 'POST' && lower === '/providers/microsoft.resourcegraph/resources') {
      record.kind = 'graph';
      await this.graph(request, response, url, text, record, send);
      return;
    }
    if (request.method === 'GET' && (lower.startsWith('/subscriptions') || lower.startsWith('/providers/microsoft.management/'))) {
      record.kind = 'arm';
      const lowerPath = decodeURIComponent(url.pathname).toLowerCase();
      if (this.authorized(request) && this.faults.armOversized?.some((prefix) => lowerPath.startsWith(prefix))) {
        record.status = 200;
        await this.flood(response);
        return;
      }
      this.arm(request, url, send);
      return;
    }
    send(404, armError('NotFound', `the test server does not serve ${request.method} ${url.pathname}`));
  }

  private token(lower: string, text: string, record: RecordedRequest, send: (status: number, body: unknown) => void): void {
    const form = Object.fromEntries(new URLSearchParams(text));
    record.body = {
      ...form,
      ...(form['client_secret'] ? { client_secret: '(redacted)' } : {}),
      ...(form['client_assertion'] ? { client_assertion: '(redacted)' } : {}),
    };
    if (!lower.startsWith(`/${this.tenant.tenantId}/`)) {
      send(400, { error: 'invalid_request', error_description: 'AADSTS90002: Tenant not found.', error_codes: [90002] });
      return;
    }
    if (form['grant_type'] !== 'client_credentials') {
      send(400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003: The app requested an unsupported grant type.' });
      return;
    }
    const secretOk = form['client_secret'] !== undefined && form['client_secret'] === this.options.clientSecret;
    const assertionOk =
      form['client_assertion_type'] === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' &&
      form['client_assertion'] === this.options.federatedToken;
    if (form['client_id'] !== this.options.clientId || !(secretOk || assertionOk)) {
      send(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] });
      return;
    }
    if (form['scope'] !== `${this.url}/.default`) {
      send(400, {
        error: 'invalid_scope',
        error_description: `AADSTS500011: The resource principal named ${form['scope'] ?? ''} was not found in the tenant.`,
        error_codes: [500011],
      });
      return;
    }
    const token = randomBytes(24).toString('hex');
    this.tokens.add(token);
    send(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
  }

  private authorized(request: IncomingMessage): boolean {
    const header = request.headers.authorization ?? '';
    const token = header.slice('Bearer '.length);
    return header.startsWith('Bearer ') && this.tokens.has(token) && !this.revoked.has(token);
  }

  private quotaHeaders(): { headers: Record<string, string>; exceeded: boolean } {
    const quota = this.faults.quota ?? DEFAULT_QUOTA;
    const now = performance.now();
    if (this.window.used === 0 || now >= this.window.start + quota.windowMs) this.window = { start: now, used: 0 };
    this.window.used++;
    const remaining = quota.limit - this.window.used;
    return {
      headers: {
        'x-ms-user-quota-remaining': String(Math.max(remaining, 0)),
        'x-ms-user-quota-resets-after': timeSpan(this.window.start + quota.windowMs - now),
      },
      exceeded: remaining < 0,
    };
  }

  private async graph(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    text: string,
    record: RecordedRequest,
    send: (status: number, body: unknown, headers?: Record<string, string>) => void,
  ): Promise<void> {
    const n = ++this.graphCount;
    const faults = this.faults;
    const slow = faults.slow?.find((fault) => fault.request === n);
    if (slow) await new Promise((resolve) => setTimeout(resolve, slow.delayMs));
    if (faults.revoke?.includes(n)) for (const token of this.tokens) this.revoked.add(token);
    if (!this.authorized(request) || (faults.unauthorizedFrom !== undefined && n >= faults.unauthorizedFrom)) {
      send(401, armError('AuthenticationFailed', 'Authentication failed: the access token is missing or invalid.'));
      return;
    }
    const redirect = faults.redirect?.find((fault) => fault.request === n);
    if (redirect) {
      send(redirect.status ?? 307, { message: 'moved' }, { location: redirect.location });
      return;
    }
    const oversized = faults.oversized?.find((fault) => fault.request === n);
    if (oversized) {
      record.status = 200;
      await this.flood(response, oversized.bytes);
      return;
    }
    if (faults.stall?.includes(n)) {
      record.status = 200;
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.write('{"totalRecords":3,"count":3,"data":[{"id":');
      return;
    }
    if (faults.notJson?.includes(n)) {
      send(200, '<html><body>502 Bad Gateway</body></html>', { 'content-type': 'text/html' });
      return;
    }
    const { headers: quota, exceeded } = this.quotaHeaders();
    const badRequest = (message: string, detail = 'InvalidQuery'): void =>
      send(400, { error: { code: 'BadRequest', message, details: [{ code: detail, message }] } }, quota);

    if (!GRAPH_API_VERSIONS.includes(url.searchParams.get('api-version') ?? '')) {
      send(400, armError('InvalidApiVersionParameter', `api-version '${url.searchParams.get('api-version')}' is not supported`), quota);
      return;
    }
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
      badRequest('the request body must be application/json', 'InvalidRequestContent');
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      badRequest('the request body is not JSON', 'InvalidRequestContent');
      return;
    }
    record.body = body;
    if (typeof body['query'] !== 'string' || body['query'].trim() === '') return badRequest("'query' is required");
    const subscriptions = body['subscriptions'];
    if (subscriptions !== undefined) {
      if (!Array.isArray(subscriptions) || subscriptions.some((id) => typeof id !== 'string' || !GUID.test(id))) {
        return badRequest("'subscriptions' must be an array of subscription ids", 'InvalidSubscriptions');
      }
      if (subscriptions.length === 0 || subscriptions.length > 1000) {
        return badRequest(`a request may name 1 to 1000 subscriptions, not ${subscriptions.length}`, 'InvalidSubscriptions');
      }
    }
    const options = (body['options'] ?? {}) as Record<string, unknown>;
    const top = options['$top'] ?? 1000;
    if (typeof top !== 'number' || !Number.isInteger(top) || top < 1 || top > 1000)
      return badRequest("'$top' must be an integer from 1 to 1000", 'InvalidTop');
    const resultFormat = options['resultFormat'] ?? 'objectArray';
    if (resultFormat !== 'objectArray' && resultFormat !== 'table')
      return badRequest(`resultFormat ${JSON.stringify(resultFormat)} is not supported`, 'InvalidResultFormat');

    const throttle = faults.throttle?.find((fault) => fault.request === n);
    if (throttle || exceeded) {
      const headers: Record<string, string> = throttle?.bare ? {} : { ...quota };
      if (throttle?.retryAfter !== undefined) headers['retry-after'] = String(throttle.retryAfter);
      if (throttle?.resetsAfter !== undefined) headers['x-ms-user-quota-resets-after'] = throttle.resetsAfter;
      if (throttle && !throttle.bare) headers['x-ms-user-quota-remaining'] = '0';
      send(429, armError('RateLimiting', 'Please provide below info when asking for support: the client is throttled.'), headers);
      return;
    }
    if (faults.serverError?.includes(n)) {
      send(500, armError('InternalServerError', 'Encountered an internal server error.'), quota);
      return;
    }
    const forbidden = (subscriptions as string[] | undefined)?.find((id) => faults.forbidden?.includes(id.toLowerCase()));
    if (forbidden) {
      send(
        403,
        armError(
          'AuthorizationFailed',
          `The client does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read' over scope '/subscriptions/${forbidden}'.`,
        ),
        quota,
      );
      return;
    }

    let parsed;
    try {
      parsed = parseQuery(body['query']);
    } catch (error) {
      if (error instanceof QueryError) return badRequest(error.message, 'ParserFailure');
      throw error;
    }
    const trimmed = new Set(faults.trimmed ?? []);
    const scope = new Set(((subscriptions as string[] | undefined) ?? this.tenant.subscriptions).map((id) => id.toLowerCase()));
    // A table the tenant does not hold is empty, as Resource Graph answers for a tenant with none of its types.
    const visible = (this.tenant.tables[parsed.table as keyof Tenant['tables']] ?? []).filter((row) => {
      const subscription = String(row['subscriptionId']).toLowerCase();
      // Rows of no subscription (management-group role assignments, tenant-wide role definitions) are the tenant's.
      if (subscription === '') return true;
      return scope.has(subscription) && !trimmed.has(subscription);
    });
    const rows = runQuery(parsed, visible);

    let offset = typeof options['$skip'] === 'number' ? options['$skip'] : 0;
    const skipToken = options['$skipToken'];
    const fingerprint = `${body['query']}|${[...scope].sort().join(',')}`;
    if (skipToken !== undefined) {
      let token: { q?: string; o?: number } = {};
      try {
        if (typeof skipToken === 'string')
          token = JSON.parse(Buffer.from(skipToken, 'base64').toString('utf8')) as { q?: string; o?: number };
      } catch {
        // rejected below
      }
      if (token.q !== fingerprint || typeof token.o !== 'number')
        return badRequest('the $skipToken does not belong to this query and scope', 'InvalidSkipToken');
      offset = token.o;
    }
    const page = rows.slice(offset, offset + top);
    let more = offset + page.length < rows.length;
    let next = more ? Buffer.from(JSON.stringify({ q: fingerprint, o: offset + page.length })).toString('base64') : undefined;
    const loop = parsed.table === 'resources' ? faults.skipTokenLoop : undefined;
    if (loop === 'repeat') {
      next = typeof skipToken === 'string' ? skipToken : Buffer.from(JSON.stringify({ q: fingerprint, o: offset })).toString('base64');
      more = true;
    } else if (loop === 'chain') {
      next = Buffer.from(JSON.stringify({ q: fingerprint, o: offset + page.length, n })).toString('base64');
      more = true;
    }
    const headers: Record<string, string> = { ...quota };
    if (faults.partialScope?.includes(n)) headers['x-ms-tenant-subscription-limit-hit'] = 'true';
    if (faults.malformed?.includes(n)) {
      send(
        200,
        { totalRecords: rows.length, count: page.length, data: { unexpected: true }, facets: [], resultTruncated: 'false' },
        headers,
      );
      return;
    }
    const truncated = faults.truncated?.includes(n) ?? false;
    send(
      200,
      {
        ...(loop === 'repeat' ? {} : { totalRecords: rows.length }),
        count: page.length,
        data: resultFormat === 'table' ? asTable(page) : page,
        facets: [],
        resultTruncated: truncated ? 'true' : 'false',
        ...(more && !truncated ? { $skipToken: next } : {}),
      },
      headers,
    );
  }

  /** Writes a JSON-looking body of `bytes` (or without end), respecting backpressure, until the client goes away. */
  private async flood(response: ServerResponse, bytes = Number.POSITIVE_INFINITY): Promise<void> {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    const row = Buffer.from(`{"id":"/subscriptions/x/${'a'.repeat(1000)}","type":"t"},`);
    let closed = false;
    response.on('close', () => (closed = true));
    response.write('{"data":[');
    let sent = 0;
    while (!closed && sent < bytes) {
      sent += row.length;
      this.oversizedBytesSent += row.length;
      if (!response.write(row)) await new Promise<void>((resolve) => response.once('drain', resolve).once('close', resolve));
    }
    if (!closed) response.end('{}]}');
  }

  private arm(request: IncomingMessage, url: URL, send: (status: number, body: unknown) => void): void {
    if (!this.authorized(request)) {
      send(401, armError('AuthenticationFailed', 'Authentication failed: the access token is missing or invalid.'));
      return;
    }
    const path = url.pathname
      .split('/')
      .map((segment) => decodeURIComponent(segment))
      .join('/');
    const lower = path.toLowerCase();
    const apiVersion = url.searchParams.get('api-version') ?? '';
    const provider = lower.includes('/providers/microsoft.keyvault/')
      ? 'keyvault'
      : lower.includes('/providers/microsoft.sql/')
        ? 'sql'
        : lower.startsWith('/providers/microsoft.management/')
          ? 'management'
          : 'subscriptions';
    if (!ARM_API_VERSIONS[provider]!.includes(apiVersion)) {
      send(400, armError('InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid for ${provider}.`));
      return;
    }
    const subscription = /^\/subscriptions\/([^/]+)/.exec(lower)?.[1];
    const denied =
      (subscription && this.faults.trimmed?.includes(subscription)) || this.faults.armForbidden?.some((prefix) => lower.startsWith(prefix));
    if (denied) {
      send(
        403,
        armError(
          'AuthorizationFailed',
          `The client does not have authorization to perform action 'read' over scope '${path}' or the scope is invalid.`,
        ),
      );
      return;
    }
    const list = (items: Row[]): void => {
      const offset = Number(url.searchParams.get('$skiptoken') ?? '0');
      const page = items.slice(offset, offset + ARM_PAGE);
      const next = this.faults.nextLinkLoop?.some((prefix) => lower.startsWith(prefix))
        ? `${this.url}${url.pathname}${url.search}`
        : offset + ARM_PAGE < items.length
          ? `${this.url}${url.pathname}?api-version=${apiVersion}&$skiptoken=${offset + ARM_PAGE}`
          : undefined;
      send(200, { value: page, ...(next ? { nextLink: next } : {}) });
    };
    let match: RegExpExecArray | null;
    if (lower === '/subscriptions') {
      list(
        this.tenant.subscriptions
          .filter((id) => !this.faults.trimmed?.includes(id))
          .map((id, index) => ({
            id: `/subscriptions/${id}`,
            subscriptionId: id,
            displayName: `sub-${index + 1}`,
            state: 'Enabled',
            tenantId: this.tenant.tenantId,
          })),
      );
      return;
    }
    if ((match = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)\/descendants$/.exec(lower))) {
      const group = match[1]!;
      const members = this.tenant.managementGroups.get(group);
      if (!members) {
        send(404, armError('NotFound', `Management group '${group}' not found.`));
        return;
      }
      list([
        {
          id: `/providers/Microsoft.Management/managementGroups/${group}-child`,
          type: 'Microsoft.Management/managementGroups',
          name: `${group}-child`,
          properties: { displayName: 'child group' },
        },
        ...members.map((id) => ({
          id: `/providers/Microsoft.Management/managementGroups/${group}/subscriptions/${id}`,
          type: 'Microsoft.Management/managementGroups/subscriptions',
          name: id,
          properties: { displayName: id, parent: { id: `/providers/Microsoft.Management/managementGroups/${group}` } },
        })),
      ]);
      return;
    }
    if ((match = /^(.*\/providers\/microsoft\.keyvault\/(?:vaults|managedhsms)\/[^/]+)\/keys(?:\/([^/]+))?$/.exec(lower))) {
      const keys = this.tenant.keys.get(match[1]!);
      if (!keys) {
        send(404, armError('ResourceNotFound', `The Resource '${path}' was not found.`));
        return;
      }
      if (match[2] === undefined) {
        list(keys.map(keyListItem));
        return;
      }
      const key = keys.find((candidate) => String(candidate['id']).toLowerCase() === lower);
      if (key) send(200, key);
      else send(404, armError('KeyNotFound', `Key '${match[2]}' not found.`));
      return;
    }
    if ((match = /^(.*\/providers\/microsoft\.sql\/(?:servers|managedinstances)\/[^/]+)\/encryptionprotector\/current$/.exec(lower))) {
      const protector = this.tenant.protectors.get(match[1]!);
      if (protector) send(200, protector);
      else send(404, armError('ResourceNotFound', `The Resource '${path}' was not found.`));
      return;
    }
    send(404, armError('InvalidResourceType', `The resource type of '${path}' is not served by the test server.`));
  }
}

/** The `table` result format: columns and rows. */
function asTable(rows: Row[]): { columns: { name: string; type: string }[]; rows: unknown[][] } {
  const names = rows.length ? Object.keys(rows[0]!) : [];
  return { columns: names.map((name) => ({ name, type: 'object' })), rows: rows.map((row) => names.map((name) => row[name])) };
}
