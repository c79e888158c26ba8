import { z } from 'zod';

/**
 * What a signed-in person may do, lowest first: a viewer watches, a cm acts on alerts, a
 * manager also silences, an admin manages users and sees every brand. Who is *paged* is the
 * crisis plan's business (rota, escalation); these roles only say who may act.
 */
export const ACCESS_ROLES = ['viewer', 'cm', 'manager', 'admin'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];

/** Sign-in names: lowercase, readable in logs and Redis fields. */
export const usernameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'expected a lowercase name such as "camille" (a-z, 0-9, ".", "_", "-")');

/** A user as stored: no secret but the password's hash, and that only when one was set. */
export const userRecordSchema = z
  .object({
    username: usernameSchema,
    /** The crisis plan's person this account acts as: pages, audit entries and names come from there. */
    personId: z.string().min(1),
    role: z.enum(ACCESS_ROLES),
    /** Brands this user may see and act on; ignored for an admin, who has them all. */
    brandIds: z.array(z.string().min(1)),
    disabled: z.boolean(),
    /** `scrypt$…` as written by the gateway's password hasher; absent for an OpenID-only account. */
    passwordHash: z.string().min(1).optional(),
    /** Matched, lowercased, against a verified e-mail of the identity provider. */
    email: z.string().email().optional(),
    /** The identity provider's stable subject, recorded at the first OpenID sign-in. */
    oidcSubject: z.string().min(1).optional(),
    createdAtMs: z.number().int().nonnegative(),
  })
  .strict();

export type UserRecord = z.infer<typeof userRecordSchema>;

/** Who is acting, as the server established it: never taken from a request body. */
export interface Actor {
  username: string;
  personId: string;
  role: AccessRole;
  brandIds: readonly string[];
}

export function toActor(user: UserRecord): Actor {
  return { username: user.username, personId: user.personId, role: user.role, brandIds: user.brandIds };
}
