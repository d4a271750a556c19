// The one way a form sends a mutation: clear the last errors, send, put typed errors on their
// fields (the rest in `general`, for an alert above the form), turn anything thrown into a
// message, and call `onSuccess` only when the payload has no errors.
import { useCallback, useRef, useState } from 'react';
import type { FormInstance } from 'antd';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useMutation, type UserErrorLike } from './client';
import { applyUserErrors, describeError } from './forms';
import { useI18n } from '../i18n';

export interface FormMutationOptions<TData> {
  /** The form whose fields receive field errors (none: every error is general). */
  form?: FormInstance | null;
  /** Field names of the form that API errors may name (see `formFieldFor`). */
  fields?: string[];
  /** The mutation's payload in the response, which carries `errors`. */
  payload: (data: TData) => { errors: UserErrorLike[] };
  onSuccess?: (data: TData) => void | Promise<void>;
}

export interface FormMutation<TData, TVars> {
  /** Send; resolves to the response when it had no errors, else to null. Never throws. */
  submit: (variables: TVars) => Promise<TData | null>;
  loading: boolean;
  /** Messages that belong to no field. */
  general: string[];
  clear: () => void;
}

export function useFormMutation<TData, TVars>(
  doc: TypedDocumentNode<TData, TVars>,
  options: FormMutationOptions<TData>,
): FormMutation<TData, TVars> {
  const { locale } = useI18n();
  const [send, { loading }] = useMutation(doc);
  const [general, setGeneral] = useState<string[]>([]);
  // Options are usually written inline; the latest ones are read when sending.
  const latest = useRef(options);
  latest.current = options;
  const submit = useCallback(
    async (variables: TVars): Promise<TData | null> => {
      setGeneral([]);
      let data: TData;
      try {
        data = await send(variables);
      } catch (exc) {
        setGeneral([describeError(exc, locale)]);
        return null;
      }
      const { form, fields = [], payload, onSuccess } = latest.current;
      const { errors } = payload(data);
      if (errors.length) {
        setGeneral(applyUserErrors(form ?? null, errors, locale, fields));
        return null;
      }
      await onSuccess?.(data);
      return data;
    },
    [send, locale],
  );
  const clear = useCallback(() => setGeneral([]), []);
  return { submit, loading, general, clear };
}
