import type { IngestKeyRecord } from '@tocsin/domain';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IngestKeyAuthenticator } from './ingest-key.authenticator';

/**
 * Refuses a request without a valid ingest key before its body is read: an unknown client
 * cannot make ingest read and parse megabytes. The key's record is left for the controller.
 */
export function requireIngestKey(authenticator: IngestKeyAuthenticator): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    authenticator.authenticate(request.headers.authorization).then((auth) => {
      if (!auth.ok) {
        if (auth.status === 401) response.setHeader('www-authenticate', 'Bearer realm="tocsin-ingest"');
        response.status(auth.status).json({ statusCode: auth.status, error: auth.error, message: auth.message });
        return;
      }
      response.locals.ingestKey = auth.key;
      next();
    }, next);
  };
}

/** The key `requireIngestKey` accepted for this request. */
export function ingestKeyOf(response: Response): IngestKeyRecord {
  const key: unknown = response.locals.ingestKey;
  if (typeof key !== 'object' || key === null) {
    throw new Error('no ingest key on this request: requireIngestKey must run before the mentions route');
  }
  return key as IngestKeyRecord;
}
