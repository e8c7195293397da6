import { ResponseError } from '@backstage/errors';

/**
 * Saves a Blob as a file: a link to an object URL, clicked. A plain link to
 * the backend would not do: the request needs the user's token, which only
 * the fetch API adds.
 */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.appendChild(link);
  try {
    link.click();
  } finally {
    link.remove();
    // After the click has started the download, which reads the URL.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

/** The text of a URL fetched with the user's token; non-OK answers throw. */
export async function fetchText(
  fetchApi: { fetch: typeof fetch },
  url: string,
): Promise<string> {
  const response = await fetchApi.fetch(url);
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  return response.text();
}

/** A file name from any text: letters, digits, `-` and `_` only. */
export function safeFileName(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
}
