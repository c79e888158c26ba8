import type { AccessRole } from '@tocsin/access';

/** What each role may do, as the pages name it next to the signed-in person. */
export const ACCESS_ROLE_LABELS: Readonly<Record<AccessRole, string>> = {
  viewer: 'viewer',
  cm: 'community manager',
  manager: 'manager',
  admin: 'admin',
};
