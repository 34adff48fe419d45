// The part of graphql-upload's API (17.x: JavaScript with JSDoc types, no declaration files) the
// API uses: the `Upload` scalar and the express middleware of the GraphQL multipart request spec.
declare module 'graphql-upload/GraphQLUpload.mjs' {
  import type { GraphQLScalarType } from 'graphql';
  const GraphQLUpload: GraphQLScalarType;
  export default GraphQLUpload;
}

declare module 'graphql-upload/processRequest.mjs' {
  import type { Readable } from 'node:stream';
  /** One file of a multipart request, available once its part begins to arrive. */
  export interface FileUpload {
    filename: string;
    mimetype: string;
    encoding: string;
    /** A stream of the file's bytes as they arrive (spooled by fs-capacitor to a temporary file). */
    createReadStream(options?: { highWaterMark?: number }): Readable;
  }
}

declare module 'graphql-upload/graphqlUploadExpress.mjs' {
  import type { RequestHandler } from 'express';
  export default function graphqlUploadExpress(options?: { maxFieldSize?: number; maxFileSize?: number; maxFiles?: number }): RequestHandler;
}
