import { InputError } from '@backstage/errors';
import { formatIssues, zodIssues } from '@spot-spark/plugin-emr-on-eks-common';
import type { Request } from 'express';
import { z } from 'zod';

/**
 * A request's query string, parsed by `schema` (strict schemas: an unknown
 * parameter is refused too); a 400 naming each bad parameter otherwise.
 */
export function parseQuery<T extends z.ZodType>(
  schema: T,
  query: Request['query'],
): z.output<T> {
  // Express's query object has no prototype; zod wants a plain object.
  const parsed = schema.safeParse({ ...query });
  if (!parsed.success) {
    throw new InputError(
      `Invalid query: ${formatIssues(zodIssues(parsed.error))}`,
    );
  }
  return parsed.data;
}

/** `?limit=&cursor=` of a paged list; nothing else is accepted. */
export const pageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(512).optional(),
  })
  .strict();
