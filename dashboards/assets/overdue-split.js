// Overdue follow-ups split into people never followed up and those merely late (pure).

export function splitOverdue(rows) {
  const never = [];
  const late = [];
  for (const row of rows) (row.last_followup_on === null || row.last_followup_on === undefined ? never : late).push(row);
  return { never, late };
}
