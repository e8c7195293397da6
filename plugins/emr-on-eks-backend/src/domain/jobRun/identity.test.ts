import fc from 'fast-check';
import { jobRequest } from '../../__testUtils__/fixtures';
import { jobRunClientToken, requestFingerprint } from './identity';

describe('jobRunClientToken', () => {
  const key = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);

  it('is 64 hex characters, the same for every retry of a key in a tenant', () => {
    fc.assert(
      fc.property(fc.uuid(), key, (uid, k) => {
        expect(jobRunClientToken(uid, k)).toMatch(/^[0-9a-f]{64}$/);
        expect(jobRunClientToken(uid, k)).toBe(jobRunClientToken(uid, k));
      }),
    );
  });

  it('differs across tenants (uids) and across keys', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), key, (uidA, uidB, k) => {
        fc.pre(uidA !== uidB);
        expect(jobRunClientToken(uidA, k)).not.toBe(jobRunClientToken(uidB, k));
      }),
    );
    fc.assert(
      fc.property(fc.uuid(), key, key, (uid, keyA, keyB) => {
        fc.pre(keyA !== keyB);
        expect(jobRunClientToken(uid, keyA)).not.toBe(
          jobRunClientToken(uid, keyB),
        );
      }),
    );
  });
});

describe('requestFingerprint', () => {
  it('ignores the idempotency key and the order of keys', () => {
    const request = jobRequest({ idempotencyKey: 'a' });
    const reordered = Object.fromEntries(
      Object.entries({ ...request, idempotencyKey: 'b' }).reverse(),
    ) as unknown as typeof request;
    expect(requestFingerprint(reordered)).toBe(requestFingerprint(request));
  });

  it('changes with any field of the request', () => {
    const request = jobRequest();
    expect(requestFingerprint({ ...request, name: 'other' })).not.toBe(
      requestFingerprint(request),
    );
    expect(
      requestFingerprint({
        ...request,
        sparkConf: { ...request.sparkConf, 'spark.x.y': '1' },
      }),
    ).not.toBe(requestFingerprint(request));
    expect(requestFingerprint({ ...request, spot: !request.spot })).not.toBe(
      requestFingerprint(request),
    );
  });
});
