import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { z } from 'zod';

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

/** Longest entity ref stored (the `owner` and `entity_ref` columns). */
export const ENTITY_REF_MAX_LENGTH = 255;

const catalogValidators = makeValidator();

/**
 * Why a text is not an entity ref by the software catalog's own rules
 * (`kind:namespace/name`, kind and name as in entity metadata, namespace a
 * DNS label), or undefined when it is one. `kinds` limits the kinds allowed
 * (compared in lower case).
 */
export function entityRefProblem(
  value: string,
  options: { kinds?: readonly string[]; example: string },
): string | undefined {
  const shown = JSON.stringify(
    value.length > 80 ? `${value.slice(0, 80)}…` : value,
  );
  if (value.length > ENTITY_REF_MAX_LENGTH) {
    return `must be at most ${ENTITY_REF_MAX_LENGTH} characters`;
  }
  let ref: { kind: string; namespace: string; name: string };
  try {
    ref = parseEntityRef(value, { defaultNamespace: 'default' });
  } catch {
    return `${shown} is not an entity ref; use kind:namespace/name, like ${options.example}`;
  }
  if (!catalogValidators.isValidKind(ref.kind)) {
    return `${shown} has an invalid kind (letters and digits, starting with a letter); use kind:namespace/name, like ${options.example}`;
  }
  if (
    !catalogValidators.isValidNamespace(
      ref.namespace.toLocaleLowerCase('en-US'),
    )
  ) {
    return `${shown} has an invalid namespace (at most 63 lowercase letters, digits and '-'); use kind:namespace/name, like ${options.example}`;
  }
  if (!catalogValidators.isValidEntityName(ref.name)) {
    return `${shown} has an invalid name (1-63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit); use kind:namespace/name, like ${options.example}`;
  }
  if (
    options.kinds &&
    !options.kinds.includes(ref.kind.toLocaleLowerCase('en-US'))
  ) {
    return `${shown} must refer to a ${options.kinds.join(' or a ')}, like ${
      options.example
    }`;
  }
  return undefined;
}

/**
 * An entity ref in the form the catalog compares refs in: kind, namespace
 * and name in lower case, the namespace filled in (`default`). Use it on
 * every write and every lookup, so that `Group:Default/Team-A` and
 * `group:default/team-a` are one owner.
 */
export function normalizeEntityRef(value: string): string {
  return stringifyEntityRef(
    parseEntityRef(value, { defaultNamespace: 'default' }),
  );
}

/**
 * Schema of an entity ref: validated by the catalog's rules (see
 * {@link entityRefProblem}) and normalised (see {@link normalizeEntityRef}).
 */
export function entityRefSchema(options: {
  kinds?: readonly string[];
  example: string;
}) {
  return z
    .string()
    .superRefine((value, ctx) => {
      const problem = entityRefProblem(value, options);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
      }
    })
    .transform(normalizeEntityRef);
}

/**
 * Why a free text is refused, or undefined: control characters other than
 * tab and newline (they end up in annotations, logs and audit lines).
 */
export function controlCharacterProblem(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/.test(value)
    ? 'must not contain control characters'
    : undefined;
}
