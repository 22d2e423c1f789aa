import bcrypt from 'bcryptjs';

export const hashPassword = (password: string, rounds: number) => bcrypt.hash(password, rounds);
export const verifyPassword = (password: string, hash: string) => bcrypt.compare(password, hash);

/**
 * Compared against when the email is unknown, so a login for a missing account costs the same
 * time as one with a wrong password and timing does not reveal which accounts exist.
 */
export const dummyHash = (rounds: number) => bcrypt.hash('clutch-no-such-user', rounds);
