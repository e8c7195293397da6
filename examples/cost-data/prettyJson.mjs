// @ts-check

/**
 * JSON as Prettier prints it (2 spaces; arrays of scalars on one line when
 * they fit in 80 columns), so a formatted checkout stays byte-identical.
 * @param {unknown} value
 */
export function prettyJson(value) {
  const lines = JSON.stringify(value, null, 2).split('\n');
  /** @type {string[]} */
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/[[]$/.test(line)) {
      let j = i + 1;
      /** @type {string[]} */
      const items = [];
      while (j < lines.length && !/^\s*\],?$/.test(lines[j])) {
        const item = lines[j].trim();
        if (/^[[{]/.test(item) || /[[{]$/.test(item)) {
          break;
        }
        items.push(item.replace(/,$/, ''));
        j++;
      }
      if (j < lines.length && /^\s*\],?$/.test(lines[j]) && items.length > 0) {
        const closing = lines[j].trim();
        const joined = `${line}${items.join(', ')}${closing}`;
        if (joined.length <= 80) {
          out.push(joined);
          i = j;
          continue;
        }
      }
    }
    out.push(line);
  }
  return `${out.join('\n')}\n`;
}
