import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  createBackendModule,
  type UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin, {
  createFetchTemplateAction,
} from '@backstage/plugin-scaffolder-backend';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';

/*
 * Renders the repository's software templates with the scaffolder's own
 * code: a skeleton alone with the fetch:template action, and a whole
 * template with the scaffolder backend's dry run.
 */

/** A JSON value, as template values are. */
export type Json =
  | string
  | number
  | boolean
  | null
  | Json[]
  | { [key: string]: Json };

/** The repository's `templates/` directory. */
export const TEMPLATES_DIR = resolve(__dirname, '../../../../templates');

/**
 * A URL reader that must not be used: skeletons next to a template with a
 * `file://` base URL are copied from disk by fetch:template itself, and a
 * call here would mean the skeleton was looked for somewhere else.
 */
const noRemoteReads: UrlReaderService = {
  async readUrl(url) {
    throw new Error(`unexpected read of ${url}: skeletons are local`);
  },
  async readTree(url) {
    throw new Error(`unexpected read of ${url}: skeletons are local`);
  },
  async search(url) {
    throw new Error(`unexpected search of ${url}: skeletons are local`);
  },
};

/** Directories made by {@link renderSkeleton}; see {@link removeRenderedSkeletons}. */
const madeDirectories: string[] = [];

async function temporaryDirectory(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  madeDirectories.push(dir);
  return dir;
}

/**
 * Runs fetch:template for each skeleton URL (relative to the template's
 * `template.yaml`, like `./skeleton/base`) with the same values into one new
 * workspace, and returns the workspace's path.
 */
export async function renderSkeleton(options: {
  /** Directory name of the template under `templates/`. */
  template: string;
  /** fetch:template `url` inputs, in step order. */
  skeletons: string[];
  /** fetch:template `values` input. */
  values: { [key: string]: Json };
}): Promise<string> {
  const workspacePath = await temporaryDirectory('skeleton-');
  const action = createFetchTemplateAction({
    reader: noRemoteReads,
    integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
  });
  for (const url of options.skeletons) {
    const ctx = createMockActionContext({
      input: { url, values: options.values },
      workspacePath,
      templateInfo: {
        entityRef: `template:default/${options.template}`,
        // What the catalog gives a template read from a file location.
        baseUrl: `file://${join(
          TEMPLATES_DIR,
          options.template,
          'template.yaml',
        )}`,
      },
    });
    await action.handler({
      ...ctx,
      // fetch:template copies the skeleton into a temporary directory first;
      // the mock would hand it the workspace itself.
      createTemporaryDirectory: () => temporaryDirectory('skeleton-copy-'),
    });
  }
  return workspacePath;
}

/** Every file under dir, by path relative to it (with `/`), with its text. */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files.set(
        relative(dir, path).split('\\').join('/'),
        await readFile(path, 'utf8'),
      );
    }
  }
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Removes every directory {@link renderSkeleton} made. */
export async function removeRenderedSkeletons() {
  await Promise.all(
    madeDirectories
      .splice(0)
      .map(dir => rm(dir, { recursive: true, force: true })),
  );
}

/** What a stand-in action was called with. */
export interface RecordedCall {
  action: string;
  step: string;
  input: Record<string, unknown>;
}

/** A stand-in action: its id, and the outputs it hands back. */
export interface StandInAction {
  id: string;
  output?: (input: Record<string, unknown>) => Record<string, Json>;
}

/** The answer of the scaffolder's dry run. */
export interface DryRunResult {
  status: number;
  body: {
    errors?: unknown[];
    log?: Array<{
      body: { message: string; stepId?: string; status?: string };
    }>;
    output?: {
      links?: Array<Record<string, string>>;
      text?: Array<Record<string, string>>;
    };
    directoryContents?: Array<{ path: string; base64Content: string }>;
  };
}

/**
 * The real scaffolder backend plugin (task runner, templating, parameter
 * validation, built-in actions such as fetch:template and catalog:fetch) in
 * a test backend, with an in-memory catalog holding `entities` and stand-ins
 * for the actions of other packages that record what they were called with.
 * `dryRun` posts a template to `POST /v2/dry-run`, the endpoint the
 * template editor uses: every step whose action supports dry runs runs for
 * real, into a temporary workspace whose files come back.
 */
export async function startScaffolder(options: {
  entities: Entity[];
  standIns: StandInAction[];
}) {
  const calls: RecordedCall[] = [];
  const standInModule = createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'test-stand-ins',
    register(reg) {
      reg.registerInit({
        deps: { actions: scaffolderActionsExtensionPoint },
        async init({ actions }) {
          actions.addActions(
            ...options.standIns.map(standIn =>
              createTemplateAction({
                id: standIn.id,
                description: `Stand-in for ${standIn.id}`,
                supportsDryRun: true,
                async handler(ctx) {
                  const input = ctx.input as Record<string, unknown>;
                  calls.push({
                    action: standIn.id,
                    step: ctx.step?.id ?? '',
                    input,
                  });
                  for (const [key, value] of Object.entries(
                    standIn.output?.(input) ?? {},
                  )) {
                    ctx.output(key, value);
                  }
                },
              }),
            ),
          );
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      standInModule,
      // Dry runs run in the request; no task workers, which would keep
      // polling for tasks after the test.
      mockServices.rootConfig.factory({
        data: { scaffolder: { concurrentTasksLimit: 0 } },
      }),
      catalogServiceMock.factory({ entities: options.entities }),
    ],
  });
  return {
    calls,
    /** Dry-runs the template in `templates/<template>/` with these values. */
    async dryRun(
      template: string,
      values: Record<string, unknown>,
    ): Promise<DryRunResult> {
      calls.length = 0;
      const templateDir = join(TEMPLATES_DIR, template);
      const entity = parseYaml(
        await readFile(join(templateDir, 'template.yaml'), 'utf8'),
      );
      const files = await readTree(templateDir);
      const response = await request(backend.server)
        .post('/api/scaffolder/v2/dry-run')
        .set('Authorization', mockCredentials.user.header())
        .send({
          template: entity,
          values,
          directoryContents: [...files.entries()].map(([path, text]) => ({
            path,
            base64Content: Buffer.from(text).toString('base64'),
          })),
        });
      return { status: response.status, body: response.body };
    },
    stop: () => backend.stop(),
  };
}

/** The files of a dry run's workspace, by path. */
export function dryRunFiles(result: DryRunResult): Map<string, string> {
  return new Map(
    (result.body.directoryContents ?? [])
      .map(
        file =>
          [
            file.path,
            Buffer.from(file.base64Content, 'base64').toString('utf8'),
          ] as [string, string],
      )
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
