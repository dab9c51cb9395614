import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";

// scrypt cost: N=2^15 takes ~60 ms here, slow enough to make guessing expensive, fast enough
// for sign-in. Parameters are stored with each hash so they can be raised later.
const N = 32768;
const r = 8;
const p = 1;
const KEYLEN = 64;
const MAXMEM = 128 * N * r * 2;

function scrypt(password: string, salt: Buffer, n: number, rr: number, pp: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(
      password.normalize("NFKC"),
      salt,
      KEYLEN,
      { N: n, r: rr, p: pp, maxmem: 128 * n * rr * 2 + MAXMEM },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

/** Hashes a password with scrypt and a fresh 16-byte salt: `scrypt$N$r$p$salt$hash` (base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, N, r, p);
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

// A real hash to compare against when the account does not exist, so a wrong email takes as
// long as a wrong password and response times do not reveal which emails have accounts.
let dummyHash: Promise<string> | undefined;

/** Constant-time check of a password against a stored hash; `null` hashes never match. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (!dummyHash) dummyHash = hashPassword("liaison-no-such-account");
  const target = stored ?? (await dummyHash);
  const parts = target.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [, n, rr, pp, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, "base64");
  const actual = await scrypt(password, Buffer.from(salt, "base64"), Number(n), Number(rr), Number(pp));
  return actual.length === expected.length && timingSafeEqual(actual, expected) && stored !== null;
}

/** A random secret for cookies, tokens and links: 32 bytes, base64url. */
export const newSecret = (bytes = 32) => randomBytes(bytes).toString("base64url");

/** Secrets are stored only as their SHA-256; a database leak does not reveal live credentials. */
export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
