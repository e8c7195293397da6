import { ConfigReader } from '@backstage/config';
import { testConfig } from '../__testUtils__/fixtures';
import { readEmrOnEksSettings } from './settings';

/** The settings with `events` (and `notifications`) set on the test cluster. */
function read(events: unknown, notifications?: unknown) {
  const config = testConfig() as any;
  config.emrOnEks.clusters[0].events = events;
  if (notifications !== undefined) {
    config.emrOnEks.notifications = notifications;
  }
  return readEmrOnEksSettings(new ConfigReader(config));
}

describe('emrOnEks.clusters[].events and emrOnEks.notifications', () => {
  it('reads the queue of a cluster’s job-run events, on AWS and on moto', () => {
    for (const queueUrl of [
      'https://sqs.eu-west-1.amazonaws.com/123456789012/emr-job-run-events',
      'http://127.0.0.1:5000/123456789012/emr-job-run-events',
    ]) {
      expect(read({ queueUrl }).clusters[0].events).toEqual({ queueUrl });
    }
  });

  it('has no events without a queue URL (an unset variable in app-config)', () => {
    expect(read({}).clusters[0].events?.queueUrl).toBeUndefined();
  });

  it.each([
    ['not a URL', 'emr-job-run-events'],
    [
      'a URL with a query',
      'https://sqs.eu-west-1.amazonaws.com/123456789012/q?x=1',
    ],
    ['an ARN', 'arn:aws:sqs:eu-west-1:123456789012:q'],
  ])('refuses %s, naming the key', (_what, queueUrl) => {
    expect(() => read({ queueUrl })).toThrow(
      'emrOnEks.clusters[0].events.queueUrl must be an SQS queue URL',
    );
  });

  it('refuses unknown keys under events', () => {
    expect(() => read({ queueUrl: undefined, queue: 'x' })).toThrow(
      /emrOnEks\.clusters\[0\]\.events/,
    );
  });

  it('sends every notification unless switched off', () => {
    expect(read(undefined).notifications).toEqual({
      jobRunFailed: true,
      jobRunCancelled: true,
      tenantReady: true,
      tenantFailed: true,
      budgetThreshold: true,
      budgetDigest: [],
    });
    expect(
      read(undefined, { budgetDigest: ['Group:Default/Platform-Team'] })
        .notifications.budgetDigest,
    ).toEqual(['group:default/platform-team']);
    expect(() =>
      read(undefined, { budgetDigest: ['component:default/x'] }),
    ).toThrow(
      /emrOnEks\.notifications\.budgetDigest\[0\] must be a user or group ref/,
    );
    expect(read(undefined, { tenantReady: false }).notifications).toMatchObject(
      { tenantReady: false, jobRunFailed: true },
    );
    expect(() => read(undefined, { jobRunFailed: 'no' })).toThrow(
      /emrOnEks\.notifications\.jobRunFailed/,
    );
  });
});
