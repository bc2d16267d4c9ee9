import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { getMeta, getSession } from './api/endpoints';
import type { AuthAnswer, Category, Session } from './api/types';
import { useTranslation } from 'react-i18next';

export const SESSION_KEY = ['session'] as const;

export function useSession() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: getSession, staleTime: 60_000 });
}

/** The signed-in user (only call below RequireAuth). */
export function useUser() {
  const { data } = useSession();
  return data?.user ?? null;
}

/** Stores a login/signup/setup answer in the session cache. */
export function useSignedIn() {
  const qc = useQueryClient();
  return useCallback(
    (a: AuthAnswer) => {
      qc.setQueryData<Session>(SESSION_KEY, (old) => ({
        institution: old?.institution ?? '',
        signupAllowed: old?.signupAllowed ?? false,
        setupRequired: false,
        csrfToken: a.csrfToken,
        user: a.user,
      }));
      // Everything else cached belonged to whoever was signed in before.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' && q.queryKey[0] !== 'meta' });
    },
    [qc],
  );
}

export function useMeta() {
  return useQuery({ queryKey: ['meta'], queryFn: getMeta, staleTime: 5 * 60_000 });
}

/** Category label in the current language, e.g. "美术 (F)". */
export function useCategoryLabel() {
  const { data: meta } = useMeta();
  const { i18n } = useTranslation();
  return useCallback(
    (key: string | null | undefined, withCode = true): string => {
      if (!key) return '—';
      const c: Category | undefined = meta?.categories.find((x) => x.key === key);
      if (!c) return key;
      const name = i18n.language === 'en' ? c.en : c.zh;
      return withCode ? `${name} (${c.code})` : name;
    },
    [meta, i18n.language],
  );
}
