// Names beside codes: streets/towns and institutions of the county, communities of a street/town
// when first needed (GET /v1/regions/{code}).
import { getJson } from './api.js';

export async function loadNames(county, signal) {
  const root = await getJson(`/v1/regions/${county}`, signal);
  const names = new Map([[root.code, root.name]]);
  for (const c of root.children) names.set(c.code, c.name);
  for (const i of root.institutions) names.set(i.code, i.name);
  // Every redraw of the region filter asks for the selected street's communities: asked once.
  const loaded = new Map();
  return {
    county: root,
    streets: root.children,
    institutions: root.institutions,
    name: (code) => names.get(code) ?? '',
    /** communities of a street/town (loaded once; a failed load is tried again next time) */
    communities(street) {
      if (!loaded.has(street)) {
        const children = getJson(`/v1/regions/${street}`, signal).then((node) => {
          for (const c of node.children) names.set(c.code, c.name);
          return node.children;
        });
        loaded.set(street, children);
        children.catch(() => loaded.delete(street));
      }
      return loaded.get(street);
    },
  };
}
