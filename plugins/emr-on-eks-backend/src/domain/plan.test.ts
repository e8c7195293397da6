import { identified, spec, testSettings } from '../__testUtils__/fixtures';
import { IAM_INLINE_POLICY_MAX_SIZE, policySize } from './iam';
import { buildTenantPlan, checkSpecAgainstSettings } from './plan';

const settings = testSettings();
const grants = (count: number, length: number) =>
  Array.from({ length: count }, (_, i) => ({
    s3: `s3://data-lake/team-a/${'p'.repeat(length)}${i}/`,
    access: 'read-write' as const,
  }));

describe('checkSpecAgainstSettings', () => {
  it('accepts the example tenant', () => {
    expect(checkSpecAgainstSettings(spec(), settings)).toEqual([]);
  });

  it('names an unknown cluster and a name too long for the IAM role', () => {
    expect(
      checkSpecAgainstSettings(
        spec({ cluster: 'nowhere', name: 'a'.repeat(60) }),
        settings,
      ).map(issue => issue.path),
    ).toEqual(['cluster', 'name']);
  });

  it('refuses grants whose inline IAM policy IAM would refuse, naming dataAccess and the size', () => {
    const big = spec({ dataAccess: grants(50, 150) });
    const size = policySize(
      buildTenantPlan(identified(big), settings.clusters[0], settings).iam
        .permissionsPolicy,
    );
    expect(size).toBeGreaterThan(IAM_INLINE_POLICY_MAX_SIZE);
    const issues = checkSpecAgainstSettings(big, settings);
    expect(issues).toEqual([
      {
        path: 'dataAccess',
        message: expect.stringContaining(`${size} characters`),
      },
    ]);
    expect(issues[0].message).toContain(String(IAM_INLINE_POLICY_MAX_SIZE));
  });

  it('draws the line where IAM does: compact JSON, at most 10,240 characters', () => {
    // Grow one grant's prefix until the policy crosses the limit.
    let length = 1;
    const sizeAt = (n: number) =>
      policySize(
        buildTenantPlan(
          identified(spec({ dataAccess: grants(20, n) })),
          settings.clusters[0],
          settings,
        ).iam.permissionsPolicy,
      );
    while (sizeAt(length + 1) <= IAM_INLINE_POLICY_MAX_SIZE) {
      length++;
    }
    expect(
      checkSpecAgainstSettings(
        spec({ dataAccess: grants(20, length) }),
        settings,
      ),
    ).toEqual([]);
    expect(
      checkSpecAgainstSettings(
        spec({ dataAccess: grants(20, length + 1) }),
        settings,
      ).map(issue => issue.path),
    ).toEqual(['dataAccess']);
  });

  it('counts the policy without white space', () => {
    const policy = buildTenantPlan(
      identified(spec()),
      settings.clusters[0],
      settings,
    ).iam.permissionsPolicy;
    expect(policySize(policy)).toBe(JSON.stringify(policy).length);
    expect(policySize(policy)).toBeLessThan(
      JSON.stringify(policy, null, 2).length,
    );
  });
});
