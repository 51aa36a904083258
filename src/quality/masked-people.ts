// The masked identity a worklist shows for a person: the masked ID of their newest identifier (a
// linked person shows the ID they are known by now) and the latest non-empty masked name (the store
// holds nothing else). A CTE over `ev`, for queries built on a subject's SQL.
export const MASKED_PEOPLE = `people AS (
  SELECT person_key, argMax(id_masked, (identifier_key = person_key, occurred_at)) AS id_masked,
    argMaxIf(name_masked, (identifier_key = person_key, occurred_at), name_masked != '') AS name_masked
  FROM ev GROUP BY person_key
)`;
