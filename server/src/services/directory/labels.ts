// Unit labels (楼栋 / 单元 / 室): how people name a flat, kept off chain next to the registry's unit id. A label is
// not personal data: it names a place, not who lives there. Parsing is tolerant of the ways residents type a
// flat ("1-2-406", "1号楼2单元406室", full-width digits, "Bldg 1, Entrance 2, Room 406"), so a search finds it.

/** A unit's label: building number, entrance (单元) number and room number (digits, e.g. "406", "1806"). */
export type UnitLabel = { building: number; entrance: number; room: string };

/** What a search names: any of the three parts (a building alone lists its flats). */
export type LabelQuery = Partial<UnitLabel>;

const MAX_NUMBER = 9999;
const ROOM = /^[1-9]\d{0,5}$/;

export function isValidLabel(label: UnitLabel): boolean {
  return (
    Number.isInteger(label.building) && label.building >= 1 && label.building <= MAX_NUMBER &&
    Number.isInteger(label.entrance) && label.entrance >= 1 && label.entrance <= MAX_NUMBER &&
    ROOM.test(label.room)
  );
}

/** "1号楼 2单元 406" */
export function labelZh(label: UnitLabel): string {
  return `${label.building}号楼 ${label.entrance}单元 ${label.room}`;
}

/** "Bldg 1, Entrance 2, Room 406" */
export function labelEn(label: UnitLabel): string {
  return `Bldg ${label.building}, Entrance ${label.entrance}, Room ${label.room}`;
}

/** The exact key of a label ("1-2-406"), for the index and for equality. */
export function labelKey(label: UnitLabel): string {
  return `${label.building}-${label.entrance}-${label.room}`;
}

// Words that mark the part a number belongs to, after the number (Chinese) or before it (English).
const AFTER: [RegExp, keyof UnitLabel][] = [
  [/^(号楼|號樓|栋|棟|幢|座|楼|樓)/, "building"],
  [/^(单元|單元)/, "entrance"],
  [/^(室|号|號|房)/, "room"],
];
const BEFORE: [RegExp, keyof UnitLabel][] = [
  [/^(bldg\.?|building|blk\.?|block|bld\.?)$/, "building"],
  [/^(entrance|ent\.?|unit)$/, "entrance"],
  [/^(room|rm\.?|flat|apt\.?)$/, "room"],
];
const SEPARATORS = /^[\s\-—–_/\\,，、.。·#:：]+/;

/**
 * Reads what someone typed as a (possibly partial) label, or undefined if it is not one. Full-width characters
 * are folded (NFKC); numbers are placed by the word next to them (号楼 / 单元 / 室, Bldg / Entrance / Room), and
 * bare numbers fill building, entrance, room in that order, except that two bare numbers whose second has three
 * or more digits are a building and a room ("1-406").
 */
export function parseLabelQuery(text: string): LabelQuery | undefined {
  let rest = text.normalize("NFKC").trim().toLowerCase();
  if (rest.length === 0 || rest.length > 64) return undefined;
  const tagged: LabelQuery = {};
  const bare: string[] = [];
  let pending: keyof UnitLabel | undefined;
  const place = (part: keyof UnitLabel, digits: string): boolean => {
    if (tagged[part] !== undefined) return false;
    if (part === "room") tagged.room = String(Number(digits));
    else tagged[part] = Number(digits);
    return true;
  };
  while (rest.length > 0) {
    const sep = SEPARATORS.exec(rest);
    if (sep) {
      rest = rest.slice(sep[0].length);
      continue;
    }
    const word = /^[a-z]+\.?/.exec(rest);
    if (word) {
      const found = BEFORE.find(([re]) => re.test(word[0]));
      if (!found || pending) return undefined;
      pending = found[1];
      rest = rest.slice(word[0].length);
      continue;
    }
    const digits = /^\d{1,6}/.exec(rest);
    if (!digits) return undefined;
    rest = rest.slice(digits[0].length);
    const after = AFTER.find(([re]) => re.test(rest));
    if (after) {
      if (pending && pending !== after[1]) return undefined;
      rest = rest.replace(after[0], "");
      if (!place(after[1], digits[0])) return undefined;
    } else if (pending) {
      if (!place(pending, digits[0])) return undefined;
    } else {
      bare.push(digits[0]);
    }
    pending = undefined;
  }
  if (pending) return undefined;
  const free = (["building", "entrance", "room"] as const).filter((p) => tagged[p] === undefined);
  if (bare.length > free.length) return undefined;
  // Fewer bare numbers than free parts, the last of three or more digits: that one is the room ("1-406",
  // "1号楼406": a single-entrance building's flat, not entrance 406), the others fill the parts before it.
  const last = bare[bare.length - 1];
  const order: (keyof UnitLabel)[] =
    bare.length < free.length && last !== undefined && last.length >= 3 && free.includes("room")
      ? [...free.filter((p) => p !== "room").slice(0, bare.length - 1), "room"]
      : free;
  bare.forEach((digits, i) => place(order[i]!, digits));
  if (Object.keys(tagged).length === 0) return undefined;
  if (tagged.building !== undefined && (tagged.building < 1 || tagged.building > MAX_NUMBER)) return undefined;
  if (tagged.entrance !== undefined && (tagged.entrance < 1 || tagged.entrance > MAX_NUMBER)) return undefined;
  if (tagged.room !== undefined && !ROOM.test(tagged.room)) return undefined;
  return tagged;
}

export function matchesQuery(label: UnitLabel, query: LabelQuery): boolean {
  return (
    (query.building === undefined || query.building === label.building) &&
    (query.entrance === undefined || query.entrance === label.entrance) &&
    (query.room === undefined || query.room === label.room)
  );
}
