import { createHttpHeaders, createPipelineRequest, type PipelineRequest } from '@azure/core-rest-pipeline';
import { parseTimeSpan, QuotaPacer, resolveSettings, retryAfterCapPolicy, type Clock } from '../../src/sources/graph/index.js';

function headers(values: Record<string, string>): { get(name: string): string | undefined } {
  return { get: (name) => values[name] };
}

function fakeClock(): Clock & { time: number } {
  const clock = {
    time: 1_000_000,
    now: () => clock.time,
    sleep: (ms: number) => {
      clock.time += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

describe('quota pacing', () => {
  test('parses the quota reset duration as Resource Graph writes it', () => {
    expect(parseTimeSpan('00:00:05')).toBe(5000);
    expect(parseTimeSpan('00:01:02')).toBe(62_000);
    expect(parseTimeSpan('1.00:00:01')).toBe(86_401_000);
    expect(parseTimeSpan('00:00:03.5')).toBe(3500);
    expect(parseTimeSpan('5')).toBeUndefined();
    expect(parseTimeSpan(undefined)).toBeUndefined();
  });

  test('waits for the reset only when the quota is spent', () => {
    const clock = fakeClock();
    const pacer = new QuotaPacer(clock);
    expect(pacer.delayBeforeNext()).toBe(0);
    pacer.observe(headers({ 'x-ms-user-quota-remaining': '3', 'x-ms-user-quota-resets-after': '00:00:04' }));
    expect(pacer.delayBeforeNext()).toBe(0);
    pacer.observe(headers({ 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:04' }));
    expect(pacer.delayBeforeNext()).toBe(4000);
    clock.time += 1500;
    expect(pacer.delayBeforeNext()).toBe(2500);
    pacer.waited();
    expect(pacer.delayBeforeNext()).toBe(0);
  });

  test('never obeys a header blindly: waits are capped at a minute', () => {
    const pacer = new QuotaPacer(fakeClock());
    pacer.observe(headers({ 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '02:00:00' }));
    expect(pacer.delayBeforeNext()).toBe(60_000);
  });

  test('a 429 without Retry-After: wait for the reset when told, else back off exponentially', () => {
    const pacer = new QuotaPacer(fakeClock());
    expect(pacer.backoff(headers({ 'x-ms-user-quota-resets-after': '00:00:02' }), 0)).toBe(2000);
    expect([0, 1, 2, 3, 4, 5, 6].map((attempt) => pacer.backoff(undefined, attempt))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 32_000,
    ]);
  });
});

describe('Retry-After the SDK obeys is capped at a minute', () => {
  async function answer(status: number, headers: Record<string, string>): Promise<Record<string, string | undefined>> {
    const policy = retryAfterCapPolicy(60_000);
    const response = await policy.sendRequest(createPipelineRequest({ url: 'https://management.azure.com/' }), (request: PipelineRequest) =>
      Promise.resolve({ request, status, headers: createHttpHeaders(headers) }),
    );
    return { 'retry-after': response.headers.get('retry-after'), 'retry-after-ms': response.headers.get('retry-after-ms') };
  }

  test('an hour becomes a minute; short waits and other answers are left alone', async () => {
    expect(await answer(429, { 'retry-after': '3600' })).toEqual({ 'retry-after': '60', 'retry-after-ms': undefined });
    expect(await answer(503, { 'retry-after-ms': '900000' })).toEqual({ 'retry-after': undefined, 'retry-after-ms': '60000' });
    expect(await answer(429, { 'retry-after': new Date(Date.now() + 7_200_000).toUTCString() })).toEqual({
      'retry-after': '60',
      'retry-after-ms': undefined,
    });
    expect(await answer(429, { 'retry-after': '5' })).toEqual({ 'retry-after': '5', 'retry-after-ms': undefined });
    expect(await answer(200, { 'retry-after': '3600' })).toEqual({ 'retry-after': '3600', 'retry-after-ms': undefined });
  });
});

describe('cloud settings', () => {
  test('each public cloud has its authority and Resource Manager; the token scope follows the endpoint', () => {
    expect(resolveSettings({})).toEqual({
      cloud: 'AzureCloud',
      authorityHost: 'https://login.microsoftonline.com',
      armEndpoint: 'https://management.azure.com',
      tokenScope: 'https://management.azure.com/.default',
      disableInstanceDiscovery: false,
    });
    expect(resolveSettings({ cloud: 'AzureUSGovernment' })).toEqual(
      expect.objectContaining({
        authorityHost: 'https://login.microsoftonline.us',
        tokenScope: 'https://management.usgovcloudapi.net/.default',
      }),
    );
    expect(resolveSettings({ cloud: 'AzureChinaCloud' })).toEqual(
      expect.objectContaining({
        authorityHost: 'https://login.chinacloudapi.cn',
        tokenScope: 'https://management.chinacloudapi.cn/.default',
      }),
    );
  });

  test('--arm-endpoint and AZURE_AUTHORITY_HOST override; a private authority turns instance discovery off', () => {
    const stack = resolveSettings({
      armEndpoint: 'https://management.local.azurestack.external/',
      authorityHost: 'https://adfs.local.azurestack.external/',
    });
    expect(stack).toEqual({
      cloud: 'AzureCloud',
      authorityHost: 'https://adfs.local.azurestack.external',
      armEndpoint: 'https://management.local.azurestack.external',
      tokenScope: 'https://management.local.azurestack.external/.default',
      disableInstanceDiscovery: true,
    });
    expect(
      resolveSettings({ cloud: 'AzureUSGovernment', authorityHost: 'https://login.microsoftonline.us' }).disableInstanceDiscovery,
    ).toBe(false);
  });
});
