import { PassThrough, type Readable } from 'node:stream';
import { badInput } from '@coupons/core';
import { GraphQLScalarType } from 'graphql';
import GraphQLUpload from 'graphql-upload/GraphQLUpload.mjs';
import type { FileUpload } from 'graphql-upload/processRequest.mjs';

/** A file of a multipart request, as the resolver receives it: its promise, not yet awaited. */
export class PendingUpload {
  constructor(readonly file: Promise<FileUpload>) {}
}

/**
 * The `Upload` scalar: graphql-upload's, its promise wrapped in a {@link PendingUpload}. type-graphql
 * awaits every argument that is a promise before it calls the resolver, which would hold the
 * book and argument checks until the file arrives and turn a file that never comes into an
 * unmapped error; wrapped, the resolver decides when to wait and how to answer.
 */
export const UploadScalar = new GraphQLScalarType<PendingUpload, never>({
  name: 'Upload',
  description: 'A file of a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec).',
  parseValue: (value) => new PendingUpload(GraphQLUpload.parseValue(value) as Promise<FileUpload>),
  parseLiteral: (node) => GraphQLUpload.parseLiteral(node, undefined) as never,
  serialize: (value) => GraphQLUpload.serialize(value) as never,
});

/** The file of `uploadCodes(file:)` as a stream for the import, and how to let go of it. */
export interface UploadedFile {
  /** The file's bytes as they arrive; fails when the upload breaks off or the file never came. */
  body: Readable;
  /** Stops reading the file (after the import, or when it never started): its temporary file can go. */
  close(): void;
}

/**
 * Opens the `Upload` of a GraphQL multipart request (graphql-upload's promise of the file) as
 * one stream that the streamed import reads at its own pace, so the answer of the book and
 * argument checks does not wait for the file. The bytes come from graphql-upload's spool (a
 * temporary file fs-capacitor writes as the request arrives and deletes when the answer is sent):
 * nothing here holds more than a stream buffer. A request that breaks off mid-file fails the
 * stream as a dropped `POST /import` body does (ECONNRESET: the import rolls back and says so);
 * a file its `map` names but that never came is BAD_USER_INPUT on `file`.
 */
export function openUploadedFile(upload: PendingUpload): UploadedFile {
  const body = new PassThrough();
  // The import reads a failure from the stream's state when it pipes it; it must not crash the process before.
  body.on('error', () => {});
  let source: Readable | undefined;
  upload.file.then(
    (file) => {
      if (body.destroyed) return;
      try {
        source = file.createReadStream();
      } catch (error) {
        body.destroy(stopped(error));
        return;
      }
      source.on('error', (error) => body.destroy(stopped(error)));
      source.pipe(body);
    },
    (error: { status?: number; message?: string }) => {
      body.destroy(error.status === 400 || error.status === 413 ? badInput('file', String(error.message)) : stopped(error));
    },
  );
  return {
    body,
    close() {
      source?.destroy();
      body.destroy();
    },
  };
}

/** The upload broke off (the client went away, or its part ended early): read as a dropped connection. */
function stopped(cause: unknown): Error {
  return Object.assign(new Error('the upload stopped before the whole file arrived', { cause }), { code: 'ECONNRESET' });
}
