import {
  DescribeJobRunCommand,
  EMRContainersClient,
} from '@aws-sdk/client-emr-containers';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ChildProcess, spawn } from 'node:child_process';
import request from 'supertest';
import { DAILY_SALES, TEAM_A } from './__testUtils__/fixtures';
import {
  ADMIN,
  as,
  BASE,
  onboard,
  useIntegrationHarness,
} from './__testUtils__/harness';
import { startEmrOnEksBackend, USERS } from './__testUtils__/testBackend';
import { freePort } from './__testUtils__/moto';

/*
 * Issue 19 on the local stack: the backend talks to AWS through the job-run
 * simulator in front of moto, as `npm start` runs it. A run submitted with
 * retries carries its retry policy, and its Spark UI button gets a link to
 * the simulator's stand-in page (moto has no persistent app UIs); the EMR
 * API's calls reach the simulator, not moto.
 */

jest.setTimeout(60_000);

const harness = useIntegrationHarness();
const SALES = {
  ...DAILY_SALES,
  executor: { ...DAILY_SALES.executor, maxExecutors: 10 },
};

/**
 * The local stack's job-run simulator as `node` runs it (its own process,
 * as on `npm start`), in front of moto, on a free port; runs 1000 times as
 * fast as on a laptop.
 */
async function startSimulator(upstream: string) {
  const port = await freePort();
  const script = resolvePackagePath(
    '@spot-spark/plugin-emr-on-eks-backend',
    '../../examples/local/jobRunSimulator.mjs',
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [script, '--upstream', upstream, '--port', String(port), '--speed', '1000'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', chunk => {
    output += chunk;
  });
  child.stderr?.on('data', chunk => {
    output += chunk;
  });
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  // Bounded: 20 s for it to say it listens.
  const deadline = Date.now() + 20_000;
  while (!output.includes('LOCAL ONLY')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`the job-run simulator did not start: ${output}`);
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  return {
    endpoint,
    async stop() {
      child.kill();
      await exited;
    },
  };
}

describe('the Spark UI and retries on the local stack (moto + simulator)', () => {
  let simulator: { endpoint: string; stop(): Promise<void> };

  beforeAll(async () => {
    simulator = await startSimulator(harness.proxy.endpoint);
  });

  afterAll(async () => {
    await simulator?.stop();
  });

  it('opens the stand-in Spark UI of a run with retries, for alice and not for bob', async () => {
    const backend = await startEmrOnEksBackend({
      emrOnEks: {
        ...(harness.directConfig().emrOnEks as object),
        aws: { endpoint: simulator.endpoint },
      },
    });
    try {
      const tenant = await onboard(backend.server, TEAM_A, USERS.alice);
      expect(tenant.status.phase).toBe('Ready');
      const submitted = await request(backend.server)
        .post(`${BASE}/tenants/team-a/job-runs`)
        .set('Authorization', as(USERS.alice))
        .send({ ...SALES, retries: 1 })
        .expect(201);
      const run = submitted.body;

      // The simulator kept the retry policy, and reports the attempts.
      const emr = new EMRContainersClient({
        region: 'us-east-1',
        endpoint: simulator.endpoint,
      });
      const { jobRun } = await emr
        .send(
          new DescribeJobRunCommand({
            virtualClusterId: run.virtualClusterId,
            id: run.emrJobRunId,
          }),
        )
        .finally(() => emr.destroy());
      expect(jobRun?.retryPolicyConfiguration).toEqual({ maxAttempts: 2 });
      expect(jobRun?.retryPolicyExecution?.currentAttemptCount).toBeGreaterThan(
        0,
      );

      harness.proxy.clear();
      const link = await request(backend.server)
        .post(`${BASE}/job-runs/${run.id}/spark-ui`)
        .set('Authorization', as(USERS.alice))
        .expect(200);
      expect(link.body.url).toMatch(
        new RegExp(`^${simulator.endpoint}/local-spark-ui/p-[0-9a-z]{26}$`),
      );
      // Nothing of it went on to moto.
      expect(
        harness.proxy.calls.filter(call => call.service === 'elasticmapreduce'),
      ).toEqual([]);
      const page = await fetch(link.body.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Spark UI: local stand-in');

      const hidden = await request(backend.server)
        .post(`${BASE}/job-runs/${run.id}/spark-ui`)
        .set('Authorization', as(USERS.bob));
      expect(hidden.status).toBe(404);
      // The admin sees it too, and gets the same UI.
      const again = await request(backend.server)
        .post(`${BASE}/job-runs/${run.id}/spark-ui`)
        .set('Authorization', ADMIN)
        .expect(200);
      expect(again.body.url).toBe(link.body.url);
    } finally {
      await backend.stop();
    }
  });
});
