/*
 * LOCAL ONLY: publishing for the example app, which has no network. The
 * Spot-ready Spark job template (templates/spot-ready-spark-job) publishes
 * to GitHub in a real Backstage; run locally, it can instead:
 *
 * - `example:publish:local` commit the new project into a real Git
 *   repository on this host: a bare repository `<directory>/<name>.git` and
 *   a clone of it, `<directory>/<name>`, that the catalog reads;
 * - `example:catalog:register-file` register the clone's catalog-info.yaml
 *   as a `file` location, as the user running the template (the built-in
 *   catalog:register registers `url` locations only);
 * - and, in the catalog, allow `file` locations to be registered, which the
 *   catalog refuses by default.
 *
 * All of it is on only when `localPublish.enabled` is `true`, and refuses to
 * start unless NODE_ENV is `development` or `test`: anyone who may run a template could
 * otherwise make the catalog read files on the Backstage host.
 */
import { execFile } from 'node:child_process';
import { lstat, mkdir, realpath, rm } from 'node:fs/promises';
import { devNull } from 'node:os';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  coreServices,
  createBackendFeatureLoader,
  createBackendModule,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import { isLocalNodeEnv, shownSetting } from './localOnly';
import {
  CatalogService,
  catalogLocationsExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';

/** Id of the action that publishes to a Git repository on this host. */
export const LOCAL_PUBLISH_ACTION_ID = 'example:publish:local';

/** Id of the action that registers a file location in the catalog. */
export const REGISTER_FILE_ACTION_ID = 'example:catalog:register-file';

/** Where repositories go unless `localPublish.directory` says otherwise. */
export const DEFAULT_LOCAL_PUBLISH_DIRECTORY = '.data/git';

/** The settings of the local publishing, from `localPublish.*`. */
export interface LocalPublishSettings {
  /** `localPublish.enabled`; off unless `true`. */
  enabled: boolean;
  /** Absolute directory of the repositories (`localPublish.directory`). */
  directory: string;
}

/** Reads {@link LocalPublishSettings}; relative directories resolve from the working directory. */
export function readLocalPublishSettings(config: Config): LocalPublishSettings {
  return {
    enabled: config.getOptionalBoolean('localPublish.enabled') === true,
    directory: resolve(
      config.getOptionalString('localPublish.directory') ??
        DEFAULT_LOCAL_PUBLISH_DIRECTORY,
    ),
  };
}

/** Longest repository name: a catalog entity name is at most 63 characters. */
const REPOSITORY_NAME_MAX_LENGTH = 63;

/** Lowercase letters, digits and inner '-': a safe file name and entity name. */
const REPOSITORY_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The repository name, or an InputError that says what a name may be. No
 * dots, slashes or capitals: the name becomes a directory name next to
 * others (`<name>` and `<name>.git`).
 */
export function parseRepositoryName(name: unknown): string {
  if (
    typeof name !== 'string' ||
    name.length > REPOSITORY_NAME_MAX_LENGTH ||
    !REPOSITORY_NAME.test(name)
  ) {
    throw new InputError(
      `${JSON.stringify(
        typeof name === 'string' ? name.slice(0, 80) : name,
      )} is not a repository name: use 1-${REPOSITORY_NAME_MAX_LENGTH} lowercase letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
  return name;
}

function refuseInProduction(what: string) {
  const nodeEnv = process.env.NODE_ENV;
  if (!isLocalNodeEnv(nodeEnv)) {
    throw new Error(
      `localPublish.enabled is true but NODE_ENV is ${shownSetting(
        nodeEnv,
      )}, not development or test: ${what} is for the local example app only (it lets anyone who may run a template make the catalog read files on this host). Set localPublish.enabled to false and publish with publish:github.`,
    );
  }
}

/**
 * Variables that would point git at another repository or configuration if
 * the backend happened to inherit them.
 */
const DROPPED_GIT_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_CONFIG',
  'GIT_CONFIG_COUNT',
];

/**
 * Runs `git <args>` with an argument array (no shell), no system or user
 * configuration (hooks, signing, templates of the host's user stay out),
 * no prompts and a time limit; rejects with git's own error text.
 */
function git(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of DROPPED_GIT_ENV) {
    delete env[name];
  }
  return new Promise((resolvePromise, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        env: {
          ...env,
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: devNull,
          GIT_TERMINAL_PROMPT: '0',
          LC_ALL: 'C',
          ...options.env,
        },
        timeout: 60_000,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `git ${args[0]} failed: ${stderr.trim() || error.message}`,
            ),
          );
        } else {
          resolvePromise(stdout);
        }
      },
    );
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** A value git accepts in an author identity: one line, no angle brackets. */
function identityPart(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[<>\u0000-\u001f\u007f]/g, '').trim();
}

/** What the publish action creates for one repository name. */
function repositoryPaths(directory: string, name: string) {
  const repositoryPath = resolveSafeChildPath(directory, `${name}.git`);
  const checkoutPath = resolveSafeChildPath(directory, name);
  return {
    repositoryPath,
    remoteUrl: pathToFileURL(repositoryPath).href,
    checkoutPath,
    catalogInfoPath: join(checkoutPath, 'catalog-info.yaml'),
  };
}

/**
 * `example:publish:local`: commits the workspace (or `sourcePath` in it)
 * into a new bare Git repository `<directory>/<name>.git` on branch `main`,
 * and clones it to `<directory>/<name>`, whose catalog-info.yaml the
 * catalog can read. Refuses a name that is taken; a failure removes what it
 * made.
 *
 * @public
 */
export function createLocalPublishAction(options: { directory: string }) {
  const { directory } = options;
  return createTemplateAction({
    id: LOCAL_PUBLISH_ACTION_ID,
    description:
      'LOCAL EXAMPLE ONLY: commits the workspace into a new Git repository on the Backstage host (a bare repository and a clone the catalog can read), instead of publishing to a Git provider.',
    examples: [
      {
        description: 'Publish the generated project as daily-sales',
        example: [
          'steps:',
          '  - id: publish-local',
          '    action: example:publish:local',
          '    input:',
          '      name: daily-sales',
        ].join('\n'),
      },
    ],
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string({
            description:
              'Repository name: lowercase letters, digits and -, at most 63',
          }),
        sourcePath: z =>
          z
            .string({
              description:
                'Directory of the workspace to publish (default: all of it)',
            })
            .optional(),
        commitMessage: z =>
          z
            .string({ description: 'Message of the first commit' })
            .max(1000)
            .optional(),
      },
      output: {
        repositoryPath: z =>
          z.string({ description: 'Path of the bare repository' }),
        remoteUrl: z =>
          z.string({ description: 'file:// URL of the bare repository' }),
        checkoutPath: z =>
          z.string({ description: 'Path of the clone the catalog reads' }),
        catalogInfoPath: z =>
          z.string({ description: "Path of the clone's catalog-info.yaml" }),
        commitHash: z => z.string({ description: 'The commit made' }),
      },
    },
    async handler(ctx) {
      const name = parseRepositoryName(ctx.input.name);
      const paths = repositoryPaths(directory, name);
      const source = resolveSafeChildPath(
        ctx.workspacePath,
        ctx.input.sourcePath ?? '.',
      );
      const report = (commitHash: string) => {
        ctx.output('repositoryPath', paths.repositoryPath);
        ctx.output('remoteUrl', paths.remoteUrl);
        ctx.output('checkoutPath', paths.checkoutPath);
        ctx.output('catalogInfoPath', paths.catalogInfoPath);
        ctx.output('commitHash', commitHash);
      };
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would commit ${source} into ${paths.repositoryPath}`,
        );
        report('0000000000000000000000000000000000000000');
        return;
      }

      const profile = (ctx.user?.entity?.spec?.profile ?? {}) as {
        displayName?: string;
        email?: string;
      };
      const author = {
        name:
          identityPart(profile.displayName ?? ctx.user?.ref ?? '') ||
          'Backstage scaffolder',
        email:
          identityPart(profile.email ?? '') || 'scaffolder@backstage.invalid',
      };
      const commitHash = await ctx.checkpoint({
        key: `example.publish.local.${name}`,
        fn: async () => {
          await mkdir(directory, { recursive: true });
          for (const path of [paths.repositoryPath, paths.checkoutPath]) {
            if (await exists(path)) {
              throw new ConflictError(
                `${path} already exists: choose another name, or remove ${paths.repositoryPath} and ${paths.checkoutPath} first`,
              );
            }
          }
          try {
            await git(
              [
                'init',
                '--quiet',
                '--bare',
                '--initial-branch=main',
                '--',
                paths.repositoryPath,
              ],
              { cwd: directory },
            );
            await git(['init', '--quiet', '--initial-branch=main'], {
              cwd: source,
            });
            await git(['add', '--all'], { cwd: source });
            await git(
              [
                'commit',
                '--quiet',
                '--no-verify',
                '--message',
                ctx.input.commitMessage ?? 'Initial commit from Backstage',
              ],
              {
                cwd: source,
                env: {
                  GIT_AUTHOR_NAME: author.name,
                  GIT_AUTHOR_EMAIL: author.email,
                  GIT_COMMITTER_NAME: author.name,
                  GIT_COMMITTER_EMAIL: author.email,
                },
              },
            );
            await git(
              ['push', '--quiet', paths.repositoryPath, 'HEAD:refs/heads/main'],
              { cwd: source },
            );
            await git(
              [
                'clone',
                '--quiet',
                '--branch',
                'main',
                '--',
                paths.repositoryPath,
                paths.checkoutPath,
              ],
              { cwd: directory },
            );
            return (
              await git(['rev-parse', 'HEAD'], { cwd: paths.checkoutPath })
            ).trim();
          } catch (error) {
            // Leave nothing half made: a retry starts from a free name.
            await rm(paths.repositoryPath, { recursive: true, force: true });
            await rm(paths.checkoutPath, { recursive: true, force: true });
            throw error;
          }
        },
      });
      ctx.logger.info(
        `Committed ${commitHash} to ${paths.repositoryPath} (branch main); the catalog can read ${paths.catalogInfoPath}`,
      );
      report(commitHash);
    },
  });
}

/**
 * `example:catalog:register-file`: registers a catalog-info.yaml that
 * {@link createLocalPublishAction} made as a `file` location, with the
 * credentials of the user running the template. Only files inside the
 * publish directory (symbolic links resolved) are accepted.
 *
 * @public
 */
export function createRegisterFileLocationAction(options: {
  directory: string;
  catalog: CatalogService;
}) {
  const { directory, catalog } = options;
  return createTemplateAction({
    id: REGISTER_FILE_ACTION_ID,
    description:
      'LOCAL EXAMPLE ONLY: registers a catalog-info.yaml published with example:publish:local as a file location in the catalog.',
    examples: [
      {
        description: 'Register what example:publish:local published',
        example: [
          'steps:',
          '  - id: register-local',
          '    action: example:catalog:register-file',
          '    input:',
          "      path: ${{ steps['publish-local'].output.catalogInfoPath }}",
        ].join('\n'),
      },
    ],
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z.string({
            description:
              'Absolute path of a catalog-info.yaml made by example:publish:local',
          }),
      },
      output: {
        locationId: z =>
          z.string({ description: 'Id of the catalog location' }).optional(),
        locationRef: z =>
          z.string({ description: 'The location, as file:<path>' }),
      },
    },
    async handler(ctx) {
      const given = ctx.input.path;
      if (!isAbsolute(given) || !/\.ya?ml$/.test(given)) {
        throw new InputError(
          `${JSON.stringify(
            given.slice(0, 200),
          )} is not an absolute path of a .yaml file`,
        );
      }
      let root: string;
      let target: string;
      try {
        root = await realpath(directory);
        target = await realpath(given);
      } catch {
        throw new InputError(`${given} does not exist`);
      }
      // The catalog would read any file the backend can: only what was
      // published here, even through a symbolic link in the repository.
      if (
        !target.startsWith(`${root}${sep}`) ||
        !(await lstat(target)).isFile()
      ) {
        throw new InputError(
          `${given} is not a file published under ${directory}`,
        );
      }
      const locationRef = `file:${target}`;
      ctx.output('locationRef', locationRef);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would register ${locationRef}`);
        return;
      }
      const locationId = await ctx.checkpoint({
        key: `example.catalog.register-file.${target}`,
        fn: async () => {
          const { location } = await catalog.addLocation(
            { type: 'file', target },
            { credentials: await ctx.getInitiatorCredentials() },
          );
          return location.id;
        },
      });
      ctx.logger.info(`Registered ${locationRef} (location ${locationId})`);
      ctx.output('locationId', locationId);
    },
  });
}

/**
 * The scaffolder side: adds {@link createLocalPublishAction} and
 * {@link createRegisterFileLocationAction} when `localPublish.enabled` is
 * true; refuses to start in production.
 *
 * @public
 */
export const localPublishScaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'example-local-publish',
  register(reg) {
    reg.registerInit({
      deps: {
        actions: scaffolderActionsExtensionPoint,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ actions, catalog, config, logger }) {
        const settings = readLocalPublishSettings(config);
        if (!settings.enabled) {
          logger.info(
            'Local publishing is off (localPublish.enabled is not true)',
          );
          return;
        }
        refuseInProduction('example:publish:local');
        logger.warn(
          `Local publishing is on: templates may create Git repositories under ${settings.directory} and register files there in the catalog. For local runs only.`,
        );
        actions.addActions(
          createLocalPublishAction({ directory: settings.directory }),
          createRegisterFileLocationAction({
            directory: settings.directory,
            catalog,
          }),
        );
      },
    });
  },
});

/**
 * The catalog side: allows `file` locations (besides `url`) to be
 * registered when `localPublish.enabled` is true; refuses to start in
 * production.
 *
 * @public
 */
export const localFileLocationsCatalogModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'example-file-locations',
  register(reg) {
    reg.registerInit({
      deps: {
        locations: catalogLocationsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ locations, config }) {
        if (!readLocalPublishSettings(config).enabled) {
          return;
        }
        refuseInProduction('registering file locations');
        locations.setAllowedLocationTypes(['url', 'file']);
      },
    });
  },
});

/**
 * Both modules: `backend.add(import('./localPublish'))`.
 *
 * @public
 */
export default createBackendFeatureLoader({
  *loader() {
    yield localPublishScaffolderModule;
    yield localFileLocationsCatalogModule;
  },
});
