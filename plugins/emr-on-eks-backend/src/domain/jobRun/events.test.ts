import fc from 'fast-check';
import { parseJobRunMessage } from './events';

const ARN =
  'arn:aws:emr-containers:eu-west-1:123456789012:/virtualclusters/vc0123456789abcdef/jobruns/0000000abcdefgh1234';

/** A state-change event as EventBridge delivers it. */
function stateChange(overrides: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'c1d2e3f4-0000-0000-0000-000000000001',
    'detail-type': 'EMR Job Run State Change',
    source: 'aws.emr-containers',
    account: '123456789012',
    time: '2026-12-07T10:00:05Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      severity: 'ERROR',
      name: 'daily-sales',
      id: '0000000abcdefgh1234',
      arn: ARN,
      virtualClusterId: 'vc0123456789abcdef',
      state: 'FAILED',
      releaseLabel: 'emr-7.5.0-latest',
      failureReason: 'USER_ERROR',
      stateDetails: 'Job failed: exit code 1',
      message: 'Job run 0000000abcdefgh1234 (daily-sales) is in state FAILED',
    },
    ...overrides,
  };
}

describe('parseJobRunMessage', () => {
  it('reads a state change: the run, its state and EMR’s time', () => {
    expect(parseJobRunMessage(JSON.stringify(stateChange()))).toEqual({
      kind: 'event',
      event: {
        kind: 'state',
        eventId: 'c1d2e3f4-0000-0000-0000-000000000001',
        virtualClusterId: 'vc0123456789abcdef',
        emrJobRunId: '0000000abcdefgh1234',
        state: 'FAILED',
        failureReason: 'USER_ERROR',
        stateDetails: 'Job failed: exit code 1',
        at: new Date('2026-12-07T10:00:05Z'),
      },
    });
  });

  it('reads the newer detail type, and the run from its ARN when the ids are missing', () => {
    const event = stateChange({
      'detail-type': 'EmrContainers Job Run State Change',
      resources: [ARN],
      detail: { state: 'RUNNING' },
    });
    expect(parseJobRunMessage(JSON.stringify(event))).toMatchObject({
      kind: 'event',
      event: {
        kind: 'state',
        state: 'RUNNING',
        virtualClusterId: 'vc0123456789abcdef',
        emrJobRunId: '0000000abcdefgh1234',
      },
    });
  });

  it('reads a new driver attempt with its count and the previous driver’s failure', () => {
    const event = stateChange({
      'detail-type': 'EMR Job Run New Driver Attempt',
      detail: {
        id: '0000000abcdefgh1234',
        virtualClusterId: 'vc0123456789abcdef',
        currentAttemptCount: 2,
        newDriverPodName: 'spark-0000000abcdefgh1234-driver-x1y2z',
        newDriverCreatedAt: '2026-12-07T10:01:00Z',
        previousDriverFailureMessage: 'OOMKilled',
      },
    });
    expect(parseJobRunMessage(JSON.stringify(event))).toEqual({
      kind: 'event',
      event: expect.objectContaining({
        kind: 'driver-attempt',
        attempt: 2,
        at: new Date('2026-12-07T10:01:00Z'),
        details: 'OOMKilled',
      }),
    });
  });

  it.each([
    ['another source', stateChange({ source: 'aws.emr-serverless' })],
    ['another detail type', stateChange({ 'detail-type': 'Object Created' })],
  ])('calls an event of %s foreign', (_what, event) => {
    expect(parseJobRunMessage(JSON.stringify(event)).kind).toBe('foreign');
  });

  it.each([
    ['not JSON', '{"source":'],
    ['empty', ''],
    ['JSON but no event', '[1,2,3]'],
    [
      'an unknown state',
      JSON.stringify(
        stateChange({
          detail: { id: 'a1', virtualClusterId: 'b2', state: 'EXPLODED' },
        }),
      ),
    ],
    [
      'SUBMITTING, which only Backstage uses',
      JSON.stringify(
        stateChange({
          detail: { id: 'a1', virtualClusterId: 'b2', state: 'SUBMITTING' },
        }),
      ),
    ],
    ['no run', JSON.stringify(stateChange({ detail: { state: 'RUNNING' } }))],
    [
      'ids that are not EMR ids',
      JSON.stringify(
        stateChange({
          detail: {
            id: "x' OR 1=1 --",
            virtualClusterId: '../vc',
            state: 'RUNNING',
          },
        }),
      ),
    ],
    [
      'an attempt count of 0',
      JSON.stringify(
        stateChange({
          'detail-type': 'EMR Job Run New Driver Attempt',
          detail: { id: 'a1', virtualClusterId: 'b2', currentAttemptCount: 0 },
        }),
      ),
    ],
  ])('calls a message that is %s malformed', (_what, body) => {
    expect(parseJobRunMessage(body).kind).toBe('malformed');
  });

  it('never throws, and reads an event only with a run of EMR id characters and an EMR state', () => {
    const anyValue = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.boolean(),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
    );
    const check = () =>
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string(),
            fc
              .record({
                source: fc.oneof(
                  fc.constant('aws.emr-containers'),
                  fc.string(),
                ),
                'detail-type': fc.oneof(
                  fc.constant('EMR Job Run State Change'),
                  fc.constant('EMR Job Run New Driver Attempt'),
                  fc.string(),
                ),
                time: anyValue,
                resources: anyValue,
                detail: fc.record(
                  {
                    id: anyValue,
                    virtualClusterId: anyValue,
                    state: fc.oneof(fc.constant('RUNNING'), anyValue),
                    currentAttemptCount: anyValue,
                    stateDetails: anyValue,
                    arn: anyValue,
                  },
                  { requiredKeys: [] },
                ),
              })
              .map(value => JSON.stringify(value)),
          ),
          body => {
            const parsed = parseJobRunMessage(body);
            if (parsed.kind !== 'event') {
              return true;
            }
            const { event } = parsed;
            const emrId = /^[0-9a-z]{1,64}$/;
            return (
              emrId.test(event.virtualClusterId) &&
              emrId.test(event.emrJobRunId) &&
              (event.kind === 'state'
                ? event.state !== 'SUBMITTING'
                : event.attempt >= 1)
            );
          },
        ),
        { numRuns: 500 },
      );
    expect(check).not.toThrow();
  });
});
