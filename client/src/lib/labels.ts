// Localised names of the contracts' enums and of scopes.
import { t, type TextKey } from "./i18n.js";

export function matterName(matter: string): string {
  const key = `matter.${matter}` as TextKey;
  const text = t(key);
  return text === key ? matter : text;
}

export function scopeName(estateId: string | number, buildingId: string | number | null | undefined): string {
  return buildingId !== null && buildingId !== undefined && String(buildingId) !== "0"
    ? t("scope.building", { id: String(buildingId) })
    : t("scope.estate", { id: String(estateId) });
}

export function label(prefix: string, value: string | number): string {
  const key = `${prefix}.${value}` as TextKey;
  const text = t(key);
  return text === key ? String(value) : text;
}

/**
 * A role as people say it: `committee:1` is "业主委员会委员（小区 #1）", `registrar` "登记员"; a role the client
 * does not know yet is named as "another role", never shown raw.
 */
export function roleName(role: string): string {
  const committee = /^committee:(\d+)$/.exec(role);
  if (committee) return t("role.committee", { estate: committee[1]! });
  const key = `role.${role}` as TextKey;
  const text = t(key);
  return text === key ? t("relation.other") : text;
}

/** A family relation as the API names it ("parent", or its number on chain) in words: 父母, 配偶, 子女; never the raw value. */
export function relationName(value: string | number, numbered: readonly string[] = ["None", "Parent", "Spouse", "Child"]): string {
  const raw = typeof value === "number" || /^\d+$/.test(String(value)) ? (numbered[Number(value)] ?? String(value)) : String(value);
  const key = `relation.${raw.charAt(0).toUpperCase()}${raw.slice(1)}` as TextKey;
  const text = t(key);
  return text === key ? t("relation.other") : text;
}
