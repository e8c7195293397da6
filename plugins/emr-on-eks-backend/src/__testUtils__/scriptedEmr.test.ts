import {
  CancelJobRunCommand,
  DescribeJobRunCommand,
  DescribeVirtualClusterCommand,
  EMRContainersClient,
  JobRun,
  ListJobRunsCommand,
  StartJobRunCommand,
  StartJobRunCommandInput,
  paginateListJobRuns,
} from '@aws-sdk/client-emr-containers';
import { ScriptedEmrServer, startScriptedEmr } from './scriptedEmr';

const EXECUTION_ROLE = 'arn:aws:iam::123456789012:role/spark-job';
const BASE_TIME = Date.parse('2024-01-01T00:00:00Z');

describe('startScriptedEmr through the real EMR on EKS client', () => {
  let server: ScriptedEmrServer;
  const clients: EMRContainersClient[] = [];
  let client: EMRContainersClient;
  let clusterCount = 0;

  const newClient = (maxAttempts?: number) => {
    const created = new EMRContainersClient({
      region: 'us-east-1',
      endpoint: server.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts,
    });
    clients.push(created);
    return created;
  };

  /** A fresh virtual cluster per test keeps tests independent. */
  const newVirtualCluster = () => {
    const id = `vc${++clusterCount}`;
    server.addVirtualCluster({ id, namespace: `team-${clusterCount}` });
    return id;
  };

  const startInput = (
    virtualClusterId: string,
    extra: Partial<StartJobRunCommandInput> = {},
  ): StartJobRunCommandInput => ({
    virtualClusterId,
    name: 'etl',
    executionRoleArn: EXECUTION_ROLE,
    releaseLabel: 'emr-7.5.0-latest',
    jobDriver: { sparkSubmitJobDriver: { entryPoint: 's3://bucket/app.py' } },
    ...extra,
  });

  const describeJob = async (
    virtualClusterId: string,
    id: string,
  ): Promise<JobRun> => {
    const { jobRun } = await client.send(
      new DescribeJobRunCommand({ virtualClusterId, id }),
    );
    return jobRun!;
  };

  const at = (minutes: number) => new Date(BASE_TIME + minutes * 60_000);

  beforeAll(async () => {
    server = await startScriptedEmr();
    client = newClient();
  });

  afterAll(async () => {
    clients.forEach(created => created.destroy());
    await server.stop();
  });

  it('walks a started job PENDING -> SUBMITTED -> RUNNING -> COMPLETED on advance()', async () => {
    const vc = newVirtualCluster();
    const before = Date.now();
    const started = await client.send(
      new StartJobRunCommand(
        startInput(vc, {
          configurationOverrides: {
            applicationConfiguration: [
              {
                classification: 'spark-defaults',
                properties: { 'spark.executor.memory': '2g' },
              },
            ],
          },
          tags: { team: 'data' },
        }),
      ),
    );
    expect(started.id).toMatch(/^[0-9a-z]{19}$/);
    expect(started).toMatchObject({
      name: 'etl',
      virtualClusterId: vc,
      arn: `arn:aws:emr-containers:us-east-1:123456789012:/virtualclusters/${vc}/jobruns/${started.id}`,
    });
    const id = started.id!;

    for (const expected of ['PENDING', 'SUBMITTED', 'RUNNING']) {
      const jobRun = await describeJob(vc, id);
      expect(jobRun.state).toBe(expected);
      expect(jobRun.finishedAt).toBeUndefined();
      server.advance(id);
    }

    const done = await describeJob(vc, id);
    expect(done).toMatchObject({
      id,
      name: 'etl',
      virtualClusterId: vc,
      arn: started.arn,
      state: 'COMPLETED',
      executionRoleArn: EXECUTION_ROLE,
      releaseLabel: 'emr-7.5.0-latest',
      jobDriver: { sparkSubmitJobDriver: { entryPoint: 's3://bucket/app.py' } },
      configurationOverrides: {
        applicationConfiguration: [
          {
            classification: 'spark-defaults',
            properties: { 'spark.executor.memory': '2g' },
          },
        ],
      },
      tags: { team: 'data' },
      createdBy: expect.stringMatching(/^arn:aws:iam::123456789012:/),
    });
    // The SDK generated the clientToken; the job reports the one it was sent.
    const startCall = server.calls.find(
      call => call.operation === 'StartJobRun' && call.jobId === id,
    );
    expect(done.clientToken).toBe(startCall?.body.clientToken);
    expect(done.clientToken).toEqual(expect.any(String));
    expect(done.createdAt).toBeInstanceOf(Date);
    expect(done.createdAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(done.finishedAt!.getTime()).toBeGreaterThanOrEqual(
      done.createdAt!.getTime(),
    );

    // A terminal job stays where it is.
    server.advance(id);
    expect(server.state(id)).toBe('COMPLETED');
  });

  it('reports a FAILED script with its failureReason and stateDetails', async () => {
    const vc = newVirtualCluster();
    const id = server.addJob(vc, {
      name: 'nightly',
      createdAt: at(0),
      tags: { source: 'airflow' },
      script: [
        { state: 'RUNNING' },
        {
          state: 'FAILED',
          failureReason: 'USER_ERROR',
          stateDetails: 'Driver exited with code 1',
        },
      ],
    });

    const running = await describeJob(vc, id);
    expect(running).toMatchObject({ state: 'RUNNING', name: 'nightly' });
    expect(running.failureReason).toBeUndefined();
    expect(running.stateDetails).toBeUndefined();

    server.advance(id);
    const failed = await describeJob(vc, id);
    expect(failed).toMatchObject({
      state: 'FAILED',
      failureReason: 'USER_ERROR',
      stateDetails: 'Driver exited with code 1',
      releaseLabel: 'emr-7.5.0-latest',
      tags: { source: 'airflow' },
      createdAt: at(0),
    });
    expect(failed.finishedAt!.getTime()).toBeGreaterThanOrEqual(
      at(0).getTime(),
    );
  });

  it('follows setScript and defaultScript for jobs created by StartJobRun', async () => {
    const vc = newVirtualCluster();
    const scripted = await client.send(new StartJobRunCommand(startInput(vc)));
    server.setScript(scripted.id!, [
      { state: 'SUBMITTED' },
      { state: 'FAILED', failureReason: 'CLUSTER_UNAVAILABLE' },
    ]);
    expect((await describeJob(vc, scripted.id!)).state).toBe('SUBMITTED');
    server.advance(scripted.id!);
    expect(await describeJob(vc, scripted.id!)).toMatchObject({
      state: 'FAILED',
      failureReason: 'CLUSTER_UNAVAILABLE',
    });

    const original = server.defaultScript;
    server.defaultScript = [{ state: 'RUNNING' }, { state: 'COMPLETED' }];
    try {
      const started = await client.send(new StartJobRunCommand(startInput(vc)));
      expect(server.state(started.id!)).toBe('RUNNING');
      server.advance();
      expect(server.state(started.id!)).toBe('COMPLETED');
    } finally {
      server.defaultScript = original;
    }
  });

  it('honours clientToken: a repeated StartJobRun returns the same job and creates nothing', async () => {
    const vc = newVirtualCluster();
    const first = await client.send(
      new StartJobRunCommand(startInput(vc, { clientToken: 'token-1' })),
    );
    const second = await client.send(
      new StartJobRunCommand(startInput(vc, { clientToken: 'token-1' })),
    );
    expect(second.id).toBe(first.id);
    expect(second.arn).toBe(first.arn);
    expect(server.jobCount(vc)).toBe(1);

    const other = await client.send(
      new StartJobRunCommand(startInput(vc, { clientToken: 'token-2' })),
    );
    expect(other.id).not.toBe(first.id);
    expect(server.jobCount(vc)).toBe(2);

    // Tokens are scoped to the virtual cluster.
    const otherVc = newVirtualCluster();
    const elsewhere = await client.send(
      new StartJobRunCommand(startInput(otherVc, { clientToken: 'token-1' })),
    );
    expect(elsewhere.id).not.toBe(first.id);
    expect(server.jobCount(otherVc)).toBe(1);
  });

  it('pages ListJobRuns newest first, every job exactly once', async () => {
    const vc = newVirtualCluster();
    const ids = Array.from({ length: 120 }, (_, minute) =>
      server.addJob(vc, { name: `job-${minute}`, createdAt: at(minute) }),
    );
    server.clearCalls();

    const pages: string[][] = [];
    for await (const page of paginateListJobRuns(
      { client, pageSize: 100 },
      { virtualClusterId: vc },
    )) {
      pages.push(page.jobRuns!.map(jobRun => jobRun.id!));
      // Fails fast instead of paging forever if nextToken stops advancing.
      expect(pages.length).toBeLessThanOrEqual(3);
    }

    // maxResults 100 is capped by the server's page size of 50.
    expect(pages.map(page => page.length)).toEqual([50, 50, 20]);
    expect(pages.flat()).toEqual([...ids].reverse());
    const listCalls = server.calls.filter(
      call => call.operation === 'ListJobRuns',
    );
    expect(listCalls.map(call => call.query.maxResults)).toEqual([
      '100',
      '100',
      '100',
    ]);
    expect(listCalls[0].query.nextToken).toBeUndefined();
    expect(listCalls[1].query.nextToken).toEqual(expect.any(String));
  });

  it('caps pages at maxResults and keeps nextToken valid when jobs arrive between pages', async () => {
    const vc = newVirtualCluster();
    const ids = Array.from({ length: 10 }, (_, minute) =>
      server.addJob(vc, { createdAt: at(minute) }),
    );

    const first = await client.send(
      new ListJobRunsCommand({ virtualClusterId: vc, maxResults: 4 }),
    );
    expect(first.jobRuns!.map(jobRun => jobRun.id)).toEqual(
      ids.slice(6).reverse(),
    );
    // A newer job must not shift the next page.
    server.addJob(vc, { createdAt: at(60) });
    const second = await client.send(
      new ListJobRunsCommand({
        virtualClusterId: vc,
        maxResults: 4,
        nextToken: first.nextToken,
      }),
    );
    expect(second.jobRuns!.map(jobRun => jobRun.id)).toEqual(
      ids.slice(2, 6).reverse(),
    );
    const last = await client.send(
      new ListJobRunsCommand({
        virtualClusterId: vc,
        maxResults: 4,
        nextToken: second.nextToken,
      }),
    );
    expect(last.jobRuns!.map(jobRun => jobRun.id)).toEqual(
      ids.slice(0, 2).reverse(),
    );
    expect(last.nextToken).toBeUndefined();

    server.pageSize = 3;
    try {
      const capped = await client.send(
        new ListJobRunsCommand({ virtualClusterId: vc, maxResults: 4 }),
      );
      expect(capped.jobRuns).toHaveLength(3);
    } finally {
      server.pageSize = 50;
    }

    await expect(
      client.send(
        new ListJobRunsCommand({ virtualClusterId: vc, nextToken: 'garbage' }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('filters ListJobRuns by createdAfter, createdBefore, name and states', async () => {
    const vc = newVirtualCluster();
    const ids = Array.from({ length: 10 }, (_, minute) =>
      server.addJob(vc, {
        name: minute % 2 === 0 ? 'even' : 'odd',
        createdAt: at(minute),
      }),
    );
    server.advance(ids[9]);
    server.clearCalls();

    const after = await client.send(
      new ListJobRunsCommand({ virtualClusterId: vc, createdAfter: at(5) }),
    );
    // createdAfter is inclusive, as in moto.
    expect(after.jobRuns!.map(jobRun => jobRun.id)).toEqual(
      ids.slice(5).reverse(),
    );
    // The SDK sends query timestamps as ISO-8601 with `.000` dropped.
    expect(server.calls[0].query.createdAfter).toBe('2024-01-01T00:05:00Z');

    const between = await client.send(
      new ListJobRunsCommand({
        virtualClusterId: vc,
        createdAfter: at(2),
        createdBefore: at(4),
        name: 'even',
      }),
    );
    expect(between.jobRuns!.map(jobRun => jobRun.id)).toEqual([ids[4], ids[2]]);

    const submitted = await client.send(
      new ListJobRunsCommand({
        virtualClusterId: vc,
        states: ['SUBMITTED', 'RUNNING'],
      }),
    );
    expect(submitted.jobRuns!.map(jobRun => jobRun.id)).toEqual([ids[9]]);
    expect(server.calls[2].query.states).toEqual(['SUBMITTED', 'RUNNING']);
  });

  it('cancels a job to CANCEL_PENDING, then CANCELLED on advance, and refuses a terminal one', async () => {
    const vc = newVirtualCluster();
    const { id } = await client.send(new StartJobRunCommand(startInput(vc)));
    server.advance(id!);

    const cancelled = await client.send(
      new CancelJobRunCommand({ virtualClusterId: vc, id }),
    );
    expect(cancelled).toMatchObject({ id, virtualClusterId: vc });
    const pending = await describeJob(vc, id!);
    expect(pending.state).toBe('CANCEL_PENDING');
    expect(pending.finishedAt).toBeUndefined();

    server.advance(id!);
    const done = await describeJob(vc, id!);
    expect(done.state).toBe('CANCELLED');
    expect(done.finishedAt).toBeInstanceOf(Date);

    await expect(
      client.send(new CancelJobRunCommand({ virtualClusterId: vc, id })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('describes a virtual cluster and answers ResourceNotFoundException once it is removed', async () => {
    const vc = newVirtualCluster();
    const { id } = await client.send(new StartJobRunCommand(startInput(vc)));
    const { virtualCluster } = await client.send(
      new DescribeVirtualClusterCommand({ id: vc }),
    );
    expect(virtualCluster).toMatchObject({
      id: vc,
      arn: `arn:aws:emr-containers:us-east-1:123456789012:/virtualclusters/${vc}`,
      state: 'RUNNING',
      containerProvider: {
        type: 'EKS',
        id: 'shared-data',
        info: { eksInfo: { namespace: `team-${clusterCount}` } },
      },
    });
    expect(virtualCluster!.createdAt).toBeInstanceOf(Date);

    await expect(describeJob(vc, 'nosuchjob')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });

    server.removeVirtualCluster(vc);
    const gone = {
      name: 'ResourceNotFoundException',
      message: `Virtual cluster ${vc} doesn't exist.`,
      $metadata: { httpStatusCode: 404 },
    };
    await expect(describeJob(vc, id!)).rejects.toMatchObject(gone);
    await expect(
      client.send(new DescribeVirtualClusterCommand({ id: vc })),
    ).rejects.toMatchObject(gone);
    await expect(
      client.send(new ListJobRunsCommand({ virtualClusterId: vc })),
    ).rejects.toMatchObject(gone);
    await expect(
      client.send(new StartJobRunCommand(startInput(vc))),
    ).rejects.toMatchObject(gone);
    expect(server.jobCount(vc)).toBe(1);
  });

  it('injects throttling that a client with maxAttempts 5 retries transparently', async () => {
    const vc = newVirtualCluster();
    server.addJob(vc, { createdAt: at(0) });
    const retrying = newClient(5);
    server.clearCalls();
    server.failNext(
      2,
      { status: 429, code: 'ThrottlingException', message: 'Rate exceeded' },
      'ListJobRuns',
    );

    const listed = await retrying.send(
      new ListJobRunsCommand({ virtualClusterId: vc }),
    );

    expect(listed.jobRuns).toHaveLength(1);
    expect(listed.$metadata.attempts).toBe(3);
    expect(
      server.calls.filter(call => call.operation === 'ListJobRuns'),
    ).toHaveLength(3);
  });

  it('surfaces injected errors to a client with maxAttempts 1, for the matching operation only', async () => {
    const vc = newVirtualCluster();
    const single = newClient(1);
    server.failNext(
      1,
      { status: 429, code: 'ThrottlingException', message: 'Rate exceeded' },
      'ListJobRuns',
    );

    // Another operation is not affected by a failure aimed at ListJobRuns.
    await expect(
      single.send(new DescribeVirtualClusterCommand({ id: vc })),
    ).resolves.toMatchObject({ virtualCluster: { id: vc } });
    await expect(
      single.send(new ListJobRunsCommand({ virtualClusterId: vc })),
    ).rejects.toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 429 },
    });
    // The failure is used up.
    await expect(
      single.send(new ListJobRunsCommand({ virtualClusterId: vc })),
    ).resolves.toMatchObject({ jobRuns: [] });

    // A failed StartJobRun creates nothing.
    server.failNext(1, { status: 500, code: 'InternalServerException' });
    await expect(
      single.send(new StartJobRunCommand(startInput(vc))),
    ).rejects.toMatchObject({
      name: 'InternalServerException',
      $metadata: { httpStatusCode: 500 },
    });
    expect(server.jobCount(vc)).toBe(0);
  });
});
