// @ts-check
/**
 * Hourly prices of the nodes: On-Demand as listed, Spot 30-35 % of
 * On-Demand, per instance type and day, 4 decimals.
 */
import { rngFor } from './random.mjs';

/**
 * A price list: the hourly price of an instance on a day.
 * @param {string} seed
 * @returns {(instance: import('./nodes.mjs').Instance, day: string) => number}
 */
export function priceList(seed) {
  /** @type {Map<string, number>} */
  const spotPrices = new Map();
  return (instance, day) => {
    if (instance.capacity === 'on-demand') {
      return instance.onDemand;
    }
    const key = `${instance.type}\u0000${day}`;
    let price = spotPrices.get(key);
    if (price === undefined) {
      const ratio =
        0.3 + 0.05 * rngFor(seed, 'spot-price', instance.type, day)();
      price = Math.round(instance.onDemand * ratio * 10000) / 10000;
      spotPrices.set(key, price);
    }
    return price;
  };
}
