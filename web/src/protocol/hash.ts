/**
 * The SHA-256 of a text (UTF-8), as lower-case hex — the fingerprint the server records for each
 * version. Web Crypto exists only in secure contexts (HTTPS or localhost); elsewhere this answers
 * null and the caller falls back to the recorded fingerprint.
 */
export async function sha256Hex(text: string): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null;
  const digest = await subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
