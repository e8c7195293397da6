// @ts-check
/**
 * Seeded randomness: every random choice of the generator comes from a PRNG
 * keyed by the seed and what the choice is for (a run's id, an instance type
 * and day), so a run's draws do not change when other runs are added or
 * reordered.
 */

/**
 * FNV-1a, 32 bits.
 * @param {string} text
 */
function hash32(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * mulberry32: a small, good-enough PRNG; floats in [0, 1).
 * @param {number} seed
 */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @typedef {() => number} Rng */

/**
 * A PRNG for one purpose: keyed by the seed and what it is for.
 * @param {string} seed
 * @param {...(string | number)} key
 * @returns {Rng}
 */
export function rngFor(seed, ...key) {
  return mulberry32(hash32([seed, ...key].join('\u0000')));
}

/**
 * An integer in [low, high].
 * @param {Rng} rng @param {number} low @param {number} high
 */
export function intIn(rng, low, high) {
  return low + Math.floor(rng() * (high - low + 1));
}

/** @param {Rng} rng @param {number} length */
export function hexOf(rng, length) {
  let text = '';
  for (let i = 0; i < length; i++) {
    text += Math.floor(rng() * 16).toString(16);
  }
  return text;
}

/** @param {Rng} rng @param {number} length */
export function alnumOf(rng, length) {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  let text = '';
  for (let i = 0; i < length; i++) {
    text += alphabet[Math.floor(rng() * alphabet.length)];
  }
  return text;
}

/** A version 4 UUID. @param {Rng} rng */
export function uuidOf(rng) {
  const hex = hexOf(rng, 32).split('');
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(rng() * 4)];
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(
    16,
    20,
  )}-${h.slice(20)}`;
}
