/** The AWS SDK error's name (its exception type), if it has one. */
export function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}

/** IAM's "no such role or policy" (the SDK and moto spell it differently). */
export function isNoSuchEntity(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NoSuchEntityException' || name === 'NoSuchEntity';
}
