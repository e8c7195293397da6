import { mockApis } from '@backstage/test-utils';
import { PermissionApi } from '@backstage/plugin-permission-react';

/** What a policy of `mockApis.permission` answers: ALLOW or DENY. */
type Decision = ReturnType<
  Extract<
    NonNullable<Parameters<typeof mockApis.permission>[0]>['authorize'],
    (...args: never[]) => unknown
  >
>;
// AuthorizeResult is a string enum of @backstage/plugin-permission-common,
// which this package does not depend on.
const ALLOW = 'ALLOW' as Decision;
const DENY = 'DENY' as Decision;

/** A permission API that answers with a policy and keeps its answers. */
export type FakePermissionApi = PermissionApi & {
  answered: Array<{
    permission: string;
    resourceRef?: string;
    allowed: boolean;
  }>;
};

/**
 * Backstage's mock permission API, allowing what
 * `allow(permissionName, resourceRef)` says and keeping its answers.
 * usePermission caches answers per permission and resource for the whole
 * test file, so a policy must answer the same for the same pair in every
 * test of a file: tests that need a denial use another tenant.
 */
export function fakePermissionApi(
  allow: (permission: string, resourceRef?: string) => boolean = () => true,
): FakePermissionApi {
  const answered: FakePermissionApi['answered'] = [];
  const api = mockApis.permission({
    authorize: request => {
      const resourceRef = request.resourceRef;
      const allowed = allow(request.permission.name, resourceRef);
      answered.push({
        permission: request.permission.name,
        resourceRef,
        allowed,
      });
      return allowed ? ALLOW : DENY;
    },
  });
  return Object.assign(api, { answered });
}

/** Tenant `team-ro`: readable, but no action is allowed on it. */
export const readOnlyPolicy = (_permission: string, resourceRef?: string) =>
  resourceRef !== 'team-ro';
