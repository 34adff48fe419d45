'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '@/gql';

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
  const [login, { loading }] = useMutation(LoginMutation);
  const signInWith = async (email: string, password: string) => {
    const { data } = await login({ variables: { email, password } });
    if (!data) throw new Error('The API returned no session');
    return data.login;
  };
  return { login: signInWith, loading };
}

/** Creates a USER account; resolves to its session. */
export function useRegister() {
  const [register, { loading }] = useMutation(RegisterMutation);
  const registerWith = async (email: string, password: string) => {
    const { data } = await register({ variables: { email, password } });
    if (!data) throw new Error('The API returned no session');
    return data.register;
  };
  return { register: registerWith, loading };
}
