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
