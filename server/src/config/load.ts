// Loading settings the same way for every process: command-line options override GONGZHI_* environment
// variables, which override the schema's defaults; secrets come from the environment only (command lines are
// visible to every local user). Errors name the option or variable to fix.
import type { z } from "zod";

export type SettingsSource<K extends string> = {
  /** What is being configured, for the error message ("indexer", "server"). */
  what: string;
  /** The environment variable of each setting. */
  env: Record<K, string>;
  /** Settings read from the environment only. */
  secrets?: ReadonlySet<K>;
  /** Settings given as flags without a value (true when present, "1" or "true" in the environment). */
  flags?: ReadonlySet<K>;
};

export function optionName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export function loadSettings<S extends z.ZodTypeAny, K extends string>(
  schema: S,
  source: SettingsSource<K>,
  cli: Partial<Record<K, unknown>>,
  env: NodeJS.ProcessEnv,
): z.infer<S> {
  const merged: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(source.env) as [K, string][]) {
    const value = source.secrets?.has(key) ? env[name] : (cli[key] ?? env[name]);
    if (value === undefined || value === "") continue;
    merged[key] = source.flags?.has(key) ? value === true || value === "1" || value === "true" : value;
  }
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = issue.path[0] as K;
      const where = source.secrets?.has(key) ? source.env[key] : `${optionName(key)} (or ${source.env[key]})`;
      // A setting that was not given at all is "required", not the parser's "expected number, received nan"; a
      // rule across settings (refine) may name one left at its default, and keeps its own message.
      return `  ${where}: ${key in merged || issue.code === "custom" ? issue.message : "required, not given"}`;
    });
    throw new Error(`Invalid ${source.what} configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export type SettingHelp = { key: string; option?: string; env: string; required: boolean; secret: boolean; defaultValue?: string };

/**
 * What `--help` says about each setting, read from the schema itself so it cannot drift from it: its option
 * (none for a secret), its environment variable, whether it is required and its default.
 */
export function describeSettings<K extends string>(shape: Record<K, z.ZodTypeAny>, source: SettingsSource<K>): SettingHelp[] {
  return (Object.keys(source.env) as K[]).map((key) => {
    const field = shape[key];
    const secret = source.secrets?.has(key) ?? false;
    const def = field._def as { typeName?: string; defaultValue?: () => unknown };
    const value = def.typeName === "ZodDefault" && def.defaultValue ? def.defaultValue() : undefined;
    return {
      key,
      option: secret ? undefined : optionName(key),
      env: source.env[key],
      required: !field.isOptional(),
      secret,
      defaultValue: value === undefined || value === "" ? undefined : String(value),
    };
  });
}
