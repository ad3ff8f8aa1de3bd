/** Password hashing with argon2id at the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane). */
import argon2 from 'argon2';

export const argon2Options = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Hashes a new password into a PHC string. */
export const hashPassword = (password: string): Promise<string> => argon2.hash(password, argon2Options);

// Verified against when the account does not exist, so an unknown email costs as much as a wrong password.
const dummyHash = hashPassword('quire-dummy-password-for-constant-time');

/** True when the password matches; with no hash, spends the same time and answers false. */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  if (hash === undefined) {
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return argon2.verify(hash, password);
}
