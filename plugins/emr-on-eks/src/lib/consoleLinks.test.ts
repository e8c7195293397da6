import {
  consoleHost,
  consoleLinks,
  parseJobRunArn,
  partitionOfRegion,
} from './consoleLinks';

const base = {
  virtualClusterId: 'vc123',
  emrJobRunId: '000000033ftc9ke9n7e',
  logGroupName: '/emr-on-eks/shared/team-a',
  assetsPrefix: 's3://shared-emr-assets/tenants/team-a/uid-a/',
  jobName: 'daily-sales',
};

function byKind(links: ReturnType<typeof consoleLinks>) {
  return Object.fromEntries(links.map(link => [link.kind, link.href]));
}

describe('partitions', () => {
  it.each([
    ['eu-west-1', 'aws', 'console.aws.amazon.com'],
    ['us-east-1', 'aws', 'console.aws.amazon.com'],
    ['cn-north-1', 'aws-cn', 'console.amazonaws.cn'],
    ['cn-northwest-1', 'aws-cn', 'console.amazonaws.cn'],
    ['us-gov-west-1', 'aws-us-gov', 'console.amazonaws-us-gov.com'],
  ])('region %s is in partition %s, console %s', (region, partition, host) => {
    expect(partitionOfRegion(region)).toBe(partition);
    expect(consoleHost(region)).toBe(host);
  });
});

describe('parseJobRunArn', () => {
  it('splits a job run ARN of each partition', () => {
    expect(
      parseJobRunArn(
        'arn:aws-cn:emr-containers:cn-north-1:123456789012:/virtualclusters/vc123/jobruns/000000033ftc9ke9n7e',
      ),
    ).toEqual({
      partition: 'aws-cn',
      region: 'cn-north-1',
      accountId: '123456789012',
      virtualClusterId: 'vc123',
      jobRunId: '000000033ftc9ke9n7e',
    });
    expect(
      parseJobRunArn(
        'arn:aws-us-gov:emr-containers:us-gov-west-1:123456789012:/virtualclusters/vc1/jobruns/j1',
      )?.region,
    ).toBe('us-gov-west-1');
  });

  it('refuses anything that is not a job run ARN', () => {
    expect(parseJobRunArn(undefined)).toBeUndefined();
    expect(parseJobRunArn('')).toBeUndefined();
    expect(
      parseJobRunArn(
        'arn:aws:emr-containers:eu-west-1:123456789012:/virtualclusters/vc1',
      ),
    ).toBeUndefined();
    expect(
      parseJobRunArn(
        'arn:aws:emr-containers:eu-west-1#x:123456789012:/virtualclusters/vc1/jobruns/j1',
      ),
    ).toBeUndefined();
  });
});

describe('consoleLinks', () => {
  it('links the commercial console: logs, S3, the EMR job runs and the Spark UI entry', () => {
    const links = consoleLinks({
      ...base,
      region: 'eu-west-1',
      accountId: '123456789012',
    });
    expect(byKind(links)).toEqual({
      'cloudwatch-logs':
        'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/' +
        '$252Femr-on-eks$252Fshared$252Fteam-a$3FlogStreamNameFilter$3D' +
        'daily-sales$252Fvc123$252Fjobs$252F000000033ftc9ke9n7e$252F',
      's3-logs':
        'https://console.aws.amazon.com/s3/buckets/shared-emr-assets?region=eu-west-1' +
        '&prefix=tenants%2Fteam-a%2Fuid-a%2Flogs%2Fvc123%2Fjobs%2F000000033ftc9ke9n7e%2F&showversions=false',
      'emr-job-runs':
        'https://console.aws.amazon.com/elasticmapreduce/home?region=eu-west-1#virtual-cluster-jobs:vc123',
      'spark-ui':
        'https://console.aws.amazon.com/elasticmapreduce/home?region=eu-west-1#virtual-cluster-jobs:vc123',
    });
    expect(links.map(l => l.description).join('\n')).toContain(
      'account 123456789012',
    );
  });

  it('uses the China console for cn-* regions', () => {
    const links = byKind(consoleLinks({ ...base, region: 'cn-north-1' }));
    expect(
      Object.values(links).every(href =>
        href.startsWith('https://console.amazonaws.cn/'),
      ),
    ).toBe(true);
    expect(links['cloudwatch-logs']).toContain('region=cn-north-1#logsV2:');
    expect(links['s3-logs']).toContain(
      '/s3/buckets/shared-emr-assets?region=cn-north-1',
    );
  });

  it('uses the GovCloud console for us-gov-* regions', () => {
    const links = byKind(consoleLinks({ ...base, region: 'us-gov-west-1' }));
    expect(
      Object.values(links).every(href =>
        href.startsWith('https://console.amazonaws-us-gov.com/'),
      ),
    ).toBe(true);
    expect(links['emr-job-runs']).toBe(
      'https://console.amazonaws-us-gov.com/elasticmapreduce/home?region=us-gov-west-1#virtual-cluster-jobs:vc123',
    );
  });

  it('leaves out the log links without the tenant (no read access to it)', () => {
    const links = consoleLinks({
      region: 'eu-west-1',
      virtualClusterId: 'vc123',
      emrJobRunId: 'j1',
      jobName: 'daily-sales',
    });
    expect(links.map(l => l.kind)).toEqual(['emr-job-runs', 'spark-ui']);
  });

  it('filters by the job name alone before EMR gave the run an id', () => {
    const links = byKind(
      consoleLinks({ ...base, emrJobRunId: undefined, region: 'eu-west-1' }),
    );
    expect(links['cloudwatch-logs']).toMatch(
      /logStreamNameFilter\$3Ddaily-sales\$252F$/,
    );
    expect(links['s3-logs']).toContain(
      'prefix=tenants%2Fteam-a%2Fuid-a%2Flogs%2F&',
    );
    expect(links['spark-ui']).toBeUndefined();
  });

  it('writes the stream prefix as the backend does: ":" and "*" become "-"', () => {
    const links = byKind(
      consoleLinks({ ...base, jobName: 'a:b*c', region: 'eu-west-1' }),
    );
    expect(links['cloudwatch-logs']).toContain('$3Da-b-c$252F');
  });

  it('gives no links for a region that is not one', () => {
    expect(consoleLinks({ ...base, region: 'evil.example.com/' })).toEqual([]);
    expect(consoleLinks({ ...base, region: '' })).toEqual([]);
  });
});
