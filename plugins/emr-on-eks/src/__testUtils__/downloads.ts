/**
 * Catches what a component saves through an object URL and a clicked link
 * (`saveBlob`): each Blob with its file name. jsdom has no object URLs, so
 * this puts its own on `URL`; restore `URL.createObjectURL` and
 * `URL.revokeObjectURL` and the click's mock after each test.
 */
export function catchDownloads(): Array<{ blob: Blob; name: string }> {
  const saved: Array<{ blob: Blob; name: string }> = [];
  const blobs = new Map<string, Blob>();
  Object.assign(URL, {
    createObjectURL: (blob: Blob) => {
      const url = `blob:test/${blobs.size}`;
      blobs.set(url, blob);
      return url;
    },
    revokeObjectURL: () => {},
  });
  jest
    .spyOn(HTMLAnchorElement.prototype, 'click')
    .mockImplementation(function click(this: HTMLAnchorElement) {
      saved.push({ blob: blobs.get(this.href)!, name: this.download });
    });
  return saved;
}

/** A Blob's text, whether the test environment's Blob is Node's or jsdom's. */
export function blobText(blob: Blob): Promise<string> {
  if (typeof blob.text === 'function') {
    return blob.text();
  }
  return new Promise(resolve => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.readAsText(blob);
  });
}
