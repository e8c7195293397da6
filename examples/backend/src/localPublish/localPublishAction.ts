import { lstat, mkdir, rm } from 'node:fs/promises';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { git } from './git';
import { localPublishActionExamples } from './localPublishAction.examples';
import { parseRepositoryName, repositoryPaths } from './repository';

/** Id of the action that publishes to a Git repository on this host. */
export const LOCAL_PUBLISH_ACTION_ID = 'example:publish:local';

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
    examples: localPublishActionExamples,
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
