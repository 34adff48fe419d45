'use client';

import type { TypedDocumentNode } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { graphql } from '@/gql';
import type { SessionFragment } from '@/gql/graphql';
import { useMutationAction } from '@/lib/apollo/use-mutation-action';

// Login and Register select `...Session` (lib/auth/session-api.ts), as the cookie's refresh does.

const MeQuery = graphql(`
  query Me {
    me {
      id
      email
      role
    }
  }
`);

const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      ...Session
    }
  }
`);

const RegisterMutation = graphql(`
  mutation Register($email: String!, $password: String!) {
    register(email: $email, password: $password) {
      ...Session
    }
  }
`);

/**
 * The signed-in user as the API sees them now (a role may have changed since sign-in): `undefined`
 * until it answers, `null` when the token no longer belongs to anyone.
 */
export function useCurrentUser(enabled: boolean) {
  const { data } = useQuery(MeQuery, { skip: !enabled, fetchPolicy: 'network-only' });
  return data ? data.me : undefined;
}

/** Signs in; resolves to the session (token, expiry, user). */
export function useLogin() {
  const { send, loading } = useSessionMutation(LoginMutation, (data) => data.login);
  return { login: send, loading };
}

/** Creates a USER account; resolves to its session. */
export function useRegister() {
  const { send, loading } = useSessionMutation(RegisterMutation, (data) => data.register);
  return { register: send, loading };
}

/** A mutation of an email and a password that answers a session: `send` resolves to it (or throws when none came). */
function useSessionMutation<Data>(mutation: TypedDocumentNode<Data, { email: string; password: string }>, session: (data: Data) => SessionFragment) {
  const { run, loading } = useMutationAction(mutation, session);
  const send = async (email: string, password: string) => {
    const answer = await run({ email, password });
    if (!answer) throw new Error('The API returned no session');
    return answer;
  };
  return { send, loading };
}
