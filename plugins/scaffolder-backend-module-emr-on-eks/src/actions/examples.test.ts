import { createMockDirectory } from '@backstage/backend-test-utils';
import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import yaml from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- the backend's test catalog
import { CATALOG_ENTITIES } from '../../../emr-on-eks-backend/src/__testUtils__/fixtures';
import {
  actionContext,
  FAST,
  LINKS,
  USERS,
  useActionsWorld,
} from '../__testUtils__/world';
import { createJobSubmitAction } from './jobSubmit';
import { examples as jobSubmitExamples } from './jobSubmit.examples';
import { createSparkConfigAction } from './sparkConfig';
import { examples as sparkConfigExamples } from './sparkConfig.examples';
import { createTenantGetAction } from './tenantGet';
import { examples as tenantGetExamples } from './tenantGet.examples';
import { createTenantOnboardAction } from './tenantOnboard';
import { examples as tenantOnboardExamples } from './tenantOnboard.examples';

jest.setTimeout(60_000);

const world = useActionsWorld();

/** The one step of an example, its `${{ steps... }}` references filled in. */
function stepOf(example: TemplateExample, outputs: Record<string, string>) {
  const text = example.example.replace(
    /\$\{\{ steps\['tenant'\]\.output\.(\w+) \}\}/g,
    (_, key) => outputs[key],
  );
  const { steps } = yaml.parse(text);
  expect(steps).toHaveLength(1);
  return steps[0] as { action: string; input: Record<string, any> };
}

async function runExample(
  example: TemplateExample,
  outputs: Record<string, string> = {},
) {
  const step = stepOf(example, outputs);
  const actions = [
    createTenantOnboardAction({ ...world.deps, links: LINKS, settings: FAST }),
    createTenantGetAction({ ...world.deps, links: LINKS }),
    createJobSubmitAction({
      ...world.deps,
      links: LINKS,
      catalog: catalogServiceMock({ entities: CATALOG_ENTITIES }),
      pollIntervalSeconds: FAST.pollIntervalSeconds,
    }),
    createSparkConfigAction(world.deps),
  ];
  const action = actions.find(a => a.id === step.action)!;
  expect(action).toBeDefined();
  const run = actionContext({
    input: step.input,
    user: USERS.admin,
    workspacePath: createMockDirectory().path,
  });
  await action.handler(run.ctx as any);
  return run.outputs as Record<string, string>;
}

/**
 * team-a, onboarded by the onboarding example with data access (renamed),
 * for the examples that use it.
 */
async function teamA() {
  const withData = tenantOnboardExamples[1];
  return runExample({
    ...withData,
    example: withData.example.replace(/team-c/g, 'team-a'),
  });
}

describe('the documented examples run against the backend', () => {
  it.each(tenantOnboardExamples.map(e => [e.description, e]))(
    'emr-on-eks:tenant:onboard: %s',
    async (_, example) => {
      const outputs = await runExample(example);
      expect(outputs).toMatchObject({ name: 'team-c', namespace: 'team-c' });
      expect(outputs.virtualClusterId).not.toBe('');
    },
  );

  it.each(tenantGetExamples.map(e => [e.description, e]))(
    'emr-on-eks:tenant:get: %s',
    async (_, example) => {
      const onboarded = await teamA();
      expect(await runExample(example)).toEqual(onboarded);
    },
  );

  it.each(jobSubmitExamples.map(e => [e.description, e]))(
    'emr-on-eks:job:submit: %s',
    async (_, example) => {
      await teamA();
      const outputs = await runExample(example);
      expect(outputs.jobRunId).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it.each(sparkConfigExamples.map(e => [e.description, e]))(
    'emr-on-eks:spark:config: %s',
    async (_, example) => {
      const tenant = await teamA();
      const outputs = await runExample(example, tenant);
      expect(outputs.jobConfigPath).toMatch(/emr-job\.json$/);
    },
  );
});
