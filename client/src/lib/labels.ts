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
