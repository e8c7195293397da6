import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import scaffolderModuleEmrOnEks from '.';

async function actionsWith(config: object) {
  const added: TemplateAction<any, any, any>[] = [];
  await startTestBackend({
    extensionPoints: [
      [
        scaffolderActionsExtensionPoint,
        { addActions: (...actions: any[]) => added.push(...actions) },
      ],
    ],
    features: [
      scaffolderModuleEmrOnEks,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  return added;
}

describe('scaffolderModuleEmrOnEks', () => {
  it('adds the four actions, each with examples and dry-run support', async () => {
    const actions = await actionsWith({
      app: { baseUrl: 'http://localhost:3000' },
    });
    expect(actions.map(a => a.id).sort()).toEqual([
      'emr-on-eks:job:submit',
      'emr-on-eks:spark:config',
      'emr-on-eks:tenant:get',
      'emr-on-eks:tenant:onboard',
    ]);
    for (const action of actions) {
      expect(action.supportsDryRun).toBe(true);
      expect(action.examples?.length).toBeGreaterThan(0);
      expect(action.schema?.input).toBeDefined();
    }
  });

  it('refuses to start on a wait setting that is not a positive number', async () => {
    await expect(
      actionsWith({
        app: { baseUrl: 'http://localhost:3000' },
        emrOnEks: { scaffolder: { pollIntervalSeconds: 0 } },
      }),
    ).rejects.toThrow(
      'emrOnEks.scaffolder.pollIntervalSeconds must be a number above 0, got 0',
    );
  });
});
