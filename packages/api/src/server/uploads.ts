import type { RequestHandler } from 'express';
import graphqlUploadExpress from 'graphql-upload/graphqlUploadExpress.mjs';

/**
 * Headers Apollo's CSRF prevention accepts on a request a browser could send cross-site without
 * a preflight (a `multipart/form-data` POST is one): a form cannot set them.
 */
const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name'] as const;

/** The largest `operations` / `map` part of a multipart request (the query and its variables, not the file). */
const MAX_OPERATIONS_BYTES = 1024 * 1024;

/**
 * GraphQL multipart requests (https://github.com/jaydenseric/graphql-multipart-request-spec) on
 * `/graphql`, through graphql-upload: `uploadCodes(file: Upload)`. One file per request, of any
 * size: graphql-upload spools it to a temporary file as it arrives (fs-capacitor, deleted once the
 * answer is sent) and the resolver streams it from there, so the API never holds the file
 * (`codes/code.upload-file.ts`; RSS measured in docs/api-guide.md). A multipart request without `apollo-require-preflight` or
 * `x-apollo-operation-name` is left unread (and its connection closed after the answer): Apollo's
 * CSRF prevention refuses it with 400 BAD_USER_INPUT, before anything of the body is parsed
 * or stored. A malformed request is 400 (413 past the limits) BAD_USER_INPUT through the API's
 * HTTP error handler (server/http.ts), with graphql-upload's message.
 */
export function multipartUploads(): RequestHandler {
  const upload = graphqlUploadExpress({ maxFiles: 1, maxFieldSize: MAX_OPERATIONS_BYTES });
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    if (!PREFLIGHT_HEADERS.some((name) => (req.headers[name] ?? '') !== '')) {
      res.setHeader('Connection', 'close');
      req.body = {};
      return next();
    }
    upload(req, res, (error?: unknown) => next(error === undefined ? undefined : asClientError(error)));
  };
}

/**
 * graphql-upload's own refusals carry an HTTP status (http-errors); what reaches us without one
 * is busboy's, the multipart parser under it, for a body it cannot read (no boundary in the
 * Content-Type, a cut-off form, a malformed part header): the client's fault, 400 with busboy's
 * message, not a 500.
 */
function asClientError(error: unknown): unknown {
  if (!(error instanceof Error) || Number.isInteger((error as { status?: unknown }).status)) return error;
  return Object.assign(new Error(`The multipart request could not be read: ${error.message}`), { status: 400, expose: true });
}
