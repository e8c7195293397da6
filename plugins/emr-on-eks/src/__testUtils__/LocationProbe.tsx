import { useLocation } from 'react-router-dom';

/** The router location, shown for tests to read the URL. */
export function LocationProbe() {
  const location = useLocation();
  return <output aria-label="location">{location.search}</output>;
}

/** The URL's query parameters, as the probe shows them. */
export function currentSearch(element: HTMLElement): URLSearchParams {
  return new URLSearchParams(element.textContent ?? '');
}
