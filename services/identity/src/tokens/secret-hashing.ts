// Passwords and device secrets are stored only as argon2id hashes, with OWASP's recommended minimum
// cost (19 MiB, 2 passes, 1 lane): argon2's library default (64 MiB, 3 passes, 4 lanes) made a login
// take seconds on a busy 2-core node, long enough to time out behind the gateway. The cost travels in
// each hash, so hashes made with other settings still verify.
import argon2 from 'argon2';

const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashSecret = (plain: string): Promise<string> => argon2.hash(plain, OPTIONS);

// Compared against when the phone or client id is unknown, so both answers take as long.
let dummy: Promise<string> | null = null;

/** Whether `plain` matches `hash`; with no hash, spends the same time and answers false. */
export async function verifySecret(hash: string | null | undefined, plain: string): Promise<boolean> {
  dummy ??= hashSecret('not-a-real-secret-0');
  const ok = await argon2.verify(hash ?? (await dummy), plain).catch(() => false);
  return Boolean(hash) && ok;
}
