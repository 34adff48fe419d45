// The generated documents (src/gql) import their type from `@graphql-typed-document-node/core`,
// a dependency of @apollo/client but not of the console, so it does not resolve from here.
// These are the package's own (structural) declarations, so the documents stay interchangeable
// with Apollo's `TypedDocumentNode`. Type-only: nothing of this module exists at run time.
declare module '@graphql-typed-document-node/core' {
  import type { DocumentNode } from 'graphql';

  export interface DocumentTypeDecoration<TResult, TVariables> {
    __apiType?: (variables: TVariables) => TResult;
  }

  export interface TypedDocumentNode<TResult = { [key: string]: any }, TVariables = { [key: string]: any }>
    extends DocumentNode,
      DocumentTypeDecoration<TResult, TVariables> {}

  export type ResultOf<T> = T extends DocumentTypeDecoration<infer R, infer _V> ? R : never;
  export type VariablesOf<T> = T extends DocumentTypeDecoration<infer _R, infer V> ? V : never;
}
