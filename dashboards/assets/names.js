// Names beside codes: streets/towns and institutions of the county, communities of a street/town
// when first needed (GET /v1/regions/{code}).
import { getJson } from './api.js';

export async function loadNames(county, signal) {
  const root = await getJson(`/v1/regions/${county}`, signal);
  const names = new Map([[root.code, root.name]]);
  for (const c of root.children) names.set(c.code, c.name);
  for (const i of root.institutions) names.set(i.code, i.name);
  const loaded = new Set([root.code]);
  return {
    county: root,
    streets: root.children,
    institutions: root.institutions,
    name: (code) => names.get(code) ?? '',
    /** communities of a street/town (loaded once) */
    async communities(street) {
      const node = await getJson(`/v1/regions/${street}`, signal);
      if (!loaded.has(street)) for (const c of node.children) names.set(c.code, c.name);
      loaded.add(street);
      return node.children;
    },
  };
}
