import { execFile } from 'node:child_process';
import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse as parseYaml } from 'yaml';
import {
  createLocalPublishAction,
  createRegisterFileLocationAction,
  LOCAL_PUBLISH_ACTION_ID,
  localFileLocationsCatalogModule,
  localPublishScaffolderModule,
  REGISTER_FILE_ACTION_ID,
} from './localPublish';

const run = promisify(execFile);

/** git, without the host's configuration, as the action runs it. */
async function git(args: string[]) {
  const { stdout } = await run('git', args, {
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    },
  });
  return stdout;
}

async function exists(path: string) {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

const CATALOG_INFO = [
  'apiVersion: backstage.io/v1alpha1',
  'kind: Component',
  'metadata:',
  '  name: daily-sales',
  'spec:',
  '  type: spark-job',
  '  lifecycle: experimental',
  '  owner: group:default/team-a',
  '',
].join('\n');

/** The catalog's 400 for a location type it does not allow. */
const REFUSED_FILE_LOCATION = {
  name: 'ResponseError',
  body: {
    error: {
      name: 'InputError',
      message: expect.stringContaining(
        'Registered locations must be of an allowed type ["url"]',
      ),
    },
  },
};

let base: string;
let directory: string;
let workspace: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'local-publish-'));
  directory = join(base, 'git');
  workspace = join(base, 'workspace');
  const files: Record<string, string> = {
    'catalog-info.yaml': CATALOG_INFO,
    'README.md': '# daily-sales\n',
    'src/main.py': 'print("hello")\n',
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(workspace, path)), { recursive: true });
    await writeFile(join(workspace, path), text);
  }
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Runs an action's handler and returns what it output. */
async function runAction(
  action: { handler(ctx: any): Promise<void> },
  input: Record<string, unknown>,
  extra: { isDryRun?: boolean } = {},
): Promise<Record<string, string>> {
  const outputs: Record<string, string> = {};
  const ctx = createMockActionContext({
    input: input as any,
    workspacePath: workspace,
    user: {
      ref: 'user:default/alice',
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name: 'alice' },
        spec: {
          profile: {
            displayName: 'Alice <Example>',
            email: 'alice@example.com',
          },
        },
      },
    },
  });
  await action.handler({
    ...ctx,
    ...extra,
    output: (key: string, value: string) => {
      outputs[key] = value;
    },
  });
  return outputs;
}

describe('example:publish:local', () => {
  it('commits the workspace into a new bare repository on main, and clones it where the catalog can read it', async () => {
    const outputs = await runAction(createLocalPublishAction({ directory }), {
      name: 'daily-sales',
    });
    const bare = join(directory, 'daily-sales.git');
    expect(outputs).toEqual({
      repositoryPath: bare,
      remoteUrl: `file://${bare}`,
      checkoutPath: join(directory, 'daily-sales'),
      catalogInfoPath: join(directory, 'daily-sales', 'catalog-info.yaml'),
      commitHash: expect.stringMatching(/^[0-9a-f]{40}$/),
    });

    expect(
      await git(['--git-dir', bare, 'rev-parse', '--is-bare-repository']),
    ).toBe('true\n');
    expect(
      await git(['--git-dir', bare, 'log', '--format=%H|%an|%ae|%s', 'main']),
    ).toBe(
      `${outputs.commitHash}|Alice Example|alice@example.com|Initial commit from Backstage\n`,
    );
    expect(
      (await git(['--git-dir', bare, 'ls-tree', '-r', '--name-only', 'main']))
        .trim()
        .split('\n'),
    ).toEqual(['README.md', 'catalog-info.yaml', 'src/main.py']);
    expect(await readFile(outputs.catalogInfoPath, 'utf8')).toBe(CATALOG_INFO);
  });

  it.each([
    '',
    'Daily-Sales',
    '../escape',
    'a/b',
    'daily.sales',
    'daily-sales.git',
    '-daily',
    'daily-',
    'daily sales',
    'x'.repeat(64),
  ])('refuses the name %j and makes nothing', async name => {
    await expect(
      runAction(createLocalPublishAction({ directory }), { name }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('is not a repository name'),
    });
    expect(await exists(directory)).toBe(false);
  });

  it('refuses a name that is taken and leaves that repository as it was', async () => {
    const action = createLocalPublishAction({ directory });
    const first = await runAction(action, { name: 'daily-sales' });
    await writeFile(join(workspace, 'README.md'), '# something else\n');
    await expect(
      runAction(action, { name: 'daily-sales' }),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    expect(
      await git([
        '--git-dir',
        first.repositoryPath,
        'log',
        '--format=%H',
        'main',
      ]),
    ).toBe(`${first.commitHash}\n`);
  });

  it('in a dry run, says where it would publish and makes nothing', async () => {
    const outputs = await runAction(
      createLocalPublishAction({ directory }),
      { name: 'daily-sales' },
      { isDryRun: true },
    );
    expect(outputs.catalogInfoPath).toBe(
      join(directory, 'daily-sales', 'catalog-info.yaml'),
    );
    expect(await exists(directory)).toBe(false);
    expect(await exists(join(workspace, '.git'))).toBe(false);
  });
});

/** A backend with the real catalog; `catalog` is the catalog service plugins get. */
async function startCatalog(options: {
  withFileLocations: boolean;
  enabled?: boolean;
}) {
  let catalog: CatalogService | undefined;
  const probe = createBackendPlugin({
    pluginId: 'probe',
    register(env) {
      env.registerInit({
        deps: { catalogService: catalogServiceRef },
        async init({ catalogService }) {
          catalog = catalogService;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      probe,
      ...(options.withFileLocations ? [localFileLocationsCatalogModule] : []),
      mockServices.rootConfig.factory({
        data: {
          localPublish: { enabled: options.enabled ?? true, directory },
          // No background processing: the tests ask the catalog directly.
          catalog: { processingInterval: false },
        },
      }),
    ],
  });
  return { backend, catalog: catalog! };
}

describe('example:catalog:register-file', () => {
  it('registers the published catalog-info.yaml as a file location the catalog reads', async () => {
    const { backend, catalog } = await startCatalog({
      withFileLocations: true,
    });
    try {
      const published = await runAction(
        createLocalPublishAction({ directory }),
        {
          name: 'daily-sales',
        },
      );
      const credentials =
        await createMockActionContext().getInitiatorCredentials();
      // The catalog reads the file: what a dry run of the location yields.
      const preview = await catalog.addLocation(
        { type: 'file', target: published.catalogInfoPath, dryRun: true },
        { credentials },
      );
      expect(preview.entities.map(entity => entity.metadata.name)).toContain(
        'daily-sales',
      );

      const outputs = await runAction(
        createRegisterFileLocationAction({ directory, catalog }),
        { path: published.catalogInfoPath },
      );
      expect(outputs.locationRef).toBe(`file:${published.catalogInfoPath}`);
      await expect(
        catalog.getLocationByRef(outputs.locationRef, { credentials }),
      ).resolves.toMatchObject({
        id: outputs.locationId,
        type: 'file',
        target: published.catalogInfoPath,
      });
    } finally {
      await backend.stop();
    }
  });

  it('registers nothing outside the publish directory, also through a symbolic link', async () => {
    const { backend, catalog } = await startCatalog({
      withFileLocations: true,
    });
    try {
      const published = await runAction(
        createLocalPublishAction({ directory }),
        {
          name: 'daily-sales',
        },
      );
      const outside = join(base, 'outside.yaml');
      await writeFile(outside, CATALOG_INFO);
      const link = join(published.checkoutPath, 'linked.yaml');
      await symlink(outside, link);
      const action = createRegisterFileLocationAction({ directory, catalog });
      for (const path of [
        outside,
        link,
        join(directory, '..', 'outside.yaml'),
        'git/daily-sales/catalog-info.yaml',
        join(published.checkoutPath, 'README.md'),
        join(directory, 'missing', 'catalog-info.yaml'),
      ]) {
        await expect(runAction(action, { path })).rejects.toMatchObject({
          name: 'InputError',
        });
      }
      const credentials =
        await createMockActionContext().getInitiatorCredentials();
      const { items } = await catalog.getLocations({}, { credentials });
      expect(items.map(location => location.target)).not.toContain(outside);
      expect(items.filter(location => location.type === 'file')).toEqual([]);
    } finally {
      await backend.stop();
    }
  });

  it('needs the catalog module: by default the catalog refuses file locations', async () => {
    const { backend, catalog } = await startCatalog({
      withFileLocations: false,
    });
    try {
      const published = await runAction(
        createLocalPublishAction({ directory }),
        {
          name: 'daily-sales',
        },
      );
      await expect(
        runAction(createRegisterFileLocationAction({ directory, catalog }), {
          path: published.catalogInfoPath,
        }),
      ).rejects.toMatchObject(REFUSED_FILE_LOCATION);
    } finally {
      await backend.stop();
    }
  });

  it('the catalog module allows nothing more when local publishing is off', async () => {
    const { backend, catalog } = await startCatalog({
      withFileLocations: true,
      enabled: false,
    });
    try {
      const published = await runAction(
        createLocalPublishAction({ directory }),
        {
          name: 'daily-sales',
        },
      );
      await expect(
        runAction(createRegisterFileLocationAction({ directory, catalog }), {
          path: published.catalogInfoPath,
        }),
      ).rejects.toMatchObject(REFUSED_FILE_LOCATION);
    } finally {
      await backend.stop();
    }
  });
});

describe.each([['production'], ['Production'], ['staging'], [undefined]])(
  'with NODE_ENV %p',
  deployed => {
    const nodeEnv = process.env.NODE_ENV;
    beforeEach(() => {
      if (deployed === undefined) {
        delete process.env.NODE_ENV;
      } else {
        process.env.NODE_ENV = deployed;
      }
    });
    afterEach(() => {
      process.env.NODE_ENV = nodeEnv;
    });

    const config = (enabled: boolean) =>
      mockServices.rootConfig.factory({
        data: {
          localPublish: { enabled, directory },
          catalog: { processingInterval: false },
          scaffolder: { concurrentTasksLimit: 0 },
        },
      });

    it.each([
      ['the scaffolder module', scaffolderPlugin, localPublishScaffolderModule],
      ['the catalog module', catalogPlugin, localFileLocationsCatalogModule],
    ])(
      '%s refuses to start when local publishing is on',
      async (_name, plugin, module) => {
        await expect(
          startTestBackend({ features: [plugin, module, config(true)] }),
        ).rejects.toThrow(
          `localPublish.enabled is true but NODE_ENV is ${
            deployed === undefined ? 'unset' : JSON.stringify(deployed)
          }, not development or test`,
        );
      },
    );

    it('starts with local publishing off, and then allows no file locations', async () => {
      const { backend, catalog } = await startCatalog({
        withFileLocations: true,
        enabled: false,
      });
      try {
        const credentials =
          await createMockActionContext().getInitiatorCredentials();
        await expect(
          catalog.addLocation(
            { type: 'file', target: join(directory, 'x', 'catalog-info.yaml') },
            { credentials },
          ),
        ).rejects.toMatchObject(REFUSED_FILE_LOCATION);
      } finally {
        await backend.stop();
      }
    });
  },
);

describe('the Spark job template', () => {
  it('uses these actions with the inputs they take', async () => {
    const template = parseYaml(
      await readFile(
        join(
          __dirname,
          '../../../templates/spot-ready-spark-job/template.yaml',
        ),
        'utf8',
      ),
    );
    const steps = template.spec.steps.filter((step: { action: string }) =>
      step.action.startsWith('example:'),
    );
    expect(
      steps.map((step: { action: string; input: object }) => [
        step.action,
        Object.keys(step.input),
      ]),
    ).toEqual([
      [LOCAL_PUBLISH_ACTION_ID, ['name']],
      [REGISTER_FILE_ACTION_ID, ['path']],
    ]);
  });
});
