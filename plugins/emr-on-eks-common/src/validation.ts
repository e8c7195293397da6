import type { z } from 'zod';

/*
 * The result shape shared by the parsers of this package: either the parsed
 * value or a list of field issues, each naming the dotted path of its field.
 */

/** One problem with an input, with the dotted path of the field. @public */
export interface FieldIssue {
  /** Dotted path of the field (`limitRange.max.cpu`); empty for the whole input. */
  path: string;
  /** What is wrong, for people. */
  message: string;
}

/**
 * Result of a parser of this package: the parsed value, or the problems found.
 *
 * @public
 */
export type ParseResult<T> =
  | { success: true; data: T }
  | { success: false; issues: FieldIssue[] };

/**
 * Formats field issues as one line each: `path: message`.
 *
 * @public
 */
export function formatIssues(issues: FieldIssue[]): string {
  return issues
    .map(issue =>
      issue.path ? `${issue.path}: ${issue.message}` : issue.message,
    )
    .join('; ');
}

/**
 * Turns the issues of a failed zod parse into field issues, with dotted paths
 * and a readable message for unknown fields. The backend uses it for the
 * request schemas it validates itself.
 *
 * @public
 */
export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map(issue => ({
    path: issue.path.map(String).join('.'),
    message:
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.map(k => `"${k}"`).join(', ')}`
        : issue.message,
  }));
}
