/*
 * Container image references, parsed before they are checked: registry host,
 * repository path, tag and digest, by the grammar of the distribution
 * reference (github.com/distribution/reference) that container runtimes use
 * to pull, but stricter (lowercase hosts, sha256/sha512 digests only).
 * Anything outside it is refused, so the registry and repository checked here
 * are the ones the node pulls from.
 */

/** A parsed image reference. */
export interface ImageReference {
  /** Registry host, with its port if any; `docker.io` when the reference names none. */
  registry: string;
  /** Repository path components, like `['spark', 'emr-7.5.0']`. */
  repository: string[];
  tag?: string;
  digest?: string;
}

/** An entry of `guardrails.allowedImages`, parsed. */
export interface ImageAllowEntry {
  registry: string;
  repository: string[];
  /** Ends in `/`: every repository below `repository`, not `repository` itself. */
  prefix: boolean;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Docker's limit on registry + repository. */
const NAME_MAX_LENGTH = 255;
/** Lowercase DNS labels joined by dots, and an optional port. */
const REGISTRY =
  /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;
/** One path component: lowercase letters and digits, single separators between them. */
const PATH_COMPONENT = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

const FORMAT =
  'an image is registry/repository with a :tag or an @sha256: digest, in lowercase, like registry.example.com/spark/emr-7.5.0:latest';

/** Whether the first component names a registry, as container runtimes decide it. */
function isRegistry(component: string): boolean {
  return (
    component.includes('.') ||
    component.includes(':') ||
    component === 'localhost' ||
    component !== component.toLowerCase()
  );
}

/** Registry and path of `registry/path`, each checked; `path` may be empty. */
function parseName(
  name: string,
  requireRegistry: boolean,
): Parsed<{ registry: string; repository: string[] }> {
  const slash = name.indexOf('/');
  const first = slash === -1 ? name : name.slice(0, slash);
  const named = slash !== -1 && isRegistry(first);
  if (requireRegistry && !named) {
    return {
      ok: false,
      reason: 'names no registry host (like registry.example.com/)',
    };
  }
  const registry = named ? first : 'docker.io';
  if (!REGISTRY.test(registry)) {
    return {
      ok: false,
      reason: `has a registry host that is not a lowercase host name (${registry})`,
    };
  }
  const path = named ? name.slice(slash + 1) : name;
  const repository = path === '' ? [] : path.split('/');
  if (!repository.every(component => PATH_COMPONENT.test(component))) {
    return {
      ok: false,
      reason:
        'has a repository path that is not lowercase letters and digits separated by single . _ - or /',
    };
  }
  // Docker Hub's official images live under library/.
  if (!named && repository.length === 1) {
    repository.unshift('library');
  }
  return { ok: true, value: { registry, repository } };
}

/** Parses an image reference; refused with a reason when it is not one. */
export function parseImageReference(text: string): Parsed<ImageReference> {
  const at = text.indexOf('@');
  const nameAndTag = at === -1 ? text : text.slice(0, at);
  const digest = at === -1 ? undefined : text.slice(at + 1);
  if (digest !== undefined && !DIGEST.test(digest)) {
    return {
      ok: false,
      reason: `has a digest that is not sha256: or sha512: and lowercase hex; ${FORMAT}`,
    };
  }
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > nameAndTag.lastIndexOf('/');
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
  if (tag !== undefined && !TAG.test(tag)) {
    return {
      ok: false,
      reason: `has a tag that is not letters, digits and _ . - (at most 128); ${FORMAT}`,
    };
  }
  if (name.length === 0 || name.length > NAME_MAX_LENGTH) {
    return {
      ok: false,
      reason: `has no name or one longer than ${NAME_MAX_LENGTH} characters; ${FORMAT}`,
    };
  }
  const parsed = parseName(name, false);
  if (!parsed.ok) {
    return { ok: false, reason: `${parsed.reason}; ${FORMAT}` };
  }
  if (parsed.value.repository.length === 0) {
    return { ok: false, reason: `names no repository; ${FORMAT}` };
  }
  return {
    ok: true,
    value: {
      ...parsed.value,
      ...(tag !== undefined ? { tag } : {}),
      ...(digest !== undefined ? { digest } : {}),
    },
  };
}

/**
 * Parses an allow-list entry: `registry/` (every repository of the
 * registry), `registry/path/` (every repository below path) or
 * `registry/path` (that repository only); never a tag or a digest.
 */
export function parseImageAllowEntry(text: string): Parsed<ImageAllowEntry> {
  const slash = text.indexOf('/');
  if (slash === -1) {
    return { ok: false, reason: 'needs a / after the registry host' };
  }
  if (/[@:]/.test(text.slice(slash))) {
    return { ok: false, reason: 'names a tag or digest' };
  }
  if (text.includes('//')) {
    return { ok: false, reason: 'has an empty path component (//)' };
  }
  if (text.length > NAME_MAX_LENGTH + 1) {
    return {
      ok: false,
      reason: `is longer than ${NAME_MAX_LENGTH} characters`,
    };
  }
  const prefix = text.endsWith('/');
  // `registry/` keeps its slash, so that the registry is still recognised.
  const name = prefix && slash < text.length - 1 ? text.slice(0, -1) : text;
  const parsed = parseName(name, true);
  if (!parsed.ok) {
    return parsed;
  }
  return { ok: true, value: { ...parsed.value, prefix } };
}

/**
 * Whether an image lies inside an entry: the same registry host, and the
 * same repository, or (for a prefix) whole path components below it, so
 * `repo/spark/` allows `repo/spark/x` but never `repo/spark-evil/x`.
 */
export function imageInEntry(
  image: ImageReference,
  entry: ImageAllowEntry,
): boolean {
  if (image.registry !== entry.registry) {
    return false;
  }
  const { repository } = entry;
  const startsWith = repository.every(
    (component, i) => image.repository[i] === component,
  );
  return (
    startsWith &&
    (entry.prefix
      ? image.repository.length > repository.length
      : image.repository.length === repository.length)
  );
}

/**
 * Why an image may not be used, or undefined when it may: it must parse and
 * lie inside one of `allowed` (entries of `guardrails.allowedImages`).
 */
export function imageProblem(
  text: string,
  allowed: string[],
): string | undefined {
  const list = `guardrails.allowedImages: ${allowed.join(', ') || 'none'}`;
  const image = parseImageReference(text);
  if (!image.ok) {
    return `${JSON.stringify(text)} is not an image reference: it ${
      image.reason
    } (${list})`;
  }
  const inside = allowed.some(entry => {
    const parsed = parseImageAllowEntry(entry);
    return parsed.ok && imageInEntry(image.value, parsed.value);
  });
  return inside
    ? undefined
    : `${text} is not in an image repository this cluster allows (${list}); use an image from one of them, or ask the platform team to add its repository`;
}
