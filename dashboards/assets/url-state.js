// Each view's state lives in the query string, so a URL can be shared (pure: imported by tests).

/** The state of a view: the defaults, overridden by what the query string says (known keys only). */
export function readState(search, defaults) {
  const params = new URLSearchParams(search);
  const state = { ...defaults };
  for (const key of Object.keys(defaults)) {
    const value = params.get(key);
    if (value === null || value === '') continue;
    state[key] = typeof defaults[key] === 'number' ? Number(value) || defaults[key] : value;
  }
  return state;
}

/** The query string of a state: only what differs from the defaults, in a stable order. */
export function writeState(state, defaults) {
  const params = new URLSearchParams();
  for (const key of Object.keys(defaults).sort()) {
    const value = state[key];
    if (value === undefined || value === null || value === '' || value === defaults[key]) continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** An API query string from an object, leaving out empty values. */
export function apiQuery(values) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The street/town of a division code (its first 9 digits), or null for a county. */
export function streetOf(code) {
  return code && code.length >= 9 ? code.slice(0, 9) : null;
}

/** The grouping one level below a region: county → street, street → community, community → institution. */
export function nextLevel(regionCode) {
  if (!regionCode || regionCode.length === 6) return 'street';
  if (regionCode.length === 9) return 'community';
  return 'institution';
}
