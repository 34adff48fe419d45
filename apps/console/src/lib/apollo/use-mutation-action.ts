'use client';

import type { OperationVariables, TypedDocumentNode } from '@apollo/client';
import { useMutation } from '@apollo/client/react';

export interface MutationActionOptions<Data, Vars extends OperationVariables> extends Omit<useMutation.Options<Data, Vars>, 'variables'> {
  /**
   * Clear the hook's copy of the answer as soon as `run` resolves (an answer holding a secret, read
   * with `fetchPolicy: 'no-cache'`): only the caller ever holds it.
   */
  forget?: boolean;
}

export interface MutationAction<Vars, Result> {
  /** Runs the mutation; resolves to the part of the answer `pick` chose (null when none came), rejects with the API's error. */
  run(variables: Vars): Promise<Result | null>;
  loading: boolean;
  /** The last run's error, until the next run. */
  error: unknown;
}

/**
 * One mutation as one action: `run(variables)` resolves to `pick(data)`, the part of the answer a
 * caller wants (`data.createPool`), so a feature hook only says which mutation, which variables and
 * which part, and what to read again (`options`, as `useMutation` takes them).
 */
export function useMutationAction<Data, Vars extends OperationVariables, Result>(
  mutation: TypedDocumentNode<Data, Vars>,
  pick: (data: Data) => Result,
  { forget = false, ...options }: MutationActionOptions<Data, Vars> = {},
): MutationAction<Vars, Result> {
  // The variables come with each run, not with the hook.
  const [mutate, state] = useMutation<Data, Vars>(mutation, options as Parameters<typeof useMutation<Data, Vars>>[1]);
  const run = async (variables: Vars) => {
    const { data } = await (mutate as (options: { variables: Vars }) => Promise<{ data?: Data | null }>)({ variables });
    if (forget) state.reset();
    return data ? (pick(data) ?? null) : null;
  };
  return { run, loading: state.loading, error: state.error };
}
