// Finding a flat by what a resident types: "1号楼 101", "1号楼1单元101", "Bldg 1 101". Pure, so it is tested
// without a browser.

/** Words of a label or query: "3号楼 1单元 203" → ["3号楼", "1单元", "203"]; "Bldg 1, Room 203" → ["bldg", "1", "room", "203"]. */
function words(text: string): string[] {
  // "1号楼1单元101" is read as "1号楼 1单元 101".
  return text
    .replace(/(号楼|单元|室)/g, "$1 ")
    .toLowerCase()
    .split(/[\s,，、/·]+/)
    .filter(Boolean);
}

/**
 * Whether a holder's flats or name match the query: every word of the query begins a word of one of the flat's
 * labels (so "1号楼 101" finds "1号楼 1单元 101" but not "1号楼 1单元 1101"), or the query is part of the name.
 */
export function matchesFlat(labels: string[], name: string | undefined, query: string): boolean {
  const q = words(query);
  if (q.length === 0) return true;
  if (name && name.toLowerCase().includes(query.trim().toLowerCase())) return true;
  return labels.some((label) => {
    const w = words(label);
    return q.every((part) => w.some((word) => word.startsWith(part)));
  });
}
