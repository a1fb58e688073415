import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { cliPath, root } from '../helpers.js';
import {
  CLIENT_ID,
  FEDERATED_TOKEN,
  createTestCertificate,
  generateTenant,
  serveTenant,
  type LiveTenant,
  type TestCertificate,
} from '../support/azure-endpoint/index.js';

/**
 * The Azure Pipelines examples (examples/azure-pipelines/), run the way an
 * agent runs them: the YAML is parsed, each job's steps run in order, bash
 * and inline AzureCLI@2 scripts in bash with the pipeline's variables as
 * environment variables, `$(macro)`s expanded and `##vso[task.setvariable]`
 * carried to later steps; published artifacts are copied where a later
 * job's `download` finds them. Steps that only install (UseNode, npm install
 * of keyscope from the registry) are not run: `keyscope` on PATH is this
 * build. The tenant scan signs in with a federated token against the local
 * Azure stand-in.
 */

interface Step {
  script?: string;
  bash?: string;
  task?: string;
  displayName?: string;
  condition?: string;
  inputs?: Record<string, string | boolean>;
  publish?: string;
  artifact?: string;
  download?: string;
  patterns?: string;
  checkout?: string;
}
interface Job {
  job: string;
  steps: Step[];
  strategy?: { matrix: Record<string, Record<string, string>> };
}
interface Pipeline {
  variables: Record<string, string>;
  steps?: Step[];
  jobs?: Job[];
}

function load(name: string): Pipeline {
  return parse(readFileSync(path.join(root, 'examples', 'azure-pipelines', name), 'utf8')) as Pipeline;
}

/** A variable as the agent exposes it to scripts: upper-case, dots as underscores. */
const envName = (name: string): string => name.replace(/\./g, '_').toUpperCase();

/** One agent: a work folder, its variables, and what each step did. */
class Agent {
  readonly variables = new Map<string, string>();
  readonly results: { name: string; code: number; stdout: string; stderr: string }[] = [];
  readonly published: { kind: string; file: string; title?: string }[] = [];

  constructor(
    readonly work: string,
    readonly artifacts: string,
    private readonly env: Record<string, string>,
    variables: Record<string, string>,
  ) {
    mkdirSync(path.join(work, 'a'), { recursive: true });
    mkdirSync(path.join(work, 'tmp'), { recursive: true });
    mkdirSync(path.join(work, 's'), { recursive: true });
    const predefined = {
      'Build.ArtifactStagingDirectory': path.join(work, 'a'),
      'Agent.TempDirectory': path.join(work, 'tmp'),
      'Pipeline.Workspace': work,
      'Build.SourcesDirectory': path.join(work, 's'),
    };
    for (const [name, value] of Object.entries({ ...predefined, ...variables })) this.variables.set(name, value);
  }

  /** `$(name)` as the agent expands it; an unknown macro would stay as written, so the tests fail on one. */
  expand(text: string): string {
    return text.replace(/\$\(([A-Za-z][\w.]*)\)/g, (whole, name: string) => {
      for (const [key, value] of this.variables) if (key.toLowerCase() === name.toLowerCase()) return value;
      throw new Error(`unknown macro ${whole}`);
    });
  }

  private async bash(name: string, script: string, extraEnv: Record<string, string> = {}): Promise<void> {
    const env: Record<string, string> = { ...this.env, ...extraEnv };
    for (const [key, value] of this.variables) env[envName(key)] = value;
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      // The agent runs a script step as a file: `bash --noprofile --norc FILE`.
      const file = path.join(this.work, 'tmp', 'step.sh');
      writeFileSync(file, this.expand(script));
      const child = spawn('bash', ['--noprofile', '--norc', file], {
        cwd: path.join(this.work, 's'),
        env,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
    for (const match of result.stdout.matchAll(/^##vso\[task\.setvariable variable=([^;\]]+)[^\]]*\](.*)$/gm)) {
      this.variables.set(match[1]!, match[2]!);
    }
    this.results.push({ name, ...result });
  }

  /** Runs a job's steps; a failed step stops the steps after it unless their condition is succeededOrFailed(). */
  async run(steps: readonly Step[], azureCli: Record<string, string>): Promise<void> {
    let failed = false;
    for (const step of steps) {
      if (failed && step.condition !== 'succeededOrFailed()') continue;
      const name = this.expand(step.displayName ?? step.task ?? 'step');
      const before = this.results.length;
      if (step.checkout !== undefined || step.task === 'UseNode@1' || name === 'Install keyscope') continue;
      if (step.bash !== undefined || step.script !== undefined) await this.bash(name, (step.bash ?? step.script)!);
      else if (step.task === 'AzureCLI@2') {
        const inputs = step.inputs!;
        expect([inputs['scriptType'], inputs['scriptLocation'], inputs['addSpnToEnvironment']]).toEqual(['bash', 'inlineScript', true]);
        expect(typeof inputs['azureSubscription']).toBe('string');
        await this.bash(name, String(inputs['inlineScript']), azureCli);
      } else if (step.task === 'PublishTestResults@2') {
        expect(step.inputs!['testResultsFormat']).toBe('JUnit');
        this.published.push({
          kind: 'tests',
          file: this.expand(String(step.inputs!['testResultsFiles'])),
          title: String(step.inputs!['testRunTitle']),
        });
      } else if (step.task === 'PublishBuildArtifacts@1') {
        this.publish(this.expand(String(step.inputs!['PathtoPublish'])), this.expand(String(step.inputs!['ArtifactName'])));
      } else if (step.publish !== undefined) {
        this.publish(this.expand(step.publish), this.expand(step.artifact!));
      } else if (step.download === 'current') {
        // Every artifact of the run, each in a folder of its name (patterns narrow what is copied).
        for (const artifact of readdirSync(this.artifacts))
          cpSync(path.join(this.artifacts, artifact), path.join(this.work, artifact), { recursive: true });
      } else {
        throw new Error(`a step the emulator does not know: ${JSON.stringify(step)}`);
      }
      if (this.results.length > before && this.results.at(-1)!.code !== 0) failed = true;
    }
  }

  private publish(from: string, artifact: string): void {
    expect(existsSync(from)).toBe(true);
    cpSync(from, path.join(this.artifacts, artifact), { recursive: true });
    this.published.push({ kind: 'artifact', file: artifact });
  }

  code(name: string): number | undefined {
    return this.results.find((result) => result.name === name)?.code;
  }
}

/** `keyscope` on PATH: this build; a live scan is pointed at the local stand-in. */
function shim(folder: string, armEndpoint?: string): string {
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'keyscope');
  const live = armEndpoint
    ? `case " $* " in *" --management-group "*|*" --subscription "*|*" --tenant "*) exec node "${cliPath}" "$@" --arm-endpoint "${armEndpoint}" ;; esac\n`
    : '';
  writeFileSync(file, `#!/usr/bin/env bash\n${live}exec node "${cliPath}" "$@"\n`);
  chmodSync(file, 0o755);
  return folder;
}

/** The environment of an agent: no Azure variables of the machine running the tests. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env))
    if (value !== undefined && !/^(AZURE_|MSI_|IDENTITY_|IMDS_)/i.test(name)) env[name] = value;
  return { ...env, NO_COLOR: '1', ...extra };
}

interface JsonReport {
  scan: { complete: boolean; errors: { code: string; target: string }[]; scopes: string[]; sources: { kind: string }[] };
  findings: { status: string; suppression?: unknown }[];
}

describe('examples/azure-pipelines/pr-gate.yml', () => {
  const pipeline = load('pr-gate.yml');

  test('scans the templates and plans of the change, publishes JUnit, SARIF as CodeAnalysisLogs and the reports, then gates', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'keyscope-azp-pr-'));
    const artifacts = path.join(work, 'artifacts');
    mkdirSync(artifacts);
    const bin = shim(path.join(work, 'bin'));
    const agent = new Agent(work, artifacts, cleanEnv({ PATH: `${bin}:${process.env['PATH']}` }), pipeline.variables);
    // The repository: a template and a plan where the pipeline's variables say.
    const repo = path.join(work, 's');
    mkdirSync(path.join(repo, 'infra', 'templates'), { recursive: true });
    mkdirSync(path.join(repo, 'infra', 'plans'), { recursive: true });
    cpSync(
      path.join(root, 'fixtures', 'arm', 'relations', 'vault-key-storage.json'),
      path.join(repo, 'infra', 'templates', 'vault-key-storage.json'),
    );
    cpSync(path.join(root, 'fixtures', 'terraform', 'located', 'plan.json'), path.join(repo, 'infra', 'plans', 'plan.json'));

    await agent.run(pipeline.steps!, {});
    expect(agent.results.map((result) => [result.name, result.code])).toEqual([
      ['Compile Bicep', 0],
      ['keyscope scan', 0],
      ['Gate', 1],
    ]);
    expect(agent.variables.get('keyscopeExitCode')).toBe('1');
    const staging = path.join(work, 'a');
    const report = JSON.parse(readFileSync(path.join(staging, 'keyscope', 'keyscope.json'), 'utf8')) as JsonReport;
    expect(report.scan.sources.map((source) => source.kind).sort()).toEqual(['arm', 'terraform']);
    const open = report.findings.filter((finding) => !finding.suppression).length;
    expect(open).toBeGreaterThan(0);

    // The Tests tab: the JUnit report, one failure per open finding.
    expect(agent.published.filter((entry) => entry.kind === 'tests')).toEqual([
      { kind: 'tests', file: path.join(staging, 'keyscope', 'keyscope-junit.xml'), title: 'keyscope' },
    ]);
    const junit = readFileSync(path.join(staging, 'keyscope', 'keyscope-junit.xml'), 'utf8');
    expect(junit.match(/<failure /g)).toHaveLength(open);
    // The Scans tab reads the SARIF from the CodeAnalysisLogs artifact.
    expect(readdirSync(path.join(artifacts, 'CodeAnalysisLogs'))).toEqual(['keyscope.sarif']);
    expect(readdirSync(path.join(artifacts, 'keyscope-report')).sort()).toEqual([
      'keyscope-junit.xml',
      'keyscope.html',
      'keyscope.json',
      'keyscope.txt',
    ]);
    rmSync(work, { recursive: true, force: true });
  });
});

describe('examples/azure-pipelines/tenant-scan.yml', () => {
  const pipeline = load('tenant-scan.yml');
  const tenant = generateTenant('small');
  const [first, second, third] = tenant.subscriptions as [string, string, string];
  let certificate: TestCertificate;
  let live: LiveTenant;

  beforeAll(async () => {
    // The example's management groups, one subscription each; the identity cannot read the second.
    tenant.managementGroups.set('mg-sales', [first]);
    tenant.managementGroups.set('mg-operations', [second]);
    tenant.managementGroups.set('mg-platform', [third]);
    certificate = createTestCertificate();
    live = await serveTenant(certificate, tenant, { trimmed: [second] });
  });
  afterAll(async () => {
    await live.close();
    certificate.dispose();
  });

  test('each shard job signs in with the federated token and exports its management group; the report job scans all shards', async () => {
    const [shardJob, reportJob] = pipeline.jobs! as [Job, Job];
    expect(shardJob.job).toBe('shard');
    expect(reportJob.job).toBe('report');
    const work = mkdtempSync(path.join(tmpdir(), 'keyscope-azp-tenant-'));
    const artifacts = path.join(work, 'artifacts');
    mkdirSync(artifacts);
    const bin = shim(path.join(work, 'bin'), live.endpoint.url);
    const env = cleanEnv({
      PATH: `${bin}:${process.env['PATH']}`,
      NODE_EXTRA_CA_CERTS: certificate.certFile,
      AZURE_AUTHORITY_HOST: live.endpoint.url,
    });
    // What AzureCLI@2 puts in the script's environment for a workload-identity service connection.
    const azureCli = { servicePrincipalId: CLIENT_ID, tenantId: tenant.tenantId, idToken: FEDERATED_TOKEN };

    const legs = Object.entries(shardJob.strategy!.matrix);
    expect(legs.map(([, variables]) => variables['managementGroup'])).toEqual(['mg-sales', 'mg-operations', 'mg-platform']);
    for (const [leg, variables] of legs) {
      const agent = new Agent(path.join(work, leg), artifacts, env, { ...pipeline.variables, ...variables });
      await agent.run(shardJob.steps, azureCli);
      // A subscription the identity cannot read is named on stderr (and in the export's header); the shard still exports.
      const unread = leg === 'operations' ? expect.stringMatching(/^\S+  subscription-not-read  .+\n$/) : '';
      expect([leg, agent.results.map((result) => [result.name, result.code, result.stderr])]).toEqual([
        leg,
        [[`Read ${variables['managementGroup']}`, 0, unread]],
      ]);
      // The token file is removed once the scan has signed in.
      expect(readdirSync(path.join(work, leg, 'tmp')).filter((file) => file.includes('token'))).toEqual([]);
    }
    expect(readdirSync(artifacts).sort()).toEqual(['shard-mg-operations', 'shard-mg-platform', 'shard-mg-sales']);
    // Three federated sign-ins, no secret.
    const tokens = live.endpoint.requests.filter((request) => request.kind === 'token');
    expect(tokens).toHaveLength(3);
    for (const request of tokens) {
      expect(request.status).toBe(200);
      expect(request.body).toEqual(
        expect.objectContaining({ client_id: CLIENT_ID, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' }),
      );
      expect(request.body).not.toHaveProperty('client_secret');
    }

    const agent = new Agent(path.join(work, 'report'), artifacts, env, pipeline.variables);
    await agent.run(reportJob.steps, azureCli);
    expect(agent.results.map((result) => [result.name, result.code])).toEqual([
      ['keyscope scan', 0],
      ['Gate', 3],
    ]);
    const staging = path.join(work, 'report', 'a');
    const report = JSON.parse(readFileSync(path.join(staging, 'keyscope', 'keyscope.json'), 'utf8')) as JsonReport;
    expect(report.scan.sources.map((source) => source.kind)).toEqual(['export', 'export', 'export']);
    expect(report.scan.complete).toBe(false);
    expect(report.scan.errors.map((problem) => [problem.code, problem.target])).toEqual([['subscription-not-read', second]]);
    expect(report.scan.scopes).toEqual([first, third]);
    expect(agent.published.filter((entry) => entry.kind === 'tests').map((entry) => entry.title)).toEqual(['keyscope tenant scan']);
    const junit = readFileSync(path.join(staging, 'keyscope', 'keyscope-junit.xml'), 'utf8');
    expect(junit.match(/<failure /g)).toHaveLength(report.findings.filter((finding) => !finding.suppression).length);
    expect(readdirSync(path.join(artifacts, 'CodeAnalysisLogs'))).toEqual(['keyscope.sarif']);
    expect(readdirSync(path.join(artifacts, 'keyscope-report')).sort()).toEqual([
      'keyscope-junit.xml',
      'keyscope.csv',
      'keyscope.html',
      'keyscope.json',
      'keyscope.txt',
    ]);
    rmSync(work, { recursive: true, force: true });
  });
});
