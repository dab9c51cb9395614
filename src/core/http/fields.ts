import { z } from "zod";

/** Request field builders shared by the modules' schemas, so every module words its errors alike. */

/** Required trimmed text; the error names what to write. */
export const text = (field: string, max: number) =>
  z
    .string({ error: `${field} is required` })
    .trim()
    .min(1, `is required: ${field}`)
    .max(max, `must be at most ${max} characters`);

export const optionalText = (max: number) =>
  z.string().trim().max(max, `must be at most ${max} characters`).optional();

/** A comma-separated query parameter whose parts must each be one of `values`. */
export const csv = <T extends readonly [string, ...string[]]>(values: T, name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      const parts = v.split(",").map((s) => s.trim());
      for (const p of parts)
        if (!(values as readonly string[]).includes(p)) {
          ctx.addIssue({ code: "custom", message: `${name} '${p}' is not one of ${values.join(", ")}` });
          return z.NEVER;
        }
      return parts as T[number][];
    });

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The first string in a request body that PostgreSQL cannot store as text or JSON: one with a NUL
 * character, or with half of a UTF-16 surrogate pair (text cut in the middle of an emoji). Found
 * before validation, so every route answers 400 naming the field instead of failing on insert.
 */
export function unstorableText(value: unknown, path: string): { path: string; message: string } | null {
  if (typeof value === "string") {
    if (value.includes("\u0000"))
      return { path, message: "contains a NUL character; remove it (it cannot be stored)" };
    if (LONE_SURROGATE.test(value))
      return {
        path,
        message: "contains a broken character (half of an emoji or symbol); retype or remove it",
      };
    return null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = unstorableText(value[i], `${path}.${i}`);
      if (p) return p;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const p = unstorableText(k, path) ?? unstorableText(v, `${path}.${k}`);
      if (p) return p;
    }
  }
  return null;
}
