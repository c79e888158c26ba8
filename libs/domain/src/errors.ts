import type { ZodError } from 'zod';

/** Base of every domain error; `code` is stable and machine-readable. */
export class TocsinError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface FieldError {
  field: string;
  message: string;
}

/** Flattens a zod error into `{ field: "author.followers", message }` items. */
export function describeZodError(error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(root)',
    message: issue.message,
  }));
}
