import { changedGuardedFields } from './guardedFields';
import { parseTenantSpec, TenantSpec, TenantSpecInput } from './tenant';

const BASE: TenantSpecInput = {
  name: 'team-a',
  owner: 'group:default/team-a',
  cluster: 'shared',
  quota: { 'requests.cpu': '8', pods: '20' },
  dataAccess: [{ s3: 's3://lake/team-a/', access: 'read' }],
};

function parse(input: Partial<TenantSpecInput> = {}): TenantSpec {
  const parsed = parseTenantSpec({ ...BASE, ...input });
  if (!parsed.success) {
    throw new Error(JSON.stringify(parsed.issues));
  }
  return parsed.data;
}

describe('changedGuardedFields', () => {
  it.each([
    [{ description: 'our tenant' }, []],
    [{ logRetentionDays: 90 }, []],
    [{ releaseLabel: 'emr-7.2.0-latest' }, []],
    // The same quota with its keys in another order is no change.
    [{ quota: { pods: '20', 'requests.cpu': '8' } }, []],
    [{ owner: 'group:default/team-b' }, ['owner']],
    [{ quota: { 'requests.cpu': '9', pods: '20' } }, ['quota']],
    [{ limitRange: { max: { cpu: '4' } } }, ['limitRange']],
    [{ network: { egressCidrs: ['10.0.0.0/8'] } }, ['network']],
    [
      { dataAccess: [{ s3: 's3://lake/team-a/', access: 'read-write' }] },
      ['dataAccess'],
    ],
    [{ priorityTier: 'high' }, ['priorityTier']],
    [{ podSecurity: 'restricted' }, ['podSecurity']],
    [
      { owner: 'group:default/x', priorityTier: 'low', description: 'y' },
      ['owner', 'priorityTier'],
    ],
  ] as Array<[Partial<TenantSpecInput>, string[]]>)(
    'finds %j changes %j',
    (patch, fields) => {
      expect(changedGuardedFields(parse(), parse(patch))).toEqual(fields);
    },
  );
});
