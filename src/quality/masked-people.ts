// The masked identity a worklist shows for a person: their latest masked ID and non-empty masked
// name (the store holds nothing else). A CTE over `ev`, for queries built on a subject's SQL.
export const MASKED_PEOPLE = `people AS (
  SELECT person_key, argMax(id_masked, occurred_at) AS id_masked, argMaxIf(name_masked, occurred_at, name_masked != '') AS name_masked
  FROM ev GROUP BY person_key
)`;
